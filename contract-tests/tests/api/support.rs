//! Shared test helpers on top of the harness.

use open_event_contract_tests::{TestApp, TestResponse};
use serde_json::{Value, json};

pub async fn app() -> TestApp {
    TestApp::spawn().await.expect("test app starts")
}

pub fn user_doc(email: &str, password: &str) -> Value {
    json!({"data": {"type": "user", "attributes": {"email": email, "password": password}}})
}

/// Registers over HTTP and logs in; returns (user id, access token).
pub async fn new_user_logged_in(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let r = app
        .post("/v1/users", None, &user_doc(email, password))
        .await;
    assert_eq!(r.status, 201, "register: {}", r.text);
    let id = r.body["data"]["id"].as_str().unwrap().to_owned();
    let login = app.login(email, password).await;
    assert_eq!(login.status, 200, "login: {}", login.text);
    (id, login.body["access_token"].as_str().unwrap().to_owned())
}

/// Asserts a JSON:API error response with status and code.
pub fn assert_error(r: &TestResponse, status: u16, code: &str) {
    assert_eq!(
        r.status, status,
        "expected {status} {code}, got: {}",
        r.text
    );
    assert!(
        r.content_type().starts_with("application/vnd.api+json"),
        "error content type: {}",
        r.content_type()
    );
    assert_eq!(
        r.body["errors"][0]["status"],
        json!(status.to_string()),
        "{}",
        r.text
    );
    assert_eq!(r.error_code(), code, "{}", r.text);
    assert!(r.body["errors"][0]["title"].is_string());
    assert!(r.body["errors"][0]["detail"].is_string());
    assert_eq!(r.body["jsonapi"]["version"], "1.0");
}

/// Registers over HTTP (sending the verification mail) and logs in.
pub async fn register_over_http(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let r = app
        .post("/v1/users", None, &user_doc(email, password))
        .await;
    assert_eq!(r.status, 201, "register: {}", r.text);
    let login = app.login(email, password).await;
    assert_eq!(login.status, 200, "login: {}", login.text);
    (
        r.body["data"]["id"].as_str().unwrap().to_owned(),
        login.body["access_token"].as_str().unwrap().to_owned(),
    )
}

/// A role-invite creation document for `email` to `role_name` on `event_id`.
pub async fn invite_doc(app: &TestApp, event_id: i64, email: &str, role_name: &str) -> Value {
    let role_id = open_event_server::db::roles::id_by_name(app.db(), role_name)
        .await
        .unwrap();
    json!({"data": {"type": "role-invite",
        "attributes": {"email": email, "role-name": role_name},
        "relationships": {
            "event": {"data": {"type": "event", "id": event_id.to_string()}},
            "role": {"data": {"type": "role", "id": role_id.to_string()}}}}})
}
