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

#[tokio::test]
async fn a_page_far_past_the_end_is_empty_not_an_error() {
    let app = TestApp::spawn().await.unwrap();
    EventFactory::new()
        .published()
        .create(app.db())
        .await
        .unwrap();
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
