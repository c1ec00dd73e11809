//! `role`: a custom role (the event roles are seeded by migrations). A
//! role still granted cannot be deleted (409): [`Kind::reference`] grants it.

use open_event_factories::{Factory, FactoryContext, RoleFactory};
use open_event_server::db;

use super::{BoxFuture, Kind, Narrow, Row, Seed, built, id_of, seed_err, stored};
use crate::runner::RunnerError;

/// Custom roles.
pub struct CustomRole;

impl Kind for CustomRole {
    fn type_name(&self) -> &'static str {
        "role"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(RoleFactory::in_context(ctx).build())
    }

    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let f = RoleFactory::in_context(seed.ctx).lazy(seed.lazy());
            stored(f.create(seed.db).await)
        })
    }

    fn narrow(&self) -> Narrow {
        Narrow::Attribute("name")
    }

    fn referable(&self) -> bool {
        true
    }

    /// Grants the role to a new user on a new event.
    fn reference<'a>(
        &'a self,
        seed: &'a Seed<'a>,
        row: &'a Row,
    ) -> BoxFuture<'a, Result<(), RunnerError>> {
        Box::pin(async move {
            let id = id_of(row)?;
            let name = row
                .get("name")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| RunnerError::Seed(format!("role {id} has no name")))?;
            let event = seed.ctx.event().create(seed.db).await.map_err(seed_err)?;
            let holder = seed.ctx.user().create(seed.db).await.map_err(seed_err)?;
            db::roles::grant(seed.db, holder.id, event.id, name)
                .await
                .map_err(seed_err)?;
            Ok(())
        })
    }
}
