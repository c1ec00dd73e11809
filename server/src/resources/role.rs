//! `role`: the event roles. Registered users may read them.

use sea_orm::DbErr;

use crate::{
    db::{self, entities::role},
    error::ApiError,
    jsonapi::{Field, FieldKind::*, Op, OpKind, Relationship, Resource, Tag},
    permissions::{Action::*, EventLink, Role::*, Rule, Table},
};

/// Registered users read the roles; staff manage them (Open Event let anyone
/// list them; the handbook says registered users).
pub const TABLE: Table = Table {
    resource: "role",
    table: "roles",
    event: EventLink::None,
    user_column: None,
    rules: &[
        (List, &[Rule::role(Registered)]),
        (View, &[Rule::role(Registered)]),
        (Create, &[Rule::role(Admin)]),
        (Update, &[Rule::role(Admin)]),
        (Delete, &[Rule::role(Admin)]),
    ],
};

/// The `role` resource.
pub struct RoleResource;

const FIELDS: &[Field] = &[
    Field::new(
        "name",
        "name",
        Str { max: 100 },
        "Machine name, e.g. `coorganizer`.",
    )
    .required(),
    Field::new("title-name", "title_name", Str { max: 255 }, "Human title."),
];

const OPERATIONS: &[Op] = &[
    Op::new(OpKind::List, "List roles", "Any registered user."),
    Op::new(
        OpKind::Create,
        "Create a role",
        "Staff only; names are unique.",
    ),
    Op::new(OpKind::Get, "Get a role", "Any registered user."),
    Op::new(OpKind::Update, "Update a role", "Staff only."),
    Op::new(
        OpKind::Delete,
        "Delete a role",
        "Staff only; 409 while the role is granted or offered.",
    ),
];

impl Resource for RoleResource {
    type Entity = role::Entity;
    type Model = role::Model;
    type ActiveModel = role::ActiveModel;
    const TYPE: &'static str = "role";
    const PLURAL: &'static str = "roles";
    const SCHEMA: &'static str = "Role";
    const TABLE: &'static str = "roles";
    const TITLE: &'static str = "Roles";
    const ID_PARAM: &'static str = "role_id";
    const TAG: Tag = ROLES_TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = &[];
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = OPERATIONS;
    const REFERENCED: bool = true;

    fn id(model: &role::Model) -> i64 {
        model.id
    }

    fn constraint_error(err: &DbErr) -> Option<ApiError> {
        db::is_unique_violation(err).then(|| {
            ApiError::conflict("A role with this name already exists.")
                .at_pointer("/data/attributes/name")
        })
    }
}

/// The tag of roles, grants and invites.
pub const ROLES_TAG: Tag = Tag {
    name: "Roles",
    description: "Roles, role grants and role invites.",
};
