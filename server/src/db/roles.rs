//! Event roles and grants.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use super::entities::{role, users_events_role};

/// The id of a role by name.
pub async fn id_by_name(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("role {name}")))
}

/// Gives `user_id` the role `role_name` on `event_id`.
pub async fn grant(
    db: &impl ConnectionTrait,
    user_id: i64,
    event_id: i64,
    role_name: &str,
) -> Result<users_events_role::Model, DbErr> {
    let role_id = id_by_name(db, role_name).await?;
    users_events_role::ActiveModel {
        user_id: Set(user_id),
        event_id: Set(event_id),
        role_id: Set(role_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The role names `user_id` holds on `event_id`.
pub async fn names_on_event(
    db: &impl ConnectionTrait,
    user_id: i64,
    event_id: i64,
) -> Result<Vec<String>, DbErr> {
    let grants = users_events_role::Entity::find()
        .filter(users_events_role::Column::UserId.eq(user_id))
        .filter(users_events_role::Column::EventId.eq(event_id))
        .all(db)
        .await?;
    let ids: Vec<i64> = grants.iter().map(|g| g.role_id).collect();
    Ok(role::Entity::find()
        .filter(role::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect())
}
