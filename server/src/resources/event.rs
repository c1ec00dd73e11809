//! `event`: published events are public; drafts are visible only to people
//! holding a role on them and to staff (everyone else gets 404).

use crate::{
    db::entities::event::{self, PRIVACY, state},
    jsonapi::{Field, FieldKind::*, RelKind, Relationship, Resource},
    permissions::{Action::*, Cond::*, EventLink, Role::*, Rule, Table},
};

const SEE: &[Rule] = &[
    Rule::role(Anyone).when(&[EventPublished]),
    Rule::role(TrackOrganizer),
    Rule::role(Moderator),
    Rule::role(Registrar),
];

/// Published events are public; drafts only for people with a role on them.
/// Co-organizers edit; only owners and organizers delete (Open Event let
/// co-organizers delete: a leak we close).
pub const TABLE: Table = Table {
    resource: "event",
    table: "events",
    event: EventLink::IsEvent,
    user_column: None,
    rules: &[
        (List, SEE),
        (View, SEE),
        (Create, &[Rule::role(Registered)]),
        (Update, &[Rule::role(Coorganizer)]),
        (Delete, &[Rule::role(Organizer)]),
    ],
};

/// The `event` resource.
pub struct EventResource;

/// Longest allowed event, in days.
pub const MAX_DAYS: i64 = 20;

const FIELDS: &[Field] = &[
    Field::new(
        "identifier",
        "identifier",
        Str { max: 16 },
        "8 hex characters; the event is also addressable by it.",
    )
    .not_null()
    .read_only(),
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::new("description", "description", Text { max: 20000 }, ""),
    Field::new("starts-at", "starts_at", DateTime, "Start (RFC 3339).").required(),
    Field::new(
        "ends-at",
        "ends_at",
        DateTime,
        "End: after `starts-at`, at most 20 days later.",
    )
    .required(),
    Field::new(
        "timezone",
        "timezone",
        Timezone,
        "IANA time zone, e.g. Europe/Berlin.",
    )
    .required(),
    Field::new("location-name", "location_name", Str { max: 255 }, ""),
    Field::new(
        "searchable-location-name",
        "searchable_location_name",
        Str { max: 255 },
        "",
    ),
    Field::new(
        "latitude",
        "latitude",
        Float {
            min: -90.0,
            max: 90.0,
        },
        "",
    ),
    Field::new(
        "longitude",
        "longitude",
        Float {
            min: -180.0,
            max: 180.0,
        },
        "",
    ),
    Field::new("external-event-url", "external_event_url", Url, ""),
    Field::new("logo-url", "logo_url", Url, ""),
    Field::new("original-image-url", "original_image_url", Url, ""),
    Field::new("online", "online", Bool, "").not_null(),
    Field::new("privacy", "privacy", Enum(PRIVACY), "Default `public`.").not_null(),
    Field::new(
        "state",
        "state",
        Enum(state::ALL),
        "Default `draft`; drafts are hidden from the public.",
    )
    .not_null(),
    Field::new("is-map-shown", "is_map_shown", Bool, "").not_null(),
    Field::new(
        "is-sessions-speakers-enabled",
        "is_sessions_speakers_enabled",
        Bool,
        "",
    )
    .not_null(),
    Field::new("is-sponsors-enabled", "is_sponsors_enabled", Bool, "").not_null(),
    Field::new("is-ticket-form-enabled", "is_ticket_form_enabled", Bool, "").not_null(),
    Field::new(
        "is-cfs-enabled",
        "is_cfs_enabled",
        Bool,
        "Call for speakers open.",
    )
    .not_null(),
    Field::new("is-featured", "is_featured", Bool, "").not_null(),
    Field::new(
        "code-of-conduct",
        "code_of_conduct",
        Text { max: 20000 },
        "",
    ),
    Field::new("ticket-url", "ticket_url", Url, ""),
    Field::new("owner-name", "owner_name", Str { max: 255 }, ""),
    Field::new(
        "owner-description",
        "owner_description",
        Text { max: 5000 },
        "",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship {
        name: "creator",
        target: "user",
        kind: RelKind::BelongsTo { fk: "creator_id" },
        description: "The user who created the event.",
        required: false,
    },
    Relationship {
        name: "users-events-roles",
        target: "users-events-roles",
        kind: RelKind::HasMany { fk: "event_id" },
        description: "Who holds which role on the event.",
        required: false,
    },
    Relationship {
        name: "role-invites",
        target: "role-invite",
        kind: RelKind::HasMany { fk: "event_id" },
        description: "Pending and past invites (organizers only).",
        required: false,
    },
];

impl Resource for EventResource {
    type Entity = event::Entity;
    type Model = event::Model;
    const TYPE: &'static str = "event";
    const PLURAL: &'static str = "events";
    const SCHEMA: &'static str = "Event";
    const TABLE: &'static str = "events";
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = true;

    const PERMISSIONS: Table = TABLE;
}
