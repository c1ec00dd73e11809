//! Shared application state, reached by handlers through `Data<&AppState>`.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::jwt::JwtKeys,
    cache::ResponseCache,
    config::Settings,
    db::Databases,
    model::Registry,
    oauth::{ClientError, Providers},
};

/// Everything a request handler needs.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The pool reads go to. With a dedicated SQLite writer
    /// (`--sqlite-writer single`) its connections refuse writes.
    pub db: DatabaseConnection,
    /// Where every write goes (write transactions and autocommit writes):
    /// the dedicated writer connection with `--sqlite-writer single` on a
    /// SQLite file, else the same pool as [`db`](AppState::db) (PostgreSQL,
    /// in-memory SQLite, `immediate`). A write committed here is visible to
    /// the next read on `db`.
    pub writer: DatabaseConnection,
    /// Settings read at start.
    pub settings: Arc<Settings>,
    /// JWT keys and lifetimes.
    pub jwt: Arc<JwtKeys>,
    /// The resources the JSON:API machinery serves.
    pub registry: Arc<Registry>,
    /// The anonymous `GET` cache, when `--anonymous-cache` is on. Whoever
    /// writes to the database other than through the API invalidates it.
    pub cache: Option<Arc<ResponseCache>>,
    /// The OAuth providers (Google, Facebook) and their HTTP client.
    pub oauth: Arc<Providers>,
}

impl AppState {
    /// State from settings, the connected databases and the resources to
    /// serve (the application's are `resources::registry()`). Fails only
    /// when the OAuth HTTP client cannot be built.
    pub fn new(settings: Settings, db: Databases, registry: Registry) -> Result<Self, ClientError> {
        let oauth = Providers::from_settings(&settings)?;
        let jwt = JwtKeys::new(
            &settings.jwt_secret,
            settings.access_token_ttl,
            settings.refresh_token_ttl,
        );
        let writer = db.writer().clone();
        Ok(AppState {
            db: db.read,
            writer,
            jwt: Arc::new(jwt),
            cache: settings
                .anonymous_cache
                .then(|| Arc::new(ResponseCache::new())),
            settings: Arc::new(settings),
            registry: Arc::new(registry),
            oauth: Arc::new(oauth),
        })
    }
}
