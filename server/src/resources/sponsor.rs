//! `sponsor`: an event's sponsors. Organizers manage them; the public sees
//! them while the event is published (see [`super::program`]).

use crate::{
    db::entities::sponsor,
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

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
    type Entity = sponsor::Entity;
    type Model = sponsor::Model;
    type ActiveModel = sponsor::ActiveModel;
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

    fn id(model: &sponsor::Model) -> i64 {
        model.id
    }
}
