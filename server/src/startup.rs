//! Building the application: database, state, routes, middleware, listener.

use std::{sync::Arc, time::Duration};

use poem::{
    Endpoint, EndpointExt, Response, Route,
    endpoint::{BoxEndpoint, make_sync},
    error::ResponseError,
    get, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    middleware::{CatchPanic, Cors},
    web::Html,
};

use crate::{
    api,
    auth::password,
    config::Settings,
    db,
    error::{ApiError, render_poem_error},
    jsonapi::negotiation::negotiate,
    state::AppState,
};

/// Errors while starting.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The listener could not bind.
    #[error("bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The settings are inconsistent.
    #[error("config: {0}")]
    Config(String),
    /// Serving failed.
    #[error("server: {0}")]
    Serve(#[from] std::io::Error),
}

/// A layer an embedder puts around the API.
pub type Wrap = Arc<dyn Fn(BoxEndpoint<'static>) -> BoxEndpoint<'static> + Send + Sync>;

/// A hook on the connected, migrated database before the app shares it
/// (e.g. `set_metric_callback` to count statements). It gets the read
/// pool, which is also the writer except with a dedicated SQLite writer
/// (`--sqlite-writer single` on a file), whose statements it does not see.
pub type DatabaseHook = Box<dyn FnOnce(&mut sea_orm::DatabaseConnection) + Send>;

/// An edit of the OpenAPI document the app serves (`/openapi.json`, `/docs`),
/// e.g. to document an embedder's routes. The committed spec is the
/// server's own and never sees it.
pub type SpecHook = Box<dyn FnOnce(&mut serde_json::Value) + Send>;

/// How an embedder extends the application (the mock server, the runner's
/// drift self-tests): the app is built exactly as the server builds it,
/// then `routes` are mounted beside `/v1`, `/docs` and `/openapi.json`, and
/// `wrap` goes around all of them, inside content negotiation, error
/// rendering, CORS and tracing; `spec` edits the served document.
#[derive(Default)]
pub struct Embedding {
    /// Extra routes: `(path, endpoint)`.
    pub routes: Vec<(String, BoxEndpoint<'static>)>,
    /// An extra layer.
    pub wrap: Option<Wrap>,
    /// A hook on the database connection (only [`Application::build_with`]
    /// runs it: it needs the connection before it is shared).
    pub database: Option<DatabaseHook>,
    /// An edit of the served OpenAPI document.
    pub spec: Option<SpecHook>,
}

impl Embedding {
    /// Adds a route.
    pub fn route(mut self, path: impl Into<String>, ep: impl Endpoint + 'static) -> Self {
        self.routes
            .push((path.into(), ep.map_to_response().boxed()));
        self
    }

    /// Sets the database hook.
    pub fn database(
        mut self,
        hook: impl FnOnce(&mut sea_orm::DatabaseConnection) + Send + 'static,
    ) -> Self {
        self.database = Some(Box::new(hook));
        self
    }

    /// Sets the edit of the served OpenAPI document.
    pub fn spec(mut self, edit: impl FnOnce(&mut serde_json::Value) + Send + 'static) -> Self {
        self.spec = Some(Box::new(edit));
        self
    }

    /// Sets the extra layer.
    pub fn wrap(
        mut self,
        wrap: impl Fn(BoxEndpoint<'static>) -> BoxEndpoint<'static> + Send + Sync + 'static,
    ) -> Self {
        self.wrap = Some(Arc::new(wrap));
        self
    }
}

/// The full HTTP endpoint for a state: API, spec, docs, middleware.
pub fn app(state: AppState) -> impl Endpoint<Output = Response> + 'static {
    app_with(state, Embedding::default())
}

/// [`app`] with an embedder's routes and layer.
pub fn app_with(
    state: AppState,
    embedding: Embedding,
) -> impl Endpoint<Output = Response> + 'static {
    let service = api::service();
    let mut spec = api::spec_json(&service, &state.registry);
    if let Some(edit) = embedding.spec {
        edit(&mut spec);
    }
    let spec_text = serde_json::to_string_pretty(&spec).unwrap_or_default();
    let docs_html = service
        .swagger_ui_html()
        .replacen(&service.spec(), &spec_text, 1);
    let spec_body = spec_text.clone();
    let allow = std::sync::Arc::new(crate::allow::AllowTable::from_spec(&spec));
    let cors = cors(&state.settings);
    let mut routes = Route::new()
        .nest("/", service)
        .at(
            "/openapi.json",
            make_sync(move |_| {
                Response::builder()
                    .content_type("application/json")
                    .body(spec_body.clone())
            }),
        )
        .at("/docs", make_sync(move |_| Html(docs_html.clone())))
        .at("/", get(root));
    for (path, ep) in embedding.routes {
        routes = routes.at(path, ep);
    }
    let mut inner: BoxEndpoint<'static> = routes.boxed();
    if let Some(wrap) = embedding.wrap {
        inner = wrap(inner);
    }
    inner
        .around(negotiate)
        .catch_all_error(|err| async move { render_poem_error(err) })
        .around(move |ep, req| crate::allow::add_allow(ep, req, allow.clone()))
        .with(
            CatchPanic::new().with_handler(|_| {
                ResponseError::as_response(&ApiError::internal("handler panicked"))
            }),
        )
        .with(cors)
        .around(crate::telemetry::log_request)
        .with_if(
            state.cache.is_some(),
            crate::cache::AnonymousCache(state.cache.clone().unwrap_or_default()),
        )
        .data(state.jwt.clone())
        .data(state.db.clone())
        .data(state)
}

#[handler]
fn root() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("Location", "/docs")
        .finish()
}

fn cors(settings: &Settings) -> Cors {
    let mut cors = Cors::new()
        .allow_headers(["Authorization", "Content-Type", "Accept"])
        .expose_headers(["Location"])
        .max_age(600);
    for origin in &settings.cors_origins {
        if origin != "*" {
            cors = cors.allow_origin(origin.as_str());
        }
    }
    cors
}

/// Opens the database (the read pool and the writer, as
/// `--sqlite-writer` says) and bootstraps the super admin.
pub async fn prepare(settings: &Settings) -> Result<db::Databases, StartupError> {
    let dbs = db::connect_with(
        &settings.database_url,
        settings.sqlite_writer,
        settings.db_pool_size,
    )
    .await?;
    tracing::info!(
        dedicated_writer = dbs.write.is_some(),
        sqlite_writer = ?settings.sqlite_writer,
        "database ready"
    );
    let db = dbs.writer();
    match (&settings.admin_email, &settings.admin_password) {
        (Some(email), Some(pw)) => {
            if pw.chars().count() < password::MIN_PASSWORD_LEN {
                return Err(StartupError::Config(format!(
                    "--admin-password must have at least {} characters",
                    password::MIN_PASSWORD_LEN
                )));
            }
            let hash = password::hash(pw).map_err(|e| StartupError::Config(e.to_string()))?;
            let admin = db::users::bootstrap_super_admin(db, email, hash).await?;
            tracing::info!(email = %admin.email, id = admin.id, "super admin ready");
        }
        (None, None) => {}
        _ => {
            return Err(StartupError::Config(
                "--admin-email and --admin-password go together".into(),
            ));
        }
    }
    Ok(dbs)
}

/// A bound, ready-to-run server.
pub struct Application {
    acceptor: poem::listener::TcpAcceptor,
    state: AppState,
    port: u16,
    endpoint: BoxEndpoint<'static, Response>,
}

impl Application {
    /// Opens the database, runs migrations, bootstraps the admin and binds.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with(settings, Embedding::default()).await
    }

    /// [`build`](Application::build) with an embedder's routes and layer.
    pub async fn build_with(
        settings: Settings,
        mut embedding: Embedding,
    ) -> Result<Self, StartupError> {
        #[cfg(feature = "faults")]
        if settings.faults.any() {
            tracing::warn!(marker = crate::faults::MARKER, faults = ?settings.faults, "fault injection on");
        }
        let mut dbs = prepare(&settings).await?;
        if let Some(hook) = embedding.database.take() {
            hook(&mut dbs.read);
        }
        let addr = settings.bind;
        let acceptor = TcpListener::bind(addr)
            .into_acceptor()
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or(addr.port());
        let state = AppState::new(settings, dbs, crate::resources::registry())
            .map_err(|e| StartupError::Config(e.to_string()))?;
        // Routes, spec and docs are built here, so `run_until` only serves.
        let endpoint = app_with(state.clone(), embedding).boxed();
        Ok(Application {
            acceptor,
            state,
            port,
            endpoint,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (database, settings).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then drains for up to 10 s.
    pub async fn run_until<F>(self, shutdown: F) -> Result<(), StartupError>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(self.endpoint, shutdown, Some(Duration::from_secs(10)))
            .await?;
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}
