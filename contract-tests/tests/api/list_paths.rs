//! A list the caller reaches by several permission paths (published
//! events, and events where the caller holds a role) is read one path at a
//! time and merged (`jsonapi::fetch`): the pages, their order and the count
//! are the ones a single `OR` gives, checked against an order computed here
//! for every sort, nulls and ties included, page by page.

use std::cmp::Ordering;

use chrono::{Duration, TimeZone, Utc};
use open_event_contract_tests::TestApp;
use open_event_factories::prelude::*;
use open_event_server::db::entities::{event, user};

use crate::support::app;

/// Events a member reaches by every path, and events nobody but staff sees.
struct World {
    member: user::Model,
    stranger: user::Model,
    /// What the member may list.
    listed: Vec<event::Model>,
    /// What an anonymous caller may list.
    public: Vec<event::Model>,
}

async fn seed(app: &TestApp) -> World {
    let db = app.db();
    // Emails that sort the same under any collation (by `creator.email`).
    let member = UserFactory::new()
        .with_email("b-member@example.test")
        .create(db)
        .await
        .unwrap();
    let stranger = UserFactory::new()
        .with_email("a-stranger@example.test")
        .create(db)
        .await
        .unwrap();
    let (mut listed, mut public) = (Vec::new(), Vec::new());
    // Names repeat (ties broken by id); every third location is null.
    let names = ["Kilo", "Alpha", "Kilo", "Bravo", "Alpha", "Zulu", "Mike"];
    for i in 0..21u32 {
        let name = names[i as usize % names.len()];
        let start = Utc.with_ymd_and_hms(2031, 1, 1 + i % 9, 9, 0, 0).unwrap();
        let mut f = EventFactory::new()
            .with_name(name)
            .with_starts_at(start)
            .with_duration(Duration::hours(4));
        f = if i % 3 == 0 {
            f.lazy(|m| m.location_name = None)
        } else {
            f.with_location(format!("Hall {}", i % 4))
        };
        // Published by a stranger; the member's drafts (owner); drafts
        // where the member organizes; the member's published events
        // (both paths); a stranger's drafts; deleted ones.
        let (f, seen, by_anyone) = match i % 6 {
            0 => (f.owned_by(&stranger).published(), true, true),
            1 => (f.owned_by(&member).draft(), true, false),
            2 => (
                f.owned_by(&stranger)
                    .with_role_for(&member, Role::Organizer)
                    .draft(),
                true,
                false,
            ),
            3 => (f.owned_by(&member).published(), true, true),
            4 => (f.owned_by(&stranger).draft(), false, false),
            _ => (f.owned_by(&member).published().deleted(), false, false),
        };
        let e = f.create(db).await.unwrap();
        if seen {
            listed.push(e.clone());
        }
        if by_anyone {
            public.push(e);
        }
    }
    World {
        member,
        stranger,
        listed,
        public,
    }
}

/// `sort` (one key, `-` for descending) as the API orders: nulls as the
/// largest value, ties by id. `creators` are the users who created events.
fn expected(mut events: Vec<event::Model>, sort: &str, creators: &[&user::Model]) -> Vec<String> {
    let (desc, key) = match sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, sort),
    };
    let value = |e: &event::Model| -> Option<String> {
        match key {
            "" => None,
            "name" => Some(e.name.clone()),
            "location-name" => e.location_name.clone(),
            "starts-at" => Some(e.starts_at.to_rfc3339()),
            "creator.email" => creators
                .iter()
                .find(|u| Some(u.id) == e.creator_id)
                .map(|u| u.email.clone()),
            other => panic!("no oracle for {other}"),
        }
    };
    events.sort_by(|a, b| {
        let by_key = match (value(a), value(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x.cmp(&y),
        };
        let by_key = if desc { by_key.reverse() } else { by_key };
        by_key.then(a.id.cmp(&b.id))
    });
    events.iter().map(|e| e.id.to_string()).collect()
}

#[tokio::test]
async fn pages_merged_from_several_paths_keep_order_and_count() {
    let app = app().await;
    let w = seed(&app).await;
    let token = app.token_for(&w.member);
    let creators = [&w.member, &w.stranger];
    // Both creators occur among what the member lists.
    for u in creators {
        assert!(w.listed.iter().any(|e| e.creator_id == Some(u.id)));
    }
    for (who, token, events) in [
        ("member", Some(token.as_str()), &w.listed),
        ("anonymous", None, &w.public),
    ] {
        for sort in [
            "",
            "name",
            "-name",
            "location-name",
            "-location-name",
            "-starts-at",
            "creator.email",
            "-creator.email",
        ] {
            let want = expected(events.clone(), sort, &creators);
            let sort_param = if sort.is_empty() {
                String::new()
            } else {
                format!("&sort={sort}")
            };
            let all = app
                .get(&format!("/v1/events?page[size]=0{sort_param}"), token)
                .await;
            assert_eq!(all.status, 200, "{}", all.text);
            assert_eq!(all.ids(), want, "{who}, sort={sort}, one page");
            // Pages of 4, and one past the end.
            let mut paged = Vec::new();
            for number in 1..=want.len().div_ceil(4) + 1 {
                let r = app
                    .get(
                        &format!("/v1/events?page[size]=4&page[number]={number}{sort_param}"),
                        token,
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
                assert_eq!(
                    r.body["meta"]["count"],
                    want.len(),
                    "{who}, sort={sort}, page {number}"
                );
                paged.extend(r.ids());
            }
            assert_eq!(paged, want, "{who}, sort={sort}, pages of 4");
        }
    }
    // A filter applies to every path.
    let r = app
        .get(
            "/v1/events?page[size]=3&sort=-name&filter=%5B%7B%22name%22%3A%22name%22%2C%22op%22%3A%22eq%22%2C%22val%22%3A%22Kilo%22%7D%5D",
            Some(&token),
        )
        .await;
    let kilo: Vec<event::Model> = w
        .listed
        .iter()
        .filter(|e| e.name == "Kilo")
        .cloned()
        .collect();
    assert_eq!(r.body["meta"]["count"], kilo.len(), "{}", r.text);
    assert_eq!(r.ids(), expected(kilo, "-name", &creators)[..3].to_vec());
}
