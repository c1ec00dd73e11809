//! `event`: published events are public; drafts are visible only to people
//! holding a role on them and to staff (everyone else gets 404).

use sea_orm::{
    Condition as Sql,
    sea_query::{Expr, ExprTrait, Query},
};

use chrono::Duration;
use sea_orm::DbErr;

use crate::{
    auth::Caller,
    db::{
        self,
        entities::event::{self, PRIVACY, state},
    },
    error::ApiError,
    jsonapi::{
        Field, FieldKind::*, Op, OpKind, Relationship, Resource, Tag, body::Parsed, meta,
        ops::WriteCtx,
    },
    permissions::{
        Action::*, Check, Condition, EventLink, Role::*, Rule, Setup, Table, World, nothing,
    },
    resources::{
        faq::FaqResource, microlocation::MicrolocationResource, role_invite::RoleInviteResource,
        session_type::SessionTypeResource, social_link::SocialLinkResource,
        sponsor::SponsorResource, track::TrackResource, user::UserResource,
        users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

/// `EXISTS (the published, live event of <table>.<column>)`: correlated, so
/// the database looks up each row's event by primary key (a page of one
/// event's sponsors reads that one event) instead of building the set of
/// every published event first, as `IN (SELECT …)` does on SQLite.
fn published_event_of(table: &'static str, column: &'static str) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from("events")
            .and_where(Expr::col(("events", "id")).equals((table, column)))
            .and_where(Expr::col(("events", "state")).eq(state::PUBLISHED))
            .and_where(Expr::col(("events", "deleted_at")).is_null())
            .to_owned(),
    )
}

/// `event-published`: the row's event (or the event itself) is published.
pub const EVENT_PUBLISHED: Condition = Condition {
    name: "event-published",
    note: "only when the event is published",
    sql: |table, _| match table.event {
        EventLink::None => nothing(),
        EventLink::IsEvent => {
            Sql::all().add(Expr::col((table.table, "state")).eq(state::PUBLISHED))
        }
        EventLink::Column(c) => Sql::all().add(published_event_of(table.table, c)),
    },
    check: |_, _| {
        Check::OnEvent(Sql::all().add(Expr::col(("events", "state")).eq(state::PUBLISHED)))
    },
    on_request: false,
    world: World {
        holds: &[Setup::EventColumn {
            column: "state",
            value: state::PUBLISHED,
        }],
        fails: &[Setup::EventColumn {
            column: "state",
            value: state::DRAFT,
        }],
    },
};

const SEE: &[Rule] = &[
    Rule::role(Anyone).when(&[&EVENT_PUBLISHED]),
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
    Field::LATITUDE,
    Field::LONGITUDE,
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
    Relationship::to_one(
        "creator",
        meta::<UserResource>,
        "creator_id",
        "The user who created the event (visible to themselves and staff).",
    )
    .read_only(),
    Relationship::to_many(
        "users-events-roles",
        meta::<UsersEventsRoleResource>,
        "event_id",
        "Who holds which role on the event (organizers see all of them).",
    ),
    Relationship::to_many(
        "role-invites",
        meta::<RoleInviteResource>,
        "event_id",
        "Pending and past invites (organizers only; invitees their own).",
    ),
    Relationship::to_many(
        "sponsors",
        meta::<SponsorResource>,
        "event_id",
        "The event's sponsors.",
    ),
    Relationship::to_many(
        "tracks",
        meta::<TrackResource>,
        "event_id",
        "The event's tracks.",
    ),
    Relationship::to_many(
        "microlocations",
        meta::<MicrolocationResource>,
        "event_id",
        "The event's rooms and places.",
    ),
    Relationship::to_many(
        "session-types",
        meta::<SessionTypeResource>,
        "event_id",
        "The kinds of session the event offers.",
    ),
    Relationship::to_many(
        "social-links",
        meta::<SocialLinkResource>,
        "event_id",
        "The event's pages elsewhere.",
    ),
    Relationship::to_many("faqs", meta::<FaqResource>, "event_id", "The event's FAQs."),
];

const OPERATIONS: &[Op] = &[
    Op::new(
        OpKind::List,
        "List events",
        "Published events for everyone; drafts also for people holding a role on them, and for staff.",
    ),
    Op::new(
        OpKind::Create,
        "Create an event",
        "Any registered user; the creator becomes the event's `owner`. Defaults: `state` draft, `privacy` public.",
    ),
    Op::new(
        OpKind::Get,
        "Get an event",
        "By numeric id or by 8-hex identifier. A draft is 404 for anyone without a role on it.",
    ),
    Op::new(
        OpKind::Update,
        "Update an event",
        "The event's owner, organizers and co-organizers, and staff.",
    ),
    Op::new(
        OpKind::Delete,
        "Delete an event",
        "Soft delete, by the event's owner or organizers, or staff.",
    ),
];

/// Dates: ends after starts, at most [`MAX_DAYS`] long (422 on `ends-at`).
fn check_dates(parsed: &Parsed, current: Option<&event::Model>) -> Result<(), ApiError> {
    let starts = parsed
        .get("starts-at")
        .and_then(|v| v.as_datetime())
        .or(current.map(|c| c.starts_at));
    let ends = parsed
        .get("ends-at")
        .and_then(|v| v.as_datetime())
        .or(current.map(|c| c.ends_at));
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            return Err(ApiError::invalid(
                "/data/attributes/ends-at",
                "`ends-at` must be after `starts-at`.",
            ));
        }
        if e - s > Duration::days(MAX_DAYS) {
            return Err(ApiError::invalid(
                "/data/attributes/ends-at",
                format!("An event lasts at most {MAX_DAYS} days."),
            ));
        }
    }
    Ok(())
}

impl Resource for EventResource {
    type Entity = event::Entity;
    type Model = event::Model;
    type ActiveModel = event::ActiveModel;
    const TYPE: &'static str = "event";
    const PLURAL: &'static str = "events";
    const SCHEMA: &'static str = "Event";
    const TABLE: &'static str = "events";
    const TITLE: &'static str = "Events";
    const ID_PARAM: &'static str = "event_id";
    const TAG: Tag = Tag {
        name: "Events",
        description: "Events and what belongs to them.",
    };
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;

    fn id(model: &event::Model) -> i64 {
        model.id
    }

    fn key(raw: &str) -> Option<sea_orm::Condition> {
        db::events::by_id_or_identifier(raw)
    }

    async fn before_create(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        check_dates(&ctx.parsed, None)?;
        let am = &mut ctx.am;
        db::write::default(&mut am.privacy, "public".to_owned());
        db::write::default(&mut am.state, state::DRAFT.to_owned());
        for flag in [
            &mut am.online,
            &mut am.is_map_shown,
            &mut am.is_sessions_speakers_enabled,
            &mut am.is_sponsors_enabled,
            &mut am.is_ticket_form_enabled,
            &mut am.is_cfs_enabled,
            &mut am.is_featured,
        ] {
            db::write::default(flag, false);
        }
        Ok(())
    }

    async fn insert(
        state: &AppState,
        caller: &Caller,
        am: event::ActiveModel,
    ) -> Result<event::Model, DbErr> {
        let owner = caller
            .user_id()
            .ok_or_else(|| DbErr::Custom("an event needs an owner".into()))?;
        db::events::create_with_owner(&state.writer, am, owner).await
    }

    async fn before_update(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        check_dates(&ctx.parsed, ctx.current)
    }
}
