//! `role`: the event roles. Registered users may read them.

use crate::{
    db::entities::role,
    jsonapi::{Field, FieldKind::*, Relationship, Resource},
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

impl Resource for RoleResource {
    type Entity = role::Entity;
    type Model = role::Model;
    const TYPE: &'static str = "role";
    const PLURAL: &'static str = "roles";
    const SCHEMA: &'static str = "Role";
    const TABLE: &'static str = "roles";
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = &[];
    const SOFT_DELETE: bool = false;

    const PERMISSIONS: Table = TABLE;
}
