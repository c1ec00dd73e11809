//! `faq`: an event's FAQs, on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's FAQs.
pub struct Faq;

impl Kind for Faq {
    fn type_name(&self) -> &'static str {
        "faq"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.faq().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed.ctx.faq().for_event(seed.event()?).lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
