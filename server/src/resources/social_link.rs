//! `social-link`: an event's pages elsewhere. Organizers only write them (Open Event
//! let anyone create one).

use crate::{
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

pub use entity::*;

/// `social_links`: an event's links to its pages elsewhere (deleted for
/// good).
pub mod entity {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A link from an event to one of its pages elsewhere.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "social_links")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        /// The site's name ("GitHub", "Website", …).
        pub name: String,
        /// The URL.
        pub link: String,
        /// A free key the frontend tells links apart by (e.g. "github").
        pub identifier: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    crate::db::entities::created_at_on_insert!();
}

/// Who sees and manages them (see [`program`]).
pub const TABLE: Table = program::table("social-link", "social_links", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("name", "name", Str { max: 255 }, "The site, e.g. GitHub.").required(),
    Field::new("link", "link", Url, "").required(),
    Field::new(
        "identifier",
        "identifier",
        Str { max: 255 },
        "A key the frontend tells links apart by.",
    ),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
];

/// The `social-link` resource.
pub struct SocialLinkResource;

impl Resource for SocialLinkResource {
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
    const TYPE: &'static str = "social-link";
    const PLURAL: &'static str = "social-links";
    const SCHEMA: &'static str = "SocialLink";
    const TABLE: &'static str = "social_links";
    const TITLE: &'static str = "Social links";
    const ID_PARAM: &'static str = "social_link_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] =
        program::operations!("social-links", "a social link", hard_delete);

    fn id(model: &Model) -> i64 {
        model.id
    }
}
