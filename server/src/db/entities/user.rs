//! `users`: accounts, with staff flags and a token version for revocation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub public_name: Option<String>,
    pub avatar_url: Option<String>,
    pub facebook_url: Option<String>,
    pub twitter_url: Option<String>,
    pub instagram_url: Option<String>,
    pub google_plus_url: Option<String>,
    pub details: Option<String>,
    pub contact: Option<String>,
    pub is_profile_public: bool,
    pub is_super_admin: bool,
    pub is_admin: bool,
    pub is_verified: bool,
    pub is_blocked: bool,
    /// Bumped on password change or reset; tokens carrying an older version are refused.
    #[serde(skip_serializing)]
    pub token_version: i32,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Admin or super admin.
    pub fn is_staff(&self) -> bool {
        self.is_admin || self.is_super_admin
    }
}
