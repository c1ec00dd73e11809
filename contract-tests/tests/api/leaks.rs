//! Regression tests: the permission leaks of Open Event (reference §2.2 and
//! §7) that touch users, events, roles, grants and invites stay closed.

use open_event_factories::prelude::*;
use serde_json::json;

use crate::support::{app, assert_error, invite_doc};

#[tokio::test]
async fn issue_7343_draft_events_are_not_visible_by_id_or_identifier() {
    let app = app().await;
    let e = EventFactory::new().draft().create(app.db()).await.unwrap();
    let stranger = app.token_for(&UserFactory::new().create(app.db()).await.unwrap());
    for path in [
        format!("/v1/events/{}", e.id),
        format!("/v1/events/{}", e.identifier),
    ] {
        assert_error(&app.get(&path, None).await, 404, "not-found");
        assert_error(&app.get(&path, Some(&stranger)).await, 404, "not-found");
    }
}

#[tokio::test]
async fn issue_6381_nobody_edits_other_users() {
    let app = app().await;
    let victim = UserFactory::new().create(app.db()).await.unwrap();
    let attacker = app.token_for(&UserFactory::new().create(app.db()).await.unwrap());
    let body = json!({"data": {"type": "user", "id": victim.id.to_string(), "attributes": {"email": "mine@example.com"}}});
    assert_error(
        &app.patch(&format!("/v1/users/{}", victim.id), Some(&attacker), &body)
            .await,
        404,
        "not-found",
    );
    assert_error(
        &app.delete(&format!("/v1/users/{}", victim.id), Some(&attacker))
            .await,
        404,
        "not-found",
    );
}

#[tokio::test]
async fn self_patch_of_is_admin_is_refused_not_ignored() {
    let app = app().await;
    let me = UserFactory::new().create(app.db()).await.unwrap();
    let body = json!({"data": {"type": "user", "id": me.id.to_string(), "attributes": {"is-admin": true}}});
    let r = app
        .patch(
            &format!("/v1/users/{}", me.id),
            Some(&app.token_for(&me)),
            &body,
        )
        .await;
    assert_error(&r, 403, "forbidden");
    assert_eq!(r.error_pointer(), "/data/attributes/is-admin");
    let stored = open_event_server::db::users::by_email(app.db(), &me.email)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.is_admin);
}

#[tokio::test]
async fn admins_cannot_make_admins_only_the_super_admin_can() {
    let app = app().await;
    let admin = app.token_for(&UserFactory::new().admin().create(app.db()).await.unwrap());
    let target = UserFactory::new().create(app.db()).await.unwrap();
    let body = json!({"data": {"type": "user", "id": target.id.to_string(), "attributes": {"is-admin": true}}});
    assert_error(
        &app.patch(&format!("/v1/users/{}", target.id), Some(&admin), &body)
            .await,
        403,
        "forbidden",
    );
    let root = app.token_for(
        &UserFactory::new()
            .super_admin()
            .create(app.db())
            .await
            .unwrap(),
    );
    assert_eq!(
        app.patch(&format!("/v1/users/{}", target.id), Some(&root), &body)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn role_invite_hash_is_never_shown_to_strangers_or_the_invitee() {
    let app = app().await;
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .published()
        .create(db)
        .await
        .unwrap();
    let invitee = UserFactory::new().create(db).await.unwrap();
    let body = invite_doc(&app, e.id, &invitee.email, "coorganizer").await;
    let created = app
        .post("/v1/role-invites", Some(&app.token_for(&owner)), &body)
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(
        created.body["data"]["attributes"]["hash"].is_string(),
        "organizers see the token"
    );
    let path = format!(
        "/v1/role-invites/{}",
        created.body["data"]["id"].as_str().unwrap()
    );
    assert_error(&app.get(&path, None).await, 401, "unauthorized");
    let stranger = app.token_for(&UserFactory::new().create(db).await.unwrap());
    assert_error(&app.get(&path, Some(&stranger)).await, 404, "not-found");
    let mine = app.get(&path, Some(&app.token_for(&invitee))).await;
    assert_eq!(mine.status, 200);
    assert!(
        mine.body["data"]["attributes"].get("hash").is_none(),
        "{}",
        mine.text
    );
    let listed = app
        .get(
            "/v1/role-invites?include=event",
            Some(&app.token_for(&invitee)),
        )
        .await;
    assert!(
        !listed
            .text
            .contains(created.body["data"]["attributes"]["hash"].as_str().unwrap())
    );
    // The token reached the invitee by mail only.
    let mail = app.mails_to(&invitee.email).await.pop().unwrap();
    assert_eq!(
        mail.token.as_deref(),
        created.body["data"]["attributes"]["hash"].as_str()
    );
}

#[tokio::test]
async fn accepting_needs_the_invited_account_and_an_owner_invite_demotes_the_old_owner() {
    let app = app().await;
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .published()
        .create(db)
        .await
        .unwrap();
    let heir = UserFactory::new().create(db).await.unwrap();
    let body = invite_doc(&app, e.id, &heir.email, "owner").await;
    assert_eq!(
        app.post("/v1/role-invites", Some(&app.token_for(&owner)), &body)
            .await
            .status,
        201
    );
    let token = app
        .mails_to(&heir.email)
        .await
        .pop()
        .unwrap()
        .token
        .unwrap();
    let accept = json!({"data": {"token": token}});
    assert_error(
        &app.post_json("/v1/role-invites/accept-invite", None, &accept)
            .await,
        401,
        "unauthorized",
    );
    let other = app.token_for(&UserFactory::new().create(db).await.unwrap());
    assert_error(
        &app.post_json("/v1/role-invites/accept-invite", Some(&other), &accept)
            .await,
        404,
        "not-found",
    );
    let r = app
        .post_json(
            "/v1/role-invites/accept-invite",
            Some(&app.token_for(&heir)),
            &accept,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["type"], "users-events-roles");
    let roles = |u: i64| open_event_server::db::roles::names_on_event(db, u, e.id);
    assert_eq!(roles(heir.id).await.unwrap(), vec!["owner".to_owned()]);
    assert_eq!(roles(owner.id).await.unwrap(), vec!["organizer".to_owned()]);
    // Used once: the heir (now the owner) sees the accepted invite but cannot accept it again.
    assert_error(
        &app.post_json(
            "/v1/role-invites/accept-invite",
            Some(&app.token_for(&heir)),
            &accept,
        )
        .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn only_owners_and_organizers_invite_and_only_owners_invite_owners() {
    let app = app().await;
    let db = app.db();
    let e = EventFactory::new()
        .published()
        .with_organizers(1)
        .with_coorganizers(1)
        .create_graph(db)
        .await
        .unwrap();
    let organizer = app.token_for(e.with_role(Role::Organizer).next().unwrap());
    let coorganizer = app.token_for(e.with_role(Role::Coorganizer).next().unwrap());
    let invite = |role: &str| {
        let role = role.to_owned();
        let event = e.event.id;
        async move {
            let role_id = open_event_server::db::roles::id_by_name(db, &role)
                .await
                .unwrap();
            json!({"data": {"type": "role-invite", "attributes": {"email": "x@example.com", "role-name": role},
                "relationships": {"event": {"data": {"type": "event", "id": event.to_string()}}, "role": {"data": {"type": "role", "id": role_id.to_string()}}}}})
        }
    };
    assert_error(
        &app.post(
            "/v1/role-invites",
            Some(&coorganizer),
            &invite("moderator").await,
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post("/v1/role-invites", Some(&organizer), &invite("owner").await)
            .await,
        403,
        "forbidden",
    );
    assert_eq!(
        app.post(
            "/v1/role-invites",
            Some(&organizer),
            &invite("moderator").await
        )
        .await
        .status,
        201
    );
    let mismatch = {
        let mut b = invite("moderator").await;
        b["data"]["attributes"]["role-name"] = json!("registrar");
        b
    };
    let r = app
        .post("/v1/role-invites", Some(&organizer), &mismatch)
        .await;
    assert_error(&r, 422, "invalid-attribute");
    let mut no_event = invite("moderator").await;
    no_event["data"]["relationships"]
        .as_object_mut()
        .unwrap()
        .remove("event");
    let r = app
        .post("/v1/role-invites", Some(&organizer), &no_event)
        .await;
    assert_eq!(r.error_pointer(), "/data/relationships/event");
}

#[tokio::test]
async fn the_owner_grant_is_never_removed_and_co_organizers_cannot_delete_events() {
    let app = app().await;
    let db = app.db();
    let g = EventFactory::new()
        .published()
        .with_coorganizers(1)
        .create_graph(db)
        .await
        .unwrap();
    let root = app.token_for(&UserFactory::new().super_admin().create(db).await.unwrap());
    let owner_grant = app
        .get(
            &format!("/v1/events/{}/users-events-roles?include=role", g.event.id),
            Some(&root),
        )
        .await;
    let owner_grant_id = owner_grant.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gr| {
            let role_id = gr["relationships"]["role"]["data"]["id"].as_str().unwrap();
            owner_grant.body["included"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == role_id && r["attributes"]["name"] == "owner")
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &app.delete(
            &format!("/v1/users-events-roles/{owner_grant_id}"),
            Some(&root),
        )
        .await,
        403,
        "forbidden",
    );
    let co = app.token_for(g.with_role(Role::Coorganizer).next().unwrap());
    assert_error(
        &app.delete(&format!("/v1/events/{}", g.event.id), Some(&co))
            .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn roles_need_a_token_and_grant_relationships_are_guarded() {
    let app = app().await;
    let db = app.db();
    assert_error(&app.get("/v1/roles", None).await, 401, "unauthorized");
    let g = EventFactory::new()
        .published()
        .with_moderators(1)
        .create_graph(db)
        .await
        .unwrap();
    let moderator = g.with_role(Role::Moderator).next().unwrap();
    let grant = g
        .members
        .iter()
        .find(|m| m.user.id == moderator.id)
        .unwrap()
        .grant
        .id;
    let registrar = open_event_server::db::roles::id_by_name(db, "registrar")
        .await
        .unwrap();
    let body = json!({"data": {"type": "role", "id": registrar.to_string()}});
    let path = format!("/v1/users-events-roles/{grant}/relationships/role");
    let stranger = app.token_for(&UserFactory::new().create(db).await.unwrap());
    assert_error(
        &app.patch(&path, Some(&stranger), &body).await,
        404,
        "not-found",
    );
    assert_error(
        &app.patch(&path, Some(&app.token_for(moderator)), &body)
            .await,
        403,
        "forbidden",
    );
    let r = app
        .patch(&path, Some(&app.token_for(&g.owner)), &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["id"], registrar.to_string());
    let owner_role = open_event_server::db::roles::id_by_name(db, "owner")
        .await
        .unwrap();
    let r = app
        .patch(
            &path,
            Some(&app.token_for(&g.owner)),
            &json!({"data": {"type": "role", "id": owner_role.to_string()}}),
        )
        .await;
    assert_error(&r, 403, "forbidden");
}

#[tokio::test]
async fn moderators_and_other_event_roles_work_without_crashing() {
    let app = app().await;
    let db = app.db();
    let g = EventFactory::new()
        .draft()
        .with_moderators(1)
        .with_track_organizers(1)
        .with_registrars(1)
        .create_graph(db)
        .await
        .unwrap();
    for m in &g.members {
        let r = app
            .get(
                &format!("/v1/events/{}", g.event.id),
                Some(&app.token_for(&m.user)),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}: {}", m.role, r.text);
    }
}
