//! The seeded state, kept as an image of the whole SQLite database and put
//! back in one step.
//!
//! [`Snapshot::take`] serializes the `main` schema of the in-memory database
//! (`sqlite3_serialize`: the bytes a database file would hold) right after
//! seeding; [`Snapshot::restore`] hands a copy back to SQLite
//! (`sqlite3_deserialize`), which swaps it in for the current content. Every
//! table, index, `sqlite_sequence` (the autoincrement counters) and the
//! migration history come back exactly as seeded, with no per-table code to
//! keep up to date. The database has one pooled connection (an in-memory
//! SQLite database lives in it), so holding it for the swap also keeps
//! every request out until the seeded state is back.

use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use sqlx::sqlite::SqliteOwnedBuf;

use super::error::MockServerError;

/// An image of the seeded database.
#[derive(Debug)]
pub struct Snapshot {
    image: Vec<u8>,
}

impl Snapshot {
    /// Serializes the database as it is now.
    pub async fn take(db: &DatabaseConnection) -> Result<Snapshot, MockServerError> {
        let pool = sqlite_pool(db)?;
        let mut conn = pool.acquire().await?;
        let buf = conn.serialize(None).await?;
        Ok(Snapshot {
            image: buf.to_vec(),
        })
    }

    /// Puts the snapshot back in place of the current content; returns how
    /// long the swap took (waiting for the connection included).
    pub async fn restore(&self, db: &DatabaseConnection) -> Result<Duration, MockServerError> {
        let started = Instant::now();
        let pool = sqlite_pool(db)?;
        let mut conn = pool.acquire().await?;
        let copy = SqliteOwnedBuf::try_from(self.image.as_slice())?;
        conn.deserialize(None, copy, false).await?;
        Ok(started.elapsed())
    }
}

fn sqlite_pool(db: &DatabaseConnection) -> Result<&sqlx::SqlitePool, MockServerError> {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => Ok(db.get_sqlite_connection_pool()),
        other => Err(MockServerError::Config(format!(
            "the mock server keeps its data in SQLite, not {other:?}"
        ))),
    }
}
