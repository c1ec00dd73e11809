//! `open-event-bench`: the server's figures beside two ceilings measured in
//! the same run, on the same database engine (design §12, issue 9).
//!
//! The parent process seeds a database with `seed::large` (plus sponsors),
//! starts three child processes ([`serve`]): the fixed-body and the
//! one-statement ceilings, the real app, and the app with its anonymous
//! cache on; then it loads each with the native
//! generator ([`load`]) and prints req/s, p50 and p99, each as a ratio to
//! both ceilings. Optionally it times the contract runner and schemathesis
//! against the same server (requests counted by the server itself).

pub mod load;
pub mod serve;
pub mod targets;

use std::{
    fmt::Write as _,
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use clap::{Parser, Subcommand, ValueEnum};
use open_event_factories::{Factory, SponsorFactory, seed};
use open_event_server::{
    auth::jwt::{JwtKeys, TokenType},
    db::{
        self,
        entities::{event, role, user, users_events_role},
    },
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use load::{Load, MakeRequest, Outcome};
use serve::{Part, Ports};
use targets::names;

/// The database engine to measure on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// A SQLite file (what `cargo run` uses).
    Sqlite,
    /// PostgreSQL (a fresh database on `--database-url` / `TEST_DATABASE_URL`).
    Postgres,
}

/// `open-event-bench` flags.
#[derive(Debug, Parser)]
#[command(
    name = "open-event-bench",
    about = "Benchmarks the server against two ceilings"
)]
pub struct BenchCli {
    /// Internal: the server process.
    #[command(subcommand)]
    pub command: Option<Sub>,
    /// Database engine.
    #[arg(long, value_enum, default_value_t = Engine::Sqlite)]
    pub db: Engine,
    /// PostgreSQL admin URL (a fresh database is created on it).
    #[arg(long, env = "TEST_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Events (and users) `seed::large` creates.
    #[arg(long, default_value_t = 1000)]
    pub events: usize,
    /// Seed of the data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Request cap per measurement.
    #[arg(long, default_value_t = 500_000)]
    pub max_requests: u64,
    /// Also time the contract runner's full suite against the same server.
    #[arg(long)]
    pub runner: bool,
    /// Also run schemathesis (`st` on PATH) against the same server.
    #[arg(long)]
    pub schemathesis: bool,
    /// Measure each scenario this many times, each beside freshly
    /// measured ceilings; the report shows the run with the median ratio
    /// to the one-statement ceiling (the lower middle one for an even
    /// count) and the range of all runs (a shared machine's load moves
    /// single runs by ±0.1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub repeat: u32,
    /// Only the scenarios whose name contains this (repeatable); the
    /// ceilings always run.
    #[arg(long = "only", value_name = "TEXT")]
    pub only: Vec<String>,
    /// Where the Markdown report goes.
    #[arg(long, default_value = "target/bench")]
    pub out: PathBuf,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Serve the ceilings and the app (started by the benchmark itself).
    Serve {
        /// What this process hosts.
        #[arg(long, value_enum)]
        part: Part,
        /// The database.
        #[arg(long)]
        database_url: String,
        /// The JWT secret.
        #[arg(long)]
        jwt_secret: String,
    },
}

/// A scenario's row, the one-statement and raw ceilings measured right
/// before it, and for the app's reads the replay of its own statements
/// with their number.
type Measured = (Row, Row, Row, Option<(Row, usize)>);

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// The measurement.
    pub outcome: Outcome,
    /// CPU time the serving process spent during the measurement (its
    /// threads' user and system time), when the system tells it.
    pub cpu: Option<Duration>,
}

impl Row {
    /// This row's requests/s over `other`'s (its ratio to a ceiling, or to
    /// its own statements replayed alone).
    pub fn per(&self, other: &Row) -> f64 {
        self.outcome.rps() / other.outcome.rps().max(1e-9)
    }

    /// The serving process's CPU time per answered request, in µs. Less
    /// sensitive to the machine's other load than requests/s: a shared box
    /// gives the server fewer cores, not a cheaper request.
    pub fn cpu_us_per_request(&self) -> Option<f64> {
        let cpu = self.cpu?;
        (self.outcome.requests > 0).then(|| cpu.as_secs_f64() * 1e6 / self.outcome.requests as f64)
    }
}

/// The CPU time process `pid` has used (all its threads, those that ended
/// too): `utime` + `stime` of `/proc/<pid>/stat`, in the kernel's
/// `USER_HZ` (100 on Linux, whatever the kernel's own tick).
fn cpu_time(pid: u32) -> Option<Duration> {
    cpu_of_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// [`cpu_time`] from the text of a `/proc/<pid>/stat`.
fn cpu_of_stat(stat: &str) -> Option<Duration> {
    const USER_HZ: u64 = 100;
    // The command name may hold spaces and parentheses: fields count from
    // after its closing parenthesis (field 3, `state`, comes first).
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

struct ServerProcess {
    child: Child,
    ports: Ports,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn start_server(part: Part, database_url: &str, secret: &str) -> Result<ServerProcess, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let part = match part {
        Part::Ceilings => "ceilings",
        Part::App => "app",
        Part::Cached => "cached",
    };
    let mut child = Command::new(exe)
        .args([
            "serve",
            "--part",
            part,
            "--database-url",
            database_url,
            "--jwt-secret",
            secret,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("server process: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or("no stdout from the server process")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let ports: Ports = serde_json::from_str(line.trim())
        .map_err(|e| format!("the server process did not start: {e} ({line:?})"))?;
    Ok(ServerProcess { child, ports })
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn database(cli: &BenchCli) -> Result<String, String> {
    match cli.db {
        Engine::Sqlite => {
            std::fs::create_dir_all(&cli.out).map_err(|e| e.to_string())?;
            let path = cli.out.join("bench.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Ok(format!("sqlite://{}?mode=rwc", path.display()))
        }
        Engine::Postgres => {
            let admin = cli
                .database_url
                .clone()
                .ok_or("--db postgres needs --database-url or TEST_DATABASE_URL")?;
            let conn = sea_orm::Database::connect(admin.as_str())
                .await
                .map_err(|e| e.to_string())?;
            let name = format!("oe_bench_{}", std::process::id());
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .map_err(|e| e.to_string())?;
            let mut url = url::Url::parse(&admin).map_err(|e| e.to_string())?;
            url.set_path(&format!("/{name}"));
            Ok(url.to_string())
        }
    }
}

/// What the scenarios address.
struct Data {
    published: Vec<i64>,
    owner: user::Model,
    member: user::Model,
}

async fn seed_data(url: &str, cli: &BenchCli) -> Result<Data, String> {
    let conn = db::connect(url).await.map_err(|e| e.to_string())?;
    let world = seed::large(&conn, cli.seed, cli.events)
        .await
        .map_err(|e| e.to_string())?;
    let published: Vec<event::Model> = event::Entity::find()
        .filter(event::Column::State.eq("published"))
        .filter(event::Column::Id.is_in(world.event_ids.clone()))
        .order_by_asc(event::Column::Id)
        .all(&conn)
        .await
        .map_err(|e| e.to_string())?;
    for e in published.iter().take(50) {
        SponsorFactory::new()
            .for_event(e)
            .create_batch(&conn, 3)
            .await
            .map_err(|e| e.to_string())?;
    }
    let first = published.first().ok_or("no published event was seeded")?;
    let owner_role = role::Entity::find()
        .filter(role::Column::Name.eq("owner"))
        .one(&conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no owner role")?;
    let grant = users_events_role::Entity::find()
        .filter(users_events_role::Column::EventId.eq(first.id))
        .filter(users_events_role::Column::RoleId.eq(owner_role.id))
        .one(&conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the first event has no owner")?;
    let owner = user::Entity::find_by_id(grant.user_id)
        .one(&conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the owner vanished")?;
    let member = user::Entity::find()
        .filter(user::Column::Id.ne(owner.id))
        .filter(user::Column::IsAdmin.eq(false))
        .limit(1)
        .one(&conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no second user")?;
    Ok(Data {
        published: published.iter().map(|e| e.id).collect(),
        owner,
        member,
    })
}

const JSONAPI: &str = "application/vnd.api+json";

/// `GET target` as JSON:API, with a token when given.
fn get_request(target: &str, auth: Option<&str>) -> Vec<u8> {
    let mut headers = vec![("Accept", JSONAPI)];
    if let Some(a) = auth {
        headers.push(("Authorization", a));
    }
    load::request("GET", target, &headers, None)
}

/// `GET target`, with a token when given.
fn get(target: String, token: Option<String>) -> MakeRequest {
    let bytes = get_request(&target, token.map(|t| format!("JWT {t}")).as_deref());
    Arc::new(move |_| bytes.clone())
}

/// `GET /v1/events/{id}{suffix}`, rotating over `ids`.
fn rotating(ids: Arc<Vec<i64>>, suffix: &'static str, token: Option<String>) -> MakeRequest {
    let auth = token.map(|t| format!("JWT {t}"));
    Arc::new(move |i| {
        let id = ids[(i as usize) % ids.len().max(1)];
        get_request(&format!("/v1/events/{id}{suffix}"), auth.as_deref())
    })
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Runs the benchmark; returns the Markdown report.
pub async fn run(cli: &BenchCli) -> Result<String, String> {
    // Read (and checked) before any process starts; the children read the same.
    let (pool, writer) = serve::database_settings()?;
    let url = database(cli).await?;
    let seeding = Instant::now();
    let data = seed_data(&url, cli).await?;
    let seeded_in = seeding.elapsed();
    let secret = format!("bench-{}", std::process::id());
    let ceilings = start_server(Part::Ceilings, &url, &secret)?;
    let server = start_server(Part::App, &url, &secret)?;
    let cached = start_server(Part::Cached, &url, &secret)?;
    let keys = JwtKeys::new(&secret, 3600, 3600);
    let token = |u: &user::Model| {
        keys.issue(u.id, u.token_version, TokenType::Access, true)
            .map_err(|e| e.to_string())
    };
    let owner_token = token(&data.owner)?;
    let member_token = token(&data.member)?;
    let app = format!("http://127.0.0.1:{}", server.ports.app);
    // Where each part listens, and the process that serves it (whose CPU
    // time is read around each measurement).
    let (raw_addr, one_addr, app_addr, cached_addr) = (
        (addr(ceilings.ports.raw), ceilings.child.id()),
        (addr(ceilings.ports.one), ceilings.child.id()),
        (addr(server.ports.app), server.child.id()),
        (addr(cached.ports.app), cached.child.id()),
    );
    let load = Load {
        connections: cli.connections,
        duration: Duration::from_secs_f64(cli.seconds),
        max_requests: cli.max_requests,
    };
    let warm = Load {
        duration: Duration::from_secs_f64((cli.seconds / 5.0).min(1.0)),
        ..load
    };
    let ids = Arc::new(data.published.clone());
    let one_ids = ids.clone();
    let ceiling_one: MakeRequest = Arc::new(move |i| {
        let id = one_ids[(i as usize) % one_ids.len().max(1)];
        load::request("GET", &format!("/one/{id}"), &[], None)
    });
    let create_auth = format!("JWT {member_token}");
    let create: MakeRequest = Arc::new(move |i| {
        let body = json!({"data": {"type": "event", "attributes": {
            "name": format!("Bench event {i}"), "starts-at": "2031-03-01T09:00:00Z",
            "ends-at": "2031-03-02T18:00:00Z", "timezone": "Europe/Berlin"}}});
        load::request(
            "POST",
            "/v1/events",
            &[
                ("Content-Type", JSONAPI),
                ("Accept", JSONAPI),
                ("Authorization", &create_auth),
            ],
            Some(&body.to_string()),
        )
    });
    let login_body =
        json!({"email": data.member.email, "password": open_event_factories::DEFAULT_PASSWORD})
            .to_string();
    let login = load::request(
        "POST",
        "/v1/auth/login",
        &[("Content-Type", "application/json")],
        Some(&login_body),
    );
    let login: MakeRequest = Arc::new(move |_| login.clone());
    let scenarios: Vec<(String, (SocketAddr, u32), MakeRequest, bool)> = vec![
        (
            names::DETAIL.into(),
            app_addr,
            rotating(ids.clone(), "", None),
            true,
        ),
        (
            names::DETAIL_TOKEN.into(),
            app_addr,
            rotating(ids.clone(), "", Some(member_token.clone())),
            true,
        ),
        (
            names::LIST.into(),
            app_addr,
            get("/v1/events?page%5Bsize%5D=20".into(), None),
            true,
        ),
        (
            names::LIST_INCLUDE.into(),
            app_addr,
            get(
                "/v1/events?page%5Bsize%5D=20&include=users-events-roles".into(),
                Some(owner_token.clone()),
            ),
            true,
        ),
        (
            names::SPONSORS.into(),
            app_addr,
            rotating(
                Arc::new(ids.iter().take(50).copied().collect()),
                "/sponsors",
                None,
            ),
            true,
        ),
        (names::CREATE.into(), app_addr, create, false),
        (
            names::DETAIL_CACHED.into(),
            cached_addr,
            rotating(ids.clone(), "", None),
            false,
        ),
    ];

    let mut report = String::new();
    let _ = writeln!(
        report,
        "# open-event-bench: {:?}, {} events, {} connections, {} s per figure, database pool {}, SQLite writer `{:?}`\n",
        cli.db,
        cli.events,
        cli.connections,
        cli.seconds,
        pool.map_or("of the server's default size".to_owned(), |n| format!(
            "of {n} (OPEN_EVENT_DB_POOL_SIZE)"
        )),
        writer,
    );
    let _ = writeln!(report, "Seeded in {:.1} s.\n", seeded_in.as_secs_f64());
    let measure = async |name: &str,
                         (at, pid): (SocketAddr, u32),
                         make: MakeRequest,
                         load: Load|
           -> Result<Row, String> {
        load::run(at, make.clone(), warm).await?;
        let before = cpu_time(pid);
        let outcome = load::run(at, make, load).await?;
        let cpu = before.zip(cpu_time(pid)).map(|(b, a)| a.saturating_sub(b));
        let row = Row {
            name: name.to_owned(),
            outcome,
            cpu,
        };
        eprintln!(
            "bench: {name}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors, {} µs of server CPU a request",
            row.outcome.rps(),
            row.outcome.ms(0.5),
            row.outcome.ms(0.99),
            row.outcome.errors_text(),
            row.cpu_us_per_request()
                .map_or("?".into(), |us| format!("{us:.0}")),
        );
        Ok(row)
    };
    // Each scenario is measured right after both ceilings, and its ratios
    // use those adjacent ceilings: the machine is shared, and a ceiling
    // measured minutes apart would turn load changes into ratio changes.
    let wanted =
        |name: &str| cli.only.is_empty() || cli.only.iter().any(|o| name.contains(o.as_str()));
    let login_load = Load {
        connections: cli.connections.min(8),
        ..load
    };
    let login_name = names::LOGIN;
    // The last field: whether the scenario's own statements are replayed
    // beside it (the app's reads; not the cached app, whose hits run none,
    // nor the writes).
    let mut all: Vec<_> = scenarios
        .into_iter()
        .map(|(name, at, make, replayed)| (name, at, make, load, replayed))
        .collect();
    all.push((login_name.to_owned(), app_addr, login, login_load, false));
    let mut rows: Vec<Measured> = Vec::new();
    // Per scenario, the range of its ratio to the one-statement ceiling
    // over the repeats.
    let mut spreads: Vec<(f64, f64)> = Vec::new();
    let one_ratio = |(row, one, _, _): &Measured| row.per(one);
    for (name, at, make, scenario_load, replayed) in all {
        if !wanted(&name) {
            continue;
        }
        let mut runs: Vec<Measured> = Vec::new();
        for _ in 0..cli.repeat {
            let raw_c = measure(
                "ceiling: raw handler, fixed body",
                raw_addr,
                get("/raw".into(), None),
                load,
            )
            .await?;
            let one_c = measure(
                "ceiling: one primary-key SELECT",
                one_addr,
                ceiling_one.clone(),
                load,
            )
            .await?;
            let row = measure(&name, at, make.clone(), scenario_load).await?;
            let floor = if replayed {
                let n = record_one(&app, at, make.clone()).await?;
                let replay = measure(
                    &format!("{name}: its {n} statement(s) alone"),
                    at,
                    get("/__bench/replay".into(), None),
                    load,
                )
                .await?;
                Some((replay, n))
            } else {
                None
            };
            runs.push((row, one_c, raw_c, floor));
        }
        runs.sort_by(|a, b| one_ratio(a).total_cmp(&one_ratio(b)));
        spreads.push((
            runs.first().map_or(0.0, one_ratio),
            runs.last().map_or(0.0, one_ratio),
        ));
        // The lower middle of an even count: a verdict never rests on the
        // better of two runs alone.
        let median = (runs.len() - 1) / 2;
        rows.push(runs.swap_remove(median));
    }
    let rss = rss_kib(server.child.id());
    let cached_rss = rss_kib(cached.child.id());
    let ceilings_rss = rss_kib(ceilings.child.id());

    if cli.repeat > 1 {
        let _ = writeln!(
            report,
            "Each scenario was measured {} times beside fresh ceilings; each row is the run with the median ratio to the one-statement ceiling (the lower of the middle two for an even count), the last column the range over all runs.\n",
            cli.repeat
        );
    }
    let _ = writeln!(
        report,
        "| request | req/s | p50 ms | p99 ms | errors | ÷ one-statement ceiling | ÷ raw handler | ÷ one-statement, all runs | server CPU µs a request | ÷ one-statement by CPU | ÷ its statements alone (how many: their CPU µs) | its statements alone ÷ one-statement ceiling |"
    );
    let _ = writeln!(report, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for ((r, one_c, raw_c, floor), (lo, hi)) in rows.iter().zip(&spreads) {
        let cpu = r.cpu_us_per_request();
        // The floor, and what it allows: the ratio to the ceiling a read
        // would have if it cost no more than its own statements.
        let (floor, allows) = floor
            .as_ref()
            .map_or((String::new(), String::new()), |(f, n)| {
                (
                    format!(
                        "{:.2} ({n}: {})",
                        r.per(f),
                        f.cpu_us_per_request()
                            .map_or("?".into(), |us| format!("{us:.0}"))
                    ),
                    format!("{:.2}", f.per(one_c)),
                )
            });
        let _ = writeln!(
            report,
            "| {} | {:.0} | {:.2} | {:.2} | {} | {:.2} | {:.3} | {lo:.2}–{hi:.2} | {} | {} | {floor} | {allows} |",
            r.name,
            r.outcome.rps(),
            r.outcome.ms(0.5),
            r.outcome.ms(0.99),
            r.outcome.errors_text(),
            r.per(one_c),
            r.per(raw_c),
            cpu.map_or("?".into(), |us| format!("{us:.0}")),
            // The ceiling's CPU a request over this one's: what the ratio
            // to the ceiling would be if both had the cores to themselves.
            one_c
                .cpu_us_per_request()
                .zip(cpu)
                .map_or("?".into(), |(one, us)| format!("{:.2}", one / us.max(1e-9))),
        );
    }
    let range = |f: &dyn Fn(&Measured) -> f64| {
        let v: Vec<f64> = rows.iter().map(f).collect();
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        format!("{lo:.0}–{hi:.0}")
    };
    if !rows.is_empty() {
        let _ = writeln!(
            report,
            "\nCeilings, measured right before each row (req/s, p99 ms, server CPU µs a request): one-statement {} (p99 {}, CPU {}), raw handler {} (p99 {}, CPU {}).",
            range(&|(_, one, _, _)| one.outcome.rps()),
            range(&|(_, one, _, _)| one.outcome.ms(0.99)),
            range(&|(_, one, _, _)| one.cpu_us_per_request().unwrap_or(0.0)),
            range(&|(_, _, raw, _)| raw.outcome.rps()),
            range(&|(_, _, raw, _)| raw.outcome.ms(0.99)),
            range(&|(_, _, raw, _)| raw.cpu_us_per_request().unwrap_or(0.0)),
        );
    }
    if matches!(cli.db, Engine::Postgres) {
        let _ = writeln!(
            report,
            "Server CPU is the serving process's alone: PostgreSQL's backends work in processes of their own, so on PostgreSQL the CPU ratio leaves the database's share out."
        );
    }
    let mb = |kib: Option<u64>| kib.map_or("?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    let _ = writeln!(
        report,
        "RSS after the benchmark: server {} MB (the app's own process); the cached app {} MB; the ceilings' process {} MB.",
        mb(rss),
        mb(cached_rss),
        mb(ceilings_rss),
    );
    let mut figures = targets::Figures {
        scenarios: rows
            .iter()
            .zip(&spreads)
            .map(|((r, one_c, raw_c, floor), range)| targets::Scenario {
                name: r.name.clone(),
                of_one: r.per(one_c),
                of_one_range: *range,
                of_raw: r.per(raw_c),
                p99_ms: r.outcome.ms(0.99),
                statements_allow: floor.as_ref().map(|(f, _)| f.per(one_c)),
                read: floor.is_some(),
            })
            .collect(),
        rss_mb: rss.map(|k| k as f64 / 1024.0),
        ..targets::Figures::default()
    };
    if cli.runner {
        let (text, wall, rps) = runner_figures(&app, &url, &secret, &cli.out).await?;
        figures.runner = Some((wall, rps));
        let _ = writeln!(report, "\n{text}");
    }
    if cli.schemathesis {
        let (text, rps) = schemathesis_figures(&app, &cli.out).await?;
        figures.schemathesis_rps = Some(rps);
        let _ = writeln!(report, "\n{text}");
    }
    let _ = write!(
        report,
        "\n{}",
        targets::markdown(&targets::verdicts(&figures))
    );
    drop((server, cached, ceilings));
    std::fs::create_dir_all(&cli.out).map_err(|e| e.to_string())?;
    let file = cli.out.join(format!("{:?}.md", cli.db).to_lowercase());
    std::fs::write(&file, &report).map_err(|e| e.to_string())?;
    eprintln!("bench: report written to {}", file.display());
    Ok(report)
}

/// Records the statements of one request `make` sends to `at` and keeps
/// them for `GET /__bench/replay` (see `serve::Replay`); their number.
async fn record_one(app: &str, at: (SocketAddr, u32), make: MakeRequest) -> Result<usize, String> {
    let client = reqwest::Client::new();
    let post = async |path: &str| -> Result<String, String> {
        let r = client
            .post(format!("{app}{path}"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("{path}: HTTP {}", r.status()));
        }
        r.text().await.map_err(|e| e.to_string())
    };
    post("/__bench/record").await?;
    let once = Load {
        connections: 1,
        duration: Duration::from_secs(10),
        max_requests: 1,
    };
    let outcome = load::run(at.0, make, once).await?;
    let n = post("/__bench/replay").await?;
    if outcome.requests != 1 || outcome.errors != 0 {
        return Err(format!(
            "recording a request's statements: {} answered, {} errors",
            outcome.requests,
            outcome.errors_text()
        ));
    }
    n.trim()
        .parse()
        .map_err(|e: std::num::ParseIntError| e.to_string())
}

async fn served_requests(app: &str) -> Result<u64, String> {
    reqwest::get(format!("{app}/__bench/requests"))
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?
        .trim()
        .parse()
        .map_err(|e: std::num::ParseIntError| e.to_string())
}

/// Runs the contract runner against `app`; its reports (Markdown, JSON)
/// go to `out/runner.md` and `out/runner.json`.
async fn runner_figures(
    app: &str,
    database_url: &str,
    secret: &str,
    out: &std::path::Path,
) -> Result<(String, f64, f64), String> {
    let md = format!("markdown={}", out.join("runner.md").display());
    let json = format!("json={}", out.join("runner.json").display());
    let cli = crate::runner::cli::Cli::try_parse_from([
        "open-event-contract",
        "--base-url",
        app,
        "--database-url",
        database_url,
        "--jwt-secret",
        secret,
        "--report",
        &md,
        "--report",
        &json,
    ])
    .map_err(|e| e.to_string())?;
    let before = served_requests(app).await?;
    let start = Instant::now();
    let report = crate::runner::run(&cli.config())
        .await
        .map_err(|e| e.to_string())?;
    let wall = start.elapsed().as_secs_f64();
    let requests = served_requests(app).await?.saturating_sub(before + 1);
    crate::runner::cli::write_reports(&report, &cli.reports).map_err(|e| e.to_string())?;
    let checks = report.results.len();
    let first_failure = report.failures().next().map_or(String::new(), |r| {
        let why = r.failures.first().map_or("", |f| f.message.as_str());
        format!("; the first failure: {}: {why}", r.check.id)
    });
    let rps = requests as f64 / wall;
    let text = format!(
        "Contract runner, full suite against this server: {checks} checks, {requests} requests in {wall:.1} s: {:.0} checks/s, {rps:.0} requests/s; {}.",
        checks as f64 / wall,
        if report.success() {
            "all passed".to_owned()
        } else {
            // The bench's app runs without OAuth provider stand-ins, so
            // the OAuth operations' checks are uncovered, not failed.
            format!(
                "{} failed, {} uncovered (runner.md beside this report){first_failure}",
                report.totals.failed, report.totals.uncovered,
            )
        }
    );
    Ok((text, wall, rps))
}

/// Runs schemathesis against `app` in `out/schemathesis/` (its whole
/// output in `output.txt` there).
async fn schemathesis_figures(app: &str, out: &std::path::Path) -> Result<(String, f64), String> {
    let spec = format!("{app}/openapi.json");
    let before = served_requests(app).await?;
    // `st` keeps a cache (`.schemathesis/`, `.hypothesis/`) in its working
    // directory and replays what it found there first: it runs in a fresh
    // directory of its own beside the report, never in the checkout.
    let dir = out.join("schemathesis");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let base = app.to_owned();
    let cwd = dir.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("st")
            .current_dir(cwd)
            .args([
                "run",
                &spec,
                "--url",
                &base,
                "--checks",
                "all",
                "--max-examples",
                "20",
            ])
            .output()
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("schemathesis (`st`) could not start: {e}; `pip install schemathesis`"))?;
    let wall = start.elapsed().as_secs_f64();
    let requests = served_requests(app).await?.saturating_sub(before + 1);
    std::fs::write(dir.join("output.txt"), &output.stdout).map_err(|e| e.to_string())?;
    let tail: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .join(" / ");
    let rps = requests as f64 / wall;
    let text = format!(
        "schemathesis `--checks all --max-examples 20` against this server: {requests} requests in {wall:.1} s: {rps:.0} requests/s (exit {}; {tail}).",
        output.status.code().unwrap_or(-1)
    );
    Ok((text, rps))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields count from after the command name, whatever it holds.
    #[test]
    fn cpu_time_reads_user_and_system_ticks() {
        let stat =
            "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 37 0 0 20 0 9 0 1000 0 0";
        assert_eq!(cpu_of_stat(stat), Some(Duration::from_millis(2870)));
        assert_eq!(cpu_of_stat("4242 (x) S 1 2"), None);
    }

    /// This process's CPU time grows while it computes.
    #[test]
    fn cpu_time_of_a_live_process_grows() {
        let pid = std::process::id();
        let before = cpu_time(pid).unwrap_or_default();
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(150) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let after = cpu_time(pid).unwrap_or_default();
        assert!(
            after >= before + Duration::from_millis(50),
            "{before:?} → {after:?}"
        );
    }
}
