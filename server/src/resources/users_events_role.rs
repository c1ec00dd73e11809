//! `users-events-roles`: role grants. Visible to the event's organizers, to
//! the user holding the role, and to staff.

use sea_orm::DbErr;

use crate::{
    db::{self, entities::users_events_role},
    error::ApiError,
    jsonapi::{
        Field, FieldKind::*, Op, OpKind, Relationship, Resource, Tag, body::Linkage, meta,
        ops::WriteCtx,
    },
    permissions::{Action::*, Check, Condition, EventLink, Role::*, Rule, Setup, Table, World},
    resources::{
        event::EventResource,
        role::{ROLES_TAG, RoleResource},
        user::{SELF_USER, UserResource},
    },
};

/// `not-owner-grant`: the grant is not of the `owner` role.
pub const NOT_OWNER_GRANT: Condition = Condition {
    name: "not-owner-grant",
    note: "never the owner's grant (the owner cannot be removed)",
    sql: |table, _| {
        use sea_orm::sea_query::{Expr, ExprTrait, Query};
        let owner = Query::select()
            .column(("roles", "id"))
            .from("roles")
            .and_where(Expr::col(("roles", "name")).eq("owner"))
            .to_owned();
        sea_orm::Condition::all().add(Expr::col((table.table, "role_id")).not_in_subquery(owner))
    },
    check: |_, _| Check::Is(false),
    on_request: false,
    world: World {
        holds: &[Setup::ObjectRole {
            column: "role_id",
            role: "owner",
            is: false,
        }],
        fails: &[Setup::ObjectRole {
            column: "role_id",
            role: "owner",
            is: true,
        }],
    },
};

const SEE: &[Rule] = &[
    Rule::role(Coorganizer),
    Rule::role(Registered).when(&[&SELF_USER]),
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
        (Update, &[Rule::role(Organizer).when(&[&NOT_OWNER_GRANT])]),
        (Delete, &[Rule::role(Organizer).when(&[&NOT_OWNER_GRANT])]),
    ],
};

/// The `users-events-roles` resource.
pub struct UsersEventsRoleResource;

const FIELDS: &[Field] = &[Field::new("created-at", "created_at", DateTime, "")
    .not_null()
    .read_only()];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship::to_one(
        "user",
        meta::<UserResource>,
        "user_id",
        "Who holds the role.",
    ),
    Relationship::to_one(
        "event",
        meta::<EventResource>,
        "event_id",
        "On which event.",
    ),
    Relationship::to_one(
        "role",
        meta::<RoleResource>,
        "role_id",
        "Which role; changeable by the event's owner or organizers (never to or from `owner`).",
    )
    .writable(),
];

const OPERATIONS: &[Op] = &[
    Op::new(
        OpKind::List,
        "List role grants",
        "The grants of events the caller organizes, and the caller's own.",
    ),
    Op::new(OpKind::Get, "Get a role grant", ""),
    Op::new(
        OpKind::Update,
        "Change a grant's role",
        "Send `relationships.role`. The owner's grant cannot be changed, and no one becomes \
         owner this way (use an owner invite).",
    ),
    Op::new(
        OpKind::Delete,
        "Remove a role grant",
        "Never the owner's grant (403).",
    ),
];

impl Resource for UsersEventsRoleResource {
    type Entity = users_events_role::Entity;
    type Model = users_events_role::Model;
    type ActiveModel = users_events_role::ActiveModel;
    const TYPE: &'static str = "users-events-roles";
    const PLURAL: &'static str = "users-events-roles";
    const SCHEMA: &'static str = "UsersEventsRole";
    const TABLE: &'static str = "users_events_roles";
    const TITLE: &'static str = "Role grants";
    const ID_PARAM: &'static str = "grant_id";
    const TAG: Tag = ROLES_TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;

    fn id(model: &users_events_role::Model) -> i64 {
        model.id
    }

    /// A grant moves to another role, never to `owner` (ownership moves
    /// only through an owner invite).
    async fn before_update(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        const POINTER: &str = "/data/relationships/role";
        match ctx.parsed.relationship("role") {
            None => Ok(()),
            Some(Linkage::One(Some(role_id))) => {
                if *role_id == db::roles::id_by_name(&ctx.state.db, "owner").await? {
                    return Err(ApiError::forbidden(
                        "Ownership moves only through an owner invite.",
                    )
                    .at_pointer(POINTER));
                }
                Ok(())
            }
            Some(_) => Err(ApiError::invalid(POINTER, "A grant needs a role.")),
        }
    }

    fn constraint_error(err: &DbErr) -> Option<ApiError> {
        db::is_unique_violation(err).then(|| {
            ApiError::conflict("The user already holds this role on the event.")
                .at_pointer("/data/relationships/role")
        })
    }
}
