//! One test (or a few) per factory feature: defaults, overrides, sequences,
//! lazy attributes, sub-factories, related factories, traits, build vs
//! create, batches, errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use open_event_factories::{prelude::*, role, user::EMAIL_DOMAIN};
use open_event_server::{
    auth::password,
    db::{
        self,
        entities::{event, user, users_events_role},
    },
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

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

/// The server's rules for an event (API validation and schema).
fn assert_valid_event(e: &event::Model) {
    assert!(e.ends_at > e.starts_at, "{e:?}");
    assert!(e.ends_at - e.starts_at <= Duration::days(20), "{e:?}");
    assert!(
        e.timezone.parse::<chrono_tz::Tz>().is_ok(),
        "{}",
        e.timezone
    );
    assert!(event::state::ALL.contains(&e.state.as_str()));
    assert!(event::PRIVACY.contains(&e.privacy.as_str()));
    assert_eq!(e.identifier.len(), 8);
    assert!(
        e.identifier
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert!(!e.identifier.bytes().all(|b| b.is_ascii_digit()));
    assert!(e.latitude.is_none_or(|l| (-90.0..=90.0).contains(&l)));
    assert!(e.longitude.is_none_or(|l| (-180.0..=180.0).contains(&l)));
    assert!(!e.name.is_empty() && e.name.len() <= 255);
    for url in [
        &e.external_event_url,
        &e.logo_url,
        &e.original_image_url,
        &e.ticket_url,
    ] {
        assert!(
            url.as_deref().is_none_or(|u| u.starts_with("https://")),
            "{url:?}"
        );
    }
}

fn assert_valid_user(u: &user::Model) {
    let (local, domain) = u.email.split_once('@').unwrap();
    assert!(!local.is_empty() && domain.contains('.'));
    assert_eq!(u.email, u.email.to_lowercase());
    assert!(!u.email.chars().any(char::is_whitespace));
    assert!(u.first_name.as_deref().is_some_and(|n| !n.is_empty()));
    assert!(u.last_name.as_deref().is_some_and(|n| !n.is_empty()));
}

// ----- defaults and overrides -----

#[test]
fn user_defaults_are_valid_and_sensible() {
    for u in UserFactory::new().build_batch(100).unwrap() {
        assert_valid_user(&u);
        assert!(u.email.ends_with(&format!("@{EMAIL_DOMAIN}")));
        assert!(u.is_verified && !u.is_admin && !u.is_super_admin && !u.is_blocked);
        assert!(u.deleted_at.is_none());
        assert_eq!(u.id, 0);
        assert_eq!(u.password_hash, open_event_factories::DEFAULT_PASSWORD_HASH);
    }
}

#[test]
fn event_defaults_are_valid_under_every_trait() {
    let shapes: [fn(EventFactory) -> EventFactory; 6] = [
        |f| f,
        |f| f.past(),
        |f| f.ongoing(),
        |f| f.online(),
        |f| f.published().private(),
        |f| f.with_call_for_speakers().featured(),
    ];
    for shape in shapes {
        for e in shape(EventFactory::new()).build_batch(100).unwrap() {
            assert_valid_event(&e);
        }
    }
    let e = EventFactory::new().build().unwrap();
    assert_eq!((e.state.as_str(), e.privacy.as_str()), ("draft", "public"));
    assert!(e.location_name.is_some() && e.latitude.is_some() && !e.online);
}

#[test]
fn user_overrides_take_effect() {
    let at = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
    let u = UserFactory::new()
        .with_email("Mixed.Case@Example.Test")
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_public_name("countess")
        .with_created_at(at)
        .build()
        .unwrap();
    assert_eq!(u.email, "Mixed.Case@Example.Test");
    assert_eq!(u.first_name.as_deref(), Some("Ada"));
    assert_eq!(u.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(u.public_name.as_deref(), Some("countess"));
    assert_eq!(u.created_at, at);
}

#[test]
fn event_overrides_take_effect() {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    let end = start + Duration::days(2);
    let e = EventFactory::new()
        .with_name("RustFest")
        .with_description("About Rust")
        .with_starts_at(start)
        .with_ends_at(end)
        .with_timezone("Europe/Zurich")
        .with_identifier("abc12345")
        .with_location("Zurich, Switzerland")
        .build()
        .unwrap();
    assert_eq!(e.name, "RustFest");
    assert_eq!(e.description.as_deref(), Some("About Rust"));
    assert_eq!((e.starts_at, e.ends_at), (start, end));
    assert_eq!(e.timezone, "Europe/Zurich");
    assert_eq!(e.identifier, "abc12345");
    assert_eq!(e.location_name.as_deref(), Some("Zurich, Switzerland"));
    assert_eq!(e.searchable_location_name.as_deref(), Some("Zurich"));
    assert_eq!(
        e.ticket_url.as_deref(),
        Some("https://tickets.example.test/abc12345")
    );
    assert_valid_event(&e);
}

// ----- sequences -----

#[test]
fn sequences_number_unique_fields() {
    let ctx = FactoryContext::seeded(3);
    let users = ctx
        .user()
        .with_first_name("Sam")
        .with_last_name("Doe")
        .build_batch(3)
        .unwrap();
    let t = ctx.run_token();
    let emails: Vec<_> = users.iter().map(|u| u.email.clone()).collect();
    assert_eq!(
        emails,
        [1, 2, 3].map(|n| format!("sam.doe.{n}+{t}@example.test"))
    );
    // Kinds count separately.
    assert_eq!(ctx.draw("event").seq(), 1);
    assert_eq!(ctx.draw("user").seq(), 4);
}

#[test]
fn process_uniqueness_uses_the_process_token_and_global_counter() {
    let a = FactoryContext::seeded(9).unique_across_processes();
    let b = FactoryContext::seeded(9).unique_across_processes();
    assert_eq!(
        a.run_token(),
        &*open_event_factories::context::process_token()
    );
    let ua = a.user().build().unwrap();
    let ub = b.user().build().unwrap();
    // Same seed, same index: same random fields, yet distinct emails.
    assert_eq!(ua.first_name, ub.first_name);
    assert_ne!(ua.email, ub.email);
    // Whereas two seeded contexts repeat each other (by design).
    let sa = FactoryContext::seeded(9).user().build().unwrap();
    let sb = FactoryContext::seeded(9).user().build().unwrap();
    assert_eq!(sa.email, sb.email);
}

// ----- lazy attributes -----

#[test]
fn email_and_public_name_follow_the_names() {
    let u = UserFactory::new()
        .with_first_name("Zoë")
        .with_last_name("O'Hara Smith")
        .build()
        .unwrap();
    assert!(u.email.starts_with("zo.ohara.smith."), "{}", u.email);
    assert_eq!(u.public_name.as_deref(), Some("Zoë O'Hara Smith"));
    assert_valid_user(&u);
}

#[test]
fn event_dates_follow_each_other() {
    let start = Utc.with_ymd_and_hms(2027, 6, 1, 9, 0, 0).unwrap();
    let e = EventFactory::new()
        .with_starts_at(start)
        .with_duration(Duration::hours(5))
        .build()
        .unwrap();
    assert_eq!(e.ends_at, start + Duration::hours(5));
    assert!(e.name.ends_with(" 2027"), "{}", e.name);

    let end = Utc.with_ymd_and_hms(2027, 6, 10, 18, 0, 0).unwrap();
    let e = EventFactory::new()
        .with_ends_at(end)
        .with_duration(Duration::days(3))
        .build()
        .unwrap();
    assert_eq!(e.starts_at, end - Duration::days(3));

    // Without a duration, the derived end is still valid.
    for e in EventFactory::new()
        .with_starts_at(start)
        .build_batch(50)
        .unwrap()
    {
        assert_eq!(e.starts_at, start);
        assert_valid_event(&e);
    }
}

#[test]
fn lazy_hooks_see_the_final_record_in_order() {
    let u = UserFactory::new()
        .with_first_name("Ana")
        .lazy(|u| u.details = Some(u.email.clone()))
        .lazy(|u| u.contact = u.details.as_ref().map(|d| d.to_uppercase()))
        .build()
        .unwrap();
    assert_eq!(u.details.as_deref(), Some(u.email.as_str()));
    assert_eq!(u.contact, Some(u.email.to_uppercase()));

    let e = EventFactory::new()
        .lazy(|e| e.owner_name = Some(format!("{} team", e.name)))
        .build()
        .unwrap();
    assert_eq!(e.owner_name, Some(format!("{} team", e.name)));
}

// ----- build vs create -----

#[tokio::test]
async fn build_touches_no_database_and_create_persists() {
    let db = fresh_db().await;
    let before = counts(&db).await;
    let e = EventFactory::new().with_organizers(3).build().unwrap();
    let u = UserFactory::new().organizer_of(&e).build().unwrap();
    let g = UsersEventsRoleFactory::new().build().unwrap();
    assert_eq!(counts(&db).await, before);
    assert_eq!((e.id, u.id, g.id), (0, 0, 0));
    assert_eq!(g.role_id, Role::Organizer.id(&db).await.unwrap());

    let stored = UserFactory::new().admin().create(&db).await.unwrap();
    assert!(stored.id > 0);
    let read = user::Entity::find_by_id(stored.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, stored);
    assert!(read.is_admin);
    assert!(password::verify(DEFAULT_PASSWORD, &read.password_hash));
    // created_at: stamped at insertion by the db layer.
    assert!((Utc::now() - read.created_at).num_seconds().abs() < 60);

    let ev = EventFactory::new().create(&db).await.unwrap();
    let read = event::Entity::find_by_id(ev.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, ev);
    assert_valid_event(&read);
}

#[tokio::test]
async fn custom_passwords_are_hashed_by_the_server() {
    let db = fresh_db().await;
    let u = UserFactory::new()
        .with_password("correct horse battery")
        .create(&db)
        .await
        .unwrap();
    assert!(password::verify("correct horse battery", &u.password_hash));
    assert!(!password::verify(DEFAULT_PASSWORD, &u.password_hash));
    assert_eq!(
        UserFactory::new().with_password("x y z").password(),
        "x y z"
    );
}

// ----- sub-factories -----

#[tokio::test]
async fn an_event_creates_its_owner() {
    let db = fresh_db().await;
    let g = EventFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(counts(&db).await, (1, 1, 1));
    assert_eq!(g.event.creator_id, Some(g.owner.id));
    let roles = db::roles::names_on_event(&db, g.owner.id, g.event.id)
        .await
        .unwrap();
    assert_eq!(roles, ["owner"]);

    let g = EventFactory::new()
        .with_owner(UserFactory::new().admin().with_first_name("Root"))
        .create_graph(&db)
        .await
        .unwrap();
    assert!(g.owner.is_admin);
    assert_eq!(g.owner.first_name.as_deref(), Some("Root"));

    let alice = UserFactory::new().create(&db).await.unwrap();
    let e = EventFactory::new()
        .owned_by(&alice)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(e.creator_id, Some(alice.id));
    assert_eq!(counts(&db).await.0, 3, "owned_by creates no user");
}

#[tokio::test]
async fn a_grant_creates_its_user_event_and_owner() {
    let db = fresh_db().await;
    let m = UsersEventsRoleFactory::new()
        .create_graph(&db)
        .await
        .unwrap();
    assert_eq!(counts(&db).await, (2, 1, 2));
    assert_eq!(m.role, Role::Organizer);
    assert_eq!((m.grant.user_id, m.grant.event_id), (m.user.id, m.event.id));
    assert_ne!(m.event.creator_id, Some(m.user.id));

    let e = EventFactory::new().published().create(&db).await.unwrap();
    let u = UserFactory::new().create(&db).await.unwrap();
    let grant = UsersEventsRoleFactory::new()
        .for_event(&e)
        .for_user(&u)
        .with_role_named("registrar")
        .unwrap()
        .create(&db)
        .await
        .unwrap();
    assert_eq!(grant.role_id, Role::Registrar.id(&db).await.unwrap());

    let m = UsersEventsRoleFactory::new()
        .with_event(EventFactory::new().private())
        .with_user(UserFactory::new().unverified())
        .with_role(Role::TrackOrganizer)
        .create_graph(&db)
        .await
        .unwrap();
    assert_eq!(m.event.privacy, "private");
    assert!(!m.user.is_verified);
}

// ----- related factories -----

#[tokio::test]
async fn related_factories_create_role_holders_after_the_event() {
    let db = fresh_db().await;
    let bob = UserFactory::new().create(&db).await.unwrap();
    let g = EventFactory::new()
        .with_organizers(2)
        .with_roles([(Role::Moderator, 1), (Role::Registrar, 2)])
        .with_coorganizers(1)
        .with_track_organizers(1)
        .with_moderators(0)
        .with_registrars(0)
        .with_member(Role::Coorganizer, UserFactory::new().with_first_name("Cy"))
        .with_role_for(&bob, Role::Organizer)
        .create_graph(&db)
        .await
        .unwrap();
    let roles: Vec<Role> = g.members.iter().map(|m| m.role).collect();
    use Role::*;
    assert_eq!(
        roles,
        [
            Organizer,
            Organizer,
            Moderator,
            Registrar,
            Registrar,
            Coorganizer,
            TrackOrganizer,
            Coorganizer,
            Organizer
        ]
    );
    assert_eq!(g.members[7].user.first_name.as_deref(), Some("Cy"));
    assert_eq!(g.members[8].user, bob);
    for m in &g.members {
        assert_eq!(m.grant.event_id, g.event.id);
        assert_eq!(m.grant.user_id, m.user.id);
        let names = db::roles::names_on_event(&db, m.user.id, g.event.id)
            .await
            .unwrap();
        assert!(names.contains(&m.role.name().to_owned()));
    }
    // bob + owner + 8 new members; 1 owner grant + 9 members.
    assert_eq!(counts(&db).await, (10, 1, 10));
    assert_eq!(g.with_role(Organizer).count(), 3);
}

#[tokio::test]
async fn user_role_traits_grant_roles_on_existing_events() {
    let db = fresh_db().await;
    let e = EventFactory::new().create(&db).await.unwrap();
    let other = EventFactory::new().create(&db).await.unwrap();
    let u = UserFactory::new()
        .owner_of(&e)
        .organizer_of(&e)
        .coorganizer_of(&e)
        .track_organizer_of(&e)
        .moderator_of(&e)
        .registrar_of(&other)
        .create(&db)
        .await
        .unwrap();
    let mut on_e = db::roles::names_on_event(&db, u.id, e.id).await.unwrap();
    on_e.sort();
    assert_eq!(
        on_e,
        [
            "coorganizer",
            "moderator",
            "organizer",
            "owner",
            "track-organizer"
        ]
    );
    assert_eq!(
        db::roles::names_on_event(&db, u.id, other.id)
            .await
            .unwrap(),
        ["registrar"]
    );
}

// ----- traits -----

#[test]
fn user_traits() {
    let u = UserFactory::new().admin().build().unwrap();
    assert!(u.is_admin && !u.is_super_admin && u.is_verified);
    let u = UserFactory::new().super_admin().build().unwrap();
    assert!(u.is_admin && u.is_super_admin && u.is_verified);
    let u = UserFactory::new().unverified().build().unwrap();
    assert!(!u.is_verified);
    let u = UserFactory::new().unverified().verified().build().unwrap();
    assert!(u.is_verified);
    let u = UserFactory::new().blocked().build().unwrap();
    assert!(u.is_blocked);
    let u = UserFactory::new().deleted().build().unwrap();
    assert!(u.deleted_at.is_some());
    let u = UserFactory::new().profile_public().build().unwrap();
    assert!(u.is_profile_public);
}

#[test]
fn event_traits() {
    let ctx = FactoryContext::seeded(11);
    let now = ctx.now();
    let e = ctx.event().published().build().unwrap();
    assert_eq!(e.state, "published");
    let e = ctx.event().published().draft().build().unwrap();
    assert_eq!(e.state, "draft");
    let e = ctx.event().private().build().unwrap();
    assert_eq!(e.privacy, "private");
    let e = ctx.event().private().public().build().unwrap();
    assert_eq!(e.privacy, "public");
    let e = ctx.event().online().build().unwrap();
    assert!(e.online && e.location_name.is_none() && e.latitude.is_none() && !e.is_map_shown);
    let e = ctx.event().featured().build().unwrap();
    assert!(e.is_featured);
    let e = ctx.event().with_call_for_speakers().build().unwrap();
    assert!(e.is_cfs_enabled && e.is_sessions_speakers_enabled);
    let e = ctx.event().deleted().build().unwrap();
    assert_eq!(e.deleted_at, Some(now));
    for e in ctx.event().past().build_batch(30).unwrap() {
        assert!(e.ends_at < now);
    }
    for e in ctx.event().ongoing().build_batch(30).unwrap() {
        assert!(e.starts_at < now && e.ends_at > now);
    }
    for e in ctx.event().upcoming().build_batch(30).unwrap() {
        assert!(e.starts_at > now + Duration::days(6));
    }
}

#[tokio::test]
async fn traits_survive_persisting() {
    let db = fresh_db().await;
    let u = UserFactory::new()
        .super_admin()
        .blocked()
        .deleted()
        .create(&db)
        .await
        .unwrap();
    assert!(u.is_super_admin && u.is_blocked && u.deleted_at.is_some());
    let e = EventFactory::new()
        .published()
        .private()
        .online()
        .create(&db)
        .await
        .unwrap();
    assert_eq!(
        (e.state.as_str(), e.privacy.as_str(), e.online),
        ("published", "private", true)
    );
}

// ----- batches -----

#[tokio::test]
async fn batches_are_distinct_records() {
    let db = fresh_db().await;
    let users = UserFactory::new()
        .verified()
        .create_batch(&db, 10)
        .await
        .unwrap();
    let mut emails: Vec<_> = users.iter().map(|u| &u.email).collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), 10);
    let events = EventFactory::new()
        .published()
        .create_batch(&db, 5)
        .await
        .unwrap();
    assert!(events.iter().all(|e| e.state == "published"));
    assert_eq!(counts(&db).await, (15, 5, 5));
    let grants = UsersEventsRoleFactory::new()
        .for_event(&events[0])
        .with_role(Role::Moderator)
        .create_batch(&db, 3)
        .await
        .unwrap();
    assert_eq!(grants.len(), 3);
    assert_eq!(UserFactory::new().build_batch(0).unwrap().len(), 0);
}

// ----- roles and errors -----

#[tokio::test]
async fn roles_resolve_by_name() {
    let db = fresh_db().await;
    for r in Role::ALL {
        let row = r.find(&db).await.unwrap();
        assert_eq!(row.name, r.name());
        assert_eq!(row.id, r.seeded_id());
        assert_eq!(r.to_string().parse::<Role>().unwrap(), r);
        assert_eq!(role::find_by_name(&db, r.name()).await.unwrap(), row);
    }
    assert!(matches!(
        "nobody".parse::<Role>(),
        Err(FactoryError::Invalid(_))
    ));
    assert!(
        UsersEventsRoleFactory::new()
            .with_role_named("nobody")
            .is_err()
    );
}

#[tokio::test]
async fn database_errors_surface_as_factory_errors() {
    let db = fresh_db().await;
    UserFactory::new()
        .with_email("dup@example.test")
        .create(&db)
        .await
        .unwrap();
    let err = UserFactory::new()
        .with_email("dup@example.test")
        .create(&db)
        .await
        .unwrap_err();
    match err {
        FactoryError::Db(e) => assert!(db::is_unique_violation(&e)),
        other => panic!("{other}"),
    }
    // A chosen identifier is kept, so a clash is an error…
    EventFactory::new()
        .with_identifier("abcdef12")
        .create(&db)
        .await
        .unwrap();
    assert!(
        EventFactory::new()
            .with_identifier("abcdef12")
            .create(&db)
            .await
            .is_err()
    );
    // …while a random one that clashes is redrawn.
    let e = EventFactory::new()
        .lazy(|e| e.identifier = "abcdef12".into())
        .create(&db)
        .await
        .unwrap();
    assert_ne!(e.identifier, "abcdef12");
}
