//! `sponsors`: an event's sponsors (soft-deleted, like events).

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

super::created_at_on_insert!();
