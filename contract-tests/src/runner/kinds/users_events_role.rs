//! `users-events-roles`: a grant of an event role on the world's event.
//! Who holds it and which role it is follow the world (`self`,
//! `not-owner-grant`) as far as the caller's role allows: a registered
//! caller holding a grant would hold an event role, and the owner's own
//! grant is the owner grant.

use open_event_factories::{Factory, FactoryContext, Role, UsersEventsRoleFactory};
use open_event_server::db::entities::users_events_role::{Column, Entity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{BoxFuture, Kind, Narrow, Row, Seed, built, row_of, seed_err, stored};
use crate::runner::{
    RunnerError,
    model::{Actor, RoleWant, Want, Who},
};

/// Grants (default: a co-organizer grant of a new user).
pub struct Grant;

/// The role of a grant nobody asked anything of.
const DEFAULT_ROLE: &str = "coorganizer";

impl Kind for Grant {
    fn type_name(&self) -> &'static str {
        "users-events-roles"
    }

    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
        built(UsersEventsRoleFactory::in_context(ctx).build())
    }

    /// The grant of [`Seed::user`] (or a new user) of [`Seed::role`] on
    /// the event; an existing one is reused (the owner's owner grant, the
    /// actor's own role).
    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
        Box::pin(async move {
            let event = seed.event()?;
            let holder = match seed.user {
                Some(u) => u.clone(),
                None => seed.ctx.user().create(seed.db).await.map_err(seed_err)?,
            };
            let name = seed.role.unwrap_or(DEFAULT_ROLE);
            let role = Role::from_name(name)
                .ok_or_else(|| RunnerError::Seed(format!("`{name}` is no event role")))?;
            let role_id = role.id(seed.db).await.map_err(seed_err)?;
            let existing = Entity::find()
                .filter(Column::UserId.eq(holder.id))
                .filter(Column::EventId.eq(event.id))
                .filter(Column::RoleId.eq(role_id))
                .one(seed.db)
                .await
                .map_err(seed_err)?;
            if let Some(g) = existing {
                return Ok(row_of(&g));
            }
            let f = seed
                .ctx
                .users_events_role()
                .for_user(&holder)
                .for_event(event)
                .with_role(role);
            stored(f.create(seed.db).await)
        })
    }

    fn narrow(&self) -> Narrow {
        Narrow::Attribute("created-at")
    }

    /// The caller's own grant is the one their role gives them (the
    /// owner's: the owner grant; staff get a registrar grant); a
    /// registered caller cannot hold one, so theirs is someone else's.
    /// Else the owner grant when asked for, or a co-organizer's.
    fn plan(&self, role: Actor, want: &mut Want) {
        let own = want.user == Some(Who::Actor);
        let owner_grant = want
            .role
            .as_ref()
            .is_some_and(|r| r.is && r.name == "owner");
        let (who, name) = if own && role == Actor::Owner {
            (Who::Owner, "owner")
        } else if own && role.is_event_role() {
            (Who::Actor, role.name())
        } else if own && role.is_staff() {
            (Who::Actor, "registrar")
        } else if owner_grant {
            (Who::Owner, "owner")
        } else {
            (Who::Other, DEFAULT_ROLE)
        };
        want.user = Some(who);
        want.role = Some(RoleWant {
            column: "role_id",
            name,
            is: true,
        });
    }
}
