//! What every check runs against: the spec, the compiled schemas, the
//! target and the run seed.

use std::sync::Arc;

use open_event_factories::FactoryContext;

use super::{
    RunnerError,
    http::{Exchange, HttpRequest},
    memo::Memo,
    model::Caps,
    schema::Schemas,
    seed::Seeder,
    spec::Spec,
    target::Target,
};

/// The shared, read-only context of a run.
#[derive(Debug, Clone)]
pub struct Env {
    /// The spec.
    pub spec: Arc<Spec>,
    /// Its response schemas, compiled on first use.
    pub schemas: Arc<Schemas>,
    /// The server under test.
    pub target: Arc<Target>,
    /// What the target lets the runner do.
    pub caps: Caps,
    /// Values the checks of a run share, built once (the semantic checks'
    /// seeded world, the permission worlds of reads).
    pub memo: Arc<Memo>,
    /// The run seed (`--seed`): shared values derive their data from it
    /// and their key.
    pub seed: u64,
}

impl Env {
    /// The seeder, or an error naming what is missing.
    pub fn seeder(&self) -> Result<&dyn Seeder, RunnerError> {
        self.target
            .seeder
            .as_deref()
            .ok_or_else(|| RunnerError::Seed("no database to seed (pass --database-url)".into()))
    }

    /// The factory context of a check: seeded by the check's seed, and
    /// unique across runs when the database outlives the run.
    pub fn factory(&self, seed: u64) -> FactoryContext {
        let ctx = FactoryContext::seeded(seed);
        if self.target.unique_across_runs {
            ctx.unique_across_processes()
        } else {
            ctx
        }
    }

    /// Sends a request to the target.
    pub async fn send(&self, req: &HttpRequest) -> Exchange {
        req.send(&self.target.client, &self.target.base).await
    }
}
