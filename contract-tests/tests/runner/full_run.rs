//! The whole plan against the in-process server.

use std::time::Instant;

use open_event_contract_tests::runner::report::console;

use crate::support::{code_spec, failure_lines, run_spec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore() {
    let started = Instant::now();
    let report = run_spec(code_spec(), &[]).await;
    println!("{}", console::summary(&report));
    println!("total {:?}", started.elapsed());
    let lines = failure_lines(&report);
    assert!(
        lines.is_empty(),
        "{} failures:\n{}",
        lines.len(),
        lines.join("\n")
    );
}
