//! The `open-event-contract` command line. Exit codes: 0 when every check
//! passed and nothing is uncovered, 1 when the contract does not hold, 2
//! when the run could not happen (bad flags, unreadable spec, server down).

use std::{path::PathBuf, str::FromStr};

use clap::Parser;

use super::{
    DEFAULT_SEED, ProviderAddrs, RunConfig, RunnerError, SpecSource, TargetConfig,
    report::{Report, console, json, junit, markdown},
};

/// A report to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSpec {
    /// JUnit XML.
    Junit(PathBuf),
    /// JSON.
    Json(PathBuf),
    /// Markdown.
    Markdown(PathBuf),
}

impl FromStr for ReportSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, path) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: expected FORMAT=PATH (junit, json or markdown)"))?;
        let path = PathBuf::from(path);
        match kind {
            "junit" => Ok(ReportSpec::Junit(path)),
            "json" => Ok(ReportSpec::Json(path)),
            "markdown" | "md" => Ok(ReportSpec::Markdown(path)),
            other => Err(format!(
                "unknown report format `{other}` (junit, json, markdown)"
            )),
        }
    }
}

fn parse_seed(s: &str) -> Result<u64, String> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    }
    .map_err(|e| format!("`{s}`: {e}"))
}

/// Checks a live Open Event server against its OpenAPI contract.
#[derive(Debug, Parser)]
#[command(name = "open-event-contract", version)]
pub struct Cli {
    /// The OpenAPI document: a file path or an http(s) URL.
    #[arg(
        long,
        env = "OPEN_EVENT_CONTRACT_SPEC",
        default_value = "spec/openapi.json"
    )]
    pub spec: String,
    /// A running server to check; default: start the server in-process on
    /// SQLite in memory (PostgreSQL when TEST_DATABASE_URL is set).
    #[arg(long, env = "OPEN_EVENT_CONTRACT_BASE_URL")]
    pub base_url: Option<String>,
    /// The database of the --base-url server, to seed check data through
    /// the server's db layer. Without it, checks that need data are uncovered.
    #[arg(long, env = "OPEN_EVENT_CONTRACT_DATABASE_URL", requires = "base_url")]
    pub database_url: Option<String>,
    /// The JWT secret of the --base-url server (signs tokens, including
    /// expired ones); without it tokens come from logging in.
    #[arg(long, env = "OPEN_EVENT_JWT_SECRET", requires = "base_url")]
    pub jwt_secret: Option<String>,
    /// Bind the Google stand-in here (the --base-url server was started with
    /// OPEN_EVENT_GOOGLE_BASE_URL=http://<this address>); with
    /// --facebook-mock-addr and --graph-mock-addr. Without them the OAuth
    /// checks of an external server are uncovered.
    #[arg(long, requires_all = ["base_url", "facebook_mock_addr", "graph_mock_addr"])]
    pub google_mock_addr: Option<std::net::SocketAddr>,
    /// Bind the Facebook Login dialog stand-in here (OPEN_EVENT_FACEBOOK_BASE_URL).
    #[arg(long, requires = "google_mock_addr")]
    pub facebook_mock_addr: Option<std::net::SocketAddr>,
    /// Bind the Graph API stand-in here (OPEN_EVENT_GRAPH_BASE_URL).
    #[arg(long, requires = "google_mock_addr")]
    pub graph_mock_addr: Option<std::net::SocketAddr>,
    /// Checks in flight at once.
    #[arg(long, env = "OPEN_EVENT_CONTRACT_JOBS", default_value_t = super::default_jobs())]
    pub jobs: usize,
    /// Seed of the execution order and the generated data (decimal or 0x-hex).
    #[arg(long, env = "OPEN_EVENT_CONTRACT_SEED", value_parser = parse_seed, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Only operations with this id, tag or resource type (repeatable).
    #[arg(long = "filter", value_name = "OPERATION|TAG|TYPE")]
    pub filters: Vec<String>,
    /// Print the plan and exit.
    #[arg(long)]
    pub list: bool,
    /// Stop starting checks after the first failure.
    #[arg(long)]
    pub fail_fast: bool,
    /// Write a report: junit=PATH, json=PATH or markdown=PATH (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<ReportSpec>,
}

impl Cli {
    /// The run configuration these flags describe.
    pub fn config(&self) -> RunConfig {
        RunConfig {
            spec: SpecSource::Location(self.spec.clone()),
            target: match &self.base_url {
                None => TargetConfig::InProcess,
                Some(base) => TargetConfig::External {
                    base_url: base.clone(),
                    database_url: self.database_url.clone(),
                    jwt_secret: self.jwt_secret.clone(),
                    providers: match (
                        self.google_mock_addr,
                        self.facebook_mock_addr,
                        self.graph_mock_addr,
                    ) {
                        (Some(google), Some(facebook), Some(graph)) => Some(ProviderAddrs {
                            google,
                            facebook,
                            graph,
                        }),
                        _ => None,
                    },
                },
            },
            jobs: self.jobs.max(1),
            seed: self.seed,
            filters: self.filters.clone(),
            fail_fast: self.fail_fast,
            progress: console::interactive(),
        }
    }
}

/// Writes the requested reports.
pub fn write_reports(report: &Report, specs: &[ReportSpec]) -> Result<(), RunnerError> {
    for spec in specs {
        let (path, text) = match spec {
            ReportSpec::Junit(p) => (p, junit::render(report)?),
            ReportSpec::Json(p) => (p, json::render(report)?),
            ReportSpec::Markdown(p) => (p, markdown::render(report)),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| RunnerError::Report(format!("{}: {e}", dir.display())))?;
        }
        std::fs::write(path, text)
            .map_err(|e| RunnerError::Report(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// Runs the command; returns the exit code and what to print on stdout.
pub async fn run(cli: &Cli) -> Result<(i32, String), RunnerError> {
    let config = cli.config();
    if cli.list {
        let plan = super::plan_for(&config).await?;
        return Ok((0, plan.listing()));
    }
    let report = super::run(&config).await?;
    write_reports(&report, &cli.reports)?;
    let code = if report.success() { 0 } else { 1 };
    Ok((code, console::summary(&report)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "open-event-contract",
            "--seed",
            "0x10",
            "--filter",
            "Events",
            "--filter",
            "login",
            "--report",
            "junit=out/j.xml",
            "--report",
            "json=r.json",
        ])
        .unwrap();
        assert_eq!(cli.seed, 16);
        assert_eq!(cli.filters, ["Events", "login"]);
        assert_eq!(cli.reports[0], ReportSpec::Junit("out/j.xml".into()));
        assert!("html=x".parse::<ReportSpec>().is_err());
        assert!(Cli::try_parse_from(["x", "--database-url", "sqlite::memory:"]).is_err());
        let mocks = [
            "x",
            "--base-url",
            "http://127.0.0.1:1",
            "--google-mock-addr",
            "127.0.0.1:2",
            "--facebook-mock-addr",
            "127.0.0.1:3",
            "--graph-mock-addr",
            "127.0.0.1:4",
        ];
        let cli = Cli::try_parse_from(mocks).unwrap();
        let TargetConfig::External { providers, .. } = cli.config().target else {
            panic!("external");
        };
        assert_eq!(providers.unwrap().graph.port(), 4);
        assert!(Cli::try_parse_from(&mocks[..5]).is_err());
    }
}
