//! `event`: the hub of every world (`E`, owned by `O`).

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Narrow, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// Events, owned by [`Seed::owner`] (their creator, holding `owner`).
pub struct Event;

impl Kind for Event {
    fn type_name(&self) -> &'static str {
        "event"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.event().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed.ctx.event().owned_by(seed.owner).lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }

    fn narrow(&self) -> Narrow {
        Narrow::Attribute("identifier")
    }
}
