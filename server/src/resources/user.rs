//! `user`: accounts. Visible to themselves and to staff only.

use sea_orm::{DbErr, Set, sea_query::ExprTrait};

use crate::{
    auth::{Caller, one_time, password},
    db::{self, entities::user},
    error::ApiError,
    jsonapi::{Field, FieldKind::*, Op, OpKind, Relationship, Resource, Tag, meta, ops::WriteCtx},
    permissions::{
        Action::*, Check, Condition, EventLink, Fields, Role::*, Rule, Setup, Table, World, nothing,
    },
    resources::{
        email_notification::EmailNotificationResource, users_events_role::UsersEventsRoleResource,
    },
    state::AppState,
};

/// `self`: the row is the caller (users) or the caller's (the table's
/// `user_column`, e.g. a grant's `user_id`).
pub const SELF_USER: Condition = Condition {
    name: "self",
    note: "only their own (the user themselves, or rows whose user is them)",
    sql: |table, caller| match (caller.user_id(), table.user_column) {
        (Some(me), Some(c)) => {
            sea_orm::Condition::all().add(sea_orm::sea_query::Expr::col((table.table, c)).eq(me))
        }
        _ => nothing(),
    },
    check: |args, caller| Check::Is(caller.user_id().is_some() && caller.user_id() == args.user_id),
    on_request: false,
    world: World {
        holds: &[Setup::ObjectUser { caller: true }],
        fails: &[Setup::ObjectUser { caller: false }],
    },
};

/// Mails a fresh verification link to `user`.
pub async fn send_verification(state: &AppState, user: &user::Model) -> Result<(), ApiError> {
    let token = one_time::issue(
        &state.settings.jwt_secret,
        user.id,
        &user.email,
        one_time::Purpose::VerifyEmail,
        user.token_version,
        state.settings.mail_token_ttl,
    )?;
    let link = format!("{}/verify?token={token}", state.settings.frontend_url);
    db::mail::send(
        &state.writer,
        &user.email,
        "verify-email",
        "Confirm your email address",
        format!("Open {link} to confirm your email address."),
        Some(token),
    )
    .await?;
    Ok(())
}

const SELF: Rule = Rule::role(Registered).when(&[&SELF_USER]);
const NOT_STAFF_FIELDS: Fields = Fields::Except(SUPER_ADMIN_FIELDS);

/// Staff see and manage everyone; users themselves; staff flags need a super admin.
pub const TABLE: Table = Table {
    resource: "user",
    table: "users",
    event: EventLink::None,
    user_column: Some("id"),
    rules: &[
        (List, &[Rule::role(Admin), SELF]),
        (View, &[Rule::role(Admin), SELF]),
        (
            Create,
            &[
                Rule::role(SuperAdmin),
                Rule::role(Anyone).fields(NOT_STAFF_FIELDS),
            ],
        ),
        (
            Update,
            &[
                Rule::role(SuperAdmin),
                Rule::role(Admin).fields(NOT_STAFF_FIELDS),
                SELF.fields(NOT_STAFF_FIELDS),
            ],
        ),
        (Delete, &[Rule::role(Admin), SELF]),
    ],
};

/// The `user` resource.
pub struct UserResource;

/// Fields only a super admin may set.
pub const SUPER_ADMIN_FIELDS: &[&str] =
    &["is-admin", "is-super-admin", "is-verified", "is-blocked"];

const FIELDS: &[Field] = &[
    Field::new(
        "email",
        "email",
        Email,
        "Login email; unique (case-insensitive).",
    )
    .required(),
    Field::new(
        "password",
        "password_hash",
        Password,
        "At least 8 characters; never returned. Change it with /v1/auth/change-password.",
    )
    .required()
    .create_secret(),
    Field::new("first-name", "first_name", Str { max: 255 }, ""),
    Field::new("last-name", "last_name", Str { max: 255 }, ""),
    Field::new(
        "public-name",
        "public_name",
        Str { max: 255 },
        "Name shown publicly.",
    ),
    Field::new("avatar-url", "avatar_url", Url, ""),
    Field::new("facebook-url", "facebook_url", Url, ""),
    Field::new("twitter-url", "twitter_url", Url, ""),
    Field::new("instagram-url", "instagram_url", Url, ""),
    Field::new("google-plus-url", "google_plus_url", Url, ""),
    Field::new(
        "details",
        "details",
        Text { max: 5000 },
        "Free-form profile text.",
    ),
    Field::new(
        "contact",
        "contact",
        Str { max: 255 },
        "Phone or other contact.",
    ),
    Field::new("is-profile-public", "is_profile_public", Bool, "").not_null(),
    Field::new(
        "is-super-admin",
        "is_super_admin",
        Bool,
        "Set by a super admin only.",
    )
    .not_null(),
    Field::new("is-admin", "is_admin", Bool, "Set by a super admin only.").not_null(),
    Field::new(
        "is-verified",
        "is_verified",
        Bool,
        "Email verified; set by a super admin only.",
    )
    .not_null(),
    Field::new(
        "is-blocked",
        "is_blocked",
        Bool,
        "Blocked accounts cannot log in; super admin only.",
    )
    .not_null(),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

const RELATIONSHIPS: &[Relationship] = &[
    Relationship::to_many(
        "users-events-roles",
        meta::<UsersEventsRoleResource>,
        "user_id",
        "The user's roles on events.",
    ),
    Relationship::to_many(
        "email-notifications",
        meta::<EmailNotificationResource>,
        "user_id",
        "Which mails the user gets about which events.",
    ),
];

/// The spec tag of users and what belongs to them.
pub const TAG: Tag = Tag {
    name: "Users",
    description: "User accounts.",
};

const OPERATIONS: &[Op] = &[
    Op::new(
        OpKind::List,
        "List users",
        "Staff see every user; anyone else finds only themselves.",
    ),
    Op::new(
        OpKind::Create,
        "Register a user",
        "Anyone may register. The password is hashed with argon2id; a verification mail is sent. \
         Staff flags need a super admin.",
    ),
    Op::new(
        OpKind::Get,
        "Get a user",
        "The user themselves, or staff (404 for anyone else).",
    ),
    Op::new(
        OpKind::Update,
        "Update a user",
        "Users update themselves; staff update anyone. `is-admin`, `is-super-admin`, \
         `is-verified` and `is-blocked` need a super admin. A new email must be verified again.",
    ),
    Op::new(
        OpKind::Delete,
        "Delete a user",
        "Soft delete: the account can no longer log in and its tokens stop working.",
    ),
];

fn email_changed(ctx: &WriteCtx<'_, UserResource>) -> bool {
    match (
        ctx.parsed.get("email").and_then(|v| v.as_str()),
        ctx.current,
    ) {
        (Some(new), Some(current)) => new != current.email,
        _ => false,
    }
}

impl Resource for UserResource {
    type Entity = user::Entity;
    type Model = user::Model;
    type ActiveModel = user::ActiveModel;
    const TYPE: &'static str = "user";
    const PLURAL: &'static str = "users";
    const SCHEMA: &'static str = "User";
    const TABLE: &'static str = "users";
    const TITLE: &'static str = "Users";
    const ID_PARAM: &'static str = "user_id";
    const TAG: Tag = TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;

    fn id(model: &user::Model) -> i64 {
        model.id
    }

    async fn before_create(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        let plain = ctx
            .parsed
            .get("password")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        ctx.am.password_hash = Set(password::hash_async(plain).await?);
        Ok(())
    }

    async fn insert(
        state: &AppState,
        _caller: &Caller,
        am: user::ActiveModel,
    ) -> Result<user::Model, DbErr> {
        db::users::create(&state.writer, am).await
    }

    async fn after_create(
        state: &AppState,
        _caller: &Caller,
        model: &user::Model,
    ) -> Result<(), ApiError> {
        if !model.is_verified {
            send_verification(state, model).await?;
        }
        Ok(())
    }

    /// An anonymous registrant sees the result as the new user.
    fn viewer_after_create(caller: &Caller, model: &user::Model) -> Caller {
        if caller.user_id().is_some() {
            caller.clone()
        } else {
            Caller::for_user(model.clone())
        }
    }

    async fn before_update(ctx: &mut WriteCtx<'_, Self>) -> Result<(), ApiError> {
        if email_changed(ctx) && !ctx.parsed.has("is-verified") {
            ctx.am.is_verified = Set(false);
        }
        Ok(())
    }

    async fn after_update(
        state: &AppState,
        before: &user::Model,
        after: &user::Model,
    ) -> Result<(), ApiError> {
        if before.email != after.email && !after.is_verified {
            send_verification(state, after).await?;
        }
        Ok(())
    }

    fn constraint_error(err: &DbErr) -> Option<ApiError> {
        db::is_unique_violation(err).then(|| {
            ApiError::conflict("A user with this email already exists.")
                .at_pointer("/data/attributes/email")
        })
    }
}
