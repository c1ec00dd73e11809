//! `roles`: the event roles (owner, organizer, …), seeded by migration.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An event role.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "roles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub title_name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The event role names, highest first, with their titles.
pub const EVENT_ROLES: &[(&str, &str)] = &[
    ("owner", "Owner"),
    ("organizer", "Organizer"),
    ("coorganizer", "Co-organizer"),
    ("track-organizer", "Track Organizer"),
    ("moderator", "Moderator"),
    ("registrar", "Registrar"),
];
