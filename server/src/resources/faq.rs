//! `faq`: an event's frequently asked questions.

use crate::{
    jsonapi::{Field, FieldKind::*, Op, Relationship, Resource, Tag},
    permissions::Table,
    resources::program,
};

pub use entity::*;

/// `faqs`: an event's frequently asked questions (deleted for good).
pub mod entity {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A question and its answer, on an event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "faqs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub question: String,
        pub answer: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    crate::db::entities::created_at_on_insert!();
}

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
    type Entity = Entity;
    type Model = Model;
    type ActiveModel = ActiveModel;
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

    fn id(model: &Model) -> i64 {
        model.id
    }
}
