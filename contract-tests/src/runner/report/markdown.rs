//! The Markdown report: a coverage table (operation × documented status,
//! pass/fail per cell), the chains, every failure with its curl repro, the
//! uncovered items, and a permission matrix (resource × role × action)
//! when the spec carries `x-permissions` rows.

use std::collections::{BTreeMap, BTreeSet};

use super::{Report, StatusCell};

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
    if !report.permission_rows.is_empty() {
        out.push_str(&permission_matrix(report));
    }
    out
}

fn permission_matrix(report: &Report) -> String {
    const ACTIONS: [&str; 5] = ["list", "view", "create", "update", "delete"];
    let mut by_resource: BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<String>>>> =
        BTreeMap::new();
    for row in &report.permission_rows {
        let resource = row
            .resource
            .clone()
            .unwrap_or_else(|| row.operation_id.clone());
        let action = row.action.clone().unwrap_or_else(|| "?".into());
        let label = if row.conditions.is_empty() {
            "⚠".to_owned()
        } else {
            format!("⚠ ({})", row.conditions.join(", "))
        };
        by_resource
            .entry(resource)
            .or_default()
            .entry(row.role.clone())
            .or_default()
            .entry(action)
            .or_default()
            .push(label);
    }
    let mut out = String::from(
        "\n## Permission matrix\n\nRows are roles, columns actions; ✅ passed, ❌ failed, ⚠ uncovered (conditions in parentheses).\n",
    );
    for (resource, roles) in by_resource {
        out.push_str(&format!(
            "\n### {resource}\n\n| role | L | V | C | U | D |\n|---|---|---|---|---|---|\n"
        ));
        for (role, actions) in roles {
            out.push_str(&format!("| {role} |"));
            for a in ACTIONS {
                out.push_str(&format!(
                    " {} |",
                    actions.get(a).map(|v| v.join("<br>")).unwrap_or_default()
                ));
            }
            out.push('\n');
        }
    }
    out
}
