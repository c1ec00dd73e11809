//! Drift self-tests on a broken server: the in-process server with one
//! deliberate defect switched on (`open_event_server::faults`), and the
//! runner must report exactly the checks that defect breaks, with the
//! expected failure, while the same run on a sound server is clean.

use std::collections::BTreeSet;

use open_event_contract_tests::runner::faults::Faults;
use open_event_contract_tests::runner::{
    TargetConfig,
    plan::{Check, Scenario},
    report::{Report, RowOutcome},
    run,
};
use open_event_server::permissions::Action;

use crate::support::{code_spec, config};

async fn run_with(faults: Option<Faults>, filters: &[&str]) -> Report {
    let mut cfg = config(code_spec(), filters);
    if let Some(f) = faults {
        cfg.target = TargetConfig::InProcessWithFaults(f);
    }
    run(&cfg).await.expect("the run starts")
}

fn failed(report: &Report) -> BTreeSet<String> {
    report.failures().map(|r| r.check.id.clone()).collect()
}

fn ids(report: &Report, keep: impl Fn(&Check) -> bool) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| keep(&r.check))
        .map(|r| r.check.id.clone())
        .collect()
}

/// Every failure message of the report, `message: actual`.
fn messages(report: &Report) -> Vec<String> {
    report
        .failures()
        .flat_map(|r| {
            r.failures
                .iter()
                .map(|f| format!("{}: {}", f.message, f.actual))
        })
        .collect()
}

/// The run on a sound server is clean, and covers what it plans.
async fn clean(filters: &[&str]) -> Report {
    let report = run_with(None, filters).await;
    assert!(failed(&report).is_empty(), "{:#?}", messages(&report));
    assert_eq!(report.totals.run, report.totals.planned);
    report
}

fn is_semantic(c: &Check) -> bool {
    matches!(c.scenario, Scenario::Semantic { .. })
}

fn is_permission(c: &Check) -> bool {
    matches!(c.scenario, Scenario::Permission { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_permission_check_fails_exactly_the_denied_role_rows() {
    let sound = clean(&["update_event"]).await;
    // Roles that see the event but may not update it.
    let denied = ids(&sound, |c| is_permission(c) && c.expected == 403);
    assert!(denied.len() >= 6, "{denied:?}");
    let broken = run_with(
        Some(Faults {
            drop_permission: Some(("event".into(), Action::Update)),
            ..Faults::default()
        }),
        &["update_event"],
    )
    .await;
    assert_eq!(failed(&broken), denied);
    for m in messages(&broken) {
        assert!(m.starts_with("unexpected status: 200"), "{m}");
    }
    // The operation's row (co-organizers and above update) is reported
    // failing, with the denied roles' checks; it passed on the sound server.
    assert_eq!(sound.row_counts(), (1, 0, 0));
    assert_eq!(broken.row_counts(), (0, 1, 0));
    let row = &broken.rows[0];
    assert_eq!(
        (row.row.as_str(), row.outcome),
        ("coorganizer", RowOutcome::Failed)
    );
    assert!(row.failed.iter().all(|id| denied.contains(id)), "{row:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_status_fails_exactly_the_checks_expecting_it() {
    let sound = clean(&["delete_role"]).await;
    let ok = ids(&sound, |c| c.expected == 200);
    assert!(ok.len() >= 3, "happy path and the staff roles: {ok:?}");
    let broken = run_with(
        Some(Faults {
            rewrite_status: Some(("DELETE".into(), "/v1/roles".into(), 200, 204)),
            ..Faults::default()
        }),
        &["delete_role"],
    )
    .await;
    assert_eq!(failed(&broken), ok);
    for m in messages(&broken) {
        assert!(
            m.starts_with("unexpected status: 204")
                || m.starts_with("status 204 is not documented for delete_role"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undocumented_attribute_fails_the_schema_of_every_event_document() {
    let sound = clean(&["get_event"]).await;
    // Every check of an event document's shape, and the sparse-fieldset
    // check (an attribute nobody asked for).
    let documents = ids(&sound, |c| {
        c.expected == 200 && (!is_semantic(c) || c.id.ends_with("/sem:fields"))
    });
    assert!(documents.len() >= 10, "{documents:?}");
    let broken = run_with(
        Some(Faults {
            extra_attribute: Some("event".into()),
            ..Faults::default()
        }),
        &["get_event"],
    )
    .await;
    assert_eq!(failed(&broken), documents);
    for m in messages(&broken) {
        assert!(
            (m.starts_with("response schema") || m.contains("exactly the requested attributes"))
                && m.contains("leaked-field"),
            "{m}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_object_leaking_into_a_list_fails_its_absence_checks() {
    let sound = clean(&["list_events"]).await;
    let absent = ids(&sound, |c| {
        matches!(
            c.scenario,
            Scenario::Permission {
                present: Some(false),
                ..
            }
        )
    });
    // Anonymous and registered callers must not see a draft.
    assert_eq!(absent.len(), 2, "{absent:?}");
    let broken = run_with(
        Some(Faults {
            leak_hidden: Some("event".into()),
            ..Faults::default()
        }),
        &["list_events"],
    )
    .await;
    let failed = failed(&broken);
    let shape: BTreeSet<String> = failed
        .iter()
        .filter(|id| !id.contains("/sem:"))
        .cloned()
        .collect();
    assert_eq!(shape, absent);
    for r in broken.failures().filter(|r| !is_semantic(&r.check)) {
        for f in &r.failures {
            assert!(
                f.message
                    .starts_with("the list shows the event the rules hide from this caller"),
                "{}",
                f.message
            );
        }
    }
    // The semantic checks of callers the drafts are hidden from fail too
    // (the owner sees them all); the visibility checks always.
    let semantic: BTreeSet<&String> = failed.iter().filter(|id| id.contains("/sem:")).collect();
    for id in &semantic {
        assert!(!id.contains("/owner/"), "{id}");
    }
    for id in [
        "list_events/200/anyone/sem:visibility",
        "list_events/200/moderator/sem:visibility",
    ] {
        assert!(semantic.contains(&id.to_owned()), "{semantic:?}");
    }
}
