//! The Markdown report: a coverage table (operation × documented status,
//! pass/fail per cell), the chains, every failure with its curl repro, the
//! uncovered items, and, when the spec carries `x-permissions` rows, a
//! permission matrix (resource × role × action, pass/fail per cell) and the
//! outcome of every row.

use std::collections::{BTreeMap, BTreeSet};

use super::{Report, RowOutcome, StatusCell};
use crate::runner::plan::{Actor, Scenario};

fn cell(c: Option<&StatusCell>) -> String {
    match c {
        None => String::new(),
        Some(c) if c.uncovered => "⚠ uncovered".into(),
        Some(c) if c.failed > 0 => format!("❌ {}/{}", c.failed, c.failed + c.passed),
        Some(c) => format!("✅ {}", c.passed),
    }
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let verdict = if report.success() { "PASSED" } else { "FAILED" };
    out.push_str(&format!("# Contract run: {verdict}\n\n"));
    out.push_str(&format!(
        "{} against `{}`, seed {}, {} jobs: {} checks run ({} passed, {} failed), {} uncovered, {} requests in {:.1} s ({} checks/s).\n\n",
        report.spec,
        report.base_url,
        report.seed,
        report.jobs,
        report.totals.run,
        report.totals.passed,
        report.totals.failed,
        report.totals.uncovered,
        report.totals.requests,
        report.millis as f64 / 1000.0,
        report.checks_per_second,
    ));
    if report.semantics.checks() > 0 {
        out.push_str(&format!("{}.\n\n", report.semantics.line()));
    }
    let statuses: BTreeSet<u16> = report
        .operations
        .iter()
        .flat_map(|o| o.statuses.keys().copied())
        .collect();
    out.push_str("## Coverage: operation × status\n\n| operation | request |");
    for s in &statuses {
        out.push_str(&format!(" {s} |"));
    }
    out.push_str("\n|---|---|");
    for _ in &statuses {
        out.push_str("---|");
    }
    out.push('\n');
    for op in &report.operations {
        out.push_str(&format!("| `{}` | `{}` |", op.id, op.label));
        for s in &statuses {
            out.push_str(&format!(" {} |", cell(op.statuses.get(s))));
        }
        out.push('\n');
    }
    let chains: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.check.operation_id.starts_with("chain:"))
        .collect();
    if !chains.is_empty() {
        out.push_str("\n## Stateful chains\n\n| chain | actor | result |\n|---|---|---|\n");
        for r in chains {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                r.check.operation_id,
                r.check.actor.name(),
                if r.passed { "✅" } else { "❌" }
            ));
        }
    }
    if report.totals.failed > 0 {
        out.push_str("\n## Failures\n");
        for r in report.failures() {
            out.push_str(&format!("\n### `{}`\n\n", r.check.id));
            for f in &r.failures {
                out.push_str(&format!(
                    "- {}: expected {}, actual {}\n",
                    escape(&f.message),
                    escape(&f.expected),
                    escape(&f.actual)
                ));
                if let Some(ex) = r.exchanges.get(f.exchange) {
                    out.push_str(&format!(
                        "\n  ```sh\n  {}\n  ```\n",
                        ex.request.curl(&report.base_url)
                    ));
                }
            }
        }
    }
    if !report.uncovered.is_empty() {
        out.push_str("\n## Uncovered\n\n| operation | item | reason |\n|---|---|---|\n");
        for u in &report.uncovered {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                u.operation_id,
                u.item,
                escape(&u.reason)
            ));
        }
    }
    if !report.skipped.is_empty() {
        out.push_str("\n## Skipped on this target\n\n");
        for s in &report.skipped {
            out.push_str(&format!("- {}\n", escape(s)));
        }
    }
    if !report.rows.is_empty() {
        out.push_str(&permission_matrix(report));
    }
    out
}

fn permission_matrix(report: &Report) -> String {
    const ACTIONS: [&str; 5] = ["list", "view", "create", "update", "delete"];
    // (resource, role, action) → (passed, failed, uncovered rows)
    let mut cells: BTreeMap<(String, String, String), (usize, usize, usize)> = BTreeMap::new();
    let mut resources = BTreeSet::new();
    let mut about: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for row in &report.rows {
        about
            .entry(row.operation_id.as_str())
            .or_insert_with(|| (row.resource.clone(), row.action.clone()));
        resources.insert(row.resource.clone());
        if row.outcome == RowOutcome::Uncovered {
            cells
                .entry((row.resource.clone(), row.role.clone(), row.action.clone()))
                .or_default()
                .2 += 1;
        }
    }
    for r in &report.results {
        if !matches!(r.check.scenario, Scenario::Permission { .. }) {
            continue;
        }
        let Some((resource, action)) = about.get(r.check.operation_id.as_str()) else {
            continue;
        };
        let cell = cells
            .entry((
                resource.clone(),
                r.check.actor.name().to_owned(),
                action.clone(),
            ))
            .or_default();
        if r.passed {
            cell.0 += 1;
        } else {
            cell.1 += 1;
        }
    }
    let mut out = String::from(
        "\n## Permission matrix\n\nResource × role × action, over every permission check \
         (every operation whose rules are about the resource, every world): \
         ✅ all passed (count), ❌ failed/total, ⚠ a row of the cell is uncovered.\n",
    );
    for resource in resources {
        out.push_str(&format!(
            "\n### {resource}\n\n| role | list | view | create | update | delete |\n|---|---|---|---|---|---|\n"
        ));
        for role in Actor::ALL {
            out.push_str(&format!("| {} |", role.name()));
            for a in ACTIONS {
                let key = (resource.clone(), role.name().to_owned(), a.to_owned());
                let text = match cells.get(&key) {
                    None => String::new(),
                    Some((p, f, u)) => {
                        let mut t = if *f > 0 {
                            format!("❌ {f}/{}", f + p)
                        } else if *p > 0 {
                            format!("✅ {p}")
                        } else {
                            String::new()
                        };
                        if *u > 0 {
                            t = format!("{t} ⚠").trim().to_owned();
                        }
                        t
                    }
                };
                out.push_str(&format!(" {text} |"));
            }
            out.push('\n');
        }
    }
    out.push_str(
        "\n## Permission rows\n\n| operation | resource | action | row | checks | result |\n|---|---|---|---|---|---|\n",
    );
    for row in &report.rows {
        let result = match row.outcome {
            RowOutcome::Passed => "✅".to_owned(),
            RowOutcome::Failed => format!("❌ {}", row.failed.len()),
            RowOutcome::Uncovered => "⚠ uncovered".to_owned(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | `{}` | {} | {result} |\n",
            row.operation_id, row.resource, row.action, row.row, row.checks
        ));
    }
    out
}
