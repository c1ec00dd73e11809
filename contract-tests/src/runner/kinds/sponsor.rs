//! `sponsor`: an event's sponsors, on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's sponsors.
pub struct Sponsor;

impl Kind for Sponsor {
    fn type_name(&self) -> &'static str {
        "sponsor"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.sponsor().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed
                .ctx
                .sponsor()
                .for_event(seed.event()?)
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
