//! `open-event-bench`: the server's throughput and latency beside two
//! ceilings measured in the same run. Build it in release mode:
//! `cargo run --release -p open-event-contract-tests --bin open-event-bench`.
//! See `docs/benchmarks.md`.

use clap::Parser;
use open_event_contract_tests::bench::{BenchCli, Sub, run, serve::serve};

#[tokio::main]
async fn main() {
    let cli = BenchCli::parse();
    let result = match &cli.command {
        Some(Sub::Serve {
            part,
            database_url,
            jwt_secret,
        }) => serve(*part, database_url, jwt_secret)
            .await
            .map(|()| String::new()),
        None => run(&cli).await,
    };
    match result {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("open-event-bench: {e}");
            std::process::exit(2);
        }
    }
}
