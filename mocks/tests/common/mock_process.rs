#![allow(dead_code)] // each test target uses part of it
//! The mock server binary as a child process, and its printed table read back.

use std::{process::Stdio, time::Duration};

use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// The env vars of the mock server's flags, cleared in every child so the
/// caller's environment cannot change a test.
pub const ENV_VARS: [&str; 7] = [
    "OPEN_EVENT_MOCK_BIND",
    "OPEN_EVENT_MOCK_SEED",
    "OPEN_EVENT_MOCK_LATENCY_MS",
    "OPEN_EVENT_MOCK_ERROR_RATE",
    "OPEN_EVENT_MOCK_CORS_ORIGINS",
    "OPEN_EVENT_MOCK_FRONTEND_URL",
    "OPEN_EVENT_MOCK_FRONTEND_CALLBACK",
];

/// One printed account row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub role: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
}

/// A running `open-event-mock`; killed when dropped.
pub struct MockProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Everything printed on stdout at start.
    pub banner: String,
    /// The account rows of the table.
    pub rows: Vec<Row>,
    client: reqwest::Client,
}

impl MockProcess {
    /// Starts the binary on a free port with extra flags.
    pub async fn start(args: &[&str]) -> MockProcess {
        let mut all = vec!["--bind", "127.0.0.1:0"];
        all.extend_from_slice(args);
        Self::start_with(&all, &[]).await
    }

    /// Starts the binary with exactly these flags and env vars.
    pub async fn start_with(args: &[&str], envs: &[(&str, &str)]) -> MockProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_open-event-mock"));
        for var in ENV_VARS {
            cmd.env_remove(var);
        }
        cmd.args(args)
            .envs(envs.iter().copied())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("spawn open-event-mock");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = String::new();
        let read = async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                banner.push_str(&line);
                banner.push('\n');
                if line.starts_with("Stop with Ctrl-C") {
                    return true;
                }
            }
            false
        };
        let complete = tokio::time::timeout(Duration::from_secs(60), read)
            .await
            .expect("the mock server printed its table within 60 s");
        assert!(
            complete,
            "the mock server exited early; it printed:\n{banner}"
        );
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let api = field(&banner, "API").expect("an API line");
        let base = api.trim_end_matches("/v1").to_owned();
        let rows = rows(&banner);
        MockProcess {
            child,
            base,
            banner,
            rows,
            client: client(),
        }
    }

    /// An absolute URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The HTTP client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The row of a role.
    pub fn row(&self, role: &str) -> &Row {
        self.rows
            .iter()
            .find(|r| r.role == role)
            .unwrap_or_else(|| panic!("no {role} row in\n{}", self.banner))
    }

    /// GET `/__mock/accounts`.
    pub async fn accounts(&self) -> Value {
        let r = self
            .client
            .get(self.url("/__mock/accounts"))
            .send()
            .await
            .expect("GET /__mock/accounts");
        assert_eq!(r.status(), 200);
        r.json().await.expect("JSON accounts")
    }

    /// Sends a JSON:API request; returns status and body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("Accept", "application/vnd.api+json");
        if let Some(t) = token {
            req = req.header("Authorization", format!("JWT {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/vnd.api+json")
                .body(b.to_string());
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET as JSON:API.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    /// POST `/__mock/reset`; returns the report.
    pub async fn reset(&self) -> Value {
        let r = self
            .client
            .post(self.url("/__mock/reset"))
            .send()
            .await
            .expect("POST /__mock/reset");
        assert_eq!(r.status(), 200);
        r.json().await.expect("JSON reset report")
    }

    /// Stops the process.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// A client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

/// The value of a `  Name   value` line of the banner.
pub fn field(banner: &str, name: &str) -> Option<String> {
    banner.lines().find_map(|l| {
        let rest = l.strip_prefix("  ")?.strip_prefix(name)?;
        rest.starts_with(' ').then(|| rest.trim().to_owned())
    })
}

/// The account rows: the lines after the `role email password access token`
/// header, up to the blank line.
pub fn rows(banner: &str) -> Vec<Row> {
    banner
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("role "))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 4, "a table row has 4 columns: {l:?}");
            Row {
                role: cols[0].to_owned(),
                email: cols[1].to_owned(),
                password: cols[2].to_owned(),
                access_token: cols[3].to_owned(),
            }
        })
        .collect()
}
