//! Content negotiation comes first: 415 and 406 before anything else.

use reqwest::header;
use serde_json::json;

use crate::support::{app, assert_error, user_doc};

#[tokio::test]
async fn a_body_that_is_not_jsonapi_is_415_even_without_a_token() {
    let app = app().await;
    let req = app
        .client()
        .post(app.url("/v1/events"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(json!({"data": {}}).to_string());
    let r = open_event_contract_tests::TestApp::read(req).await;
    assert_error(&r, 415, "unsupported-media-type");
}

#[tokio::test]
async fn media_type_parameters_are_415() {
    let app = app().await;
    let req = app
        .client()
        .post(app.url("/v1/users"))
        .header(header::CONTENT_TYPE, "application/vnd.api+json; ext=bulk")
        .body(user_doc("a@b.example", "password1").to_string());
    let r = open_event_contract_tests::TestApp::read(req).await;
    assert_error(&r, 415, "unsupported-media-type");
}

#[tokio::test]
async fn an_accept_header_that_excludes_jsonapi_is_406() {
    let app = app().await;
    let req = app
        .client()
        .get(app.url("/v1/events"))
        .header(header::ACCEPT, "text/html");
    let r = open_event_contract_tests::TestApp::read(req).await;
    assert_error(&r, 406, "not-acceptable");
    let ok = app
        .client()
        .get(app.url("/v1/events"))
        .header(header::ACCEPT, "text/html, */*;q=0.1");
    assert_eq!(
        open_event_contract_tests::TestApp::read(ok).await.status,
        200
    );
}

#[tokio::test]
async fn responses_are_jsonapi() {
    let app = app().await;
    let r = app.get("/v1/events", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/vnd.api+json");
    assert_eq!(r.body["jsonapi"]["version"], "1.0");
}

#[tokio::test]
async fn the_auth_helpers_also_take_plain_json() {
    let app = app().await;
    let r = app
        .post_json(
            "/v1/auth/reset-password",
            None,
            &json!({"data": {"email": "nobody@example.com"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
