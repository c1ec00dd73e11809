//! `cargo run -p open-event-mocks --bin open-event-mock`: the API on seeded
//! in-memory data with fake Google and Facebook login, for frontend work.
//! Prints the credentials table, then serves until Ctrl-C or SIGTERM.

use std::{
    io::{IsTerminal, Write},
    time::Instant,
};

use clap::Parser;
use open_event_mocks::mock_server::{MockApp, options::Options};
use open_event_server::startup::shutdown_signal;
use tracing_subscriber::{EnvFilter, fmt};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let started = Instant::now();
    open_event_server::memory::tune_allocator();
    let options = Options::parse();
    // Logs go to stderr; stdout carries the table.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    let app = match MockApp::start(options, started).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("open-event-mock: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(app.banner().as_bytes());
    let _ = out.flush();
    drop(out);
    match app.run_until(shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("open-event-mock: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
