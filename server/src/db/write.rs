//! The generic persistence functions every resource writes through: the API's
//! write path (hooks in [`crate::jsonapi::kit`]) and the factories call these,
//! so a row stored by a test looks exactly like one stored by a request.
//!
//! Constraint violations come back as [`DbErr`]; the API maps them once
//! ([`crate::error::ApiError::from_constraint`]) to 409 (unique) or 422
//! (foreign key).

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

/// Starts a write transaction. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes
/// fails at once with `SQLITE_BUSY_SNAPSHOT` when another connection or
/// process wrote in between, whatever the busy timeout; an immediate one
/// waits for the lock (up to the busy timeout) instead. Other databases
/// start an ordinary transaction.
pub async fn begin<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Inserts a row and returns the stored model (with its id).
pub async fn insert<A>(
    db: &impl ConnectionTrait,
    am: A,
) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    am.insert(db).await
}

/// Updates a row from its changed columns and returns the stored model.
pub async fn update<A>(
    db: &impl ConnectionTrait,
    am: A,
) -> Result<<A::Entity as EntityTrait>::Model, DbErr>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    am.update(db).await
}

/// Deletes the row `id` of `table` for good.
pub async fn delete<E: EntityTrait>(
    db: &impl ConnectionTrait,
    table: &'static str,
    id: i64,
) -> Result<u64, DbErr> {
    Ok(E::delete_many()
        .filter(Expr::col((table, "id")).eq(id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Soft-deletes the row `id` of `table` (sets `deleted_at`).
pub async fn soft_delete<E: EntityTrait>(
    db: &impl ConnectionTrait,
    table: &'static str,
    id: i64,
) -> Result<u64, DbErr> {
    Ok(E::update_many()
        .col_expr(
            sea_orm::sea_query::Alias::new("deleted_at"),
            Expr::value(Utc::now()),
        )
        .filter(Expr::col((table, "id")).eq(id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Sets `value` to `default` when a request left it unset (a create
/// hook's defaults).
pub fn default<T: Into<sea_orm::Value> + Clone>(value: &mut sea_orm::ActiveValue<T>, default: T) {
    if value.is_not_set() {
        *value = sea_orm::ActiveValue::Set(default);
    }
}
