//! `microlocation`: an event's rooms (microlocations), on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's rooms (microlocations).
pub struct Microlocation;

impl Kind for Microlocation {
    fn type_name(&self) -> &'static str {
        "microlocation"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.microlocation().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed
                .ctx
                .microlocation()
                .for_event(seed.event()?)
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
