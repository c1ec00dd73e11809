//! `faqs`: an event's frequently asked questions (deleted for good).

use sea_orm::{ActiveValue, entity::prelude::*};
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

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// `created_at` defaults to the time of insertion.
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if insert && self.created_at.is_not_set() {
            self.created_at = ActiveValue::Set(chrono::Utc::now());
        }
        Ok(self)
    }
}
