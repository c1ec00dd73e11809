//! `role-invite`: owners and organizers invite people to event roles by
//! email. The `hash` (the acceptance token) is shown only to the event's
//! organizers; the invitee gets it by mail (Open Event showed it to anyone).

use crate::{
    db::entities::role_invite::{self, STATUSES},
    jsonapi::{Field, FieldKind::*, RelKind, Relationship, Resource},
    permissions::{Action::*, Cond::*, EventLink, Fields, Role::*, Rule, Table},
};

/// The `role-invite` resource.
pub struct RoleInviteResource;

/// The event roles one can be invited to.
pub const INVITABLE: &[&str] = &[
    "owner",
    "organizer",
    "coorganizer",
    "track-organizer",
    "moderator",
    "registrar",
];

const SEE: &[Rule] = &[
    Rule::role(Coorganizer),
    Rule::role(Registered)
        .when(&[Invitee])
        .fields(Fields::Except(&["hash"])),
];

/// Organizers see their event's invites, invitees their own (without the token).
pub const TABLE: Table = Table {
    resource: "role-invite",
    table: "role_invites",
    event: EventLink::Column("event_id"),
    user_column: None,
    rules: &[
        (List, SEE),
        (View, SEE),
        (
            Create,
            &[Rule::role(Owner), Rule::role(Organizer).when(&[BelowOwner])],
        ),
        // Accepting: the invitee, while pending (the status becomes `accepted`).
        (
            Update,
            &[Rule::role(Registered)
                .when(&[Invitee, InvitePending])
                .fields(Fields::Only(&["status"]))],
        ),
        (Delete, &[Rule::role(Organizer).when(&[InvitePending])]),
    ],
};

const FIELDS: &[Field] = &[
    Field::new("email", "email", Email, "Who is invited.")
        .required()
        .create_only(),
    Field::new(
        "role-name",
        "role_name",
        Enum(INVITABLE),
        "The role offered; must match the `role` relationship.",
    )
    .required()
    .create_only(),
    Field::new(
        "hash",
        "hash",
        Str { max: 64 },
        "The acceptance token; organizers only.",
    )
    .not_null()
    .read_only(),
    Field::new("status", "status", Enum(STATUSES), "")
        .not_null()
        .read_only(),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship {
        name: "event",
        target: "event",
        kind: RelKind::BelongsTo { fk: "event_id" },
        description: "Required.",
        required: true,
    },
    Relationship {
        name: "role",
        target: "role",
        kind: RelKind::BelongsTo { fk: "role_id" },
        description: "Required.",
        required: true,
    },
];

impl Resource for RoleInviteResource {
    type Entity = role_invite::Entity;
    type Model = role_invite::Model;
    const TYPE: &'static str = "role-invite";
    const PLURAL: &'static str = "role-invites";
    const SCHEMA: &'static str = "RoleInvite";
    const TABLE: &'static str = "role_invites";
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
}
