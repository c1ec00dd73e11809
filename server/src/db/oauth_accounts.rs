//! Queries and writes on linked provider accounts.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::entities::oauth_account;

/// The link of a provider account, if any.
pub async fn by_provider_account(
    db: &impl ConnectionTrait,
    provider: &str,
    provider_user_id: &str,
) -> Result<Option<oauth_account::Model>, DbErr> {
    oauth_account::Entity::find()
        .filter(oauth_account::Column::Provider.eq(provider))
        .filter(oauth_account::Column::ProviderUserId.eq(provider_user_id))
        .one(db)
        .await
}

/// The user's link to `provider`, if any.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    provider: &str,
) -> Result<Option<oauth_account::Model>, DbErr> {
    oauth_account::Entity::find()
        .filter(oauth_account::Column::UserId.eq(user_id))
        .filter(oauth_account::Column::Provider.eq(provider))
        .one(db)
        .await
}

/// Every link of the user, by provider name.
pub async fn all_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<oauth_account::Model>, DbErr> {
    oauth_account::Entity::find()
        .filter(oauth_account::Column::UserId.eq(user_id))
        .order_by_asc(oauth_account::Column::Provider)
        .all(db)
        .await
}

/// How many provider accounts the user has linked.
pub async fn count_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    oauth_account::Entity::find()
        .filter(oauth_account::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// What a new link records.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    /// The user.
    pub user_id: i64,
    /// `google` or `facebook`.
    pub provider: &'a str,
    /// The provider's id of the account.
    pub provider_user_id: &'a str,
    /// The email the provider reported.
    pub email: Option<&'a str>,
    /// The name the provider reported.
    pub name: Option<&'a str>,
}

/// Links a provider account to a user. A provider account linked already, or
/// a second account of the same provider for the user, is a unique violation.
pub async fn link(
    db: &impl ConnectionTrait,
    new: NewLink<'_>,
) -> Result<oauth_account::Model, DbErr> {
    oauth_account::ActiveModel {
        user_id: Set(new.user_id),
        provider: Set(new.provider.to_owned()),
        provider_user_id: Set(new.provider_user_id.to_owned()),
        email: Set(new.email.map(str::to_owned)),
        name: Set(new.name.map(str::to_owned)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Removes the user's link to `provider`; the number of rows removed.
pub async fn unlink(db: &impl ConnectionTrait, user_id: i64, provider: &str) -> Result<u64, DbErr> {
    Ok(oauth_account::Entity::delete_many()
        .filter(oauth_account::Column::UserId.eq(user_id))
        .filter(oauth_account::Column::Provider.eq(provider))
        .exec(db)
        .await?
        .rows_affected)
}
