//! Events: create, address by id or identifier, validation, drafts, soft delete.

use chrono::{Duration, TimeZone, Utc};
use open_event_factories::prelude::*;
use serde_json::json;

use crate::support::{app, assert_error};

fn event_doc(attrs: serde_json::Value) -> serde_json::Value {
    json!({"data": {"type": "event", "attributes": attrs}})
}

#[tokio::test]
async fn creating_an_event_makes_the_creator_its_owner() {
    let app = app().await;
    let user = UserFactory::new().create(app.db()).await.unwrap();
    let token = app.token_for(&user);
    let r = app
        .post(
            "/v1/events",
            Some(&token),
            &event_doc(json!({"name": "Conf", "starts-at": "2031-01-01T09:00:00Z", "ends-at": "2031-01-02T17:00:00+01:00", "timezone": "Asia/Kolkata"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/events/{id}").as_str())
    );
    let attrs = &r.body["data"]["attributes"];
    assert_eq!(attrs["state"], "draft");
    assert_eq!(attrs["privacy"], "public");
    assert_eq!(attrs["ends-at"], "2031-01-02T16:00:00Z", "stored in UTC");
    let identifier = attrs["identifier"].as_str().unwrap();
    assert!(identifier.len() == 8 && identifier.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!identifier.bytes().all(|b| b.is_ascii_digit()));
    let roles =
        open_event_server::db::roles::names_on_event(app.db(), user.id, id.parse().unwrap())
            .await
            .unwrap();
    assert_eq!(roles, vec!["owner".to_owned()]);
    let by_identifier = app
        .get(&format!("/v1/events/{identifier}"), Some(&token))
        .await;
    assert_eq!(by_identifier.status, 200);
    assert_eq!(by_identifier.body["data"]["id"], id);
}

#[tokio::test]
async fn anonymous_users_cannot_create_events() {
    let app = app().await;
    let r = app
        .post("/v1/events", None, &event_doc(json!({"name": "x"})))
        .await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn event_validation_is_422_with_pointers() {
    let app = app().await;
    let token = app.token_for(&UserFactory::new().create(app.db()).await.unwrap());
    let base = json!({"name": "Conf", "starts-at": "2031-01-05T09:00:00Z", "ends-at": "2031-01-06T09:00:00Z", "timezone": "UTC"});
    for (patch, pointer) in [
        (
            json!({"ends-at": "2031-01-05T08:00:00Z"}),
            "/data/attributes/ends-at",
        ),
        (
            json!({"ends-at": "2031-01-05T09:00:00Z"}),
            "/data/attributes/ends-at",
        ),
        (
            json!({"ends-at": "2031-01-26T09:00:01Z"}),
            "/data/attributes/ends-at",
        ),
        (
            json!({"timezone": "Europe/Nowhere"}),
            "/data/attributes/timezone",
        ),
        (json!({"latitude": -90.5}), "/data/attributes/latitude"),
        (json!({"longitude": 181}), "/data/attributes/longitude"),
        (json!({"state": "archived"}), "/data/attributes/state"),
        (json!({"privacy": "secret"}), "/data/attributes/privacy"),
        (
            json!({"logo-url": "ftp://example.com/logo.png"}),
            "/data/attributes/logo-url",
        ),
        (json!({"name": ""}), "/data/attributes/name"),
        (
            json!({"identifier": "deadbeef"}),
            "/data/attributes/identifier",
        ),
    ] {
        let mut attrs = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            attrs[k] = v.clone();
        }
        let r = app
            .post("/v1/events", Some(&token), &event_doc(attrs))
            .await;
        assert_error(&r, 422, "invalid-attribute");
        assert_eq!(r.error_pointer(), pointer, "{patch}");
    }
    // Exactly 20 days is fine.
    let mut ok = base.clone();
    ok["ends-at"] = json!("2031-01-25T09:00:00Z");
    assert_eq!(
        app.post("/v1/events", Some(&token), &event_doc(ok))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn updates_keep_the_date_rules() {
    let app = app().await;
    let owner = UserFactory::new().create(app.db()).await.unwrap();
    let start = Utc.with_ymd_and_hms(2031, 6, 1, 9, 0, 0).unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .with_starts_at(start)
        .with_duration(Duration::days(2))
        .create(app.db())
        .await
        .unwrap();
    let token = app.token_for(&owner);
    let patch = |attrs: serde_json::Value| json!({"data": {"type": "event", "id": e.id.to_string(), "attributes": attrs}});
    let r = app
        .patch(
            &format!("/v1/events/{}", e.id),
            Some(&token),
            &patch(json!({"starts-at": "2031-06-04T00:00:00Z"})),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
    assert_eq!(r.error_pointer(), "/data/attributes/ends-at");
    let r = app
        .patch(
            &format!("/v1/events/{}", e.identifier),
            Some(&token),
            &patch(json!({"name": "Renamed", "state": "published"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["attributes"]["name"], "Renamed");
}

#[tokio::test]
async fn drafts_are_404_to_outsiders_and_visible_to_their_people() {
    let app = app().await;
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let draft = EventFactory::new()
        .owned_by(&owner)
        .draft()
        .create(db)
        .await
        .unwrap();
    let stranger = UserFactory::new().create(db).await.unwrap();
    let moderator = UserFactory::new()
        .moderator_of(&draft)
        .create(db)
        .await
        .unwrap();
    let admin = UserFactory::new().admin().create(db).await.unwrap();
    for path in [
        format!("/v1/events/{}", draft.id),
        format!("/v1/events/{}", draft.identifier),
    ] {
        assert_error(&app.get(&path, None).await, 404, "not-found");
        assert_error(
            &app.get(&path, Some(&app.token_for(&stranger))).await,
            404,
            "not-found",
        );
        for who in [&owner, &moderator, &admin] {
            assert_eq!(app.get(&path, Some(&app.token_for(who))).await.status, 200);
        }
    }
    // A hidden draft is 404 for writes too, before any 403.
    let body =
        json!({"data": {"type": "event", "id": draft.id.to_string(), "attributes": {"name": "x"}}});
    assert_error(
        &app.patch(
            &format!("/v1/events/{}", draft.id),
            Some(&app.token_for(&stranger)),
            &body,
        )
        .await,
        404,
        "not-found",
    );
    assert!(app.get("/v1/events", None).await.ids().is_empty());
    assert_eq!(
        app.get("/v1/events", Some(&app.token_for(&moderator)))
            .await
            .ids(),
        vec![draft.id.to_string()]
    );
}

#[tokio::test]
async fn deleted_events_disappear() {
    let app = app().await;
    let owner = UserFactory::new().create(app.db()).await.unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .published()
        .create(app.db())
        .await
        .unwrap();
    let token = app.token_for(&owner);
    let r = app
        .delete(&format!("/v1/events/{}", e.id), Some(&token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["meta"]["message"], "Object successfully deleted");
    assert_error(
        &app.get(&format!("/v1/events/{}", e.id), Some(&token)).await,
        404,
        "not-found",
    );
    assert!(app.get("/v1/events", None).await.ids().is_empty());
    // Soft: the row is still there.
    assert!(
        open_event_server::db::events::exists(app.db(), e.id)
            .await
            .unwrap()
    );
}

/// A drawn identifier that is already taken is drawn again (the server
/// chose it; the client never sees a 409 for it), the failed attempts keep
/// nothing, and an identifier the caller chose is never replaced.
#[tokio::test]
async fn a_taken_identifier_is_drawn_again() {
    use open_event_server::db::{
        entities::{event, users_events_role},
        events::{IDENTIFIER_DRAWS, create_with_owner_drawing},
    };
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, EntityTrait, PaginatorTrait, Set};

    let app = app().await;
    let owner = UserFactory::new().create(app.db()).await.unwrap();
    EventFactory::new()
        .with_identifier("abcdef01")
        .create(app.db())
        .await
        .unwrap();
    let fresh = || {
        let mut am = event::ActiveModel::from(EventFactory::new().build().unwrap()).reset_all();
        am.id = NotSet;
        am.identifier = NotSet;
        am
    };
    let counts = async || {
        (
            event::Entity::find().count(app.db()).await.unwrap(),
            users_events_role::Entity::find()
                .count(app.db())
                .await
                .unwrap(),
        )
    };
    let before = counts().await;

    let mut draws = vec!["abcdef02", "abcdef01"];
    let e = create_with_owner_drawing(app.db(), fresh(), owner.id, || {
        draws.pop().unwrap().to_owned()
    })
    .await
    .unwrap();
    assert_eq!(e.identifier, "abcdef02");
    assert_eq!(e.creator_id, Some(owner.id));
    assert_eq!(counts().await, (before.0 + 1, before.1 + 1));

    // Always taken: refused after IDENTIFIER_DRAWS draws, nothing kept.
    let before = counts().await;
    let mut n = 0;
    let err = create_with_owner_drawing(app.db(), fresh(), owner.id, || {
        n += 1;
        "abcdef01".to_owned()
    })
    .await
    .unwrap_err();
    assert!(open_event_server::db::is_unique_violation(&err), "{err}");
    assert_eq!(n, IDENTIFIER_DRAWS);
    assert_eq!(counts().await, before);

    // Chosen by the caller: one attempt, never drawn.
    let mut am = fresh();
    am.identifier = Set("abcdef01".into());
    let mut n = 0;
    let err = create_with_owner_drawing(app.db(), am, owner.id, || {
        n += 1;
        "abcdef09".to_owned()
    })
    .await
    .unwrap_err();
    assert!(open_event_server::db::is_unique_violation(&err), "{err}");
    assert_eq!(n, 0);
    assert_eq!(counts().await, before);
}
