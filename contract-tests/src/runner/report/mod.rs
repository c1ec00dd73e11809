//! The run's results as one [`Report`], and its renderings: the console
//! ([`console`]), JUnit XML ([`junit`]), JSON ([`json`]) and Markdown
//! ([`markdown`]).

pub mod console;
pub mod json;
pub mod junit;
pub mod markdown;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    cases::semantics::Figures,
    check::CheckResult,
    permissions::PermissionRow,
    plan::{Plan, Uncovered},
    spec::Spec,
};

/// Counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Checks planned.
    pub planned: usize,
    /// Checks run.
    pub run: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Documented items no check exercises.
    pub uncovered: usize,
    /// Requests sent.
    pub requests: usize,
}

/// Pass/fail counts of one documented status of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCell {
    /// Checks expecting it that passed.
    pub passed: usize,
    /// Checks expecting it that failed.
    pub failed: usize,
    /// No check expects it.
    pub uncovered: bool,
}

/// One operation's line of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSummary {
    /// `operationId`.
    pub id: String,
    /// `METHOD path`.
    pub label: String,
    /// Documented status → counts.
    pub statuses: BTreeMap<u16, StatusCell>,
}

/// How a permission row fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowOutcome {
    /// Every check of the row ran and passed.
    Passed,
    /// A check of the row failed (or did not run).
    Failed,
    /// No check exercises the row.
    Uncovered,
}

/// One `x-permissions` row and its checks' outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// The operation.
    pub operation_id: String,
    /// The resource type the rules are about.
    pub resource: String,
    /// The action.
    pub action: String,
    /// `role[+condition…]`.
    pub row: String,
    /// The role the row grants.
    pub role: String,
    /// The outcome.
    pub outcome: RowOutcome,
    /// Checks exercising the row.
    pub checks: usize,
    /// Those that failed.
    pub failed: Vec<String>,
}

/// Everything a run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The spec's `info.title` and `info.version`.
    pub spec: String,
    /// The server checked.
    pub base_url: String,
    /// The run seed.
    pub seed: u64,
    /// Parallel jobs.
    pub jobs: usize,
    /// Operation filters given.
    pub filters: Vec<String>,
    /// Wall time of the checks, milliseconds.
    pub millis: u64,
    /// Checks per second.
    pub checks_per_second: f64,
    /// Counts.
    pub totals: Totals,
    /// Every check result, in plan order.
    pub results: Vec<CheckResult>,
    /// Uncovered items.
    pub uncovered: Vec<Uncovered>,
    /// Scenarios this target could not run.
    pub skipped: Vec<String>,
    /// Coverage per operation and documented status.
    pub operations: Vec<OperationSummary>,
    /// `x-permissions` rows of the selected operations.
    pub permission_rows: Vec<PermissionRow>,
    /// Each row's outcome, in plan order.
    pub rows: Vec<RowResult>,
    /// What the semantic checks probed (drawn from the seed).
    #[serde(default)]
    pub semantics: Figures,
}

impl Report {
    /// Assembles the report.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        spec: &Spec,
        plan: &Plan,
        results: Vec<CheckResult>,
        base_url: &str,
        seed: u64,
        jobs: usize,
        filters: &[String],
        millis: u64,
    ) -> Report {
        let info = |k: &str| {
            spec.raw
                .pointer(&format!("/info/{k}"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let mut operations: Vec<OperationSummary> = Vec::new();
        for op in &spec.operations {
            if !plan.checks.iter().any(|c| c.operation_id == op.id)
                && !plan.uncovered.iter().any(|u| u.operation_id == op.id)
            {
                continue;
            }
            let mut statuses = BTreeMap::new();
            for status in op.statuses() {
                let mut cell = StatusCell::default();
                for r in results
                    .iter()
                    .filter(|r| r.check.operation_id == op.id && r.check.expected == status)
                {
                    if r.passed {
                        cell.passed += 1;
                    } else {
                        cell.failed += 1;
                    }
                }
                cell.uncovered = plan
                    .uncovered
                    .iter()
                    .any(|u| u.operation_id == op.id && u.item == format!("status {status}"));
                statuses.insert(status, cell);
            }
            operations.push(OperationSummary {
                id: op.id.clone(),
                label: op.label(),
                statuses,
            });
        }
        let passed = results.iter().filter(|r| r.passed).count();
        let totals = Totals {
            planned: plan.checks.len(),
            run: results.len(),
            passed,
            failed: results.len() - passed,
            uncovered: plan.uncovered.len(),
            requests: results.iter().map(|r| r.requests).sum(),
        };
        let outcome: BTreeMap<&str, bool> = results
            .iter()
            .map(|r| (r.check.id.as_str(), r.passed))
            .collect();
        let rows = plan
            .permission_rows
            .iter()
            .map(|row| {
                let item = format!("permission row {}", row.label());
                let uncovered = plan
                    .uncovered
                    .iter()
                    .any(|u| u.operation_id == row.operation_id && u.item == item);
                let failed: Vec<String> = row
                    .checks
                    .iter()
                    .filter(|id| outcome.get(id.as_str()) != Some(&true))
                    .cloned()
                    .collect();
                RowResult {
                    operation_id: row.operation_id.clone(),
                    resource: row.resource.clone().unwrap_or_default(),
                    action: row.action.clone().unwrap_or_default(),
                    row: row.label(),
                    role: row.role.clone(),
                    outcome: if uncovered || row.checks.is_empty() {
                        RowOutcome::Uncovered
                    } else if failed.is_empty() {
                        RowOutcome::Passed
                    } else {
                        RowOutcome::Failed
                    },
                    checks: row.checks.len(),
                    failed,
                }
            })
            .collect();
        let secs = (millis as f64 / 1000.0).max(0.001);
        Report {
            spec: format!("{} {}", info("title"), info("version"))
                .trim()
                .to_owned(),
            base_url: base_url.to_owned(),
            seed,
            jobs,
            filters: filters.to_vec(),
            millis,
            checks_per_second: (results.len() as f64 / secs * 10.0).round() / 10.0,
            totals,
            results,
            uncovered: plan.uncovered.clone(),
            skipped: plan.skipped.clone(),
            operations,
            permission_rows: plan.permission_rows.clone(),
            rows,
            semantics: super::cases::semantics::figures(spec, &plan.checks),
        }
    }

    /// Rows passed, failed, uncovered.
    pub fn row_counts(&self) -> (usize, usize, usize) {
        let count = |o: RowOutcome| self.rows.iter().filter(|r| r.outcome == o).count();
        (
            count(RowOutcome::Passed),
            count(RowOutcome::Failed),
            count(RowOutcome::Uncovered),
        )
    }

    /// Everything planned ran and passed, and nothing is uncovered.
    pub fn success(&self) -> bool {
        self.totals.failed == 0
            && self.totals.uncovered == 0
            && self.totals.run == self.totals.planned
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.results.iter().filter(|r| !r.passed)
    }
}
