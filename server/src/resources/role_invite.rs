//! `role-invite`: owners and organizers invite people to event roles by
//! email. The `hash` (the acceptance token) is shown only to the event's
//! organizers; the invitee gets it by mail (Open Event showed it to anyone).

use crate::{
    auth::Caller,
    db::{
        self,
        entities::role_invite::{self, STATUSES},
    },
    error::ApiError,
    jsonapi::{
        Field,
        FieldKind::*,
        Op, OpKind, Relationship, Resource, Tag,
        body::{Linkage, Parsed},
        meta,
        ops::WriteCtx,
        resource::event_of,
    },
    permissions::{
        Action::*, Args, Check, Condition, EventLink, Fields, Role::*, Rule, Setup, Table, World,
        nothing,
    },
    resources::{
        event::EventResource,
        role::{ROLES_TAG, RoleResource},
    },
    state::AppState,
};
use sea_orm::sea_query::{Expr, ExprTrait};

/// `invitee`: an invite addressed to the caller's email.
pub const INVITEE: Condition = Condition {
    name: "invitee",
    note: "only invites sent to their own email",
    sql: |table, caller| match caller {
        crate::auth::Caller::User(u) => sea_orm::Condition::all()
            .add(Expr::col((table.table, "email")).eq(u.user.email.to_lowercase())),
        crate::auth::Caller::Anonymous => nothing(),
    },
    check: |_, _| Check::Is(false),
    on_request: false,
    world: World {
        holds: &[Setup::ObjectEmail {
            column: "email",
            caller: true,
        }],
        fails: &[Setup::ObjectEmail {
            column: "email",
            caller: false,
        }],
    },
};

/// `invite-pending`: an invite not yet accepted.
pub const INVITE_PENDING: Condition = Condition {
    name: "invite-pending",
    note: "only invites still pending",
    sql: |table, _| sea_orm::Condition::all().add(Expr::col((table.table, "status")).eq("pending")),
    check: |_, _| Check::Is(false),
    on_request: false,
    world: World {
        holds: &[Setup::ObjectColumn {
            column: "status",
            value: "pending",
        }],
        fails: &[Setup::ObjectColumn {
            column: "status",
            value: "accepted",
        }],
    },
};

/// `below-owner`: the request does not name the `owner` role (`role-name`).
pub const BELOW_OWNER: Condition = Condition {
    name: "below-owner",
    note: "not for the `owner` role (only the owner invites owners)",
    sql: |_, _| crate::permissions::always(),
    check: |args, _| Check::Is(args.role_name.as_deref() != Some("owner")),
    on_request: true,
    world: World {
        holds: &[Setup::RequestAttribute {
            attribute: "role-name",
            value: "owner",
            is: false,
        }],
        fails: &[Setup::RequestAttribute {
            attribute: "role-name",
            value: "owner",
            is: true,
        }],
    },
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
        .when(&[&INVITEE])
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
            &[
                Rule::role(Owner),
                Rule::role(Organizer).when(&[&BELOW_OWNER]),
            ],
        ),
        // Accepting: the invitee, while pending (the status becomes `accepted`).
        (
            Update,
            &[Rule::role(Registered)
                .when(&[&INVITEE, &INVITE_PENDING])
                .fields(Fields::Only(&["status"]))],
        ),
        (Delete, &[Rule::role(Organizer).when(&[&INVITE_PENDING])]),
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
    Relationship::to_one(
        "event",
        meta::<EventResource>,
        "event_id",
        "The event; required.",
    )
    .required(),
    Relationship::to_one(
        "role",
        meta::<RoleResource>,
        "role_id",
        "The role offered; required, must match `role-name`.",
    )
    .required(),
];

const OPERATIONS: &[Op] = &[
    Op::new(
        OpKind::List,
        "List role invites",
        "Invites of the events the caller organizes, and invites sent to the caller (without \
         their token).",
    ),
    Op::new(
        OpKind::Create,
        "Invite someone to an event role",
        "The event's owner or organizers; only the owner may invite an owner. The token goes to \
         the invitee by mail.",
    ),
    Op::new(OpKind::Get, "Get a role invite", ""),
    Op::new(
        OpKind::Delete,
        "Withdraw a role invite",
        "The event's owner or organizers, while the invite is pending.",
    ),
];

impl Resource for RoleInviteResource {
    type Entity = role_invite::Entity;
    type Model = role_invite::Model;
    type ActiveModel = role_invite::ActiveModel;
    const TYPE: &'static str = "role-invite";
    const PLURAL: &'static str = "role-invites";
    const SCHEMA: &'static str = "RoleInvite";
    const TABLE: &'static str = "role_invites";
    const TITLE: &'static str = "Role invites";
    const ID_PARAM: &'static str = "invite_id";
    const TAG: Tag = ROLES_TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;

    fn id(model: &role_invite::Model) -> i64 {
        model.id
    }

    fn create_args(parsed: &Parsed) -> Args {
        Args {
            event_id: event_of(&TABLE, RELATIONSHIPS, parsed),
            user_id: None,
            role_name: parsed
                .get("role-name")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        }
    }

    /// The `role` relationship must name the role `role-name` offers.
    async fn before_create(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        let role_name = ctx
            .parsed
            .get("role-name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        if let Some(Linkage::One(Some(role_id))) = ctx.parsed.relationship("role") {
            let named = db::roles::id_by_name(&ctx.state.db, &role_name).await.ok();
            if named != Some(*role_id) {
                return Err(ApiError::invalid(
                    "/data/attributes/role-name",
                    format!(
                        "`role-name` is `{role_name}` but the role relationship names another role."
                    ),
                ));
            }
        }
        db::role_invites::prepare(&mut ctx.am);
        Ok(())
    }

    async fn after_create(
        state: &AppState,
        _caller: &Caller,
        model: &role_invite::Model,
    ) -> Result<(), ApiError> {
        db::role_invites::send_mail(&state.writer, model, &state.settings.frontend_url).await?;
        Ok(())
    }
}
