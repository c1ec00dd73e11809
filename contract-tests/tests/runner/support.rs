//! Shared helpers: the spec as the server's code generates it, and runs.

use std::sync::OnceLock;

use open_event_contract_tests::runner::{RunConfig, SpecSource, TargetConfig, report::Report, run};
use serde_json::Value;

/// The OpenAPI document generated from the server's code (what
/// `spec/openapi.json` holds when the spec drift test passes).
pub fn code_spec() -> Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        open_event_server::api::spec_json(
            &open_event_server::api::service(),
            &open_event_server::resources::registry(),
        )
    })
    .clone()
}

/// A run config on `spec` against a fresh in-process server.
pub fn config(spec: Value, filters: &[&str]) -> RunConfig {
    RunConfig {
        spec: SpecSource::Value(spec),
        target: TargetConfig::InProcess,
        jobs: 8,
        filters: filters.iter().map(|s| (*s).to_owned()).collect(),
        ..RunConfig::default()
    }
}

/// Runs `spec` (restricted to `filters`) against a fresh in-process server.
pub async fn run_spec(spec: Value, filters: &[&str]) -> Report {
    run(&config(spec, filters)).await.expect("the run starts")
}
