//! `microlocation`: the rooms and places of an event.

use crate::{
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

pub use entity::*;

/// `microlocations`: rooms and places of an event (soft-deleted, like
/// events).
pub mod entity {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A room or place of an event.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "microlocations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub name: String,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub floor: Option<i32>,
        pub hidden_in_scheduler: bool,
        /// The room's label (e.g. "2.14").
        pub room: Option<String>,
        pub position: Option<i32>,
        pub created_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    crate::db::entities::created_at_on_insert!();
}

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
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
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

    fn id(model: &Model) -> i64 {
        model.id
    }
}
