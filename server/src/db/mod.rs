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
    connect_with(url, None).await
}

/// [`connect`] with `pool` connections (default: 8 for a SQLite file, 16
/// for PostgreSQL; an in-memory database always has one).
pub async fn connect_with(url: &str, pool: Option<u32>) -> Result<DatabaseConnection, DbErr> {
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
            opts.max_connections(pool.unwrap_or(8));
        }
    } else {
        opts.max_connections(pool.unwrap_or(16));
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn max_connections(url: &str, pool: Option<u32>) -> u32 {
        connect_with(url, pool)
            .await
            .unwrap()
            .get_sqlite_connection_pool()
            .options()
            .get_max_connections()
    }

    #[tokio::test]
    async fn the_pool_has_the_size_asked_for() {
        let path = std::env::temp_dir().join(format!("oe-pool-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        assert_eq!(max_connections(&url, None).await, 8);
        assert_eq!(max_connections(&url, Some(3)).await, 3);
        // In memory there is one connection whatever is asked.
        assert_eq!(max_connections("sqlite::memory:", Some(3)).await, 1);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
