//! The benchmark's server processes, on the same database, each on its own
//! loopback port: the two ceilings in one process, the real app in another
//! (so the RSS reported is the app's alone), the cached app in a third.
//!
//! - `raw`: a poem handler answering a fixed JSON:API document;
//! - `one`: a poem handler running exactly one primary-key `SELECT` through
//!   sea-orm and rendering the row (the most any database-backed read on
//!   this stack can do);
//! - `app`: the server as shipped ([`Application::build_with`]), plus a
//!   request counter (`GET /__bench/requests`) and a statement replay
//!   ([`Replay`]: `/__bench/record`, `/__bench/replay`) through the
//!   embedding hooks;
//! - `cached`: the same app with the anonymous `GET` cache on
//!   (`--anonymous-cache`).

use std::sync::{
    Arc, Mutex, OnceLock, PoisonError, RwLock,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

use clap::Parser as _;
use open_event_server::{
    Application, Settings,
    config::SqliteWriter,
    db::{self, entities::event},
    startup::Embedding,
};
use poem::{
    EndpointExt, Response, Route, Server, get, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::{Data, Path},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use serde::{Deserialize, Serialize};

/// What one server process of the benchmark hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum Part {
    /// Both ceilings, on two ports.
    Ceilings,
    /// The app as shipped, with the request counter.
    App,
    /// The app with `--anonymous-cache` on.
    Cached,
}

/// The ports a server process listens on (`raw` and `one` for the
/// ceilings, `app` otherwise).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Ports {
    /// The fixed-body ceiling.
    pub raw: u16,
    /// The one-statement ceiling.
    pub one: u16,
    /// The app.
    pub app: u16,
}

/// A JSON:API event document of the size the app answers (about 400 bytes).
pub const RAW_BODY: &str = r#"{"data":{"type":"event","id":"1","attributes":{"name":"Open Event Summit","identifier":"8f3a2c1d","starts-at":"2030-06-01T09:00:00Z","ends-at":"2030-06-02T18:00:00Z","timezone":"Europe/Berlin","state":"published","privacy":"public","online":false},"relationships":{},"links":{"self":"/v1/events/1"}},"links":{"self":"/v1/events/1"},"jsonapi":{"version":"1.0"}}"#;

#[handler]
fn raw() -> Response {
    Response::builder()
        .content_type("application/vnd.api+json")
        .body(RAW_BODY)
}

#[handler]
async fn one(Path(id): Path<i64>, db: Data<&DatabaseConnection>) -> Response {
    match event::Entity::find_by_id(id).one(*db).await {
        Ok(Some(model)) => {
            let doc = serde_json::json!({"data": model, "jsonapi": {"version": "1.0"}});
            Response::builder()
                .content_type("application/vnd.api+json")
                .body(serde_json::to_vec(&doc).unwrap_or_default())
        }
        Ok(None) => status(poem::http::StatusCode::NOT_FOUND),
        Err(_) => status(poem::http::StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// The statements one request ran, replayed alone: the floor under a
/// read, what its database work costs through sea-orm with nothing of the
/// API around it.
///
/// `POST /__bench/record` starts recording what the app's read pool runs
/// (SQL and bound values, through sea-orm's metric callback); the bench
/// then sends one request of a scenario; `POST /__bench/replay` stops and
/// keeps what was recorded (answering how many statements); every
/// `GET /__bench/replay` then runs those statements, in order, on the same
/// pool, reading every row the driver hands over, and answers `ok`.
#[derive(Default)]
struct Replay {
    recording: AtomicBool,
    seen: Mutex<Vec<Statement>>,
    kept: RwLock<Arc<Vec<Statement>>>,
    db: OnceLock<DatabaseConnection>,
}

impl Replay {
    /// Hooks the app's read pool.
    fn hook(self: &Arc<Self>, db: &mut DatabaseConnection) {
        let me = self.clone();
        db.set_metric_callback(move |info| {
            if me.recording.load(Ordering::Relaxed) {
                me.seen
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(info.statement.clone());
            }
        });
        let _ = self.db.set(db.clone());
    }

    fn record(&self) -> String {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.recording.store(true, Ordering::Relaxed);
        String::new()
    }

    fn keep(&self) -> String {
        self.recording.store(false, Ordering::Relaxed);
        let seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner));
        let n = seen.len();
        *self.kept.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(seen);
        n.to_string()
    }

    async fn run(&self) -> Response {
        let kept = self
            .kept
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(db) = self.db.get() else {
            return status(poem::http::StatusCode::SERVICE_UNAVAILABLE);
        };
        for stmt in kept.iter() {
            if db.query_all_raw(stmt.clone()).await.is_err() {
                return status(poem::http::StatusCode::INTERNAL_SERVER_ERROR);
            }
        }
        Response::builder().content_type("text/plain").body("ok")
    }
}

fn status(code: poem::http::StatusCode) -> Response {
    Response::builder().status(code).finish()
}

async fn bind() -> std::io::Result<(poem::listener::TcpAcceptor, u16)> {
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
    let port = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().map(|s| s.port()))
        .unwrap_or(0);
    Ok((acceptor, port))
}

/// The database settings the server would take from the environment
/// (`OPEN_EVENT_DB_POOL_SIZE`, `OPEN_EVENT_SQLITE_WRITER`), read by the
/// server's own [`Settings`] parser: the pool size (`None`: the server's
/// default) and the SQLite writer strategy.
pub fn database_settings() -> Result<(Option<u32>, SqliteWriter), String> {
    let settings = Settings::try_parse_from(["open-event-server"])
        .map_err(|e| format!("server settings from the environment: {e}"))?;
    Ok((settings.db_pool_size, settings.sqlite_writer))
}

/// Serves `part` on `database_url` until stdin closes, printing its
/// [`Ports`] as one JSON line on stdout first. Each part runs in a process
/// of its own, so the app's memory is its own.
pub async fn serve(part: Part, database_url: &str, jwt_secret: &str) -> Result<(), String> {
    // As the shipped binaries do.
    open_event_server::memory::tune_allocator();
    // The ceiling and the app get the same pool, sized as the server's is.
    let (pool, writer) = database_settings()?;
    let stop = async {
        // The parent closes our stdin when it is done.
        let mut buf = String::new();
        let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut buf)).await;
    };
    let announce = |ports: Ports| println!("{}", serde_json::to_string(&ports).unwrap_or_default());
    if part == Part::Ceilings {
        let ceiling_db = db::connect_pool(database_url, pool)
            .await
            .map_err(|e| format!("database: {e}"))?;
        let (raw_acceptor, raw_port) = bind().await.map_err(|e| e.to_string())?;
        let (one_acceptor, one_port) = bind().await.map_err(|e| e.to_string())?;
        announce(Ports {
            raw: raw_port,
            one: one_port,
            app: 0,
        });
        let raw_server =
            Server::new_with_acceptor(raw_acceptor).run(Route::new().at("/raw", get(raw)));
        let one_server = Server::new_with_acceptor(one_acceptor)
            .run(Route::new().at("/one/:id", get(one)).data(ceiling_db));
        return tokio::select! {
            () = stop => Ok(()),
            r = raw_server => r.map_err(|e| e.to_string()),
            r = one_server => r.map_err(|e| e.to_string()),
        };
    }
    let mut settings = Settings::for_tests(database_url);
    settings.jwt_secret = jwt_secret.to_owned();
    settings.anonymous_cache = part == Part::Cached;
    settings.db_pool_size = pool;
    settings.sqlite_writer = writer;
    let counter = Arc::new(AtomicU64::new(0));
    let seen = counter.clone();
    let total = counter.clone();
    let replay = Arc::new(Replay::default());
    let (hook, arm, keep, run) = (replay.clone(), replay.clone(), replay.clone(), replay);
    let embedding = Embedding::default()
        .database(move |db| hook.hook(db))
        .route(
            "/__bench/record",
            poem::post(poem::endpoint::make_sync(move |_| arm.record())),
        )
        .route(
            "/__bench/replay",
            poem::post(poem::endpoint::make_sync(move |_| keep.keep())).get(poem::endpoint::make(
                move |_| {
                    let run = run.clone();
                    async move { run.run().await }
                },
            )),
        )
        .route(
            "/__bench/requests",
            poem::endpoint::make_sync(move |_| total.load(Ordering::Relaxed).to_string()),
        )
        .wrap(move |ep| {
            let seen = seen.clone();
            ep.before(move |req| {
                let seen = seen.clone();
                async move {
                    seen.fetch_add(1, Ordering::Relaxed);
                    Ok(req)
                }
            })
            .boxed()
        });
    let app = Application::build_with(settings, embedding)
        .await
        .map_err(|e| format!("app: {e}"))?;
    announce(Ports {
        app: app.port(),
        ..Ports::default()
    });
    tokio::select! {
        () = stop => Ok(()),
        r = app.run_until(std::future::pending()) => r.map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::*;

    /// What is recorded is what the pool ran (values too), only while
    /// recording, and a replay runs it again.
    #[tokio::test]
    async fn replays_what_one_request_ran() {
        let replay = Arc::new(Replay::default());
        // One connection: the in-memory database is that connection's.
        let mut db = db::connect("sqlite::memory:").await.unwrap();
        replay.hook(&mut db);
        db.execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await
            .unwrap();
        replay.record();
        let insert = |x: i64| {
            Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO t VALUES (?)",
                [x.into()],
            )
        };
        db.execute_raw(insert(7)).await.unwrap();
        db.query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t"))
            .await
            .unwrap();
        assert_eq!(replay.keep(), "2");
        // Not recording any more.
        db.execute_raw(insert(8)).await.unwrap();
        assert_eq!(replay.kept.read().unwrap().len(), 2);
        let r = replay.run().await;
        assert!(r.status().is_success());
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT x FROM t ORDER BY x",
            ))
            .await
            .unwrap();
        let xs: Vec<i64> = rows.iter().map(|r| r.try_get("", "x").unwrap()).collect();
        assert_eq!(
            xs,
            [7, 7, 8],
            "the replay ran the recorded insert with its value"
        );
        // A statement that fails on replay is a 500, not a panic.
        *replay.kept.write().unwrap() = Arc::new(vec![Statement::from_string(
            DbBackend::Sqlite,
            "SELECT nope FROM t",
        )]);
        assert_eq!(
            replay.run().await.status(),
            poem::http::StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
