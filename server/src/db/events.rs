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

/// How many identifiers a create draws before it gives up. 8 hex digits
/// are 2^32 identifiers: at 10 000 events one create in ~430 000 draws a
/// taken one, at a million events one in ~4 300; a second draw makes a
/// failed create a one-in-10^11 event at 10 000 events.
pub const IDENTIFIER_DRAWS: usize = 4;

/// Inserts an event and makes `owner_id` its owner, in one transaction. An
/// identifier the caller did not set is drawn here, and drawn again when it
/// is already taken (the server chose it: a client must never see a 409 for
/// it).
pub async fn create_with_owner(
    db: &DatabaseConnection,
    am: event::ActiveModel,
    owner_id: i64,
) -> Result<event::Model, DbErr> {
    create_with_owner_drawing(db, am, owner_id, new_identifier).await
}

/// [`create_with_owner`], drawing identifiers from `draw`.
pub async fn create_with_owner_drawing(
    db: &DatabaseConnection,
    am: event::ActiveModel,
    owner_id: i64,
    mut draw: impl FnMut() -> String,
) -> Result<event::Model, DbErr> {
    let drawn = am.identifier.is_not_set();
    let mut draws = 0;
    loop {
        let mut am = am.clone();
        if drawn {
            am.identifier = Set(draw());
            draws += 1;
        }
        match insert_with_owner(db, am, owner_id).await {
            // The transaction is rolled back (dropped): nothing was kept.
            Err(e) if drawn && draws < IDENTIFIER_DRAWS && super::is_unique_violation(&e) => {}
            done => return done,
        }
    }
}

async fn insert_with_owner(
    db: &DatabaseConnection,
    mut am: event::ActiveModel,
    owner_id: i64,
) -> Result<event::Model, DbErr> {
    let txn = super::write::begin(db).await?;
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
