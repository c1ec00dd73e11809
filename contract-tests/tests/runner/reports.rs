//! The reports are written and parse: JUnit XML is well-formed (quick-junit
//! reads it back), JSON round-trips, Markdown has its tables; failures
//! carry a curl repro.

use open_event_contract_tests::runner::{
    cli::{ReportSpec, write_reports},
    report::{json, markdown},
};

use crate::support::{code_spec, run_spec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junit_json_and_markdown_reports_are_written_and_parse() {
    // One operation with a finding (the spec says names are at most 5
    // characters), ones that pass (with permission rows), one with a gap.
    let mut spec = code_spec();
    spec["components"]["schemas"]["EventCreateAttributes"]["properties"]["name"]["maxLength"] =
        serde_json::Value::from(5);
    spec["paths"]["/health"]["get"]["responses"]["418"] =
        serde_json::json!({"description": "I'm a teapot."});
    let report = run_spec(spec, &["create_event", "update_event", "login", "health"]).await;
    assert!(report.totals.failed > 0 && report.totals.passed > 0);
    let dir = std::env::temp_dir().join(format!("oe-contract-{}", std::process::id()));
    let (j, s, m) = (
        dir.join("r/junit.xml"),
        dir.join("r.json"),
        dir.join("r.md"),
    );
    write_reports(
        &report,
        &[
            ReportSpec::Junit(j.clone()),
            ReportSpec::Json(s.clone()),
            ReportSpec::Markdown(m.clone()),
        ],
    )
    .unwrap();

    let xml = std::fs::read_to_string(&j).unwrap();
    let junit = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let cases: usize = junit.test_suites.iter().map(|s| s.test_cases.len()).sum();
    assert_eq!(cases, report.totals.run + report.totals.uncovered);
    let suite = junit
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == "login")
        .unwrap();
    assert!(
        suite
            .test_cases
            .iter()
            .all(|c| c.classname.as_ref().map(|c| c.as_str()) == Some("login"))
    );
    assert!(
        xml.contains("curl -sS -g -X POST"),
        "a failure carries its repro"
    );

    let text = std::fs::read_to_string(&s).unwrap();
    assert_eq!(json::parse(&text).unwrap(), report);

    let md = std::fs::read_to_string(&m).unwrap();
    assert_eq!(md, markdown::render(&report));
    assert!(md.starts_with("# Contract run: FAILED"));
    assert!(md.contains("| `login` | `POST /v1/auth/login` |"));
    assert!(md.contains("## Uncovered") && md.contains("health"));
    assert!(md.contains("## Permission matrix") && md.contains("## Permission rows"));
    assert!(md.contains("\n### event\n\n| role | list | view | create | update | delete |"));
    // The matrix cell of moderators updating events: every check passed.
    assert!(
        md.lines()
            .any(|l| l.starts_with("| moderator |") && l.contains("✅")),
        "{md}"
    );
    assert!(md.contains("| `update_event` | event | update | `coorganizer` |"));
    std::fs::remove_dir_all(dir).ok();
}
