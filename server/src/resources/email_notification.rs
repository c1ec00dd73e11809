//! `email-notification`: which mails a user wants about one event (Open
//! Event's per-event notification settings). A row belongs to its user:
//! they (and staff) see and change it; anyone registered makes their own,
//! for an event they can see. The worked example of
//! `docs/adding-a-resource.md`.

use sea_orm::Set;

use crate::{
    db,
    error::ApiError,
    jsonapi::{Field, FieldKind::*, Op, OpKind, Relationship, Resource, meta, ops::WriteCtx},
    permissions::{Action::*, EventLink, Role::*, Rule, Table},
    resources::{
        event::EventResource,
        user::{self, SELF_USER, UserResource},
    },
};

pub use entity::*;

/// `email_notifications`: a user's mail preferences for one event.
pub mod entity {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One user's preferences for one event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "email_notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub user_id: i64,
        pub next_event: bool,
        pub new_paper: bool,
        pub session_accept_reject: bool,
        pub session_schedule: bool,
        pub after_ticket_purchase: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    crate::db::entities::created_at_on_insert!();
}

/// The user's own rows.
const OWN: &[Rule] = &[
    Rule::role(Admin),
    Rule::role(Registered).when(&[&SELF_USER]),
];

/// Staff and the user see and change a row; anyone registered creates
/// their own.
pub const TABLE: Table = Table {
    resource: "email-notification",
    table: "email_notifications",
    event: EventLink::Column("event_id"),
    user_column: Some("user_id"),
    rules: &[
        (List, OWN),
        (View, OWN),
        (Create, &[Rule::role(Registered)]),
        (Update, OWN),
        (Delete, OWN),
    ],
};

const FIELDS: &[Field] = &[
    Field::new(
        "next-event",
        "next_event",
        Bool,
        "Mail about the event's next edition.",
    )
    .not_null(),
    Field::new("new-paper", "new_paper", Bool, "Mail on each new proposal.").not_null(),
    Field::new(
        "session-accept-reject",
        "session_accept_reject",
        Bool,
        "Mail when a proposal is accepted or rejected.",
    )
    .not_null(),
    Field::new(
        "session-schedule",
        "session_schedule",
        Bool,
        "Mail on schedule changes.",
    )
    .not_null(),
    Field::new(
        "after-ticket-purchase",
        "after_ticket_purchase",
        Bool,
        "Mail after each ticket order.",
    )
    .not_null(),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship::to_one(
        "event",
        meta::<EventResource>,
        "event_id",
        "The event; required, and one the caller can see.",
    )
    .required(),
    Relationship::to_one(
        "user",
        meta::<UserResource>,
        "user_id",
        "Whose preferences: always the caller who created them.",
    )
    .read_only(),
];

const OPERATIONS: &[Op] = &[
    Op::new(
        OpKind::List,
        "List email notification settings",
        "The caller's own (staff: everyone's). `filter[event]=<id>` narrows to one event; a \
         user's are also at `/v1/users/{user_id}/email-notifications`.",
    ),
    Op::new(
        OpKind::Create,
        "Choose which mails to get about an event",
        "Any registered user, for themselves (`user` is set to the caller), about an event \
         they can see. Flags left out are off.",
    ),
    Op::new(OpKind::Get, "Get email notification settings", ""),
    Op::new(OpKind::Update, "Change email notification settings", ""),
    Op::new(OpKind::Delete, "Delete email notification settings", ""),
];

/// The `email-notification` resource.
pub struct EmailNotificationResource;

impl Resource for EmailNotificationResource {
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
    const TYPE: &'static str = "email-notification";
    const PLURAL: &'static str = "email-notifications";
    const SCHEMA: &'static str = "EmailNotification";
    const TABLE: &'static str = "email_notifications";
    const TITLE: &'static str = "Email notifications";
    const ID_PARAM: &'static str = "email_notification_id";
    const TAG: crate::jsonapi::Tag = user::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;

    fn id(model: &Model) -> i64 {
        model.id
    }

    /// The row is the caller's; flags left out are off.
    async fn before_create(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        let me = ctx.caller.user_id().ok_or_else(|| {
            ApiError::unauthorized("Authentication is required: send `Authorization: JWT <token>`.")
        })?;
        let am = &mut ctx.am;
        am.user_id = Set(me);
        for flag in [
            &mut am.next_event,
            &mut am.new_paper,
            &mut am.session_accept_reject,
            &mut am.session_schedule,
            &mut am.after_ticket_purchase,
        ] {
            db::write::default(flag, false);
        }
        Ok(())
    }
}
