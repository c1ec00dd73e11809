//! Registration and profiles.

use serde_json::json;

use crate::support::{app, assert_error, new_user_logged_in, user_doc};

#[tokio::test]
async fn registration_returns_201_with_location_and_hides_the_password() {
    let app = app().await;
    let r = app
        .post("/v1/users", None, &user_doc("New@Example.com", "password1"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_str().unwrap();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/users/{id}").as_str())
    );
    let attrs = &r.body["data"]["attributes"];
    assert_eq!(attrs["email"], "new@example.com");
    assert_eq!(attrs["is-verified"], false);
    assert!(attrs.get("password").is_none() && !r.text.contains("argon2"));
}

#[tokio::test]
async fn duplicate_email_is_409_case_insensitively() {
    let app = app().await;
    assert_eq!(
        app.post("/v1/users", None, &user_doc("dup@example.com", "password1"))
            .await
            .status,
        201
    );
    let r = app
        .post("/v1/users", None, &user_doc("DUP@example.com", "password2"))
        .await;
    assert_error(&r, 409, "conflict");
    assert_eq!(r.error_pointer(), "/data/attributes/email");
}

#[tokio::test]
async fn short_passwords_and_bad_emails_are_422() {
    let app = app().await;
    let r = app
        .post("/v1/users", None, &user_doc("short@example.com", "1234567"))
        .await;
    assert_error(&r, 422, "invalid-attribute");
    assert_eq!(r.error_pointer(), "/data/attributes/password");
    let r = app
        .post("/v1/users", None, &user_doc("not-an-email", "password1"))
        .await;
    assert_eq!(r.error_pointer(), "/data/attributes/email");
}

#[tokio::test]
async fn staff_flags_need_a_super_admin() {
    let app = app().await;
    let mut doc = user_doc("sneaky@example.com", "password1");
    doc["data"]["attributes"]["is-admin"] = json!(true);
    let r = app.post("/v1/users", None, &doc).await;
    assert_error(&r, 403, "forbidden");
    assert_eq!(r.error_pointer(), "/data/attributes/is-admin");

    let (id, token) = new_user_logged_in(&app, "self@example.com", "password1").await;
    for field in ["is-admin", "is-super-admin", "is-verified", "is-blocked"] {
        let r = app
            .patch(
                &format!("/v1/users/{id}"),
                Some(&token),
                &json!({"data": {"type": "user", "id": id, "attributes": {field: true}}}),
            )
            .await;
        assert_error(&r, 403, "forbidden");
        assert_eq!(r.error_pointer(), format!("/data/attributes/{field}"));
    }
}

#[tokio::test]
async fn a_super_admin_makes_admins() {
    let app = open_event_contract_tests::TestApp::spawn_with(|s| {
        s.admin_email = Some("root@example.com".into());
        s.admin_password = Some("rootpassword".into());
    })
    .await
    .unwrap();
    let root = app.login("root@example.com", "rootpassword").await;
    let root = root.body["access_token"].as_str().unwrap().to_owned();
    let (id, _) = new_user_logged_in(&app, "promote@example.com", "password1").await;
    let r = app
        .patch(
            &format!("/v1/users/{id}"),
            Some(&root),
            &json!({"data": {"type": "user", "id": id, "attributes": {"is-admin": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["attributes"]["is-admin"], true);
}

#[tokio::test]
async fn users_see_themselves_only_and_staff_see_everyone() {
    let app = open_event_contract_tests::TestApp::spawn_with(|s| {
        s.admin_email = Some("root@example.com".into());
        s.admin_password = Some("rootpassword".into());
    })
    .await
    .unwrap();
    let (a, ta) = new_user_logged_in(&app, "a@example.com", "password1").await;
    let (b, _) = new_user_logged_in(&app, "b@example.com", "password1").await;
    assert_eq!(
        app.get(&format!("/v1/users/{a}"), Some(&ta)).await.status,
        200
    );
    assert_error(
        &app.get(&format!("/v1/users/{b}"), Some(&ta)).await,
        404,
        "not-found",
    );
    assert_error(
        &app.get(&format!("/v1/users/{a}"), None).await,
        401,
        "unauthorized",
    );
    assert_eq!(app.get("/v1/users", Some(&ta)).await.ids(), vec![a.clone()]);
    assert_error(&app.get("/v1/users", None).await, 401, "unauthorized");
    let root = app.login("root@example.com", "rootpassword").await;
    let root = root.body["access_token"].as_str().unwrap().to_owned();
    let all = app.get("/v1/users", Some(&root)).await;
    assert_eq!(all.body["meta"]["count"], 3);
    assert_eq!(
        app.get(&format!("/v1/users/{b}"), Some(&root)).await.status,
        200
    );
}

#[tokio::test]
async fn users_update_their_profile_and_a_new_email_must_be_verified_again() {
    let app = app().await;
    let (id, token) = new_user_logged_in(&app, "old@example.com", "password1").await;
    let r = app
        .patch(
            &format!("/v1/users/{id}"),
            Some(&token),
            &json!({"data": {"type": "user", "id": id, "attributes": {"first-name": "Ada", "email": "new@example.com"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["attributes"]["first-name"], "Ada");
    assert_eq!(r.body["data"]["attributes"]["is-verified"], false);
    assert_eq!(app.mails_to("new@example.com").await.len(), 1);
    let r = app
        .patch(
            &format!("/v1/users/{id}"),
            Some(&token),
            &json!({"data": {"type": "user", "id": "999", "attributes": {}}}),
        )
        .await;
    assert_error(&r, 409, "id-mismatch");
    let r = app
        .patch(
            &format!("/v1/users/{id}"),
            Some(&token),
            &json!({"data": {"type": "user", "id": id, "attributes": {"password": "newpassword"}}}),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
}

#[tokio::test]
async fn deleting_yourself_ends_your_sessions() {
    let app = app().await;
    let (id, token) = new_user_logged_in(&app, "bye@example.com", "password1").await;
    let r = app.delete(&format!("/v1/users/{id}"), Some(&token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["meta"]["message"], "Object successfully deleted");
    assert_error(
        &app.get(&format!("/v1/users/{id}"), Some(&token)).await,
        401,
        "unauthorized",
    );
    assert_eq!(app.login("bye@example.com", "password1").await.status, 401);
}

/// Email notification settings (the worked example of
/// `docs/adding-a-resource.md`): what the declaration promises beyond the
/// runner's generic contract.
#[tokio::test]
async fn email_notifications_are_the_callers_own_about_events_they_can_see() {
    use open_event_factories::prelude::*;

    let app = app().await;
    let db = app.db();
    let published = EventFactory::new().published().create(db).await.unwrap();
    let draft = EventFactory::new().draft().create(db).await.unwrap();
    let ada = UserFactory::new().create(db).await.unwrap();
    let bob = UserFactory::new().create(db).await.unwrap();
    let (ada_token, bob_token) = (app.token_for(&ada), app.token_for(&bob));
    let doc = |event_id: i64, attributes: serde_json::Value| {
        json!({"data": {"type": "email-notification", "attributes": attributes,
            "relationships": {"event": {"data": {"type": "event", "id": event_id.to_string()}}}}})
    };

    // The user is the caller; flags left out are off.
    let made = app
        .post(
            "/v1/email-notifications",
            Some(&ada_token),
            &doc(published.id, json!({"new-paper": true})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["data"]["id"].as_str().unwrap().to_owned();
    let attrs = &made.body["data"]["attributes"];
    assert_eq!(
        (attrs["new-paper"].clone(), attrs["next-event"].clone()),
        (json!(true), json!(false))
    );
    let user = app
        .get(
            &format!("/v1/email-notifications/{id}/relationships/user"),
            Some(&ada_token),
        )
        .await;
    assert_eq!(user.body["data"]["id"], ada.id.to_string());

    // Naming someone else as the user is refused; so is an event the
    // caller cannot see (404 on its pointer).
    let mut for_bob = doc(published.id, json!({}));
    for_bob["data"]["relationships"]["user"] =
        json!({"data": {"type": "user", "id": bob.id.to_string()}});
    let refused = app
        .post("/v1/email-notifications", Some(&ada_token), &for_bob)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["errors"][0]["source"]["pointer"],
        "/data/relationships/user"
    );
    let hidden = app
        .post(
            "/v1/email-notifications",
            Some(&ada_token),
            &doc(draft.id, json!({})),
        )
        .await;
    assert_eq!(hidden.status, 404, "{}", hidden.text);
    assert_eq!(
        hidden.body["errors"][0]["source"]["pointer"],
        "/data/relationships/event"
    );

    // Only their own: Bob neither lists nor reads nor changes Ada's.
    let bobs = EmailNotificationFactory::new()
        .for_event(&published)
        .for_user(&bob)
        .create(db)
        .await
        .unwrap();
    let listed = app.get("/v1/email-notifications", Some(&ada_token)).await;
    assert_eq!(listed.ids(), vec![id.clone()]);
    let nested = app
        .get(
            &format!("/v1/users/{}/email-notifications", bob.id),
            Some(&bob_token),
        )
        .await;
    assert_eq!(nested.ids(), vec![bobs.id.to_string()]);
    assert_eq!(
        app.get(&format!("/v1/email-notifications/{id}"), Some(&bob_token))
            .await
            .status,
        404
    );
    let patch = json!({"data": {"type": "email-notification", "id": id, "attributes": {"next-event": true}}});
    assert_eq!(
        app.patch(
            &format!("/v1/email-notifications/{id}"),
            Some(&bob_token),
            &patch
        )
        .await
        .status,
        404
    );
    let changed = app
        .patch(
            &format!("/v1/email-notifications/{id}"),
            Some(&ada_token),
            &patch,
        )
        .await;
    assert_eq!(
        changed.body["data"]["attributes"]["next-event"], true,
        "{}",
        changed.text
    );
    assert_eq!(app.get("/v1/email-notifications", None).await.status, 401);
}
