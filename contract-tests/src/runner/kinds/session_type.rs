//! `session-type`: an event's session types, on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's session types.
pub struct SessionType;

impl Kind for SessionType {
    fn type_name(&self) -> &'static str {
        "session-type"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.session_type().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed
                .ctx
                .session_type()
                .for_event(seed.event()?)
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
