//! One way to start the app for tests and tools: [`TestApp::spawn`].

use std::time::Duration;

use open_event_server::{Application, Settings, startup::Embedding, state::AppState};
use reqwest::{Method, header};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr};
use serde_json::Value;

/// The JSON:API media type.
pub const JSONAPI: &str = "application/vnd.api+json";

/// Errors starting a test app.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The database could not be prepared.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The server did not start.
    #[error("startup: {0}")]
    Startup(#[from] open_event_server::startup::StartupError),
    /// A bad `TEST_DATABASE_URL`.
    #[error("TEST_DATABASE_URL: {0}")]
    Url(String),
    /// A factory could not store its rows.
    #[error("seeding: {0}")]
    Seed(#[from] open_event_factories::FactoryError),
}

/// What [`TestApp::published_events`] stored.
pub struct PublishedEvents {
    /// The events' owner.
    pub owner: open_event_server::db::entities::user::Model,
    /// The events, in the order they were stored.
    pub events: Vec<open_event_server::db::entities::event::Model>,
}

/// A running server on a free port, with its state and an HTTP client.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The server's state (database, settings, JWT keys).
    pub state: AppState,
    client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct TestResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: header::HeaderMap,
    /// Body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The raw body.
    pub text: String,
}

impl TestResponse {
    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first error's `code`, for error responses.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or_default()
    }

    /// The first error's `source.pointer`.
    pub fn error_pointer(&self) -> &str {
        self.body["errors"][0]["source"]["pointer"]
            .as_str()
            .unwrap_or_default()
    }

    /// The first error's `source.parameter`.
    pub fn error_parameter(&self) -> &str {
        self.body["errors"][0]["source"]["parameter"]
            .as_str()
            .unwrap_or_default()
    }

    /// Ids of `data` (a list document).
    pub fn ids(&self) -> Vec<String> {
        self.body["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A fresh database URL: `sqlite::memory:`, or a new database on the
/// PostgreSQL server named by `TEST_DATABASE_URL`.
pub async fn fresh_database_url() -> Result<String, HarnessError> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return Ok("sqlite::memory:".to_owned());
    };
    let mut url = url::Url::parse(&admin_url).map_err(|e| HarnessError::Url(e.to_string()))?;
    let name = format!("oe_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url.as_str()).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

impl TestApp {
    /// Starts the server with test settings on a fresh database.
    pub async fn spawn() -> Result<TestApp, HarnessError> {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the server after `configure` adjusts the settings.
    pub async fn spawn_with(
        configure: impl FnOnce(&mut Settings),
    ) -> Result<TestApp, HarnessError> {
        Self::spawn_embedded(configure, Embedding::default()).await
    }

    /// Starts the server with an embedder's routes and layer.
    pub async fn spawn_embedded(
        configure: impl FnOnce(&mut Settings),
        embedding: Embedding,
    ) -> Result<TestApp, HarnessError> {
        let mut settings = Settings::for_tests(&fresh_database_url().await?);
        configure(&mut settings);
        let app = Application::build_with(settings, embedding).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = app
                .run_until(async {
                    let _ = rx.await;
                })
                .await;
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| HarnessError::Url(e.to_string()))?;
        Ok(TestApp {
            base,
            state,
            client,
            shutdown: Some(tx),
        })
    }

    /// Starts the server with a counter of the SQL statements it runs.
    pub async fn spawn_counting() -> Result<(TestApp, StatementCounter), HarnessError> {
        let counter = StatementCounter::default();
        let hook = counter.clone();
        let embedding = Embedding::default().database(move |db| {
            db.set_metric_callback(move |info| hook.record(info.statement.sql.as_str()));
        });
        let app = Self::spawn_embedded(|_| {}, embedding).await?;
        Ok((app, counter))
    }

    /// Stores `events` published events of one new owner, each with an
    /// organizer and `sponsors_each` sponsors (the statement and allocation
    /// budgets' data).
    pub async fn published_events(
        &self,
        events: usize,
        sponsors_each: usize,
    ) -> Result<PublishedEvents, HarnessError> {
        use open_event_factories::prelude::*;
        let owner = UserFactory::new().create(self.db()).await?;
        let mut out = Vec::with_capacity(events);
        for _ in 0..events {
            let e = EventFactory::new()
                .published()
                .owned_by(&owner)
                .with_organizers(1)
                .create(self.db())
                .await?;
            SponsorFactory::new()
                .for_event(&e)
                .create_batch(self.db(), sponsors_each)
                .await?;
            out.push(e);
        }
        Ok(PublishedEvents { owner, events: out })
    }

    /// The application state (database, settings, cache).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The database, for tests to store and read rows: the server's writer
    /// (the same pool as its reads, except with a dedicated SQLite writer,
    /// whose read pool refuses writes; reads here see every commit).
    #[allow(
        clippy::misnamed_getters,
        reason = "tests write through it: the writer, not the read pool `state.db`"
    )]
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.writer
    }

    /// An absolute URL for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The raw client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request; `body` is sent as JSON:API; `token` as `JWT <token>`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(header::ACCEPT, JSONAPI);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("JWT {t}"));
        }
        if let Some(b) = body {
            req = req
                .header(header::CONTENT_TYPE, JSONAPI)
                .body(b.to_string());
        }
        Self::read(req).await
    }

    /// Sends a prepared request and reads the response.
    pub async fn read(req: reqwest::RequestBuilder) -> TestResponse {
        match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                let text = resp.text().await.unwrap_or_default();
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                TestResponse {
                    status,
                    headers,
                    body,
                    text,
                }
            }
            Err(e) => TestResponse {
                status: 0,
                headers: header::HeaderMap::new(),
                body: Value::Null,
                text: format!("request failed: {e}"),
            },
        }
    }

    /// GET.
    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.send(Method::GET, path, token, None).await
    }

    /// POST a JSON:API document.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// PATCH a JSON:API document.
    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.send(Method::DELETE, path, token, None).await
    }

    /// POST plain JSON (the `/v1/auth` helpers).
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
        self.json_request(Method::POST, path, token, body).await
    }

    /// Any method with a plain JSON body.
    pub async fn json_request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> TestResponse {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("JWT {t}"));
        }
        Self::read(req).await
    }

    /// An access token for a user id, signed with the server's key (fresh).
    pub fn token_for(&self, user: &open_event_server::db::entities::user::Model) -> String {
        self.state
            .jwt
            .issue(
                user.id,
                user.token_version,
                open_event_server::auth::jwt::TokenType::Access,
                true,
            )
            .unwrap_or_default()
    }

    /// Logs in over HTTP; returns the response (tokens in the body).
    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post_json(
            "/v1/auth/login",
            None,
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Mails sent to an address, oldest first.
    pub async fn mails_to(&self, email: &str) -> Vec<open_event_server::db::entities::mail::Model> {
        open_event_server::db::mail::to(self.db(), email)
            .await
            .unwrap_or_default()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Counts the SQL statements a server runs (its database's metric callback),
/// keeping their text for failure messages.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter {
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl StatementCounter {
    fn record(&self, sql: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(sql.to_owned());
        }
    }

    /// Forgets what was counted so far.
    pub fn reset(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// The statements run since the last reset.
    pub fn statements(&self) -> Vec<String> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
