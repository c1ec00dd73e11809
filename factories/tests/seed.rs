//! The demo world (snapshot, roles, passwords, idempotency) and the large
//! world (counts, validity, repeatability).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveTime, Utc};
use open_event_factories::{
    Role,
    seed::{self, DEMO_PASSWORD, DemoRole, DemoWorld},
};
use open_event_server::{
    auth::password,
    db::{
        self,
        entities::{event, role, user, users_events_role},
    },
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

async fn fresh_db() -> DatabaseConnection {
    db::connect("sqlite::memory:").await.unwrap()
}

async fn counts(db: &DatabaseConnection) -> (u64, u64, u64) {
    (
        user::Entity::find().count(db).await.unwrap(),
        event::Entity::find().count(db).await.unwrap(),
        users_events_role::Entity::find().count(db).await.unwrap(),
    )
}

/// The world minus what varies between runs (ids, creation times,
/// hashes); dates as offsets from today's midnight (UTC).
async fn project(db: &DatabaseConnection, world: &DemoWorld) -> Value {
    let midnight = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    let role_names: BTreeMap<i64, String> = role::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let email_of: BTreeMap<i64, &str> = world
        .users
        .all()
        .iter()
        .map(|a| (a.user.id, a.email.as_str()))
        .collect();
    let name_of: BTreeMap<i64, &str> = world
        .events
        .all()
        .iter()
        .map(|e| (e.id, e.name.as_str()))
        .collect();
    let accounts: Vec<Value> = world
        .users
        .all()
        .iter()
        .map(|a| {
            let u = &a.user;
            json!({
                "role": a.role.label(),
                "email": a.email,
                "password": a.password,
                "name": u.public_name,
                "super_admin": u.is_super_admin,
                "admin": u.is_admin,
                "verified": u.is_verified,
                "blocked": u.is_blocked,
            })
        })
        .collect();
    let events: Vec<Value> = world
        .events
        .all()
        .iter()
        .map(|e| {
            json!({
                "identifier": e.identifier,
                "name": e.name,
                "state": e.state,
                "privacy": e.privacy,
                "online": e.online,
                "featured": e.is_featured,
                "call_for_speakers": e.is_cfs_enabled,
                "timezone": e.timezone,
                "location": e.location_name,
                "starts_hours_after_midnight": (e.starts_at - midnight).num_hours(),
                "length_hours": (e.ends_at - e.starts_at).num_hours(),
                "owner": e.creator_id.and_then(|id| email_of.get(&id)),
                "organizer_name": e.owner_name,
            })
        })
        .collect();
    let mut grants: Vec<(String, String, String)> = world
        .grants
        .iter()
        .map(|g| {
            (
                name_of[&g.event_id].to_owned(),
                role_names[&g.role_id].clone(),
                email_of[&g.user_id].to_owned(),
            )
        })
        .collect();
    grants.sort();
    json!({ "seed": world.seed, "accounts": accounts, "events": events, "grants": grants })
}

#[tokio::test]
async fn demo_world_snapshot() {
    let db = fresh_db().await;
    let world = seed::demo(&db, 2026).await.unwrap();
    insta::assert_json_snapshot!("demo_world_seed_2026", project(&db, &world).await);
}

#[tokio::test]
async fn demo_world_has_every_role_with_known_passwords() {
    let db = fresh_db().await;
    let world = seed::demo(&db, 1).await.unwrap();
    for account in world.users.all() {
        assert_eq!(account.password, DEMO_PASSWORD);
        assert_eq!(account.email, account.role.email());
        assert!(password::verify(DEMO_PASSWORD, &account.user.password_hash));
        let stored = db::users::by_email(&db, &account.email)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored, account.user);
    }
    let u = &world.users;
    assert!(u.super_admin.user.is_super_admin);
    assert!(u.admin.user.is_admin && !u.admin.user.is_super_admin);
    assert!(!u.unverified.user.is_verified);
    assert!(u.blocked.user.is_blocked);
    assert!(!u.user.user.is_admin && u.user.user.is_verified);

    // Every event role is held on the summit, each by its demo account.
    let summit = &world.events.summit;
    for (who, role) in [
        (DemoRole::Owner, Role::Owner),
        (DemoRole::Organizer, Role::Organizer),
        (DemoRole::Coorganizer, Role::Coorganizer),
        (DemoRole::TrackOrganizer, Role::TrackOrganizer),
        (DemoRole::Moderator, Role::Moderator),
        (DemoRole::Registrar, Role::Registrar),
    ] {
        let names = db::roles::names_on_event(&db, u.get(who).user.id, summit.id)
            .await
            .unwrap();
        assert_eq!(names, [role.name()], "{who:?}");
    }
    // Staff and plain users hold no event role.
    for who in [
        DemoRole::SuperAdmin,
        DemoRole::Admin,
        DemoRole::User,
        DemoRole::Unverified,
        DemoRole::Blocked,
    ] {
        assert!(world.grants.iter().all(|g| g.user_id != u.get(who).user.id));
    }

    // Both states and both privacies, all valid.
    let combos: HashSet<(&str, &str)> = world
        .events
        .all()
        .iter()
        .map(|e| (e.state.as_str(), e.privacy.as_str()))
        .collect();
    for combo in [
        ("published", "public"),
        ("published", "private"),
        ("draft", "public"),
        ("draft", "private"),
    ] {
        assert!(combos.contains(&combo), "{combo:?}");
    }
    let now = Utc::now();
    assert!(world.events.workshop.ends_at < now);
    assert!(world.events.summit.starts_at > now);
    for e in world.events.all() {
        assert!(e.ends_at > e.starts_at);
        assert!(e.timezone.parse::<chrono_tz::Tz>().is_ok());
    }
    assert_eq!(world.events.online.creator_id, Some(u.organizer.user.id));
}

#[tokio::test]
async fn demo_is_idempotent_and_deterministic() {
    let db = fresh_db().await;
    let first = seed::demo(&db, 7).await.unwrap();
    let after_first = counts(&db).await;
    let second = seed::demo(&db, 7).await.unwrap();
    assert_eq!(counts(&db).await, after_first);
    assert_eq!(first, second);

    // A fresh database with the same seed gets the same world.
    let other = fresh_db().await;
    let again = seed::demo(&other, 7).await.unwrap();
    assert_eq!(project(&db, &first).await, project(&other, &again).await);
    // A different seed, different data (accounts keep their emails).
    let third = fresh_db().await;
    let different = seed::demo(&third, 8).await.unwrap();
    assert_ne!(
        project(&db, &first).await,
        project(&third, &different).await
    );
    assert_eq!(different.users.admin.email, first.users.admin.email);

    // A partly deleted world is completed, not duplicated.
    users_events_role::Entity::delete_by_id(first.grants[1].id)
        .exec(&db)
        .await
        .unwrap();
    let repaired = seed::demo(&db, 7).await.unwrap();
    assert_eq!(counts(&db).await, after_first);
    assert_eq!(repaired.users, first.users);
    assert_eq!(repaired.events, first.events);
}

#[tokio::test]
async fn large_world_is_valid_and_repeatable() {
    let db = fresh_db().await;
    let w = seed::large(&db, 3, 300).await.unwrap();
    assert_eq!(
        (w.user_ids.len(), w.event_ids.len(), w.grants),
        (300, 300, 600)
    );
    assert_eq!(counts(&db).await, (300, 300, 600));
    // Again on the same database: unique fields do not collide.
    seed::large(&db, 3, 300).await.unwrap();
    assert_eq!(counts(&db).await, (600, 600, 1200));

    let users = user::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        users.iter().map(|u| &u.email).collect::<HashSet<_>>().len(),
        600
    );
    assert!(users.iter().any(|u| u.is_admin));
    assert!(password::verify(
        open_event_factories::DEFAULT_PASSWORD,
        &users[0].password_hash
    ));
    let events = event::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| &e.identifier)
            .collect::<HashSet<_>>()
            .len(),
        600
    );
    let owner = Role::Owner.id(&db).await.unwrap();
    for e in &events {
        assert!(e.ends_at > e.starts_at && e.timezone.parse::<chrono_tz::Tz>().is_ok());
        let creator = e.creator_id.unwrap();
        let names = db::roles::names_on_event(&db, creator, e.id).await.unwrap();
        assert!(names.contains(&"owner".to_owned()), "{names:?}");
        let _ = owner;
    }
    let states: HashSet<(&str, &str)> = events
        .iter()
        .map(|e| (e.state.as_str(), e.privacy.as_str()))
        .collect();
    assert_eq!(states.len(), 4);
    assert_eq!(seed::large(&db, 3, 0).await.unwrap().user_ids.len(), 0);
}
