//! The server under test: its base URL, an HTTP client, how data is seeded
//! and how tokens are obtained. Either the real server spawned in-process
//! (SQLite in memory, or PostgreSQL with `TEST_DATABASE_URL`) through the
//! test harness, or an external server (`--base-url`), seeded through its
//! database (`--database-url`) when given.

use std::{sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use open_event_server::{
    auth::jwt::{JwtKeys, TokenType},
    startup::Embedding,
};
use sea_orm::DatabaseConnection;
use serde_json::Value;

pub use super::model::TokenFault;
use super::{
    RunnerError,
    http::HttpRequest,
    model::{ProviderAddrs, SeededUser},
    seed::{FactorySeeder, Seeder},
};
use crate::{harness::TestApp, providers::Providers};

/// A secret no server uses: tokens signed with it must be refused.
const WRONG_SECRET: &str = "open-event-contract: not the server's secret";

/// Where tokens come from.
#[derive(Clone)]
pub enum Tokens {
    /// Signed here with the server's keys (in-process, or `--jwt-secret`).
    Signer {
        /// The server's keys and lifetimes.
        keys: Arc<JwtKeys>,
        /// The shared secret (for expired tokens).
        secret: String,
    },
    /// Obtained by logging in over HTTP.
    Login,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tokens::Signer { .. } => f.write_str("Signer"),
            Tokens::Login => f.write_str("Login"),
        }
    }
}

/// The server under test.
pub struct Target {
    /// `http://host:port`, no trailing slash.
    pub base: String,
    /// The HTTP client (no redirects, 30 s timeout).
    pub client: reqwest::Client,
    /// Seeding, when a database is reachable.
    pub seeder: Option<Arc<dyn Seeder>>,
    /// Token source.
    pub tokens: Tokens,
    /// Whether unique values must differ from earlier runs (a kept database).
    pub unique_across_runs: bool,
    /// The OAuth provider stand-ins the server talks to, when the runner
    /// runs them.
    pub providers: Option<Arc<Providers>>,
    /// The server's JWT secret, when known (signs expired OAuth states).
    pub secret: Option<String>,
    _app: Option<TestApp>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base", &self.base)
            .field("seeding", &self.seeder.is_some())
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

fn client() -> Result<reqwest::Client, RunnerError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(64)
        .build()
        .map_err(|e| RunnerError::Target(e.to_string()))
}

impl Target {
    /// Spawns the real server in-process through the test harness.
    pub async fn in_process() -> Result<Target, RunnerError> {
        Target::in_process_with(|_| {}).await
    }

    /// Spawns the real server in-process after `configure` adjusts its
    /// settings.
    pub async fn in_process_with(
        configure: impl FnOnce(&mut open_event_server::Settings),
    ) -> Result<Target, RunnerError> {
        Self::in_process_embedded(configure, Embedding::default()).await
    }

    /// [`in_process_with`](Target::in_process_with), with an embedder's
    /// routes and layer (the drift self-tests add their faults this way).
    pub async fn in_process_embedded(
        configure: impl FnOnce(&mut open_event_server::Settings),
        embedding: Embedding,
    ) -> Result<Target, RunnerError> {
        let providers = Providers::start().await;
        let app = TestApp::spawn_embedded(
            |s| {
                providers.configure(s);
                configure(s);
            },
            embedding,
        )
        .await
        .map_err(|e| RunnerError::Target(e.to_string()))?;
        let seeder: Arc<dyn Seeder> = Arc::new(FactorySeeder::new(app.db().clone()));
        Ok(Target {
            base: app.base.clone(),
            client: client()?,
            seeder: Some(seeder),
            tokens: Tokens::Signer {
                keys: app.state.jwt.clone(),
                secret: app.state.settings.jwt_secret.clone(),
            },
            unique_across_runs: std::env::var("TEST_DATABASE_URL").is_ok(),
            providers: Some(Arc::new(providers)),
            secret: Some(app.state.settings.jwt_secret.clone()),
            _app: Some(app),
        })
    }

    /// An external server; seeded through `database_url` when given; tokens
    /// signed with `jwt_secret` when given, else obtained by logging in; the
    /// OAuth provider stand-ins bound on `providers` when given.
    pub async fn external(
        base: &str,
        database_url: Option<&str>,
        jwt_secret: Option<&str>,
        providers: Option<ProviderAddrs>,
    ) -> Result<Target, RunnerError> {
        let providers = match providers {
            Some(a) => Some(Arc::new(
                Providers::bind(a.google, a.facebook, a.graph)
                    .await
                    .map_err(|e| {
                        RunnerError::Target(format!("binding the provider stand-ins: {e}"))
                    })?,
            )),
            None => None,
        };
        let seeder: Option<Arc<dyn Seeder>> = match database_url {
            Some(url) => Some(Arc::new(FactorySeeder::new(seeding_connection(url).await?))),
            None => None,
        };
        let tokens = match jwt_secret {
            Some(secret) => Tokens::Signer {
                keys: Arc::new(JwtKeys::new(secret, 3600, 3600)),
                secret: secret.to_owned(),
            },
            None => Tokens::Login,
        };
        Ok(Target {
            base: base.trim_end_matches('/').to_owned(),
            client: client()?,
            seeder,
            tokens,
            unique_across_runs: true,
            providers,
            secret: jwt_secret.map(str::to_owned),
            _app: None,
        })
    }

    /// Whether the server runs in this process (spawned by the runner).
    pub fn is_in_process(&self) -> bool {
        self._app.is_some()
    }

    /// Whether the runner can sign tokens (needed for expired tokens).
    pub fn can_sign(&self) -> bool {
        matches!(self.tokens, Tokens::Signer { .. })
    }

    async fn login(&self, user: &SeededUser) -> Result<Value, RunnerError> {
        let mut req = HttpRequest::new("POST", "/v1/auth/login");
        req.set_header("Content-Type", "application/json");
        req.body =
            Some(serde_json::json!({"email": user.email, "password": user.password}).to_string());
        let ex = req.send(&self.client, &self.base).await;
        if ex.response.status != 200 {
            return Err(RunnerError::Target(format!(
                "logging in as {} failed: HTTP {} {}",
                user.email, ex.response.status, ex.response.body
            )));
        }
        Ok(ex.response.json())
    }

    /// An access token for `user`; `fresh` as after a password login.
    pub async fn access_token(
        &self,
        user: &SeededUser,
        fresh: bool,
    ) -> Result<String, RunnerError> {
        match &self.tokens {
            Tokens::Signer { keys, .. } => keys
                .issue(user.id, user.token_version, TokenType::Access, fresh)
                .map_err(|e| RunnerError::Target(format!("signing a token: {e:?}"))),
            Tokens::Login => {
                let pair = self.login(user).await?;
                if fresh {
                    return text(&pair, "access_token");
                }
                let refresh = text(&pair, "refresh_token")?;
                let mut req = HttpRequest::new("POST", "/v1/auth/token/refresh");
                req.set_header("Authorization", format!("JWT {refresh}"));
                let ex = req.send(&self.client, &self.base).await;
                text(&ex.response.json(), "access_token")
            }
        }
    }

    /// A refresh token for `user`.
    pub async fn refresh_token(&self, user: &SeededUser) -> Result<String, RunnerError> {
        match &self.tokens {
            Tokens::Signer { keys, .. } => keys
                .issue(user.id, user.token_version, TokenType::Refresh, false)
                .map_err(|e| RunnerError::Target(format!("signing a token: {e:?}"))),
            Tokens::Login => text(&self.login(user).await?, "refresh_token"),
        }
    }

    /// A bad token of kind `kind` (access or refresh) for `user`; `None`
    /// when this target cannot make it (expired tokens need the secret).
    pub async fn faulty_token(
        &self,
        user: &SeededUser,
        fault: TokenFault,
        kind: TokenType,
    ) -> Result<Option<String>, RunnerError> {
        let sign_err = |e| RunnerError::Target(format!("signing a token: {e:?}"));
        Ok(Some(match fault {
            TokenFault::Garbage => "not-a-jwt".to_owned(),
            TokenFault::WrongSecret => JwtKeys::new(WRONG_SECRET, 3600, 3600)
                .issue(user.id, user.token_version, kind, true)
                .map_err(sign_err)?,
            TokenFault::Expired => match &self.tokens {
                Tokens::Signer { secret, .. } => JwtKeys::new(secret, -120, -120)
                    .issue(user.id, user.token_version, kind, true)
                    .map_err(sign_err)?,
                Tokens::Login => return Ok(None),
            },
            TokenFault::WrongType => match kind {
                TokenType::Access => self.refresh_token(user).await?,
                TokenType::Refresh => self.access_token(user, true).await?,
            },
            TokenFault::Tampered => {
                let valid = match kind {
                    TokenType::Access => self.access_token(user, true).await?,
                    TokenType::Refresh => self.refresh_token(user).await?,
                };
                tamper(&valid)?
            }
        }))
    }
}

/// The runner's connection to an external server's database. On a SQLite
/// file, one connection: SQLite has a single writer and the runner's
/// seeding is nearly all writes, so one connection queues them in the pool
/// rather than in SQLite's busy handler (which sleeps and polls), and costs
/// one sqlx worker thread instead of eight. The server's own options
/// (pragmas) and migrations, with a longer wait for the connection (the
/// checks queue for it).
async fn seeding_connection(url: &str) -> Result<DatabaseConnection, RunnerError> {
    let err = |e: sea_orm::DbErr| RunnerError::Target(format!("database {url}: {e}"));
    if !url.starts_with("sqlite:") {
        return open_event_server::db::connect(url).await.map_err(err);
    }
    let mut opts = open_event_server::db::pool_options(url, Some(1));
    opts.acquire_timeout(Duration::from_secs(60));
    open_event_server::db::connect_using(opts)
        .await
        .map_err(err)
}

fn text(v: &Value, key: &str) -> Result<String, RunnerError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| RunnerError::Target(format!("no `{key}` in {v}")))
}

/// Rewrites the payload of a JWT (the user id moves to another user) and
/// keeps the old signature.
fn tamper(token: &str) -> Result<String, RunnerError> {
    let bad = || RunnerError::Target("a server token is not a JWT".into());
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let raw = URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
    let mut claims: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let other = claims
        .get("identity")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .wrapping_add(1);
    claims["identity"] = Value::from(other);
    claims["sub"] = Value::from(other.to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    Ok(format!("{header}.{payload}.{signature}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_keeps_the_signature_and_changes_the_user() {
        let keys = JwtKeys::new("s", 60, 60);
        let t = keys.issue(5, 0, TokenType::Access, true).unwrap();
        let bad = tamper(&t).unwrap();
        assert_eq!(t.rsplit('.').next(), bad.rsplit('.').next());
        assert_ne!(t, bad);
        assert!(keys.verify(&bad, TokenType::Access).is_err());
    }
}
