#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The committed artifacts must equal what the code generates.

#[test]
fn committed_artifacts_match_the_code() {
    let dir = open_event_spec::spec_dir();
    let mut stale = Vec::new();
    for artifact in open_event_spec::artifacts() {
        let committed = std::fs::read_to_string(dir.join(artifact.name)).unwrap_or_default();
        if committed != artifact.content {
            let line = committed
                .lines()
                .zip(artifact.content.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "length differs".to_owned(),
                    |n| format!("first difference at line {}", n + 1),
                );
            stale.push(format!("spec/{} ({line})", artifact.name));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {}. Regenerate with `{}` and commit them.",
        stale.join(", "),
        open_event_spec::REGENERATE
    );
}

#[test]
fn the_spec_is_openapi_3_with_every_operation_named_and_documented() {
    let spec: serde_json::Value = serde_json::from_str(&open_event_spec::openapi_json()).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let mut ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{id} documents no success"
            );
            if path.starts_with("/v1/") {
                assert!(responses.contains_key("406"), "{id} does not document 406");
            }
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("415"),
                    "{id} takes a body but does not document 415"
                );
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["jwt"].is_object());
}

#[test]
fn every_v1_operation_carries_its_permissions() {
    let spec: serde_json::Value = serde_json::from_str(&open_event_spec::openapi_json()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let p = &op["x-permissions"];
            assert!(p.is_object(), "{method} {path} has no x-permissions");
            assert!(
                p["rules"].as_array().is_some_and(|r| !r.is_empty()),
                "{method} {path}: no rules"
            );
            assert_eq!(p["denials"]["unauthenticated"], 401);
            assert_eq!(p["denials"]["hidden"], 404);
            assert_eq!(p["denials"]["forbidden"], 403);
        }
    }
}
