//! `faq`: an event's frequently asked questions.

use crate::{
    db::entities::faq,
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

/// Who sees and manages them (see [`program`]).
pub const TABLE: Table = program::table("faq", "faqs", program::RULES);

const FIELDS: &[Field] = &[
    Field::new("question", "question", Text { max: 5000 }, "").required(),
    Field::new("answer", "answer", Text { max: 20_000 }, "").required(),
    Field::new("created-at", "created_at", DateTime, "")
        .not_null()
        .read_only(),
];

/// The `faq` resource.
pub struct FaqResource;

impl Resource for FaqResource {
    type Entity = faq::Entity;
    type Model = faq::Model;
    type ActiveModel = faq::ActiveModel;
    const TYPE: &'static str = "faq";
    const PLURAL: &'static str = "faqs";
    const SCHEMA: &'static str = "Faq";
    const TABLE: &'static str = "faqs";
    const TITLE: &'static str = "FAQs";
    const ID_PARAM: &'static str = "faq_id";
    const TAG: Tag = program::TAG;
    const FIELDS: &'static [Field] = FIELDS;
    const RELATIONSHIPS: &'static [Relationship] = program::EVENT;
    const SOFT_DELETE: bool = false;
    const PERMISSIONS: Table = TABLE;
    const OPERATIONS: &'static [Op] = program::operations!("faqs", "an FAQ", hard_delete);

    fn id(model: &faq::Model) -> i64 {
        model.id
    }
}
