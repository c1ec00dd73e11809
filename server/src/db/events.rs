//! Queries and writes on events.

use chrono::Utc;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, Set,
};

use super::{entities::event, roles};

/// A fresh identifier: 8 lowercase hex characters, never all digits.
pub fn new_identifier() -> String {
    let mut rng = rand::rng();
    loop {
        let id = format!("{:08x}", rng.random::<u32>());
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return id;
        }
    }
}

/// The condition addressing an event by numeric id or by identifier.
pub fn by_id_or_identifier(key: &str) -> Option<Condition> {
    if let Ok(id) = key.parse::<i64>() {
        return Some(Condition::all().add(event::Column::Id.eq(id)));
    }
    let is_identifier = key.len() == 8 && key.bytes().all(|b| b.is_ascii_hexdigit());
    is_identifier
        .then(|| Condition::all().add(event::Column::Identifier.eq(key.to_ascii_lowercase())))
}

/// Inserts an event and makes `owner_id` its owner, in one transaction.
pub async fn create_with_owner(
    db: &DatabaseConnection,
    mut am: event::ActiveModel,
    owner_id: i64,
) -> Result<event::Model, DbErr> {
    let txn = super::write::begin(db).await?;
    if am.identifier.is_not_set() {
        am.identifier = Set(new_identifier());
    }
    if am.created_at.is_not_set() {
        am.created_at = Set(Utc::now());
    }
    am.creator_id = Set(Some(owner_id));
    let model = am.insert(&txn).await?;
    roles::grant(&txn, owner_id, model.id, "owner").await?;
    txn.commit().await?;
    Ok(model)
}

/// Soft-deletes an event.
pub async fn soft_delete(db: &impl ConnectionTrait, model: event::Model) -> Result<(), DbErr> {
    let mut am: event::ActiveModel = model.into();
    am.deleted_at = Set(Some(Utc::now()));
    am.update(db).await?;
    Ok(())
}

/// Counts events by id (for tests and tools).
pub async fn exists(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(event::Entity::find_by_id(id).one(db).await?.is_some())
}
