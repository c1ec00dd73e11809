//! `users-events-roles`: role grants. Visible to the event's organizers, to
//! the user holding the role, and to staff.

use crate::{
    db::entities::users_events_role,
    jsonapi::{Field, FieldKind::*, RelKind, Relationship, Resource},
    permissions::{Action::*, Cond::*, EventLink, Role::*, Rule, Table},
};

const SEE: &[Rule] = &[
    Rule::role(Coorganizer),
    Rule::role(Registered).when(&[SelfUser]),
];

/// The event's organizers (and the holder) see grants; owners and organizers
/// change or remove them; the owner's grant is never removed. Grants are made
/// by event creation and accepted role invites, not by POST.
pub const TABLE: Table = Table {
    resource: "users-events-roles",
    table: "users_events_roles",
    event: EventLink::Column("event_id"),
    user_column: Some("user_id"),
    rules: &[
        (List, SEE),
        (View, SEE),
        (Update, &[Rule::role(Organizer).when(&[NotOwnerGrant])]),
        (Delete, &[Rule::role(Organizer).when(&[NotOwnerGrant])]),
    ],
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
        required: false,
    },
    Relationship {
        name: "event",
        target: "event",
        kind: RelKind::BelongsTo { fk: "event_id" },
        description: "",
        required: false,
    },
    Relationship {
        name: "role",
        target: "role",
        kind: RelKind::BelongsTo { fk: "role_id" },
        description: "",
        required: false,
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

    const PERMISSIONS: Table = TABLE;
}
