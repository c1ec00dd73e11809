//! `sponsor`: an event's sponsors. Organizers manage them; the public sees
//! them while the event is published (see [`super::program`]).

use crate::{
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

pub use entity::*;

/// `sponsors`: an event's sponsors (soft-deleted, like events).
pub mod entity {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A sponsor of an event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "sponsors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub name: String,
        pub description: Option<String>,
        pub url: Option<String>,
        /// Rank among the event's sponsors (1 = the top tier).
        pub level: Option<i32>,
        pub logo_url: Option<String>,
        /// The API's `type` (e.g. "Gold").
        pub sponsor_type: Option<String>,
        pub created_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    crate::db::entities::created_at_on_insert!();
}

/// Who sees and manages sponsors.
pub const TABLE: Table = program::table("sponsor", "sponsors", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "").required(),
    Field::new("description", "description", Text { max: 5000 }, ""),
    Field::new("url", "url", Url, "The sponsor's website."),
    Field::new(
        "level",
        "level",
        Int { min: 0, max: 100 },
        "Rank among the event's sponsors (1 = the top tier).",
    ),
    Field::new("logo-url", "logo_url", Url, ""),
    Field::new(
        "type",
        "sponsor_type",
        Str { max: 255 },
        "e.g. Gold, Media partner.",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
    Field::new("deleted-at", "deleted_at", DateTime, "").read_only(),
];

/// The `sponsor` resource.
pub struct SponsorResource;

impl Resource for SponsorResource {
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
    const TYPE: &'static str = "sponsor";
    const PLURAL: &'static str = "sponsors";
    const SCHEMA: &'static str = "Sponsor";
    const TABLE: &'static str = "sponsors";
    const TITLE: &'static str = "Sponsors";
    const ID_PARAM: &'static str = "sponsor_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = true;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = program::operations!("sponsors", "a sponsor", soft_delete);

    fn id(model: &Model) -> i64 {
        model.id
    }
}
