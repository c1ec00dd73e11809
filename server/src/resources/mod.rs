//! Resource declarations: attributes, relationships, permission tables,
//! conditions and write hooks, one file each. [`registry`] hands the
//! application's resources to the generic JSON:API machinery; [`Apis`]
//! mounts their generated routes.

pub mod email_notification;
pub mod event;
pub mod faq;
pub mod microlocation;
pub mod program;
pub mod role;
pub mod role_invite;
pub mod session_type;
pub mod social_link;
pub mod sponsor;
pub mod track;
pub mod user;
pub mod users_events_role;

use crate::jsonapi::{Registry, ResourceApi, meta};

/// Declares the application's resources once: their generated APIs
/// ([`Apis`], groups of at most 12 so poem-openapi's tuple limit never
/// binds), the [`registry`] handed to the JSON:API machinery (in handbook
/// order), and a test that each declaration names real columns.
macro_rules! resources {
    ($( ( $($r:ty),* $(,)? ) ),* $(,)?) => {
        /// The generated APIs of every resource.
        pub type Apis = ( $( ( $( ResourceApi<$r>, )* ), )* );

        /// The generated APIs.
        pub fn apis() -> Apis {
            Default::default()
        }

        /// Every resource of the application, in handbook order.
        pub fn registry() -> Registry {
            Registry::new(vec![ $( $( meta::<$r>(), )* )* ])
        }

        #[cfg(test)]
        fn check_all(reg: &Registry) {
            $( $( tests::check::<$r>(reg); )* )*
        }
    };
}

resources! {
    (
        user::UserResource,
        event::EventResource,
        role::RoleResource,
        users_events_role::UsersEventsRoleResource,
        role_invite::RoleInviteResource,
    ),
    (
        sponsor::SponsorResource,
        track::TrackResource,
        microlocation::MicrolocationResource,
        session_type::SessionTypeResource,
        social_link::SocialLinkResource,
        faq::FaqResource,
        email_notification::EmailNotificationResource,
    ),
}

#[cfg(test)]
mod tests {
    use std::{collections::HashSet, str::FromStr};

    use sea_orm::EntityTrait;

    use super::*;
    use crate::jsonapi::{RelKind, Resource};

    pub(super) fn check<R: Resource>(reg: &Registry)
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
            match r.kind {
                RelKind::BelongsTo { fk } => assert!(
                    <R::Entity as EntityTrait>::Column::from_str(fk).is_ok(),
                    "{}: missing fk {fk}",
                    R::TYPE
                ),
                // Linkage of a to-many relationship reads the key off the
                // target's rows, which carry the keys of their to-ones.
                RelKind::HasMany { fk } => assert!(
                    r.target()
                        .relationships()
                        .iter()
                        .any(|t| t.kind == RelKind::BelongsTo { fk }),
                    "{}: `{}` needs `{}` to declare a to-one on `{fk}`",
                    R::TYPE,
                    r.name,
                    r.target_type()
                ),
            }
        }
    }

    #[test]
    fn declarations_name_real_columns_and_registered_targets() {
        let reg = registry();
        super::check_all(&reg);
        let types: HashSet<_> = reg.all().iter().map(|r| r.type_name()).collect();
        assert_eq!(types.len(), reg.all().len());
        let plurals: HashSet<_> = reg.all().iter().map(|r| r.plural()).collect();
        assert_eq!(plurals.len(), reg.all().len());
    }
}
