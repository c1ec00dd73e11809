//! Resource declarations: attributes, relationships, permission tables,
//! conditions and write hooks, one file each. [`registry`] hands the
//! application's resources to the generic JSON:API machinery; [`Apis`]
//! mounts their generated routes.

pub mod event;
pub mod role;
pub mod role_invite;
pub mod user;
pub mod users_events_role;

use crate::jsonapi::{Registry, ResourceApi, meta};

/// The generated APIs of every resource (nest further tuples, up to 16
/// each, as resources are added).
pub type Apis = (
    ResourceApi<event::EventResource>,
    ResourceApi<user::UserResource>,
    ResourceApi<role::RoleResource>,
    ResourceApi<users_events_role::UsersEventsRoleResource>,
    ResourceApi<role_invite::RoleInviteResource>,
);

/// The generated APIs.
pub fn apis() -> Apis {
    (
        ResourceApi::new(),
        ResourceApi::new(),
        ResourceApi::new(),
        ResourceApi::new(),
        ResourceApi::new(),
    )
}

/// Every resource of the application, in handbook order.
pub fn registry() -> Registry {
    Registry::new(vec![
        meta::<user::UserResource>(),
        meta::<event::EventResource>(),
        meta::<role::RoleResource>(),
        meta::<users_events_role::UsersEventsRoleResource>(),
        meta::<role_invite::RoleInviteResource>(),
    ])
}

#[cfg(test)]
mod tests {
    use std::{collections::HashSet, str::FromStr};

    use sea_orm::EntityTrait;

    use super::*;
    use crate::jsonapi::{RelKind, Resource};

    fn check<R: Resource>(reg: &Registry)
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
            assert!(
                reg.lookup(r.target_type()).is_some(),
                "{}: unregistered target {}",
                R::TYPE,
                r.target_type()
            );
            if let RelKind::BelongsTo { fk } = r.kind {
                assert!(
                    <R::Entity as EntityTrait>::Column::from_str(fk).is_ok(),
                    "{}: missing fk {fk}",
                    R::TYPE
                );
            }
        }
    }

    #[test]
    fn declarations_name_real_columns_and_registered_targets() {
        let reg = registry();
        check::<event::EventResource>(&reg);
        check::<user::UserResource>(&reg);
        check::<role::RoleResource>(&reg);
        check::<users_events_role::UsersEventsRoleResource>(&reg);
        check::<role_invite::RoleInviteResource>(&reg);
        let types: HashSet<_> = reg.all().iter().map(|r| r.type_name()).collect();
        assert_eq!(types.len(), reg.all().len());
    }
}
