//! What can go wrong in the mock server, and how its endpoints answer it.

use open_event_server::{error::ApiError, startup::StartupError};
use poem::http::StatusCode;

/// Errors of the mock server.
#[derive(Debug, thiserror::Error)]
pub enum MockServerError {
    /// The API could not start.
    #[error("{0}")]
    Startup(#[from] StartupError),
    /// Seeding the demo world failed.
    #[error("seeding: {0}")]
    Seed(#[from] open_event_factories::FactoryError),
    /// Taking or restoring the snapshot failed.
    #[error("database snapshot: {0}")]
    Snapshot(#[from] sqlx::Error),
    /// A token could not be issued.
    #[error("token: {0}")]
    Token(ApiError),
    /// Inconsistent settings.
    #[error("config: {0}")]
    Config(String),
    /// An endpoint was called before the seeded state existed.
    #[error("the mock server is still starting")]
    NotReady,
}

impl From<MockServerError> for ApiError {
    fn from(e: MockServerError) -> Self {
        match e {
            MockServerError::NotReady => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-ready",
                "The mock server is still seeding; try again in a moment.",
            ),
            other => ApiError::internal(other),
        }
    }
}
