//! `open-event-contract`: checks a live Open Event server against its
//! OpenAPI contract. See `docs/contract-runner.md` and `--help`.

use clap::Parser;
use open_event_contract_tests::runner::cli::{Cli, run};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let code = match run(&cli).await {
        Ok((code, text)) => {
            print!("{text}");
            code
        }
        Err(e) => {
            eprintln!("open-event-contract: {e}");
            2
        }
    };
    std::process::exit(code);
}
