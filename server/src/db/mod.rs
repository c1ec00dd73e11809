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

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};
use sea_orm_migration::MigratorTrait;

use crate::config::SqliteWriter;

/// The server's database connections: reads go to `read`, writes to
/// [`writer`](Databases::writer).
#[derive(Debug, Clone)]
pub struct Databases {
    /// The read pool. With a dedicated writer its connections refuse
    /// writes (`PRAGMA query_only = ON`): a write sent here fails loudly
    /// ("attempt to write a readonly database").
    pub read: DatabaseConnection,
    /// The dedicated writer (a pool of exactly one connection), or `None`
    /// when `read` writes too.
    pub write: Option<DatabaseConnection>,
}

impl Databases {
    /// Where writes go: the dedicated writer, else the read pool.
    pub fn writer(&self) -> &DatabaseConnection {
        self.write.as_ref().unwrap_or(&self.read)
    }
}

/// What a pool is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Reads and writes.
    Both,
    /// The dedicated writer: one connection.
    Writer,
    /// Reads only (`query_only`).
    Reader,
}

/// True for an in-memory SQLite URL.
fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Connects (SQLite: WAL, busy timeout, foreign keys, case-sensitive
/// `LIKE`; in-memory: one shared connection that is never reaped) and runs
/// the migrations. One pool reads and writes (the `immediate` strategy);
/// the server itself connects through [`connect_with`].
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_pool(url, None).await
}

/// Connections of a pool on a SQLite file unless `--db-pool-size` says
/// otherwise. Four, not eight: on the 2-core benchmark machine 2, 4 and 8
/// gave the same throughput ratios within the noise, and each connection
/// keeps a page cache of its own (server RSS after the benchmark 45, 49
/// and 55 MB).
pub const SQLITE_POOL: u32 = 4;

/// Connections of a pool on PostgreSQL unless `--db-pool-size` says
/// otherwise.
pub const POSTGRES_POOL: u32 = 16;

/// [`connect`] with `pool` connections (default: [`SQLITE_POOL`] for a
/// SQLite file, [`POSTGRES_POOL`] for PostgreSQL; an in-memory database
/// always has one).
pub async fn connect_pool(url: &str, pool: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    connect_using(pool_options(url, pool)).await
}

/// The options [`connect_pool`] connects with (the SQLite pragmas, pool
/// size, timeouts), for a caller that changes one before connecting with
/// [`connect_using`].
pub fn pool_options(url: &str, pool: Option<u32>) -> ConnectOptions {
    options(url, Role::Both, pool)
}

/// Connects with `opts` and runs the migrations.
pub async fn connect_using(opts: ConnectOptions) -> Result<DatabaseConnection, DbErr> {
    let db = Database::connect(opts).await?;
    migrations::Migrator::up(&db, None).await?;
    warn_without_qpsg(&db).await?;
    Ok(db)
}

/// Whether the linked SQLite keeps a statement's plan whatever its bound
/// values (compiled with `SQLITE_ENABLE_QPSG`, as `.cargo/config.toml`
/// asks). Without it, each execution of a statement with `LIMIT ?` is
/// parsed and planned again. `None` on other backends.
pub async fn sqlite_plans_are_stable(db: &DatabaseConnection) -> Result<Option<bool>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS qpsg",
        ))
        .await?;
    Ok(Some(
        row.map(|r| r.try_get::<i32>("", "qpsg")).transpose()? == Some(1),
    ))
}

async fn warn_without_qpsg(db: &DatabaseConnection) -> Result<(), DbErr> {
    if sqlite_plans_are_stable(db).await? == Some(false) {
        tracing::warn!(
            "this SQLite was built without SQLITE_ENABLE_QPSG: statements with a bound LIMIT \
             are planned again on every execution (build with \
             LIBSQLITE3_FLAGS=-DSQLITE_ENABLE_QPSG, as the workspace's .cargo/config.toml does)"
        );
    }
    Ok(())
}

/// Connects as `writer` says and runs the migrations. On a SQLite file
/// with [`SqliteWriter::Single`]: a writer pool of exactly one connection
/// (WAL, the same pragmas; it runs the migrations) beside a read pool of
/// `pool` (default [`SQLITE_POOL`]) whose connections refuse writes. Otherwise — `immediate`, PostgreSQL,
/// in-memory SQLite (its one connection holds the data) — one pool does
/// both, as [`connect`].
pub async fn connect_with(
    url: &str,
    writer: SqliteWriter,
    pool: Option<u32>,
) -> Result<Databases, DbErr> {
    let dedicated = writer == SqliteWriter::Single && url.starts_with("sqlite:") && !in_memory(url);
    if !dedicated {
        return Ok(Databases {
            read: connect_pool(url, pool).await?,
            write: None,
        });
    }
    let write = connect_using(options(url, Role::Writer, None)).await?;
    let read = Database::connect(options(url, Role::Reader, pool)).await?;
    Ok(Databases {
        read,
        write: Some(write),
    })
}

/// A PostgreSQL connection idle this long is pinged before it is handed
/// out (a server, proxy or firewall may have dropped it); a busy one is
/// not. sqlx's default pings on every checkout: a round trip more for each
/// statement.
pub const POSTGRES_PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

fn options(url: &str, role: Role, pool: Option<u32>) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if !url.starts_with("sqlite:") {
        opts.max_connections(pool.unwrap_or(POSTGRES_POOL))
            .test_before_acquire_if_idle_for(POSTGRES_PING_IF_IDLE_FOR);
        return opts;
    }
    // An embedded connection has no other end to lose: the ping sqlx sends
    // on every checkout by default is a round trip to the connection's
    // worker thread that checks nothing (one per statement).
    opts.test_before_acquire(false);
    let in_memory = in_memory(url);
    opts.map_sqlx_sqlite_opts(move |o| {
        // `LIKE` is case-sensitive, as on PostgreSQL (the filter
        // dialect's `ilike` is the case-insensitive one).
        let o = o
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("case_sensitive_like", "ON");
        let o = if in_memory {
            o
        } else {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
        };
        // Set after `journal_mode` (pragmas run in a fixed order, the
        // named ones first).
        if role == Role::Reader {
            o.pragma("query_only", "ON")
        } else {
            o
        }
    });
    if in_memory || role == Role::Writer {
        opts.max_connections(1).min_connections(1);
        opts.map_sqlx_sqlite_pool_opts(|p| p.idle_timeout(None).max_lifetime(None));
    } else {
        opts.max_connections(pool.unwrap_or(SQLITE_POOL));
    }
    opts
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
        connect_pool(url, pool)
            .await
            .unwrap()
            .get_sqlite_connection_pool()
            .options()
            .get_max_connections()
    }

    /// No ping per checkout: never on SQLite, on PostgreSQL only after an
    /// idle spell.
    #[test]
    fn connections_are_not_pinged_on_every_checkout() {
        for role in [Role::Both, Role::Writer, Role::Reader] {
            for url in ["sqlite::memory:", "sqlite://x.db?mode=rwc"] {
                let o = options(url, role, None);
                assert!(!o.get_test_before_acquire(), "{url}");
                assert_eq!(o.get_test_before_acquire_if_idle_for(), None, "{url}");
            }
        }
        let o = options("postgres://u@localhost/db", Role::Both, None);
        assert!(!o.get_test_before_acquire());
        assert_eq!(
            o.get_test_before_acquire_if_idle_for(),
            Some(POSTGRES_PING_IF_IDLE_FOR)
        );
    }

    #[tokio::test]
    async fn sqlite_keeps_plans_whatever_the_bound_values() {
        let db = connect("sqlite::memory:").await.unwrap();
        assert_eq!(sqlite_plans_are_stable(&db).await.unwrap(), Some(true));
    }

    #[tokio::test]
    async fn the_pool_has_the_size_asked_for() {
        let path = std::env::temp_dir().join(format!("oe-pool-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        assert_eq!(max_connections(&url, None).await, SQLITE_POOL);
        assert_eq!(max_connections(&url, Some(3)).await, 3);
        // In memory there is one connection whatever is asked.
        assert_eq!(max_connections("sqlite::memory:", Some(3)).await, 1);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
