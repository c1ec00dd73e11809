//! What the query language means where the backends used to differ or the
//! documents were wrong (found by the runner's semantic checks, issue 11):
//! `like` is case-sensitive and for text only, nulls sort as the largest
//! value, and a compound document names each object once, with the
//! linkage of every include path that reaches it.

use open_event_factories::prelude::*;
use serde_json::{Value, json};

use crate::support::{app, assert_error};

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn filter(f: Value) -> String {
    format!("/v1/events?sort=name&filter={}", url_encode(&f.to_string()))
}

fn names(r: &open_event_contract_tests::TestResponse) -> Vec<String> {
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn like_is_case_sensitive_and_matches_text_only() {
    let app = app().await;
    for name in ["Alpha", "alpha beta", "Gamma"] {
        EventFactory::new()
            .published()
            .with_name(name)
            .create(app.db())
            .await
            .unwrap();
    }
    let r = app
        .get(
            &filter(json!([{"name": "name", "op": "like", "val": "alpha%"}])),
            None,
        )
        .await;
    assert_eq!(names(&r), ["alpha beta"]);
    let r = app
        .get(
            &filter(json!([{"name": "name", "op": "ilike", "val": "ALPHA%"}])),
            None,
        )
        .await;
    assert_eq!(names(&r), ["Alpha", "alpha beta"]);
    for attr in ["latitude", "starts-at", "online"] {
        let r = app
            .get(
                &filter(json!([{"name": attr, "op": "like", "val": "1%"}])),
                None,
            )
            .await;
        assert_error(&r, 400, "invalid-parameter");
        assert_eq!(r.error_parameter(), "filter");
    }
}

#[tokio::test]
async fn nulls_sort_last_ascending_and_first_descending_ties_by_id() {
    let app = app().await;
    let mut ids = Vec::new();
    for (name, latitude) in [
        ("a", None),
        ("b", Some(5.0)),
        ("c", None),
        ("d", Some(-1.0)),
    ] {
        let e = EventFactory::new()
            .published()
            .with_name(name)
            .lazy(move |m| m.latitude = latitude)
            .create(app.db())
            .await
            .unwrap();
        ids.push(e.id.to_string());
    }
    let at = |i: [usize; 4]| i.map(|i| ids[i].clone()).to_vec();
    let asc = app.get("/v1/events?sort=latitude", None).await;
    assert_eq!(asc.ids(), at([3, 1, 0, 2]));
    let desc = app.get("/v1/events?sort=-latitude", None).await;
    assert_eq!(desc.ids(), at([0, 2, 1, 3]));
}

#[tokio::test]
async fn included_names_each_object_once_with_the_linkage_of_every_path() {
    let app = app().await;
    let owner = UserFactory::new().create(app.db()).await.unwrap();
    let event = EventFactory::new()
        .owned_by(&owner)
        .published()
        .create(app.db())
        .await
        .unwrap();
    SponsorFactory::new()
        .for_event(&event)
        .create(app.db())
        .await
        .unwrap();
    // The event is primary data: the sponsors' `event` never repeats it.
    let r = app
        .get(
            &format!("/v1/events/{}?include=sponsors.event", event.id),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let included: Vec<(&str, &str)> = r.body["included"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["type"].as_str().unwrap(), o["id"].as_str().unwrap()))
        .collect();
    assert!(!included.iter().any(|(t, _)| *t == "event"), "{included:?}");
    assert_eq!(included.len(), 1);
    // The owner's grant is reached by `creator.users-events-roles` (a leaf)
    // and by `users-events-roles.event`: it carries its `event` linkage.
    let token = app.token_for(&owner);
    let r = app
        .get(
            &format!(
                "/v1/events/{}?include=creator.users-events-roles,users-events-roles.event",
                event.id
            ),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let grants: Vec<&Value> = r.body["included"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == "users-events-roles")
        .collect();
    assert_eq!(grants.len(), 1, "{}", r.text);
    assert_eq!(
        grants[0]["relationships"]["event"]["data"],
        json!({"type": "event", "id": event.id.to_string()})
    );
}
