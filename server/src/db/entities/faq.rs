//! `faqs`: an event's frequently asked questions (deleted for good).

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

super::created_at_on_insert!();
