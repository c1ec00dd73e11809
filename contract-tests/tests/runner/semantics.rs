//! Drift self-tests of the semantic checks: the in-process server with one
//! query-language defect switched on (`runner::faults::Drift`, response-
//! rewriting middleware through the server's embedding hook), each
//! confined to one operation's requests. The runner must fail exactly the
//! semantic checks of the family the defect breaks, and nothing else (the
//! shape of every answer stays valid), while the same run on a sound server
//! is clean.

use std::collections::BTreeSet;

use open_event_contract_tests::runner::{
    TargetConfig,
    faults::{Drift, Faults},
    plan::{Check, Scenario},
    report::Report,
    run,
};

use crate::support::{code_spec, config};

async fn run_with(faults: Option<Faults>, op: &str) -> Report {
    let mut cfg = config(code_spec(), &[op]);
    if let Some(f) = faults {
        cfg.target = TargetConfig::InProcessWithFaults(f);
    }
    run(&cfg).await.expect("the run starts")
}

fn failed(report: &Report) -> BTreeSet<String> {
    report.failures().map(|r| r.check.id.clone()).collect()
}

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

/// The semantic checks of `family` in `report` whose probes `keep` accepts.
fn family(report: &Report, name: &str, keep: impl Fn(&[String]) -> bool) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| match &r.check.scenario {
            Scenario::Semantic { family, probes, .. } => family == name && keep(probes),
            _ => false,
        })
        .map(|r| r.check.id.clone())
        .collect()
}

fn is_semantic(c: &Check) -> bool {
    matches!(c.scenario, Scenario::Semantic { .. })
}

/// Runs `op` sound and with `drift` on paths starting with `prefix`: the
/// sound run is clean, and the broken one fails exactly the checks of
/// `name` (those whose probes `keep` accepts), with messages containing
/// `says`.
async fn caught(
    op: &str,
    drift: Drift,
    prefix: &str,
    name: &str,
    keep: impl Fn(&[String]) -> bool,
    says: &str,
) {
    let sound = run_with(None, op).await;
    assert!(failed(&sound).is_empty(), "{:#?}", messages(&sound));
    assert_eq!(sound.totals.run, sound.totals.planned);
    assert!(sound.results.iter().any(|r| is_semantic(&r.check)));
    let expected = family(&sound, name, keep);
    assert!(!expected.is_empty(), "no `{name}` check of {op}");
    let broken = run_with(
        Some(Faults {
            drift: Some((drift, prefix.to_owned())),
            ..Faults::default()
        }),
        op,
    )
    .await;
    assert_eq!(failed(&broken), expected, "{:#?}", messages(&broken));
    for m in messages(&broken) {
        assert!(m.contains(says), "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_sort_fails_the_sort_checks() {
    caught(
        "list_event_sponsors",
        Drift::SortIgnored,
        "/v1/events",
        "sort",
        |_| true,
        "come back in another order",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignored_fieldsets_fail_the_fieldset_checks() {
    caught(
        "get_sponsor",
        Drift::FieldsIgnored,
        "/v1/sponsors",
        "fields",
        |_| true,
        "does not carry exactly the requested",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_include_in_name_only_fails_the_include_checks() {
    caught(
        "list_events",
        Drift::IncludeInNameOnly,
        "/v1/events",
        "include",
        |_| true,
        "",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extra_object_in_a_list_fails_the_visibility_checks() {
    caught(
        "list_sponsors",
        Drift::InvisibleItem,
        "/v1/sponsors",
        "visibility",
        |_| true,
        "2000000000",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inflated_count_fails_the_pagination_checks() {
    caught(
        "list_users",
        Drift::CountInflated,
        "/v1/users",
        "page",
        |_| true,
        "",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_filter_operator_fails_the_filter_checks_probing_it() {
    caught(
        "list_tracks",
        Drift::FilterOpIgnored("between".into()),
        "/v1/tracks",
        "filter",
        |probes| probes.iter().any(|p| p.ends_with(" between")),
        "between",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_skipping_a_page_fails_the_pagination_checks() {
    caught(
        "list_event_faqs",
        Drift::NextLinkSkips,
        "/v1/events",
        "page",
        |_| true,
        "",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_included_twice_fails_the_include_checks() {
    caught(
        "get_track",
        Drift::IncludedTwice,
        "/v1/tracks",
        "include",
        |_| true,
        "twice",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkage_short_of_the_related_objects_fails_the_linkage_checks() {
    caught(
        "get_event_sponsors_relationship",
        Drift::LinkageDropsOne,
        "/v1/events",
        "linkage",
        |_| true,
        "",
    )
    .await;
}
