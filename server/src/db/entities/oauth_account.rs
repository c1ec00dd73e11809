//! `oauth_accounts`: a provider account (Google `sub`, Facebook user id)
//! linked to a user. Provider tokens are never stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A linked provider account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "oauth_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `google` or `facebook`.
    pub provider: String,
    /// The provider's id of the account; unique per provider.
    pub provider_user_id: String,
    /// The email the provider reported when the account was linked.
    pub email: Option<String>,
    /// The display name the provider reported when the account was linked.
    pub name: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
