//! The JSON report: the [`Report`] as serde writes it (it reads back with
//! `serde_json::from_str::<Report>`).

use super::Report;
use crate::runner::RunnerError;

/// The report as pretty JSON.
pub fn render(report: &Report) -> Result<String, RunnerError> {
    serde_json::to_string_pretty(report).map_err(|e| RunnerError::Report(e.to_string()))
}

/// Reads a JSON report back.
pub fn parse(text: &str) -> Result<Report, RunnerError> {
    serde_json::from_str(text).map_err(|e| RunnerError::Report(e.to_string()))
}
