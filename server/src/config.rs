//! The one typed settings tree. Every flag has an `OPEN_EVENT_<FLAG>` env var.

use std::net::SocketAddr;

use clap::{Parser, ValueEnum};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// How a server on a SQLite file writes (see `db::connect_with`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SqliteWriter {
    /// Every pooled connection may write; write transactions take the
    /// write lock up front (`BEGIN IMMEDIATE`), autocommit writes wait for
    /// it in SQLite's busy handler.
    Immediate,
    /// One dedicated writer connection beside the read pool: every write
    /// queues for it in order; the read pool's connections refuse writes
    /// (`PRAGMA query_only`).
    #[default]
    Single,
}

/// Settings of the server, read once at start from CLI flags and env vars.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "open-event-server",
    version,
    about = "Open Event API server (JSON:API)"
)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "OPEN_EVENT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Database URL: `sqlite://…` (embedded) or `postgres://…`.
    #[arg(
        long,
        env = "OPEN_EVENT_DATABASE_URL",
        default_value = "sqlite://open-event.db?mode=rwc"
    )]
    pub database_url: String,

    /// Connections in the (read) pool (default: 4 for a SQLite file, 16 for
    /// PostgreSQL; an in-memory SQLite database always has one; a dedicated
    /// SQLite writer is one more).
    #[arg(long, env = "OPEN_EVENT_DB_POOL_SIZE", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub db_pool_size: Option<u32>,

    /// How writes reach a SQLite file: `single` (one writer connection
    /// beside the read pool) or `immediate` (any pooled connection, write
    /// transactions with `BEGIN IMMEDIATE`). No effect on PostgreSQL or an
    /// in-memory SQLite database, whose pool does both.
    #[arg(long, env = "OPEN_EVENT_SQLITE_WRITER", value_enum, default_value_t = SqliteWriter::default())]
    pub sqlite_writer: SqliteWriter,

    /// Secret for signing JWTs and one-time tokens. Set it in production.
    #[arg(
        long,
        env = "OPEN_EVENT_JWT_SECRET",
        default_value = "dev-secret-change-me",
        hide_env_values = true
    )]
    pub jwt_secret: String,

    /// Access token lifetime in seconds.
    #[arg(long, env = "OPEN_EVENT_ACCESS_TOKEN_TTL", default_value_t = 86_400)]
    pub access_token_ttl: i64,

    /// Refresh token lifetime in seconds.
    #[arg(
        long,
        env = "OPEN_EVENT_REFRESH_TOKEN_TTL",
        default_value_t = 31_536_000
    )]
    pub refresh_token_ttl: i64,

    /// Lifetime of email-verification and password-reset tokens in seconds.
    #[arg(long, env = "OPEN_EVENT_MAIL_TOKEN_TTL", default_value_t = 86_400)]
    pub mail_token_ttl: i64,

    /// Email of the super admin created (or promoted) at start.
    #[arg(long, env = "OPEN_EVENT_ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of the bootstrapped super admin (at least 8 characters).
    #[arg(long, env = "OPEN_EVENT_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Log format.
    #[arg(long, env = "OPEN_EVENT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Base URL of the frontend, used in links sent by mail.
    #[arg(
        long,
        env = "OPEN_EVENT_FRONTEND_URL",
        default_value = "http://localhost:4200"
    )]
    pub frontend_url: String,

    /// Allowed CORS origins (comma separated); `*` allows any.
    #[arg(long, env = "OPEN_EVENT_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Google OAuth client id; Google login is off (404) without it.
    #[arg(long, env = "OPEN_EVENT_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,

    /// Google OAuth client secret.
    #[arg(long, env = "OPEN_EVENT_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
    pub google_client_secret: Option<String>,

    /// Base URL of Google's OAuth endpoints in the stand-in layout
    /// (`/o/oauth2/v2/auth`, `/token`, `/oauth2/v3/userinfo` under it). Unset:
    /// the real Google endpoints (accounts.google.com, oauth2.googleapis.com,
    /// www.googleapis.com).
    #[arg(long, env = "OPEN_EVENT_GOOGLE_BASE_URL")]
    pub google_base_url: Option<String>,

    /// Facebook app id; Facebook login is off (404) without it.
    #[arg(long, env = "OPEN_EVENT_FACEBOOK_APP_ID")]
    pub facebook_app_id: Option<String>,

    /// Facebook app secret.
    #[arg(long, env = "OPEN_EVENT_FACEBOOK_APP_SECRET", hide_env_values = true)]
    pub facebook_app_secret: Option<String>,

    /// Base URL of Facebook's login dialog (`/v19.0/dialog/oauth` under it).
    #[arg(
        long,
        env = "OPEN_EVENT_FACEBOOK_BASE_URL",
        default_value = "https://www.facebook.com"
    )]
    pub facebook_base_url: String,

    /// Base URL of the Graph API (`/v19.0/oauth/access_token`, `/debug_token`,
    /// `/v19.0/me` under it).
    #[arg(
        long,
        env = "OPEN_EVENT_GRAPH_BASE_URL",
        default_value = "https://graph.facebook.com"
    )]
    pub graph_base_url: String,

    /// Where providers send the browser back after consent (the frontend's
    /// callback page). Unset: `<frontend-url>/oauth/callback`.
    #[arg(long, env = "OPEN_EVENT_OAUTH_REDIRECT_URI")]
    pub oauth_redirect_uri: Option<String>,

    /// Timeout of each request to an OAuth provider, in milliseconds.
    #[arg(long, env = "OPEN_EVENT_OAUTH_TIMEOUT_MS", default_value_t = 10_000)]
    pub oauth_timeout_ms: u64,

    /// Cache anonymous `GET` responses in memory, invalidated by every write
    /// through the API. Only for a server that is the database's sole
    /// writer (see `cache.rs`); the mock server turns it on.
    #[arg(long, env = "OPEN_EVENT_ANONYMOUS_CACHE")]
    pub anonymous_cache: bool,

    /// Deliberate defects for the contract runner's self-tests; code only,
    /// and only with the `faults` feature.
    #[cfg(feature = "faults")]
    #[arg(skip)]
    pub faults: crate::faults::Faults,
}

impl Settings {
    /// Settings for tests and embedding: defaults, a port-0 bind and the given database.
    pub fn for_tests(database_url: &str) -> Self {
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.to_owned(),
            db_pool_size: None,
            sqlite_writer: SqliteWriter::default(),
            jwt_secret: "test-secret".to_owned(),
            access_token_ttl: 3600,
            refresh_token_ttl: 86_400,
            mail_token_ttl: 3600,
            admin_email: None,
            admin_password: None,
            log_format: LogFormat::Text,
            frontend_url: "http://localhost:4200".to_owned(),
            cors_origins: Vec::new(),
            google_client_id: None,
            google_client_secret: None,
            google_base_url: None,
            facebook_app_id: None,
            facebook_app_secret: None,
            facebook_base_url: "https://www.facebook.com".to_owned(),
            graph_base_url: "https://graph.facebook.com".to_owned(),
            oauth_redirect_uri: None,
            oauth_timeout_ms: 10_000,
            anonymous_cache: false,
            #[cfg(feature = "faults")]
            faults: crate::faults::Faults::default(),
        }
    }
}
