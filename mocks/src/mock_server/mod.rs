//! The mock server for frontend teams: the real API in-process on SQLite in
//! memory, seeded with [`seed::demo`], the Google and Facebook stand-ins
//! started and wired in, a credentials table, `POST /__mock/reset`, `GET
//! /__mock/accounts`, and optional latency and error injection.
//!
//! It is built on the server's embedding hook
//! ([`Embedding`], [`Application::build_with`]): the API is started exactly
//! as `open-event-server` starts it, then this module adds its routes
//! (`/__mock/*`), its layer (injection on `/v1`) and its section of the
//! served OpenAPI document. None of it is compiled into the server's own
//! binary, which does not depend on this crate.
//!
//! | module | owns |
//! |---|---|
//! | [`options`] | flags and `OPEN_EVENT_MOCK_*` env vars |
//! | [`providers`] | the stand-ins and the server settings that point at them |
//! | [`snapshot`] | the seeded state as a database image, and putting it back |
//! | [`accounts`] | the credentials table, as JSON and as printed |
//! | [`inject`] | latency and error injection on the API |
//! | [`api`] | the `/__mock/*` endpoints and their spec section |

pub mod accounts;
pub mod api;
pub mod error;
pub mod inject;
pub mod options;
pub mod providers;
pub mod snapshot;

use std::{
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use open_event_factories::seed;
use open_event_server::{Application, Settings, startup::Embedding};
use poem::IntoEndpoint;
use sea_orm::DatabaseConnection;

use self::{
    accounts::{AccountsDocument, Clients, Urls},
    error::MockServerError,
    inject::Injector,
    options::Options,
    providers::Providers,
    snapshot::Snapshot,
};

/// The JWT secret of the mock server: fixed, so a token from the table
/// stays valid across restarts with the same seed (not a secret).
pub const JWT_SECRET: &str = "open-event-mock-server";

/// What the `/__mock/*` endpoints and the injection layer share.
#[derive(Debug)]
pub struct Control {
    seed: u64,
    injector: Arc<Injector>,
    ready: OnceLock<Seeded>,
}

/// The state made at start: the database image and the credentials table.
#[derive(Debug)]
struct Seeded {
    snapshot: Snapshot,
    accounts: AccountsDocument,
}

impl Control {
    /// Restores the seeded database and rewinds the error sequence.
    pub async fn reset(&self, db: &DatabaseConnection) -> Result<Duration, MockServerError> {
        let seeded = self.ready.get().ok_or(MockServerError::NotReady)?;
        let elapsed = seeded.snapshot.restore(db).await?;
        self.injector.rewind();
        Ok(elapsed)
    }

    /// The credentials table.
    pub fn accounts(&self) -> Result<&AccountsDocument, MockServerError> {
        self.ready
            .get()
            .map(|s| &s.accounts)
            .ok_or(MockServerError::NotReady)
    }
}

/// A started mock server, seeded and bound, not yet serving.
pub struct MockApp {
    app: Application,
    control: Arc<Control>,
    // Kept alive while serving: dropping a stand-in stops it.
    providers: Providers,
    banner: String,
}

/// `http://<host>:<port>` for a bound address (the loopback address for an
/// unspecified one).
fn base_url(bind: SocketAddr, port: u16) -> String {
    let ip = if bind.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        bind.ip()
    };
    format!("http://{}", SocketAddr::new(ip, port))
}

/// The API's settings for the mock server: SQLite in memory, the fixed JWT
/// secret, the frontend and CORS options, the stand-ins.
fn settings(options: &Options, providers: &Providers) -> Settings {
    let mut s = Settings::for_tests("sqlite::memory:");
    s.bind = options.bind;
    s.jwt_secret = JWT_SECRET.to_owned();
    s.access_token_ttl = 86_400;
    s.refresh_token_ttl = 31_536_000;
    s.mail_token_ttl = 86_400;
    s.frontend_url = options.frontend_url.clone();
    s.cors_origins = options.cors_origins.clone();
    // Anonymous reads are answered from memory until the next write (the
    // reset included). The cache sits outside the injection layer, so it
    // is on only when nothing is injected: every answer is then delayed or
    // failed as asked.
    s.anonymous_cache = options.latency_ms == 0 && options.error_rate == 0.0;
    providers.configure(&mut s, &options.callback());
    s
}

impl MockApp {
    /// Starts the stand-ins, builds the API with the mock server's
    /// embedding, seeds it and snapshots the result. `started` is when the
    /// process started, for the printed start-up time.
    pub async fn start(options: Options, started: Instant) -> Result<Self, MockServerError> {
        let phase = Instant::now();
        let callback = options.callback();
        let providers = Providers::start(&callback).await;
        let providers_ms = phase.elapsed().as_millis();
        let injector = Arc::new(Injector::new(
            options.latency_ms,
            options.error_rate,
            options.seed,
        ));
        let control = Arc::new(Control {
            seed: options.seed,
            injector: injector.clone(),
            ready: OnceLock::new(),
        });
        let (service, section) = api::service(control.clone());
        let error_rate = options.error_rate;
        let embedding = Embedding::default()
            .route("/__mock/*path", service.into_endpoint())
            .wrap(injector.layer())
            .spec(move |spec| api::extend_spec(spec, &section, error_rate));
        let phase = Instant::now();
        let app = Application::build_with(settings(&options, &providers), embedding).await?;
        let build_ms = phase.elapsed().as_millis();
        let phase = Instant::now();
        let state = app.state().clone();
        let world = seed::demo(&state.writer, options.seed).await?;
        let seed_ms = phase.elapsed().as_millis();
        let phase = Instant::now();
        let snapshot = Snapshot::take(&state.writer).await?;
        let base = base_url(options.bind, app.port());
        let doc = AccountsDocument {
            seed: options.seed,
            accounts: accounts::accounts(&world, &state)?,
            urls: Urls {
                api: format!("{base}/v1"),
                docs: format!("{base}/docs"),
                spec: format!("{base}/openapi.json"),
                google: providers.google.base_url(),
                google_authorization: providers.google.auth_url(),
                facebook: providers.facebook.facebook_base_url(),
                facebook_authorization: providers.facebook.dialog_url(),
                graph: providers.facebook.graph_base_url(),
                frontend_callback: callback,
            },
            clients: Clients {
                google_client_id: providers.google.client_id().to_owned(),
                facebook_app_id: providers.facebook.client_id().to_owned(),
            },
        };
        let injection = format!(
            "latency {} ms, error rate {} on /v1 (CORS origins: {})",
            options.latency_ms,
            options.error_rate,
            options.cors_origins.join(", ")
        );
        tracing::info!(
            providers_ms,
            build_ms,
            seed_ms,
            snapshot_and_tokens_ms = phase.elapsed().as_millis(),
            "start-up phases"
        );
        let banner = accounts::render(&doc, &injection, started.elapsed().as_millis());
        control
            .ready
            .set(Seeded {
                snapshot,
                accounts: doc,
            })
            .map_err(|_| MockServerError::Config("seeded twice".into()))?;
        Ok(MockApp {
            app,
            control,
            providers,
            banner,
        })
    }

    /// The bound port of the API.
    pub fn port(&self) -> u16 {
        self.app.port()
    }

    /// The table to print: URLs and one row per demo account.
    pub fn banner(&self) -> &str {
        &self.banner
    }

    /// The credentials table.
    pub fn accounts(&self) -> Result<&AccountsDocument, MockServerError> {
        self.control.accounts()
    }

    /// The provider stand-ins.
    pub fn providers(&self) -> &Providers {
        &self.providers
    }

    /// Serves until `shutdown` resolves.
    pub async fn run_until<F>(self, shutdown: F) -> Result<(), MockServerError>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let MockApp { app, providers, .. } = self;
        let served = app.run_until(shutdown).await;
        drop(providers);
        Ok(served?)
    }
}
