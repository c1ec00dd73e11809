//! The opt-in anonymous `GET` cache (`--anonymous-cache`): a write is
//! visible to the next read, and no answer crosses callers.

use open_event_contract_tests::TestApp;
use open_event_factories::prelude::*;
use open_event_server::cache::CACHE_HEADER;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::json;

async fn cached_app() -> TestApp {
    TestApp::spawn_with(|s| s.anonymous_cache = true)
        .await
        .unwrap()
}

fn rename(id: i64, name: &str) -> serde_json::Value {
    json!({"data": {"type": "event", "id": id.to_string(), "attributes": {"name": name}}})
}

#[tokio::test]
async fn off_by_default() {
    let app = TestApp::spawn().await.unwrap();
    let e = EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    let r = app.get(&format!("/v1/events/{}", e.id), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header(CACHE_HEADER), None);
    assert!(app.state().cache.is_none());
}

#[tokio::test]
async fn a_write_through_the_api_is_visible_to_the_next_read() {
    let app = cached_app().await;
    let g = EventFactory::new()
        .published()
        .with_name("Before")
        .create_graph(app.db())
        .await
        .unwrap();
    let path = format!("/v1/events/{}", g.event.id);
    let first = app.get(&path, None).await;
    assert_eq!(first.header(CACHE_HEADER), Some("miss"));
    let second = app.get(&path, None).await;
    assert_eq!(second.header(CACHE_HEADER), Some("hit"));
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("content-type"), first.header("content-type"));

    // Served from memory: a change behind the API's back is not seen...
    let mut am = g.event.clone().into_active_model();
    am.name = Set("Out of band".into());
    am.update(app.db()).await.unwrap();
    let stale = app.get(&path, None).await;
    assert_eq!(stale.body["data"]["attributes"]["name"], "Before");
    // ...until whoever wrote it says so.
    app.state().cache.as_ref().unwrap().invalidate();
    let fresh = app.get(&path, None).await;
    assert_eq!(fresh.header(CACHE_HEADER), Some("miss"));
    assert_eq!(fresh.body["data"]["attributes"]["name"], "Out of band");

    // A write through the API: the very next read sees it.
    let owner = app.token_for(&g.owner);
    let patched = app
        .patch(&path, Some(&owner), &rename(g.event.id, "After"))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let after = app.get(&path, None).await;
    assert_eq!(after.header(CACHE_HEADER), Some("miss"));
    assert_eq!(after.body["data"]["attributes"]["name"], "After");

    // Lists too, and a failed write still invalidates (it may have written
    // before failing).
    let list = "/v1/events?page[size]=5";
    app.get(list, None).await;
    assert_eq!(app.get(list, None).await.header(CACHE_HEADER), Some("hit"));
    let refused = app.patch(&path, None, &rename(g.event.id, "x")).await;
    assert_eq!(refused.status, 401);
    assert_eq!(app.get(list, None).await.header(CACHE_HEADER), Some("miss"));

    // A delete: the next anonymous read is a 404, not the cached body.
    assert_eq!(
        app.get(&path, None).await.header(CACHE_HEADER),
        Some("miss")
    );
    assert_eq!(app.get(&path, None).await.header(CACHE_HEADER), Some("hit"));
    assert_eq!(app.delete(&path, Some(&owner)).await.status, 200);
    assert_eq!(app.get(&path, None).await.status, 404);
}

#[tokio::test]
async fn no_answer_crosses_callers() {
    let app = cached_app().await;
    let g = EventFactory::new()
        .published()
        .create_graph(app.db())
        .await
        .unwrap();
    let owner = app.token_for(&g.owner);
    let path = format!("/v1/events/{}?include=creator", g.event.id);

    // An anonymous answer is cached; a token holder does not get it.
    let anonymous = app.get(&path, None).await;
    assert_eq!(app.get(&path, None).await.header(CACHE_HEADER), Some("hit"));
    let with_token = app.get(&path, Some(&owner)).await;
    assert_eq!(with_token.status, 200);
    assert_eq!(with_token.header(CACHE_HEADER), None);
    assert_ne!(
        with_token.body, anonymous.body,
        "the owner sees their creator link"
    );

    // A token holder's answer is never stored for anyone.
    let draft = EventFactory::new()
        .draft()
        .create_graph(app.db())
        .await
        .unwrap();
    let draft_path = format!("/v1/events/{}", draft.event.id);
    let token = app.token_for(&draft.owner);
    assert_eq!(app.get(&draft_path, Some(&token)).await.status, 200);
    assert_eq!(
        app.get(&draft_path, Some(&token))
            .await
            .header(CACHE_HEADER),
        None
    );
    let anon = app.get(&draft_path, None).await;
    assert_eq!(
        (anon.status, anon.header(CACHE_HEADER)),
        (404, Some("miss"))
    );

    // A bad token neither reads nor fills the cache.
    let bad = app.get(&path, Some("not-a-token")).await;
    assert_eq!((bad.status, bad.header(CACHE_HEADER)), (401, None));
}

#[tokio::test]
async fn the_key_keeps_content_negotiation_and_cors_apart() {
    let app = TestApp::spawn_with(|s| {
        s.anonymous_cache = true;
        s.cors_origins = vec!["https://a.example".into(), "https://b.example".into()];
    })
    .await
    .unwrap();
    let e = EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    let url = app.url(&format!("/v1/events/{}", e.id));
    let get = |origin: &'static str| {
        app.client()
            .get(&url)
            .header("accept", "application/vnd.api+json")
            .header("origin", origin)
            .send()
    };
    for origin in ["https://a.example", "https://b.example"] {
        let r = get(origin).await.unwrap();
        assert_eq!(r.headers()[CACHE_HEADER], "miss");
        let r = get(origin).await.unwrap();
        assert_eq!(r.headers()[CACHE_HEADER], "hit");
        assert_eq!(r.headers()["access-control-allow-origin"], origin);
    }
    // An unacceptable Accept is answered (406), never from the cache.
    let r = app
        .client()
        .get(&url)
        .header("accept", "application/vnd.api+json; ext=bulk")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
    assert_eq!(r.headers()[CACHE_HEADER], "miss");
}
