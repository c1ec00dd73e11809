//! Resource declarations: attributes, relationships and who sees which rows.
//! The registry lets documents follow relationships across types.

pub mod event;
pub mod role;
pub mod role_invite;
pub mod user;
pub mod users_events_role;

use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::jsonapi::{DynResource, Meta};

static EVENTS: Meta<event::EventResource> = Meta::new();
static USERS: Meta<user::UserResource> = Meta::new();
static ROLES: Meta<role::RoleResource> = Meta::new();
static USERS_EVENTS_ROLES: Meta<users_events_role::UsersEventsRoleResource> = Meta::new();
static ROLE_INVITES: Meta<role_invite::RoleInviteResource> = Meta::new();

/// Every resource.
pub fn all() -> [&'static dyn DynResource; 5] {
    [&EVENTS, &USERS, &ROLES, &USERS_EVENTS_ROLES, &ROLE_INVITES]
}

/// A resource by JSON:API type.
pub fn lookup(type_name: &str) -> Option<&'static dyn DynResource> {
    all().into_iter().find(|r| r.type_name() == type_name)
}

/// A condition that matches nothing.
pub fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// Ids of the events where `user_id` holds one of `roles`.
pub fn events_with_role(user_id: i64, roles: &[&str]) -> SelectStatement {
    let role_ids = Query::select()
        .column(("roles", "id"))
        .from("roles")
        .and_where(Expr::col(("roles", "name")).is_in(roles.iter().map(|r| (*r).to_owned())))
        .to_owned();
    Query::select()
        .column(("users_events_roles", "event_id"))
        .from("users_events_roles")
        .and_where(Expr::col(("users_events_roles", "user_id")).eq(user_id))
        .and_where(Expr::col(("users_events_roles", "role_id")).in_subquery(role_ids))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sea_orm::EntityTrait;

    use super::*;
    use crate::jsonapi::{RelKind, Resource};

    fn check<R: Resource>()
    where
        <R::Entity as EntityTrait>::Column: FromStr,
    {
        for f in R::FIELDS {
            assert!(
                <R::Entity as EntityTrait>::Column::from_str(f.column).is_ok(),
                "{}: field {} names missing column {}",
                R::TYPE,
                f.name,
                f.column
            );
        }
        for r in R::RELATIONSHIPS {
            let target = lookup(r.target)
                .unwrap_or_else(|| panic!("{}: unknown target {}", R::TYPE, r.target));
            if let RelKind::BelongsTo { fk } = r.kind {
                assert!(
                    <R::Entity as EntityTrait>::Column::from_str(fk).is_ok(),
                    "{}: missing fk {fk}",
                    R::TYPE
                );
            }
            assert!(!target.table().is_empty());
        }
    }

    #[test]
    fn declarations_name_real_columns_and_registered_targets() {
        check::<event::EventResource>();
        check::<user::UserResource>();
        check::<role::RoleResource>();
        check::<users_events_role::UsersEventsRoleResource>();
        check::<role_invite::RoleInviteResource>();
        let mut types: Vec<_> = all().iter().map(|r| r.type_name()).collect();
        types.dedup();
        assert_eq!(types.len(), all().len());
    }
}
