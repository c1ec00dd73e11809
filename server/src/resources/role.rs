//! `role`: the event roles. Registered users may read them.

use sea_orm::Condition;

use super::nothing;
use crate::{
    auth::Caller,
    db::entities::role,
    jsonapi::{Field, FieldKind::*, Relationship, Resource},
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

    fn visible(caller: &Caller) -> Condition {
        match caller.user_id() {
            Some(_) => Condition::all(),
            None => nothing(),
        }
    }
}
