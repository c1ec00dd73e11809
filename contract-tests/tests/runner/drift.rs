//! Drift self-tests: the runner fed a doctored copy of the spec reports
//! exactly the drift, and nothing else.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use open_event_contract_tests::runner::{plan::Scenario, report::Report};

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

/// The checks of a report that expect `status` and check the answer's
/// shape (the semantic checks read what answers mean, not their schema).
fn expecting(report: &Report, status: u16) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| r.check.expected == status)
        .filter(|r| !matches!(r.check.scenario, Scenario::Semantic { .. }))
        .map(|r| r.check.id.clone())
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
    let expected = expecting(&report, 404);
    // The missing and deleted events, and the roles a draft is hidden from.
    assert!(expected.len() >= 4, "{expected:?}");
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
    // Every event document fails: the happy path and every role that sees it.
    assert!(failed(&report).contains("get_event/200/anyone/happy"));
    assert_eq!(failed(&report), expecting(&report, 200));
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
    assert!(failed(&report).contains("get_user/200/registered/happy"));
    assert_eq!(failed(&report), expecting(&report, 200));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permission_row_the_server_does_not_enforce_fails_its_role() {
    // The spec now says only organizers update events; the server still
    // lets co-organizers: exactly their checks fail, in every world.
    baseline_is_clean("update_event").await;
    let mut spec = code_spec();
    let rules = &mut spec["paths"]["/v1/events/{event_id}"]["patch"]["x-permissions"]["rules"];
    assert_eq!(rules[0]["role"], "coorganizer");
    rules[0]["role"] = json!("organizer");
    let report = run_spec(spec, &["update_event"]).await;
    assert_eq!(
        failed(&report),
        BTreeSet::from([
            "update_event/403/coorganizer/perm:!event-published".to_owned(),
            "update_event/403/coorganizer/perm:event-published".to_owned(),
        ])
    );
    for m in messages(&report) {
        assert!(m.starts_with("unexpected status 200"), "{m}");
    }
    assert_eq!(report.row_counts(), (0, 1, 0), "{:?}", report.rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_condition_without_a_builder_leaves_its_rows_uncovered() {
    let mut spec = code_spec();
    spec["paths"]["/v1/events/{event_id}"]["get"]["x-permissions"]["rules"][0]["conditions"] =
        json!(["event-published", "full-moon"]);
    let report = run_spec(spec, &["get_event"]).await;
    let rows: Vec<&str> = report
        .uncovered
        .iter()
        .filter(|u| u.item.starts_with("permission row"))
        .map(|u| u.reason.as_str())
        .collect();
    assert_eq!(rows.len(), 4, "every row of the operation");
    assert!(rows.iter().all(|r| r.contains("`full-moon`")), "{rows:?}");
    assert!(!report.success());
    assert_eq!(report.totals.failed, 0, "the other checks still pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_limit_the_server_ignores_fails_the_roles_it_binds() {
    // The spec now hides the token from co-organizers too; the server still
    // shows it to everyone at co-organizer and above (staff included).
    baseline_is_clean("get_role_invite").await;
    let mut spec = code_spec();
    spec["paths"]["/v1/role-invites/{invite_id}"]["get"]["x-permissions"]["rules"][0]["fields"] =
        json!({"except": ["hash"]});
    let report = run_spec(spec, &["get_role_invite"]).await;
    let roles: BTreeSet<&str> = report.failures().map(|r| r.check.actor.name()).collect();
    assert_eq!(
        roles,
        BTreeSet::from(["super-admin", "admin", "owner", "organizer", "coorganizer"])
    );
    for m in messages(&report) {
        assert!(
            m.starts_with("attribute `hash` is shown to a caller whose rules leave it out"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_limit_the_server_ignores_fails_with_the_attribute() {
    // The spec now forbids admins to set `first-name`; the server lets them.
    baseline_is_clean("update_user").await;
    let mut spec = code_spec();
    let rule = &mut spec["paths"]["/v1/users/{user_id}"]["patch"]["x-permissions"]["rules"][1];
    assert_eq!(rule["role"], "admin");
    rule["fields"]["except"]
        .as_array_mut()
        .unwrap()
        .push(json!("first-name"));
    let report = run_spec(spec, &["update_user"]).await;
    let failed = failed(&report);
    assert!(!failed.is_empty());
    for id in &failed {
        assert!(
            id.starts_with("update_user/403/admin/") && id.ends_with(":field:first-name"),
            "{id}"
        );
    }
    for m in messages(&report) {
        assert!(m.starts_with("unexpected status 200"), "{m}");
    }
}
