//! Regressions for what schemathesis (`st run --checks all`) found against
//! the spec: each a request the spec allows that the server refused or
//! broke on, or one the spec forbids that the server took.

use open_event_contract_tests::TestApp;
use open_event_factories::prelude::*;
use serde_json::json;

#[tokio::test]
async fn empty_query_values_mean_none() {
    let app = TestApp::spawn().await.unwrap();
    let e = EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    let r = app.get("/v1/events?filter=&sort=&include=", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.ids(), vec![e.id.to_string()]);
    let r = app.get("/v1/events?sort=,-name,", None).await;
    assert_eq!(r.status, 200, "empty sort items are skipped: {}", r.body);
}

/// An app with one published event.
async fn app_with_an_event() -> TestApp {
    let app = TestApp::spawn().await.unwrap();
    EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn a_page_far_past_the_end_is_empty_not_an_error() {
    let app = app_with_an_event().await;
    let r = app
        .get(
            "/v1/sponsors?page[size]=192320364047&page[number]=1000551972927606016",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.ids().is_empty());
    assert_eq!(r.body["meta"]["count"], 0);
}

/// The page parameters are unsigned 64-bit integers, as the spec's bounds
/// say: the largest is served (an empty page), one more is a 400 naming
/// the parameter. schemathesis found the spec without a `maximum`, so that
/// a schema-valid number was refused.
#[tokio::test]
async fn page_parameters_take_what_their_schema_allows() {
    let app = app_with_an_event().await;
    let spec = app.get("/openapi.json", None).await.body;
    let params = spec["paths"]["/v1/events"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["page[size]", "page[number]"] {
        let p = params.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(p["schema"]["maximum"], json!(u64::MAX), "{name}");
    }
    let max = u64::MAX;
    let r = app
        .get(&format!("/v1/events?page[number]={max}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.ids().is_empty());
    assert_eq!(r.body["meta"]["count"], 1);
    let r = app.get(&format!("/v1/events?page[size]={max}"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.ids().len(), 1);
    for name in ["page[size]", "page[number]"] {
        let r = app
            .get(&format!("/v1/events?{name}=18446744073709551616"), None)
            .await;
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        assert_eq!(r.body["errors"][0]["source"]["parameter"], name);
    }
}

#[tokio::test]
async fn plain_json_helpers_refuse_non_string_fields() {
    let app = TestApp::spawn().await.unwrap();
    for path in [
        "/v1/auth/resend-verification-email",
        "/v1/auth/reset-password",
    ] {
        let r = app
            .post_json(path, None, &json!({"data": {"email": false}}))
            .await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let r = app
            .post_json(path, None, &json!({"data": {"email": 7}}))
            .await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
    }
    let r = app
        .post_json(
            "/v1/auth/login",
            None,
            &json!({"email": true, "password": "whatever1"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
}
