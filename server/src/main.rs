//! `cargo run`: the API on 127.0.0.1:8080 with embedded SQLite.

use clap::Parser;
use open_event_server::{Application, Settings, startup::shutdown_signal, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    open_event_server::memory::tune_allocator();
    let settings = Settings::parse();
    telemetry::init(settings.log_format);
    let bind = settings.bind;
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            eprintln!("open-event-server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "listening on http://{}:{} (docs at /docs, spec at /openapi.json)",
        bind.ip(),
        app.port()
    );
    match app.run_until(shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("open-event-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
