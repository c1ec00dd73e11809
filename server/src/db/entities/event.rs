//! `events`: the event itself, addressable by id or 8-hex identifier.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An event.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub identifier: String,
    pub name: String,
    pub description: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub timezone: String,
    pub location_name: Option<String>,
    pub searchable_location_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub external_event_url: Option<String>,
    pub logo_url: Option<String>,
    pub original_image_url: Option<String>,
    pub online: bool,
    pub privacy: String,
    pub state: String,
    pub is_map_shown: bool,
    pub is_sessions_speakers_enabled: bool,
    pub is_sponsors_enabled: bool,
    pub is_ticket_form_enabled: bool,
    pub is_cfs_enabled: bool,
    pub is_featured: bool,
    pub code_of_conduct: Option<String>,
    pub ticket_url: Option<String>,
    pub owner_name: Option<String>,
    pub owner_description: Option<String>,
    pub creator_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Event states.
pub mod state {
    /// Visible only to its organizers and staff.
    pub const DRAFT: &str = "draft";
    /// Visible to everyone.
    pub const PUBLISHED: &str = "published";
    /// All states.
    pub const ALL: &[&str] = &[DRAFT, PUBLISHED];
}

/// Event privacy values.
pub const PRIVACY: &[&str] = &["public", "private"];
