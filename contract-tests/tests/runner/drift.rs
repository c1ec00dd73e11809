//! Drift self-tests: the runner fed a doctored copy of the spec reports
//! exactly the drift, and nothing else.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use open_event_contract_tests::runner::report::Report;

use crate::support::{code_spec, run_spec};

fn failed(report: &Report) -> BTreeSet<String> {
    report.failures().map(|r| r.check.id.clone()).collect()
}

fn messages(report: &Report) -> Vec<String> {
    report
        .failures()
        .flat_map(|r| {
            r.failures
                .iter()
                .map(|f| format!("{} {}", f.message, f.actual))
        })
        .collect()
}

async fn baseline_is_clean(filter: &str) {
    let report = run_spec(code_spec(), &[filter]).await;
    assert!(failed(&report).is_empty(), "{:?}", messages(&report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_removed_from_the_spec_is_reported_undocumented() {
    baseline_is_clean("get_event").await;
    let mut spec = code_spec();
    spec["paths"]["/v1/events/{event_id}"]["get"]["responses"]
        .as_object_mut()
        .unwrap()
        .remove("404");
    let report = run_spec(spec, &["get_event"]).await;
    let expected: BTreeSet<String> = report
        .results
        .iter()
        .filter(|r| r.check.expected == 404)
        .map(|r| r.check.id.clone())
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    assert_eq!(failed(&report), expected);
    for m in messages(&report) {
        assert!(
            m.starts_with("status 404 is not documented for get_event"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attribute_requirement_the_server_does_not_meet_fails_the_schema() {
    baseline_is_clean("get_event").await;
    let mut spec = code_spec();
    let attrs = &mut spec["components"]["schemas"]["EventAttributes"];
    attrs["properties"]["venue-capacity"] = json!({"type": "integer"});
    attrs["required"] = json!(["venue-capacity"]);
    let report = run_spec(spec, &["get_event"]).await;
    assert_eq!(
        failed(&report),
        BTreeSet::from(["get_event/200/anyone/happy".to_owned()])
    );
    for m in messages(&report) {
        assert!(
            m.starts_with("response schema") && m.contains("venue-capacity"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attribute_missing_from_the_response_schema_is_an_undocumented_attribute() {
    baseline_is_clean("get_user").await;
    let mut spec = code_spec();
    let props = spec["components"]["schemas"]["UserAttributes"]["properties"]
        .as_object_mut()
        .unwrap();
    assert!(props.remove("contact").is_some());
    let report = run_spec(spec, &["get_user"]).await;
    assert_eq!(
        failed(&report),
        BTreeSet::from(["get_user/200/registered/happy".to_owned()])
    );
    let all = messages(&report);
    assert!(!all.is_empty());
    for m in all {
        assert!(
            m.starts_with("response schema") && m.contains("contact"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tighter_request_bound_is_exercised_and_fails() {
    // The spec now says names are at most 5 characters: the runner sends 6,
    // the server accepts them: exactly the too-long case fails.
    baseline_is_clean("create_event").await;
    let mut spec = code_spec();
    spec["components"]["schemas"]["EventCreateAttributes"]["properties"]["name"]["maxLength"] =
        Value::from(5);
    let report = run_spec(spec, &["create_event"]).await;
    assert_eq!(
        failed(&report),
        BTreeSet::from(["create_event/422/registered/too-long:name".to_owned()])
    );
}
