//! The generic JSON:API machinery on events: pagination, sort, filter,
//! sparse fieldsets, includes, relationship and related endpoints.

use chrono::{Duration, TimeZone, Utc};
use open_event_factories::prelude::*;
use serde_json::json;

use crate::support::{app, assert_error};

async fn five_events(
    app: &open_event_contract_tests::TestApp,
) -> Vec<open_event_server::db::entities::event::Model> {
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let mut out = Vec::new();
    for (i, name) in ["Echo", "Alpha", "Delta", "Bravo", "Charlie"]
        .iter()
        .enumerate()
    {
        let start = Utc
            .with_ymd_and_hms(2031, 1, 1 + i as u32, 9, 0, 0)
            .unwrap();
        let f = EventFactory::new()
            .owned_by(&owner)
            .with_name(*name)
            .with_starts_at(start)
            .with_duration(Duration::hours(8));
        let f = if i == 4 { f.draft() } else { f.published() };
        out.push(f.create(db).await.unwrap());
    }
    out
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
async fn pagination_counts_and_links() {
    let app = app().await;
    five_events(&app).await;
    let r = app
        .get("/v1/events?page[size]=2&page[number]=2&sort=name", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["meta"]["count"], 4,
        "the draft is not counted for anonymous callers"
    );
    assert_eq!(names(&r), vec!["Delta", "Echo"]);
    let links = &r.body["links"];
    for (k, page) in [("first", "1"), ("last", "2"), ("prev", "1")] {
        let link = links[k].as_str().unwrap();
        assert!(
            link.starts_with("/v1/events?") && link.contains(&format!("page%5Bnumber%5D={page}")),
            "{k}: {link}"
        );
        assert!(
            link.contains("sort=name") && link.contains("page%5Bsize%5D=2"),
            "{link}"
        );
    }
    assert!(links.get("next").is_none());
    let next = app.get(links["first"].as_str().unwrap(), None).await;
    assert_eq!(names(&next), vec!["Alpha", "Bravo"]);
    assert_eq!(
        next.body["links"]["next"].as_str().unwrap(),
        links["self"].as_str().unwrap()
    );
    let all = app.get("/v1/events?page[size]=0", None).await;
    assert_eq!(all.ids().len(), 4);
    assert!(all.body["links"].get("next").is_none());
    let beyond = app.get("/v1/events?page[number]=9", None).await;
    assert!(beyond.ids().is_empty());
}

#[tokio::test]
async fn sorting_by_several_keys_descending_and_dotted() {
    let app = app().await;
    five_events(&app).await;
    assert_eq!(
        names(&app.get("/v1/events?sort=-name", None).await),
        vec!["Echo", "Delta", "Bravo", "Alpha"]
    );
    assert_eq!(
        names(&app.get("/v1/events?sort=-starts-at", None).await),
        vec!["Bravo", "Delta", "Alpha", "Echo"]
    );
    assert_eq!(
        names(&app.get("/v1/events?sort=state,-name", None).await),
        vec!["Echo", "Delta", "Bravo", "Alpha"]
    );
    // Dotted: by a to-one relationship's attribute (all share one creator → falls back to id).
    let r = app.get("/v1/events?sort=creator.email,name", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(names(&r), vec!["Alpha", "Bravo", "Delta", "Echo"]);
    for bad in [
        "sort=nope",
        "sort=creator.password",
        "sort=users-events-roles.created-at",
        "sort=-",
    ] {
        let r = app.get(&format!("/v1/events?{bad}"), None).await;
        assert_error(&r, 400, "invalid-parameter");
        assert_eq!(r.error_parameter(), "sort");
    }
}

#[tokio::test]
async fn filters_in_both_forms() {
    let app = app().await;
    five_events(&app).await;
    let q = |f: serde_json::Value| {
        format!("/v1/events?sort=name&filter={}", url_encode(&f.to_string()))
    };
    let r = app
        .get(
            &q(json!([{"name": "name", "op": "eq", "val": "Alpha"}])),
            None,
        )
        .await;
    assert_eq!(names(&r), vec!["Alpha"]);
    let r = app.get(&q(json!([{"or": [{"name": "name", "op": "like", "val": "%ta"}, {"name": "name", "op": "ilike", "val": "ECHO"}]}])), None).await;
    assert_eq!(names(&r), vec!["Delta", "Echo"]);
    let r = app
        .get(
            &q(json!([{"not": {"name": "name", "op": "in_", "val": ["Alpha", "Bravo"]}}])),
            None,
        )
        .await;
    assert_eq!(names(&r), vec!["Delta", "Echo"]);
    let r = app.get(&q(json!([{"name": "starts-at", "op": "ge", "val": "2031-01-03T00:00:00Z"}, {"name": "ends-at", "op": "gt", "field": "starts-at"}])), None).await;
    assert_eq!(names(&r), vec!["Bravo", "Delta"]);
    let r = app.get(&q(json!([{"name": "location-name", "op": "is_", "val": null}, {"name": "name", "op": "between", "val": ["B", "D"]}])), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .get("/v1/events?sort=name&filter[name]=Bravo", None)
        .await;
    assert_eq!(names(&r), vec!["Bravo"]);
    let r = app
        .get(
            "/v1/events?filter[online]=false&filter[state]=published",
            None,
        )
        .await;
    assert_eq!(r.ids().len(), 4);
    // `has` through a to-one relationship; the related rows must be visible to the caller.
    let has = q(
        json!([{"name": "creator", "op": "has", "val": {"name": "first-name", "op": "ne", "val": "zz"}}]),
    );
    assert!(
        app.get(&has, None).await.ids().is_empty(),
        "anonymous callers cannot see users, so `has` matches nothing"
    );
    for (bad, param) in [
        (
            q(json!([{"name": "password", "op": "eq", "val": "x"}])),
            "filter",
        ),
        (
            q(json!([{"name": "name", "op": "regex", "val": "x"}])),
            "filter",
        ),
        (
            q(json!([{"name": "starts-at", "op": "lt", "val": "yesterday"}])),
            "filter",
        ),
        (
            q(json!([{"name": "users-events-roles", "op": "has", "val": {}}])),
            "filter",
        ),
        (
            "/v1/events?filter[online]=maybe".to_owned(),
            "filter[online]",
        ),
    ] {
        let r = app.get(&bad, None).await;
        assert_error(&r, 400, "invalid-parameter");
        assert_eq!(r.error_parameter(), param, "{bad}");
    }
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn sparse_fieldsets_and_includes() {
    let app = app().await;
    let db = app.db();
    let owner = UserFactory::new()
        .with_first_name("Olu")
        .create(db)
        .await
        .unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .published()
        .with_organizers(1)
        .create_graph(db)
        .await
        .unwrap()
        .event;
    let token = app.token_for(&owner);
    let r = app
        .get(
            &format!("/v1/events/{}?fields[event]=name,creator", e.id),
            None,
        )
        .await;
    let data = &r.body["data"];
    assert_eq!(
        data["attributes"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        vec!["name"]
    );
    assert_eq!(
        data["relationships"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        vec!["creator"]
    );
    let r = app
        .get(
            &format!(
                "/v1/events/{}?include=creator,users-events-roles.role&fields[user]=first-name",
                e.id
            ),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let included = r.body["included"].as_array().unwrap();
    let types: Vec<&str> = included
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types.iter().filter(|t| **t == "users-events-roles").count(),
        2
    );
    assert_eq!(types.iter().filter(|t| **t == "role").count(), 2);
    let me = included.iter().find(|o| o["type"] == "user").unwrap();
    assert_eq!(me["attributes"], json!({"first-name": "Olu"}));
    assert_eq!(
        r.body["data"]["relationships"]["creator"]["data"],
        json!({"type": "user", "id": owner.id.to_string()})
    );
    assert_eq!(
        r.body["data"]["relationships"]["users-events-roles"]["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Anonymous callers get no hidden objects through `include`.
    let r = app
        .get(
            &format!("/v1/events/{}?include=creator,users-events-roles", e.id),
            None,
        )
        .await;
    assert_eq!(r.body["included"], json!([]));
    assert_eq!(
        r.body["data"]["relationships"]["creator"]["data"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn relationship_and_related_endpoints() {
    let app = app().await;
    let db = app.db();
    let owner = UserFactory::new().create(db).await.unwrap();
    let e = EventFactory::new()
        .owned_by(&owner)
        .published()
        .create(db)
        .await
        .unwrap();
    let token = app.token_for(&owner);
    let r = app
        .get(
            &format!("/v1/events/{}/relationships/creator", e.id),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["data"],
        json!({"type": "user", "id": owner.id.to_string()})
    );
    assert_eq!(
        r.body["links"]["related"],
        format!("/v1/events/{}/creator", e.id)
    );
    let related = app
        .get(r.body["links"]["related"].as_str().unwrap(), Some(&token))
        .await;
    assert_eq!(related.body["data"]["id"], owner.id.to_string());
    assert_error(
        &app.get(&format!("/v1/events/{}/creator", e.id), None).await,
        401,
        "unauthorized",
    );
    let grants = app
        .get(
            &format!("/v1/events/{}/users-events-roles", e.identifier),
            Some(&token),
        )
        .await;
    assert_eq!(grants.ids().len(), 1);
    let linkage = app
        .get(
            &format!("/v1/events/{}/relationships/users-events-roles", e.id),
            Some(&token),
        )
        .await;
    assert_eq!(linkage.body["data"][0]["type"], "users-events-roles");
    assert_error(
        &app.get(
            &format!("/v1/events/{}/relationships/creator?include=creator", e.id),
            Some(&token),
        )
        .await,
        400,
        "invalid-parameter",
    );
    // Every link in a document resolves.
    let doc = app.get(&format!("/v1/events/{}", e.id), Some(&token)).await;
    let mut links = vec![doc.body["links"]["self"].as_str().unwrap().to_owned()];
    for rel in doc.body["data"]["relationships"]
        .as_object()
        .unwrap()
        .values()
    {
        links.push(rel["links"]["self"].as_str().unwrap().to_owned());
        links.push(rel["links"]["related"].as_str().unwrap().to_owned());
    }
    for link in links {
        assert_eq!(app.get(&link, Some(&token)).await.status, 200, "{link}");
    }
}
