//! Every error is a JSON:API error document with the right status.

use reqwest::Method;
use serde_json::json;

use crate::support::{app, assert_error, new_user_logged_in};

#[tokio::test]
async fn unknown_routes_are_jsonapi_404() {
    let app = app().await;
    assert_error(&app.get("/v1/nothing-here", None).await, 404, "not-found");
}

#[tokio::test]
async fn wrong_methods_are_jsonapi_405() {
    let app = app().await;
    let r = app.send(Method::PUT, "/v1/events", None, None).await;
    assert_error(&r, 405, "method-not-allowed");
    assert_eq!(r.header("allow"), Some("GET, POST"));
    let r = app
        .send(Method::PUT, "/v1/role-invites/accept-invite", None, None)
        .await;
    assert_eq!(r.header("allow"), Some("POST"));
    let r = app.send(Method::POST, "/v1/events/12", None, None).await;
    assert_eq!(r.header("allow"), Some("DELETE, GET, PATCH"));
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = app().await;
    let (_, token) = new_user_logged_in(&app, "m@example.com", "password1").await;
    let req = app
        .client()
        .post(app.url("/v1/events"))
        .header("Content-Type", "application/vnd.api+json")
        .header("Authorization", format!("JWT {token}"))
        .body("{\"data\": {");
    let r = open_event_contract_tests::TestApp::read(req).await;
    assert_error(&r, 400, "malformed-json");
}

#[tokio::test]
async fn document_structure_errors() {
    let app = app().await;
    let (_, token) = new_user_logged_in(&app, "s@example.com", "password1").await;
    let t = Some(token.as_str());
    let r = app.post("/v1/events", t, &json!([])).await;
    assert_error(&r, 400, "bad-document");
    let r = app
        .post("/v1/events", t, &json!({"data": {"attributes": {}}}))
        .await;
    assert_error(&r, 400, "bad-document");
    assert_eq!(r.error_pointer(), "/data/type");
    let r = app
        .post(
            "/v1/events",
            t,
            &json!({"data": {"type": "user", "attributes": {}}}),
        )
        .await;
    assert_error(&r, 409, "type-mismatch");
    let r = app
        .post(
            "/v1/events",
            t,
            &json!({"data": {"type": "event", "id": "5", "attributes": {}}}),
        )
        .await;
    assert_error(&r, 403, "client-id");
}

#[tokio::test]
async fn invalid_attributes_are_422_each_with_a_pointer() {
    let app = app().await;
    let (_, token) = new_user_logged_in(&app, "v@example.com", "password1").await;
    let r = app
        .post(
            "/v1/events",
            Some(&token),
            &json!({"data": {"type": "event", "attributes": {
                "name": 42, "timezone": "Mars/Olympus", "latitude": 91, "bogus": true
            }}}),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
    let pointers: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"]["pointer"].as_str().unwrap())
        .collect();
    for p in [
        "/data/attributes/bogus",
        "/data/attributes/name",
        "/data/attributes/timezone",
        "/data/attributes/latitude",
        "/data/attributes/starts-at",
        "/data/attributes/ends-at",
    ] {
        assert!(pointers.contains(&p), "missing {p} in {pointers:?}");
    }
}

#[tokio::test]
async fn unknown_query_parameters_are_400_naming_the_parameter() {
    let app = app().await;
    for (query, param) in [
        ("page[size]=abc", "page[size]"),
        ("page[number]=0", "page[number]"),
        ("page[offset]=1", "page[offset]"),
        ("sort=nope", "sort"),
        ("include=nope", "include"),
        ("fields[event]=nope", "fields[event]"),
        ("fields[nope]=name", "fields[nope]"),
        (
            "filter=[{\"name\":\"nope\",\"op\":\"eq\",\"val\":1}]",
            "filter",
        ),
        ("filter=not-json", "filter"),
        ("filter[nope]=1", "filter[nope]"),
        ("frobnicate=1", "frobnicate"),
    ] {
        let r = app.get(&format!("/v1/events?{query}"), None).await;
        assert_error(&r, 400, "invalid-parameter");
        assert_eq!(r.error_parameter(), param, "for {query}");
    }
}

#[tokio::test]
async fn hostile_input_never_gives_500() {
    let app = app().await;
    let (_, token) = new_user_logged_in(&app, "h@example.com", "password1").await;
    let nasty = [
        json!(null),
        json!({"data": null}),
        json!({"data": {"type": "event", "attributes": {"name": "x".repeat(100_000)}}}),
        json!({"data": {"type": "event", "attributes": {"starts-at": "2030-13-45T99:00:00Z"}}}),
        json!({"data": {"type": "event", "attributes": {"ünïcødé-☃": 1}}}),
        json!({"data": {"type": "event", "relationships": {"creator": {"data": {"type": "user", "id": "x"}}}}}),
        json!({"data": {"type": "event", "relationships": "no"}}),
    ];
    for body in nasty {
        let r = app.post("/v1/events", Some(&token), &body).await;
        assert!(
            (400..500).contains(&r.status),
            "{body}: {} {}",
            r.status,
            r.text
        );
        assert!(r.body["errors"].is_array());
    }
    let deep = format!("filter={}{}", "[".repeat(5000), "]".repeat(5000));
    let r = app.get(&format!("/v1/events?{deep}"), None).await;
    assert_eq!(r.status, 400, "{}", r.text);
    for path in [
        "/v1/events/%00",
        "/v1/events/99999999999999999999999",
        "/v1/users/-1",
        "/v1/events/ABCDEFGH",
    ] {
        let r = app.get(path, Some(&token)).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
}
