//! `role_invites`: an invitation to take a role on an event, by email.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A role invite.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "role_invites")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub event_id: i64,
    pub role_id: i64,
    pub role_name: String,
    /// The acceptance token: only the invitee's mail and the event's organizers see it.
    #[sea_orm(unique)]
    pub hash: String,
    pub status: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Invite states.
pub const STATUSES: &[&str] = &["pending", "accepted", "declined"];
