//! The mock server's endpoints exist only in the mock server (the
//! `open-event-mock` binary of the mocks crate), never in the real app.

use reqwest::Method;

use crate::support::{app, assert_error};

#[tokio::test]
async fn the_real_app_has_no_mock_routes() {
    let app = app().await;
    assert_error(
        &app.send(Method::POST, "/__mock/reset", None, None).await,
        404,
        "not-found",
    );
    assert_error(&app.get("/__mock/accounts", None).await, 404, "not-found");
    let spec = app
        .client()
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    let spec: serde_json::Value = spec.json().await.unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.keys().all(|p| !p.contains("__mock")));
    assert!(paths.contains_key("/v1/events"), "the spec has the API");
    assert!(
        spec["tags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["name"] != "Mock server")
    );
}
