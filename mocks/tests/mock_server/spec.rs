//! The served spec: the server's, plus the mock server's own section.

use serde_json::Value;

use crate::mock_process::MockProcess;

fn committed() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn served(mock: &MockProcess) -> Value {
    let r = mock
        .client()
        .get(mock.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_served_spec_is_the_servers_plus_a_mock_server_section() {
    let committed = committed();
    let committed_paths = committed["paths"].as_object().unwrap();
    assert!(
        committed_paths.keys().all(|p| !p.starts_with("/__mock")),
        "the real server's spec has no /__mock paths"
    );

    let mock = MockProcess::start(&[]).await;
    let spec = served(&mock).await;
    let paths = spec["paths"].as_object().unwrap();
    for (path, item) in committed_paths {
        assert_eq!(
            paths.get(path),
            Some(item),
            "{path} as the server documents it"
        );
    }
    let reset = &paths["/__mock/reset"]["post"];
    assert_eq!(reset["operationId"], "mock_reset");
    assert_eq!(reset["tags"][0], "Mock server");
    assert!(reset["responses"]["200"].is_object());
    let accounts = &paths["/__mock/accounts"]["get"];
    assert_eq!(accounts["operationId"], "mock_accounts");
    let content = accounts["responses"]["200"]["content"].as_object().unwrap();
    let (media, body) = content.iter().next().unwrap();
    assert!(media.starts_with("application/json"), "{media}");
    let schema = body["schema"]["$ref"].as_str().unwrap();
    let name = schema.rsplit('/').next().unwrap();
    let props = &spec["components"]["schemas"][name]["properties"];
    for field in ["seed", "accounts", "urls", "clients"] {
        assert!(props[field].is_object(), "{field} documented");
    }
    assert_eq!(paths.len(), committed_paths.len() + 2);
    assert!(
        spec["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Mock server")
    );
    // Without error injection, no operation grows a 503.
    assert!(
        paths
            .iter()
            .filter(|(p, _)| p.starts_with("/v1"))
            .flat_map(|(_, item)| item.as_object().unwrap().values())
            .all(|op| op["responses"].get("503").is_none())
    );
    let docs = mock
        .client()
        .get(mock.url("/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        docs.contains("/__mock/reset"),
        "Swagger UI shows the section"
    );
    mock.stop().await;
}

#[tokio::test]
async fn with_error_injection_every_api_operation_documents_the_503() {
    let mock = MockProcess::start(&["--error-rate", "0.1"]).await;
    let spec = served(&mock).await;
    let api = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/v1"));
    for (path, item) in api {
        for (method, op) in item.as_object().unwrap() {
            let description = op["responses"]["503"]["description"].as_str();
            assert!(
                description.is_some_and(|d| d.contains("--error-rate")),
                "{method} {path}"
            );
        }
    }
    mock.stop().await;
}
