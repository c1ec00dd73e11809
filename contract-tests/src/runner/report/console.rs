//! What people see: a progress bar with pass/fail counts (hidden when
//! stderr is not a terminal or `CI=true`) and the summary, with a curl
//! repro and expected vs actual for every failure.

use std::{
    io::IsTerminal,
    sync::atomic::{AtomicUsize, Ordering},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Report;
use crate::runner::check::CheckResult;

/// The progress bar.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    passed: AtomicUsize,
    failed: AtomicUsize,
}

/// Whether a progress bar should be drawn here.
pub fn interactive() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    std::io::stderr().is_terminal() && !ci
}

impl Progress {
    /// A bar for `total` checks, drawn only when `visible`.
    pub fn new(total: usize, visible: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            if visible {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} {msg} [{elapsed_precise}]")
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            passed: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }
    }

    /// A hidden bar.
    pub fn hidden() -> Progress {
        Progress::new(0, false)
    }

    /// Counts one result.
    pub fn record(&self, r: &CheckResult) {
        if r.passed {
            self.passed.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.bar.set_message(format!(
            "{} passed, {} failed",
            self.passed.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        ));
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The summary printed at the end of a run.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    for r in report.failures() {
        out.push_str(&format!("\nFAIL {}  ({})\n", r.check.id, r.check.label));
        for f in &r.failures {
            out.push_str(&format!(
                "  - {}\n      expected: {}\n      actual:   {}\n",
                f.message, f.expected, f.actual
            ));
            if let Some(ex) = r.exchanges.get(f.exchange) {
                out.push_str(&format!(
                    "      repro:    {}\n",
                    ex.request.curl(&report.base_url)
                ));
            }
        }
    }
    if !report.uncovered.is_empty() {
        out.push_str(&format!(
            "\nUNCOVERED ({}): documented, but no check exercises it\n",
            report.uncovered.len()
        ));
        for u in &report.uncovered {
            out.push_str(&format!(
                "  - {} {}: {}\n",
                u.operation_id, u.item, u.reason
            ));
        }
    }
    for s in &report.skipped {
        out.push_str(&format!("  skipped: {s}\n"));
    }
    let t = &report.totals;
    if !report.rows.is_empty() {
        let (p, f, u) = report.row_counts();
        out.push_str(&format!(
            "\npermission rows: {p} passed, {f} failed, {u} uncovered (of {})",
            report.rows.len()
        ));
    }
    if report.semantics.checks() > 0 {
        out.push_str(&format!("\n{}", report.semantics.line()));
    }
    out.push_str(&format!(
        "\n{} passed, {} failed, {} uncovered ({} of {} checks run, {} requests) in {:.2} s: {} checks/s\n",
        t.passed,
        t.failed,
        t.uncovered,
        t.run,
        t.planned,
        t.requests,
        report.millis as f64 / 1000.0,
        report.checks_per_second
    ));
    out.push_str(if report.success() {
        "contract: PASSED\n"
    } else {
        "contract: FAILED\n"
    });
    out
}
