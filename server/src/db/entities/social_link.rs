//! `social_links`: an event's links to its pages elsewhere (deleted for
//! good).

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

super::created_at_on_insert!();
