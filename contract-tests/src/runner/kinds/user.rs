//! `user`: accounts. A user asked to belong to someone ([`Seed::user`],
//! the `self` condition) *is* that person: nothing is created.

use open_event_factories::{Factory, FactoryContext};

use super::{BoxFuture, Kind, Narrow, Row, Seed, built, row_of, stored};
use crate::runner::RunnerError;

/// Users.
pub struct User;

impl Kind for User {
    fn type_name(&self) -> &'static str {
        "user"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(ctx.user().build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            if let Some(person) = seed.user {
                return Ok(row_of(person));
            }
            stored(seed.ctx.user().lazy(seed.lazy()).create(seed.db).await)
        })
    }

    fn narrow(&self) -> Narrow {
        Narrow::Attribute("email")
    }
}
