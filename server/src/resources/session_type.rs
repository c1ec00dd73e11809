//! `session-type`: the kinds of session an event offers (talk, workshop…) and their
//! length.

use crate::{
    db::entities::session_type,
    jsonapi::{Field, FieldKind::*, Format, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

/// Who sees and manages them (see [`program`]).
pub const TABLE: Table = program::table("session-type", "session_types", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::new(
        "length",
        "length",
        Format(Format::HoursMinutes),
        "Length as `HH:MM`.",
    )
    .required(),
    Field::new(
        "position",
        "position",
        Int {
            min: 0,
            max: 10_000,
        },
        "",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

/// The `session-type` resource.
pub struct SessionTypeResource;

impl Resource for SessionTypeResource {
    type Entity = session_type::Entity;
    type Model = session_type::Model;
    type ActiveModel = session_type::ActiveModel;
    const TYPE: &'static str = "session-type";
    const PLURAL: &'static str = "session-types";
    const SCHEMA: &'static str = "SessionType";
    const TABLE: &'static str = "session_types";
    const TITLE: &'static str = "Session types";
    const ID_PARAM: &'static str = "session_type_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] =
        program::operations!("session-types", "a session type", soft_delete);

    fn id(model: &session_type::Model) -> i64 {
        model.id
    }
}
