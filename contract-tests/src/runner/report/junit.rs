//! JUnit XML (quick-junit): one test suite per operation, one test case per
//! check (`classname` = operation id), and one failing test case per
//! uncovered item so CI shows those too.

use std::{collections::BTreeMap, time::Duration};

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::runner::RunnerError;

fn failure_text(r: &crate::runner::check::CheckResult, base: &str) -> String {
    let mut out = String::new();
    for f in &r.failures {
        out.push_str(&format!(
            "{}\n  expected: {}\n  actual:   {}\n",
            f.message, f.expected, f.actual
        ));
        if let Some(ex) = r.exchanges.get(f.exchange) {
            out.push_str(&format!("  repro:    {}\n", ex.request.curl(base)));
        }
    }
    out
}

/// The report as JUnit XML.
pub fn render(report: &Report) -> Result<String, RunnerError> {
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    for r in &report.results {
        let status = if r.passed {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = r
                .failures
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            s.set_message(first);
            s.set_type("contract");
            s.set_description(failure_text(r, &report.base_url));
            s
        };
        let mut case = TestCase::new(r.check.id.clone(), status);
        case.set_classname(r.check.operation_id.clone());
        case.set_time(Duration::from_millis(r.millis));
        suites
            .entry(r.check.operation_id.clone())
            .or_insert_with(|| TestSuite::new(r.check.operation_id.clone()))
            .add_test_case(case);
    }
    for u in &report.uncovered {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(format!("uncovered: {}", u.reason));
        s.set_type("uncovered");
        let mut case = TestCase::new(format!("{}/uncovered/{}", u.operation_id, u.item), s);
        case.set_classname(u.operation_id.clone());
        suites
            .entry(u.operation_id.clone())
            .or_insert_with(|| TestSuite::new(u.operation_id.clone()))
            .add_test_case(case);
    }
    let mut junit = JReport::new("open-event-contract");
    junit.set_time(Duration::from_millis(report.millis));
    junit.add_test_suites(suites.into_values());
    junit
        .to_string()
        .map_err(|e| RunnerError::Report(e.to_string()))
}
