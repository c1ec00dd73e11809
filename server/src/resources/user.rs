//! `user`: accounts. Visible to themselves and to staff only.

use crate::{
    db::entities::user,
    jsonapi::{Field, FieldKind::*, RelKind, Relationship, Resource},
    permissions::{Action::*, Cond::*, EventLink, Fields, Role::*, Rule, Table},
};

const SELF: Rule = Rule::role(Registered).when(&[SelfUser]);
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

const RELATIONSHIPS: &[Relationship] = &[Relationship {
    name: "users-events-roles",
    target: "users-events-roles",
    kind: RelKind::HasMany { fk: "user_id" },
    description: "The user's roles on events.",
    required: false,
}];

impl Resource for UserResource {
    type Entity = user::Entity;
    type Model = user::Model;
    const TYPE: &'static str = "user";
    const PLURAL: &'static str = "users";
    const SCHEMA: &'static str = "User";
    const TABLE: &'static str = "users";
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = RELATIONSHIPS;
    const SOFT_DELETE: bool = true;

    const PERMISSIONS: Table = TABLE;
}
