//! Database access: connection, migrations, entities and queries per aggregate.

pub mod entities;
pub mod events;
pub mod mail;
pub mod migrations;
pub mod oauth_accounts;
pub mod role_invites;
pub mod roles;
pub mod users;
pub mod write;

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// Connects (SQLite: WAL, busy timeout, foreign keys, case-sensitive
/// `LIKE`; in-memory: one shared connection that is never reaped) and runs
/// the migrations.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        opts.map_sqlx_sqlite_opts(move |o| {
            // `LIKE` is case-sensitive, as on PostgreSQL (the filter
            // dialect's `ilike` is the case-insensitive one).
            let o = o
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .pragma("case_sensitive_like", "ON");
            if in_memory {
                o
            } else {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            }
        });
        if in_memory {
            opts.max_connections(1).min_connections(1);
            opts.map_sqlx_sqlite_pool_opts(|p| p.idle_timeout(None).max_lifetime(None));
        } else {
            opts.max_connections(8);
        }
    } else {
        opts.max_connections(16);
    }
    let db = Database::connect(opts).await?;
    migrations::Migrator::up(&db, None).await?;
    Ok(db)
}

/// True when the error is a unique-constraint violation.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
