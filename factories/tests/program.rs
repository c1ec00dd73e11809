//! The programme factories (sponsor, track, microlocation, session type,
//! social link, FAQ): build vs create, determinism, the event sub-factory,
//! batches, traits, and the constraints of their migration (foreign key to
//! the event, cascade on delete); and their step of the demo world.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use open_event_factories::{FactoryError, prelude::*, seed};
use open_event_server::{
    db::{self, entities::event},
    resources::{
        faq, microlocation, session_type,
        session_type::parse_length,
        social_link, sponsor,
        track::{self, font_color_for, is_hex_color},
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set, SqlErr,
};
use serde_json::Value;

async fn fresh_db() -> DatabaseConnection {
    db::connect("sqlite::memory:").await.unwrap()
}

/// A model's attributes without what only storing decides.
fn without_id(mut v: Value) -> Value {
    let obj = v.as_object_mut().unwrap();
    obj.remove("id");
    obj.remove("created_at");
    v
}

/// A model's attributes (as JSON) without `id` and `created_at`.
macro_rules! attributes {
    ($model:expr) => {
        without_id(serde_json::to_value(&$model).unwrap())
    };
}

fn assert_fk_violation(err: &DbErr) {
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "not a foreign-key violation: {err:?}"
    );
}

/// The same checks for each of the six factories, in module `$name`: `$f`
/// is the [`FactoryContext`] method, `$Factory` the type, `$m` the entity
/// module.
macro_rules! common_tests {
    ($name:ident, $m:ident, $f:ident, $Factory:ident) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn build_touches_nothing_and_create_persists_the_same_record() {
                let built = $Factory::new().build().unwrap();
                assert_eq!((built.id, built.event_id), (0, 0));

                let db = fresh_db().await;
                let event = EventFactory::new().published().create(&db).await.unwrap();
                let built = FactoryContext::seeded(21)
                    .$f()
                    .for_event(&event)
                    .build()
                    .unwrap();
                assert_eq!((built.id, built.event_id), (0, event.id));
                assert_eq!($m::Entity::find().count(&db).await.unwrap(), 0);

                let before = Utc::now() - Duration::seconds(1);
                let stored = FactoryContext::seeded(21)
                    .$f()
                    .for_event(&event)
                    .create(&db)
                    .await
                    .unwrap();
                assert!(stored.id > 0);
                // Same seed, same draw: the attributes built are the ones stored.
                assert_eq!(attributes!(built), attributes!(stored));
                // created_at: the time of insertion, unless given.
                assert!(stored.created_at >= before && stored.created_at <= Utc::now());
                let found = $m::Entity::find_by_id(stored.id).one(&db).await.unwrap();
                assert_eq!(found.as_ref(), Some(&stored));

                let at = "2025-03-04T05:06:07Z".parse().unwrap();
                let dated = $Factory::new()
                    .for_event(&event)
                    .with_created_at(at)
                    .create(&db)
                    .await
                    .unwrap();
                assert_eq!(dated.created_at, at);
            }

            #[test]
            fn same_seed_same_records() {
                let run = |seed| {
                    let ctx = FactoryContext::seeded(seed);
                    let event = ctx.event().published().build().unwrap();
                    let loose = ctx.$f().build_batch(3).unwrap();
                    let on_event = ctx.$f().for_event(&event).build_batch(2).unwrap();
                    serde_json::to_string(&(loose, on_event)).unwrap()
                };
                assert_eq!(run(7), run(7));
                assert_ne!(run(7), run(8));
                // Whole models too, not just their JSON.
                let a = FactoryContext::seeded(5).$f().build_batch(3).unwrap();
                let b = FactoryContext::seeded(5).$f().build_batch(3).unwrap();
                assert_eq!(a, b);
            }

            #[test]
            fn lazy_hooks_run_last() {
                let m = $Factory::new()
                    .lazy(|m| m.event_id = 42)
                    .lazy(|m| m.event_id += 1)
                    .build()
                    .unwrap();
                assert_eq!(m.event_id, 43);
            }

            #[tokio::test]
            async fn without_an_event_a_published_one_is_created_with_its_owner() {
                let db = fresh_db().await;
                let m = $Factory::new().create(&db).await.unwrap();
                let events = event::Entity::find().all(&db).await.unwrap();
                assert_eq!(events.len(), 1);
                let e = &events[0];
                assert_eq!((m.event_id, e.state.as_str()), (e.id, "published"));
                let owner = e.creator_id.expect("the sub-factory's event has an owner");
                let roles = db::roles::names_on_event(&db, owner, e.id).await.unwrap();
                assert_eq!(roles, ["owner"]);

                // Another event factory can be given.
                let d = $Factory::new()
                    .with_event(EventFactory::new().draft().private())
                    .create(&db)
                    .await
                    .unwrap();
                let e = event::Entity::find_by_id(d.event_id)
                    .one(&db)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!((e.state.as_str(), e.privacy.as_str()), ("draft", "private"));
            }

            #[tokio::test]
            async fn for_event_uses_the_given_event() {
                let db = fresh_db().await;
                let event = EventFactory::new().create(&db).await.unwrap();
                let m = $Factory::new().for_event(&event).create(&db).await.unwrap();
                assert_eq!(m.event_id, event.id);
                assert_eq!(event::Entity::find().count(&db).await.unwrap(), 1);
            }

            #[tokio::test]
            async fn batches_are_distinct_records() {
                let db = fresh_db().await;
                let event = EventFactory::new().published().create(&db).await.unwrap();
                let on_event = $Factory::new()
                    .for_event(&event)
                    .create_batch(&db, 4)
                    .await
                    .unwrap();
                let mut ids: Vec<i64> = on_event.iter().map(|m| m.id).collect();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), 4);
                assert!(on_event.iter().all(|m| m.event_id == event.id));
                let stored = $m::Entity::find()
                    .filter($m::Column::EventId.eq(event.id))
                    .count(&db)
                    .await
                    .unwrap();
                assert_eq!(stored, 4);

                // Without an event, each record gets its own.
                let loose = $Factory::new().create_batch(&db, 3).await.unwrap();
                let mut events: Vec<i64> = loose.iter().map(|m| m.event_id).collect();
                events.dedup();
                assert_eq!(events.len(), 3);
                assert_eq!(event::Entity::find().count(&db).await.unwrap(), 4);

                let built = FactoryContext::seeded(3).$f().build_batch(5).unwrap();
                assert_eq!(built.len(), 5);
            }

            #[tokio::test]
            async fn an_unknown_event_is_a_foreign_key_error() {
                let db = fresh_db().await;
                let mut ghost = EventFactory::new().build().unwrap();
                ghost.id = 999_999;
                // Through the factory …
                match $Factory::new().for_event(&ghost).create(&db).await {
                    Err(FactoryError::Db(e)) => assert_fk_violation(&e),
                    other => panic!("expected a database error, got {other:?}"),
                }
                // … and through the server's write layer directly.
                let model = $Factory::new().for_event(&ghost).build().unwrap();
                let mut am = $m::ActiveModel::from(model).reset_all();
                am.id = NotSet;
                let err = db::write::insert(&db, am).await.unwrap_err();
                assert_fk_violation(&err);
                assert_eq!($m::Entity::find().count(&db).await.unwrap(), 0);
            }

            #[tokio::test]
            async fn deleting_the_event_deletes_its_records() {
                let db = fresh_db().await;
                let doomed = EventFactory::new().create(&db).await.unwrap();
                let kept = EventFactory::new().create(&db).await.unwrap();
                $Factory::new()
                    .for_event(&doomed)
                    .create_batch(&db, 2)
                    .await
                    .unwrap();
                let survivor = $Factory::new().for_event(&kept).create(&db).await.unwrap();

                let gone = db::write::delete::<event::Entity>(&db, "events", doomed.id)
                    .await
                    .unwrap();
                assert_eq!(gone, 1);
                let left = $m::Entity::find().all(&db).await.unwrap();
                assert_eq!(left, [survivor]);
            }
        }
    };
}

common_tests!(sponsor_factory, sponsor, sponsor, SponsorFactory);
common_tests!(track_factory, track, track, TrackFactory);
common_tests!(
    microlocation_factory,
    microlocation,
    microlocation,
    MicrolocationFactory
);
common_tests!(
    session_type_factory,
    session_type,
    session_type,
    SessionTypeFactory
);
common_tests!(
    social_link_factory,
    social_link,
    social_link,
    SocialLinkFactory
);
common_tests!(faq_factory, faq, faq, FaqFactory);

// ----- per factory: defaults, overrides and traits -----

#[tokio::test]
async fn sponsor_defaults_levels_and_traits() {
    let all = FactoryContext::seeded(1).sponsor().build_batch(20).unwrap();
    for s in &all {
        assert!(!s.name.is_empty());
        let level = s.level.unwrap();
        assert!((1..=5).contains(&level));
        assert_eq!(
            s.sponsor_type.as_deref(),
            open_event_factories::sponsor::tier_name(level)
        );
        assert!(s.url.as_deref().unwrap().starts_with("https://"));
        assert!(s.logo_url.as_deref().unwrap().ends_with(".png"));
        assert!(s.description.is_some() && s.deleted_at.is_none());
    }

    let s = SponsorFactory::new().level(1).build().unwrap();
    assert_eq!(
        (s.level, s.sponsor_type.as_deref()),
        (Some(1), Some("Platinum"))
    );
    let s = SponsorFactory::new()
        .level(9)
        .with_type("Media Partner")
        .build()
        .unwrap();
    assert_eq!(
        (s.level, s.sponsor_type.as_deref()),
        (Some(9), Some("Media Partner"))
    );
    let s = SponsorFactory::new()
        .with_name("Ferris & Co.")
        .with_description("Crabs")
        .with_url("https://ferris.example.test/")
        .with_logo_url("https://ferris.example.test/logo.svg")
        .build()
        .unwrap();
    assert_eq!(s.name, "Ferris & Co.");
    assert_eq!(
        (
            s.description.as_deref(),
            s.url.as_deref(),
            s.logo_url.as_deref()
        ),
        (
            Some("Crabs"),
            Some("https://ferris.example.test/"),
            Some("https://ferris.example.test/logo.svg")
        )
    );

    let m = SponsorFactory::new().minimal().build().unwrap();
    assert!(!m.name.is_empty());
    assert_eq!(
        (m.description, m.url, m.level, m.logo_url, m.sponsor_type),
        (None, None, None, None, None)
    );
    let m = SponsorFactory::new().minimal().level(2).build().unwrap();
    assert_eq!((m.level, m.sponsor_type), (Some(2), None));

    let db = fresh_db().await;
    let gone = SponsorFactory::new().deleted().create(&db).await.unwrap();
    let stored = sponsor::Entity::find_by_id(gone.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.deleted_at.is_some());
    let minimal = SponsorFactory::new().minimal().create(&db).await.unwrap();
    assert_eq!(minimal.level, None);
}

#[tokio::test]
async fn track_colors_and_computed_font_color() {
    for t in FactoryContext::seeded(2).track().build_batch(30).unwrap() {
        assert!(is_hex_color(&t.color), "{}", t.color);
        assert_eq!(t.font_color, font_color_for(&t.color));
        assert!(open_event_factories::track::TOPICS.contains(&t.name.as_str()));
    }
    let red = TrackFactory::colored("#ff0000").build().unwrap();
    assert_eq!(
        (red.color.as_str(), red.font_color.as_str()),
        ("#ff0000", "#ffffff")
    );
    assert_eq!(
        TrackFactory::new().light().build().unwrap().font_color,
        "#000000"
    );
    assert_eq!(
        TrackFactory::new().dark().build().unwrap().font_color,
        "#ffffff"
    );
    let t = TrackFactory::new()
        .with_name("Rust")
        .with_description("All things crab")
        .at_position(7)
        .build()
        .unwrap();
    assert_eq!(
        (t.name.as_str(), t.description.as_deref(), t.position),
        ("Rust", Some("All things crab"), Some(7))
    );
    let m = TrackFactory::new().minimal().build().unwrap();
    assert_eq!((m.description, m.position), (None, None));
    assert!(is_hex_color(&m.color));
    assert!(
        TrackFactory::new()
            .deleted()
            .build()
            .unwrap()
            .deleted_at
            .is_some()
    );

    // The server computes font_color on every save, whatever was given.
    let db = fresh_db().await;
    let t = TrackFactory::colored("#ffffff")
        .lazy(|t| t.font_color = "#123456".into())
        .create(&db)
        .await
        .unwrap();
    assert_eq!(t.font_color, "#000000");
    let mut am: track::ActiveModel = t.into();
    am.color = Set("#000080".into());
    let t = db::write::update(&db, am).await.unwrap();
    assert_eq!(
        (t.color.as_str(), t.font_color.as_str()),
        ("#000080", "#ffffff")
    );
    // Inserted without a font colour at all.
    let event = EventFactory::new().create(&db).await.unwrap();
    let bare = track::ActiveModel {
        event_id: Set(event.id),
        name: Set("Bare".into()),
        color: Set("#00ff00".into()),
        ..Default::default()
    };
    let bare = db::write::insert(&db, bare).await.unwrap();
    assert_eq!(bare.font_color, "#000000");
    assert!(bare.created_at <= Utc::now());
}

#[tokio::test]
async fn microlocation_defaults_and_traits() {
    let event = FactoryContext::seeded(3)
        .event()
        .published()
        .build()
        .unwrap();
    let (lat, lon) = (event.latitude.unwrap(), event.longitude.unwrap());
    for m in FactoryContext::seeded(3)
        .microlocation()
        .for_event(&event)
        .build_batch(10)
        .unwrap()
    {
        assert!((m.latitude.unwrap() - lat).abs() <= 0.002 + 1e-9, "{m:?}");
        assert!((m.longitude.unwrap() - lon).abs() <= 0.002 + 1e-9, "{m:?}");
        let floor = m.floor.unwrap();
        assert!((0..=4).contains(&floor));
        assert!(m.room.as_deref().unwrap().starts_with(&format!("{floor}.")));
        assert!(!m.hidden_in_scheduler && m.deleted_at.is_none());
    }
    // An online event has no coordinates: neither have its rooms.
    let online = EventFactory::new().online().build().unwrap();
    let m = MicrolocationFactory::new()
        .for_event(&online)
        .build()
        .unwrap();
    assert_eq!((m.latitude, m.longitude), (None, None));

    let m = MicrolocationFactory::new()
        .with_name("Main Hall")
        .located_at(52.5, 13.4)
        .on_floor(2)
        .hidden()
        .at_position(3)
        .build()
        .unwrap();
    assert_eq!(
        (m.name.as_str(), m.latitude, m.longitude, m.floor),
        ("Main Hall", Some(52.5), Some(13.4), Some(2))
    );
    assert!(m.hidden_in_scheduler && m.room.as_deref().unwrap().starts_with("2."));
    assert_eq!(m.position, Some(3));
    let r = MicrolocationFactory::new()
        .with_room("B-12")
        .build()
        .unwrap();
    assert_eq!(r.room.as_deref(), Some("B-12"));
    let bare = MicrolocationFactory::new().minimal().build().unwrap();
    assert_eq!(
        (bare.latitude, bare.floor, bare.room, bare.position),
        (None, None, None, None)
    );

    // The migration's default for hidden_in_scheduler is false.
    let db = fresh_db().await;
    let event = EventFactory::new().create(&db).await.unwrap();
    let am = microlocation::ActiveModel {
        event_id: Set(event.id),
        name: Set("Foyer".into()),
        ..Default::default()
    };
    let stored = db::write::insert(&db, am).await.unwrap();
    assert!(!stored.hidden_in_scheduler);
    let gone = MicrolocationFactory::new()
        .deleted()
        .create(&db)
        .await
        .unwrap();
    assert!(gone.deleted_at.is_some());
}

#[test]
fn session_type_lengths() {
    for s in FactoryContext::seeded(4)
        .session_type()
        .build_batch(20)
        .unwrap()
    {
        assert!(parse_length(&s.length).is_some(), "{}", s.length);
        assert_eq!(
            Some(s.length.as_str()),
            open_event_factories::session_type::usual_length(&s.name)
        );
    }
    let k = SessionTypeFactory::new()
        .with_name("keynote")
        .build()
        .unwrap();
    assert_eq!(k.length, "00:45");
    let custom = SessionTypeFactory::new()
        .with_name("Hallway Track")
        .build()
        .unwrap();
    assert!(parse_length(&custom.length).is_some());
    assert_eq!(
        SessionTypeFactory::new()
            .lasting(95)
            .build()
            .unwrap()
            .length,
        "01:35"
    );
    assert!(matches!(
        SessionTypeFactory::new().lasting(24 * 60).build(),
        Err(FactoryError::Invalid(_))
    ));
    let raw = SessionTypeFactory::new()
        .with_length("1h")
        .at_position(4)
        .build()
        .unwrap();
    assert_eq!((raw.length.as_str(), raw.position), ("1h", Some(4)));
    assert_eq!(
        SessionTypeFactory::new()
            .minimal()
            .build()
            .unwrap()
            .position,
        None
    );
    assert!(
        SessionTypeFactory::new()
            .deleted()
            .build()
            .unwrap()
            .deleted_at
            .is_some()
    );
}

#[test]
fn social_links_follow_their_name() {
    let event = EventFactory::new()
        .with_name("Open Source Days")
        .build()
        .unwrap();
    let on = |name: &str| {
        SocialLinkFactory::new()
            .for_event(&event)
            .with_name(name)
            .build()
            .unwrap()
    };
    let m = on("Mastodon");
    assert_eq!(m.link, "https://mastodon.social/@open-source-days");
    assert_eq!(m.identifier.as_deref(), Some("mastodon"));
    let w = on("website");
    assert_eq!(w.link, "https://open-source-days.example.test/");
    let other = on("Matrix Room");
    assert_eq!(
        other.link,
        "https://matrix-room.example.test/open-source-days"
    );
    assert_eq!(other.identifier.as_deref(), Some("matrix-room"));

    for l in FactoryContext::seeded(5)
        .social_link()
        .build_batch(20)
        .unwrap()
    {
        assert!(l.link.starts_with("https://"), "{}", l.link);
        assert!(l.identifier.is_some());
    }
    let given = SocialLinkFactory::new()
        .with_link("https://example.test/x")
        .with_identifier("x")
        .build()
        .unwrap();
    assert_eq!(
        (given.link.as_str(), given.identifier.as_deref()),
        ("https://example.test/x", Some("x"))
    );
    let bare = SocialLinkFactory::new().minimal().build().unwrap();
    assert!(bare.identifier.is_none() && !bare.link.is_empty());
}

#[test]
fn faq_answers_follow_their_question() {
    use open_event_factories::faq::CATALOGUE;
    for f in FactoryContext::seeded(6).faq().build_batch(20).unwrap() {
        let (_, answer) = CATALOGUE.iter().find(|(q, _)| *q == f.question).unwrap();
        assert_eq!(f.answer, *answer);
    }
    let (q, a) = CATALOGUE[2];
    let f = FaqFactory::new().with_question(q).build().unwrap();
    assert_eq!(f.answer, a);
    let f = FaqFactory::new()
        .with_question("Who are you?")
        .build()
        .unwrap();
    assert!(!f.answer.is_empty() && !CATALOGUE.iter().any(|(_, a)| *a == f.answer));
    let f = FaqFactory::new().with_answer("Yes.").build().unwrap();
    assert_eq!(f.answer, "Yes.");
    let long = FaqFactory::new().long_answer().build().unwrap();
    assert!(long.answer.split("\n\n").count() >= 3);
    let given = FaqFactory::new()
        .long_answer()
        .with_answer("Short.")
        .build()
        .unwrap();
    assert_eq!(given.answer, "Short.");
}

#[tokio::test]
async fn graphs_return_the_event_and_the_record() {
    let db = fresh_db().await;
    let g = SponsorFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.sponsor.event_id, g.event.id);
    let g = TrackFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.track.event_id, g.event.id);
    let g = MicrolocationFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.microlocation.event_id, g.event.id);
    let g = SessionTypeFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.session_type.event_id, g.event.id);
    let g = SocialLinkFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.social_link.event_id, g.event.id);
    let g = FaqFactory::new().create_graph(&db).await.unwrap();
    assert_eq!(g.faq.event_id, g.event.id);
    assert!(g.event.state == "published" && g.event.creator_id.is_some());
}

#[tokio::test]
async fn concurrent_creates_on_one_event() {
    let db = fresh_db().await;
    let event = EventFactory::new().published().create(&db).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (db, event) = (db.clone(), event.clone());
            tokio::spawn(async move {
                SponsorFactory::new().for_event(&event).create(&db).await?;
                TrackFactory::new().for_event(&event).create(&db).await?;
                MicrolocationFactory::new()
                    .for_event(&event)
                    .create(&db)
                    .await?;
                SessionTypeFactory::new()
                    .for_event(&event)
                    .create(&db)
                    .await?;
                SocialLinkFactory::new()
                    .for_event(&event)
                    .create(&db)
                    .await?;
                FaqFactory::new().for_event(&event).create(&db).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(faq::Entity::find().count(&db).await.unwrap(), 4);
    assert_eq!(session_type::Entity::find().count(&db).await.unwrap(), 4);
}

/// The migration's constraints on PostgreSQL too, when `TEST_DATABASE_URL`
/// names one (`scripts/with-postgres.sh cargo test -p open-event-factories`);
/// a no-op otherwise. The database is shared with other test binaries:
/// everything is counted on this test's own event.
#[tokio::test]
async fn constraints_hold_on_postgres() {
    let Some(url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    else {
        return;
    };
    let db = db::connect(&url).await.unwrap();
    let event = EventFactory::new().published().create(&db).await.unwrap();
    let mut ghost = event.clone();
    ghost.id = -1;

    macro_rules! check {
        ($Factory:ident) => {{
            $Factory::new()
                .for_event(&event)
                .create_batch(&db, 2)
                .await
                .unwrap();
            match $Factory::new().for_event(&ghost).create(&db).await {
                Err(FactoryError::Db(e)) => assert_fk_violation(&e),
                other => panic!("expected a database error, got {other:?}"),
            }
        }};
    }
    check!(SponsorFactory);
    check!(TrackFactory);
    check!(MicrolocationFactory);
    check!(SessionTypeFactory);
    check!(SocialLinkFactory);
    check!(FaqFactory);

    // The rows of the six tables on this test's event.
    macro_rules! on_event {
        () => {
            on_event!(sponsor, track, microlocation, session_type, social_link, faq)
        };
        ($($m:ident),+) => {
            [$($m::Entity::find()
                .filter($m::Column::EventId.eq(event.id))
                .count(&db)
                .await
                .unwrap()),+]
        };
    }
    assert_eq!(on_event!(), [2; 6]);
    db::write::delete::<event::Entity>(&db, "events", event.id)
        .await
        .unwrap();
    assert_eq!(on_event!(), [0; 6]);
}

// ----- the demo world's programme -----

async fn program_counts(db: &DatabaseConnection) -> [u64; 6] {
    [
        sponsor::Entity::find().count(db).await.unwrap(),
        track::Entity::find().count(db).await.unwrap(),
        microlocation::Entity::find().count(db).await.unwrap(),
        session_type::Entity::find().count(db).await.unwrap(),
        social_link::Entity::find().count(db).await.unwrap(),
        faq::Entity::find().count(db).await.unwrap(),
    ]
}

fn program_attributes(world: &seed::DemoWorld) -> Value {
    let p = &world.program;
    let all = |v: Vec<Value>| Value::Array(v);
    serde_json::json!({
        "sponsors": all(p.sponsors.iter().map(|x| attributes!(x)).collect()),
        "tracks": all(p.tracks.iter().map(|x| attributes!(x)).collect()),
        "microlocations": all(p.microlocations.iter().map(|x| attributes!(x)).collect()),
        "session_types": all(p.session_types.iter().map(|x| attributes!(x)).collect()),
        "social_links": all(p.social_links.iter().map(|x| attributes!(x)).collect()),
        "faqs": all(p.faqs.iter().map(|x| attributes!(x)).collect()),
    })
}

#[tokio::test]
async fn demo_program_is_on_published_events_idempotent_and_seeded() {
    let db = fresh_db().await;
    let world = seed::demo(&db, 7).await.unwrap();
    let counts = program_counts(&db).await;
    assert_eq!(counts, [6, 7, 6, 9, 6, 7]);
    let p = &world.program;
    let published: Vec<i64> = world
        .events
        .all()
        .iter()
        .filter(|e| e.state == "published")
        .map(|e| e.id)
        .collect();
    let event_ids = p
        .sponsors
        .iter()
        .map(|x| x.event_id)
        .chain(p.tracks.iter().map(|x| x.event_id))
        .chain(p.microlocations.iter().map(|x| x.event_id))
        .chain(p.session_types.iter().map(|x| x.event_id))
        .chain(p.social_links.iter().map(|x| x.event_id))
        .chain(p.faqs.iter().map(|x| x.event_id));
    for id in event_ids {
        assert!(published.contains(&id));
    }
    // Every published event has a programme.
    for id in &published {
        assert!(p.tracks.iter().any(|t| t.event_id == *id));
        assert!(p.faqs.iter().any(|f| f.event_id == *id));
    }
    let summit = &world.events.summit;
    let top = &p.sponsors[0];
    assert_eq!(
        (top.event_id, top.name.as_str(), top.level),
        (summit.id, "Acme Cloud", Some(1))
    );
    assert_eq!(top.sponsor_type.as_deref(), Some("Platinum"));
    let summit_tracks: Vec<(&str, Option<i32>)> = p
        .tracks
        .iter()
        .filter(|t| t.event_id == summit.id)
        .map(|t| (t.name.as_str(), t.position))
        .collect();
    assert_eq!(
        summit_tracks,
        [
            ("Systems", Some(1)),
            ("Web", Some(2)),
            ("Community", Some(3))
        ]
    );
    assert!(
        p.tracks
            .iter()
            .all(|t| t.font_color == font_color_for(&t.color))
    );
    assert!(
        p.session_types
            .iter()
            .all(|s| parse_length(&s.length).is_some())
    );
    // The online event's rooms have no coordinates.
    assert!(
        p.microlocations
            .iter()
            .filter(|m| m.event_id == world.events.online.id)
            .all(|m| m.latitude.is_none())
    );

    // Idempotent: nothing added, the same world.
    let again = seed::demo(&db, 7).await.unwrap();
    assert_eq!(program_counts(&db).await, counts);
    assert_eq!(again, world);
    // A deleted item is made again, nothing else.
    faq::Entity::delete_by_id(p.faqs[0].id)
        .exec(&db)
        .await
        .unwrap();
    let repaired = seed::demo(&db, 7).await.unwrap();
    assert_eq!(program_counts(&db).await, counts);
    assert_eq!(repaired.program.faqs[0].question, p.faqs[0].question);
    assert_eq!(repaired.program.tracks, p.tracks);

    // Same seed, same programme; another seed, other colours.
    let other = fresh_db().await;
    let same = seed::demo(&other, 7).await.unwrap();
    assert_eq!(
        program_attributes(&same)["tracks"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let strip_events = |v: Value| {
        let mut v = v;
        for list in v.as_object_mut().unwrap().values_mut() {
            for item in list.as_array_mut().unwrap() {
                item.as_object_mut().unwrap().remove("event_id");
            }
        }
        v
    };
    assert_eq!(
        strip_events(program_attributes(&same)),
        strip_events(program_attributes(&world))
    );
    let third = fresh_db().await;
    let different = seed::demo(&third, 8).await.unwrap();
    assert_ne!(
        strip_events(program_attributes(&different)),
        strip_events(program_attributes(&world))
    );
    // Rows on the drafts: none.
    for draft in [&world.events.meetup, &world.events.board] {
        let n = track::Entity::find()
            .filter(track::Column::EventId.eq(draft.id))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}

/// The mock server serves `seed::demo`: it has rows of every resource the
/// server declares, so a frontend finds something behind every endpoint.
#[tokio::test]
async fn the_demo_world_has_rows_of_every_declared_resource() {
    use sea_orm::{ConnectionTrait, Statement};

    let db = fresh_db().await;
    let world = seed::demo(&db, 42).await.unwrap();
    assert_eq!(world.invites.len(), 2);
    assert!(world.invites.iter().all(|i| i.status == "pending"));
    assert_eq!(world.email_notifications.len(), 2);
    for res in open_event_server::resources::registry().all() {
        let sql = format!("SELECT COUNT(*) AS n FROM {}", res.table());
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        assert!(n > 0, "no demo {}", res.type_name());
    }
    assert_eq!(seed::demo(&db, 42).await.unwrap(), world, "idempotent");
}
