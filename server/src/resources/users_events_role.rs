//! `users-events-roles`: role grants. Visible to the event's organizers, to
//! the user holding the role, and to staff.

use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait},
};

use super::{ORGANIZER_ROLES, events_with_role, nothing};
use crate::{
    auth::Caller,
    db::entities::users_events_role,
    jsonapi::{Field, FieldKind::*, RelKind, Relationship, Resource},
};

/// The `users-events-roles` resource.
pub struct UsersEventsRoleResource;

const FIELDS: &[Field] = &[Field::new("created-at", "created_at", DateTime, "")
    .not_null()
    .read_only()];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship {
        name: "user",
        target: "user",
        kind: RelKind::BelongsTo { fk: "user_id" },
        description: "",
    },
    Relationship {
        name: "event",
        target: "event",
        kind: RelKind::BelongsTo { fk: "event_id" },
        description: "",
    },
    Relationship {
        name: "role",
        target: "role",
        kind: RelKind::BelongsTo { fk: "role_id" },
        description: "",
    },
];

impl Resource for UsersEventsRoleResource {
    type Entity = users_events_role::Entity;
    type Model = users_events_role::Model;
    const TYPE: &'static str = "users-events-roles";
    const PLURAL: &'static str = "users-events-roles";
    const SCHEMA: &'static str = "UsersEventsRole";
    const TABLE: &'static str = "users_events_roles";
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = false;

    fn visible(caller: &Caller) -> Condition {
        match caller.user_id() {
            _ if caller.is_staff() => Condition::all(),
            Some(me) => Condition::any()
                .add(Expr::col(("users_events_roles", "user_id")).eq(me))
                .add(
                    Expr::col(("users_events_roles", "event_id"))
                        .in_subquery(events_with_role(me, ORGANIZER_ROLES)),
                ),
            None => nothing(),
        }
    }
}
