//! Same seed, same data, byte for byte: proved by comparing two runs and by
//! an insta snapshot of built data (which also pins it across versions).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use open_event_factories::{Uniqueness, prelude::*};
use serde_json::{Value, json};

/// Everything a seeded context builds for the snapshot.
fn built_world(seed: u64) -> Value {
    let ctx = FactoryContext::seeded(seed);
    let users = ctx.user().build_batch(3).unwrap();
    let admin = ctx.user().admin().with_first_name("Ada").build().unwrap();
    let events = ctx.event().build_batch(2).unwrap();
    let published = ctx
        .event()
        .published()
        .private()
        .online()
        .ongoing()
        .build()
        .unwrap();
    let past = ctx.event().past().build().unwrap();
    let grant = ctx
        .users_events_role()
        .with_role(Role::Registrar)
        .build()
        .unwrap();
    json!({
        "seed": seed,
        "run_token": ctx.run_token(),
        "now": ctx.now(),
        "users": users,
        "admin": admin,
        "password_hashes": [users[0].password_hash, admin.password_hash],
        "events": events,
        "published_private_online_ongoing": published,
        "past": past,
        "grant": grant,
    })
}

#[test]
fn same_seed_same_bytes() {
    let a = serde_json::to_string(&built_world(42)).unwrap();
    let b = serde_json::to_string(&built_world(42)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, serde_json::to_string(&built_world(43)).unwrap());
}

#[test]
fn seeded_build_snapshot() {
    insta::assert_json_snapshot!("built_world_seed_42", built_world(42));
}

#[test]
fn models_are_equal_not_just_their_json() {
    // password_hash and token_version are not serialized; compare whole models.
    let a = FactoryContext::seeded(5)
        .user()
        .with_password("s3cret pass")
        .build_batch(2)
        .unwrap();
    let b = FactoryContext::seeded(5)
        .user()
        .with_password("s3cret pass")
        .build_batch(2)
        .unwrap();
    assert_eq!(a, b);
    let a = FactoryContext::seeded(5).event().build_batch(3).unwrap();
    let b = FactoryContext::seeded(5).event().build_batch(3).unwrap();
    assert_eq!(a, b);
}

#[test]
fn an_override_does_not_shift_other_fields() {
    let plain = FactoryContext::seeded(8).user().build().unwrap();
    let named = FactoryContext::seeded(8)
        .user()
        .with_first_name("Other")
        .build()
        .unwrap();
    assert_eq!(plain.last_name, named.last_name);
    assert_eq!(plain.details, named.details);
    assert_eq!(plain.avatar_url, named.avatar_url);
    assert_ne!(plain.email, named.email);

    let plain = FactoryContext::seeded(8).event().build().unwrap();
    let renamed = FactoryContext::seeded(8)
        .event()
        .with_name("Renamed")
        .published()
        .build()
        .unwrap();
    assert_eq!(plain.identifier, renamed.identifier);
    assert_eq!(plain.starts_at, renamed.starts_at);
    assert_eq!(plain.timezone, renamed.timezone);
}

#[test]
fn kinds_do_not_disturb_each_other() {
    let ctx = FactoryContext::seeded(21);
    let alone = ctx.user().build().unwrap();
    let ctx = FactoryContext::seeded(21);
    ctx.event().build_batch(5).unwrap();
    ctx.users_events_role().build().unwrap();
    let after_events = ctx.user().build().unwrap();
    assert_eq!(alone, after_events);
}

#[test]
fn process_uniqueness_keeps_random_fields_seeded() {
    let seeded = FactoryContext::seeded(77).user().build().unwrap();
    let ctx = FactoryContext::seeded(77).unique_across_processes();
    assert_eq!(ctx.uniqueness(), Uniqueness::Process);
    let unique = ctx.user().build().unwrap();
    assert_eq!(seeded.first_name, unique.first_name);
    assert_eq!(seeded.details, unique.details);
    assert_ne!(seeded.email, unique.email);
}

#[test]
fn the_clock_can_be_set() {
    use chrono::{TimeZone, Utc};
    let at = Utc.with_ymd_and_hms(2030, 7, 1, 12, 0, 0).unwrap();
    let ctx = FactoryContext::seeded(1).with_now(at);
    assert_eq!(ctx.now(), at);
    let e = ctx.event().build().unwrap();
    assert!(e.starts_at > at);
    assert_eq!(e.created_at, at);
    let live = FactoryContext::seeded(1).with_live_clock();
    assert!((Utc::now() - live.now()).num_seconds().abs() < 5);
}
