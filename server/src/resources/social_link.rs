//! `social-link`: an event's pages elsewhere. Organizers only write them (Open Event
//! let anyone create one).

use crate::{
    db::entities::social_link,
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

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
    type Entity = social_link::Entity;
    type Model = social_link::Model;
    type ActiveModel = social_link::ActiveModel;
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

    fn id(model: &social_link::Model) -> i64 {
        model.id
    }
}
