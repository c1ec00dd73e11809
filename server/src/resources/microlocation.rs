//! `microlocation`: the rooms and places of an event.

use crate::{
    db::entities::microlocation,
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

/// Who sees and manages them (see [`program`]).
pub const TABLE: Table = program::table("microlocation", "microlocations", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::LATITUDE,
    Field::LONGITUDE,
    Field::new(
        "floor",
        "floor",
        Int {
            min: -100,
            max: 500,
        },
        "",
    ),
    Field::new(
        "hidden-in-scheduler",
        "hidden_in_scheduler",
        Bool,
        "Left out of the public schedule. Default false.",
    )
    .not_null(),
    Field::new("room", "room", Str { max: 255 }, ""),
    Field::new(
        "position",
        "position",
        Int {
            min: 0,
            max: 10_000,
        },
        "Order in the schedule.",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

/// The `microlocation` resource.
pub struct MicrolocationResource;

impl Resource for MicrolocationResource {
    type Entity = microlocation::Entity;
    type Model = microlocation::Model;
    type ActiveModel = microlocation::ActiveModel;
    const TYPE: &'static str = "microlocation";
    const PLURAL: &'static str = "microlocations";
    const SCHEMA: &'static str = "Microlocation";
    const TABLE: &'static str = "microlocations";
    const TITLE: &'static str = "Microlocations";
    const ID_PARAM: &'static str = "microlocation_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] =
        program::operations!("microlocations", "a microlocation", soft_delete);

    fn id(model: &microlocation::Model) -> i64 {
        model.id
    }
}
