//! `microlocations`: rooms and places of an event (soft-deleted, like
//! events).

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

super::created_at_on_insert!();
