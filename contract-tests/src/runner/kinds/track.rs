//! `track`: an event's tracks, on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's tracks.
pub struct Track;

impl Kind for Track {
    fn type_name(&self) -> &'static str {
        "track"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.track().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed.ctx.track().for_event(seed.event()?).lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
