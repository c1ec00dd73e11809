//! `social-link`: an event's social links, on the world's event.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Row, Seed, built, stored};
use crate::runner::RunnerError;

/// An event's social links.
pub struct SocialLink;

impl Kind for SocialLink {
    fn type_name(&self) -> &'static str {
        "social-link"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.social_link().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = seed
                .ctx
                .social_link()
                .for_event(seed.event()?)
                .lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }
}
