//! The contract runner: reads the OpenAPI spec, plans checks (operation ×
//! documented status × actor × scenario, plus stateful CRUD chains),
//! builds each check's state with the factories, sends the requests to a
//! live server and checks every response against the spec and the JSON:API
//! rules. See `docs/contract-runner.md`.
//!
//! ```text
//! spec.rs ─▶ plan.rs (cases/*, oracle.rs) ─▶ exec.rs ─▶ check.rs (schema.rs, jsonapi.rs) ─▶ report/*
//!                 ▲                              │
//!              target.rs ◀── seed.rs (world.rs, kinds/* ─▶ open-event-factories)
//! ```
//!
//! What the runner knows per resource type is one [kind](kinds) file;
//! everything else comes from the spec and the server's registry.
//!
//! Imports point one way (`B ◀─ A`: A names B, never the reverse; CI
//! checks with `scripts/module-cycles.py contract-tests/src/runner=crate::runner`).
//! The plain data the layers share lives in the leaf [`model`], which names
//! no other runner module:
//!
//! ```text
//! leaves: model, memo, http, jsonapi, permissions, faults;   permissions ◀─ spec ◀─ schema
//! model ◀─ kinds ◀─ world ◀─ oracle, seed;   seed ◀─ target ◀─ env ◀─ check
//!       ◀─ cases ◀─ plan ◀─ report ◀─ exec;   report ◀─ cli
//! ```

pub mod cases;
pub mod check;
pub mod cli;
pub mod env;
pub mod exec;
pub mod faults;
pub mod http;
pub mod jsonapi;
pub mod kinds;
pub mod memo;
pub mod model;
pub mod oracle;
pub mod permissions;
pub mod plan;
pub mod report;
pub mod schema;
pub mod seed;
pub mod spec;
pub mod target;
pub mod world;

use std::{sync::Arc, time::Instant};

use serde_json::Value;

use self::{
    cases::Caps,
    env::Env,
    plan::Plan,
    report::{Report, console::Progress},
    schema::Schemas,
    spec::Spec,
    target::Target,
};

pub use self::model::{ProviderAddrs, RunnerError};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 0x0E7E_2026;

/// Where the spec comes from.
#[derive(Debug, Clone)]
pub enum SpecSource {
    /// A file path or an `http(s)://` URL.
    Location(String),
    /// A document already in memory (tests, doctored specs).
    Value(Value),
}

/// Which server to check.
#[derive(Debug, Clone, Default)]
pub enum TargetConfig {
    /// Spawn the real server in-process (SQLite in memory, or PostgreSQL
    /// with `TEST_DATABASE_URL`).
    #[default]
    InProcess,
    /// The in-process server with deliberate defects switched on (the
    /// runner's drift self-tests; never reachable from the command line).
    InProcessWithFaults(faults::Faults),
    /// A running server.
    External {
        /// Its base URL.
        base_url: String,
        /// Its database, for seeding.
        database_url: Option<String>,
        /// Its JWT secret, for signing tokens (else: log in over HTTP).
        jwt_secret: Option<String>,
        /// Where to bind the OAuth provider stand-ins it was started with.
        providers: Option<ProviderAddrs>,
    },
}

/// A run's settings.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The spec.
    pub spec: SpecSource,
    /// The server.
    pub target: TargetConfig,
    /// Checks in flight at once.
    pub jobs: usize,
    /// Seed of execution order and generated data.
    pub seed: u64,
    /// Operation ids, tags or resource types (empty: all).
    pub filters: Vec<String>,
    /// Stop starting checks after the first failure.
    pub fail_fast: bool,
    /// Draw a progress bar.
    pub progress: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            spec: SpecSource::Location("spec/openapi.json".into()),
            target: TargetConfig::InProcess,
            jobs: default_jobs(),
            seed: DEFAULT_SEED,
            filters: Vec::new(),
            fail_fast: false,
            progress: false,
        }
    }
}

/// Default parallelism: 4 checks per core (they mostly wait on I/O).
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get() * 4)
}

/// The spec of `source`.
pub async fn load_spec(source: &SpecSource) -> Result<Spec, RunnerError> {
    match source {
        SpecSource::Location(l) => Spec::load(l).await,
        SpecSource::Value(v) => Spec::from_value(v.clone()),
    }
}

/// What a target lets the runner do.
pub fn capabilities(target: &Target) -> Caps {
    Caps {
        kinds: target
            .seeder
            .as_ref()
            .map(|s| s.kinds().into_iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        deletable: target
            .seeder
            .as_ref()
            .map(|s| s.deletable().into_iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        referable: target
            .seeder
            .as_ref()
            .map(|s| s.referable().into_iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        can_sign: target.can_sign(),
        can_break_database: target.is_in_process(),
        providers: target.providers.is_some(),
    }
}

/// The capabilities a target config will have, without starting it (for `--list`).
pub fn expected_capabilities(target: &TargetConfig) -> Caps {
    let seeding = match target {
        TargetConfig::InProcess | TargetConfig::InProcessWithFaults(_) => true,
        TargetConfig::External { database_url, .. } => database_url.is_some(),
    };
    let names = |types: Vec<&'static str>| -> Vec<String> {
        if seeding {
            types.into_iter().map(str::to_owned).collect()
        } else {
            Vec::new()
        }
    };
    Caps {
        kinds: names(kinds::types()),
        deletable: names(kinds::deletable()),
        referable: names(kinds::referable()),
        can_sign: match target {
            TargetConfig::InProcess | TargetConfig::InProcessWithFaults(_) => true,
            TargetConfig::External { jwt_secret, .. } => jwt_secret.is_some(),
        },
        can_break_database: !matches!(target, TargetConfig::External { .. }),
        providers: match target {
            TargetConfig::InProcess | TargetConfig::InProcessWithFaults(_) => true,
            TargetConfig::External { providers, .. } => providers.is_some(),
        },
    }
}

/// The plan a config yields (spec loaded, target not started).
pub async fn plan_for(config: &RunConfig) -> Result<Plan, RunnerError> {
    let spec = load_spec(&config.spec).await?;
    Ok(plan::build(
        &spec,
        &expected_capabilities(&config.target),
        &config.filters,
        config.seed,
    ))
}

/// Starts (or connects to) the target.
pub async fn start_target(config: &TargetConfig) -> Result<Target, RunnerError> {
    match config {
        TargetConfig::InProcess => Target::in_process().await,
        TargetConfig::InProcessWithFaults(faults) => {
            let server = faults.server();
            Target::in_process_embedded(|s| s.faults = server, faults.embedding()).await
        }
        TargetConfig::External {
            base_url,
            database_url,
            jwt_secret,
            providers,
        } => {
            Target::external(
                base_url,
                database_url.as_deref(),
                jwt_secret.as_deref(),
                *providers,
            )
            .await
        }
    }
}

/// Runs the whole contract: spec, target, plan, checks, report.
pub async fn run(config: &RunConfig) -> Result<Report, RunnerError> {
    let spec = Arc::new(load_spec(&config.spec).await?);
    let target = Arc::new(start_target(&config.target).await?);
    let caps = capabilities(&target);
    let plan = plan::build(&spec, &caps, &config.filters, config.seed);
    let env = Arc::new(Env {
        schemas: Arc::new(Schemas::new(&spec)),
        spec: spec.clone(),
        target: target.clone(),
        caps,
        memo: Arc::default(),
        seed: config.seed,
    });
    let progress = Progress::new(plan.checks.len(), config.progress);
    let started = Instant::now();
    let results = exec::execute(
        env,
        &plan,
        config.jobs,
        config.seed,
        config.fail_fast,
        &progress,
    )
    .await;
    progress.finish();
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(Report::new(
        &spec,
        &plan,
        results,
        &target.base,
        config.seed,
        config.jobs,
        &config.filters,
        millis,
    ))
}
