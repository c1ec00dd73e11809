//! The crate's one error type.

use sea_orm::DbErr;

/// Why building or creating test data failed.
#[derive(Debug, thiserror::Error)]
pub enum FactoryError {
    /// The database refused a write or a read (constraint, connection, …).
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// Hashing a password failed (the operating system's random source, most likely).
    #[error("password hashing: {0}")]
    Password(String),
    /// A factory was asked for something it cannot make (e.g. an unknown role name).
    #[error("invalid factory input: {0}")]
    Invalid(String),
}

impl From<open_event_server::error::ApiError> for FactoryError {
    fn from(e: open_event_server::error::ApiError) -> Self {
        FactoryError::Password(e.to_string())
    }
}

/// `Result` with [`FactoryError`].
pub type Result<T, E = FactoryError> = std::result::Result<T, E>;
