//! Chromium through chromedriver, and the tiny frontend the tests serve.

use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use poem::{
    Route, Server, get, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::Html,
};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

const INSTALL: &str = "the browser tests need Debian's chromium and chromium-driver: \
     `apt-get install -y chromium chromium-driver` (CI's .ci/run installs them; see docs/ci.md), \
     or point CHROME_BIN and CHROMEDRIVER at other builds";

/// An executable from `var`, else the first of `names` on PATH; fails the
/// test with the install command when there is none.
fn tool(var: &str, names: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("no {} found: {INSTALL}", names.join(" or "));
}

/// A free loopback port (released for the caller to bind).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A chromedriver child and one headless Chromium session through it.
pub struct Browser {
    pub client: Client,
    _driver: Child,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start() -> Browser {
        let chromium = tool(
            "CHROME_BIN",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let driver_bin = tool("CHROMEDRIVER", &["chromedriver"]);
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL}", driver_bin.display()));
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = http.get(format!("{url}/status")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start; {INSTALL}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                // Root in CI has no sandbox; /dev/shm is small in containers.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run"],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("no Chromium session ({e}); {INSTALL}"));
        Browser {
            client,
            _driver: driver,
        }
    }

    /// Waits for the first element matching `css` and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(el) => el.text().await.unwrap(),
            Err(e) => {
                let here = self.client.current_url().await;
                let source = self.client.source().await.unwrap_or_default();
                panic!("no {css} within 30 s at {here:?}: {e}\n{source}")
            }
        }
    }

    /// The text of `#id`, if the page wrote it.
    pub async fn output(&self, id: &str) -> Option<String> {
        match self.client.find(Locator::Id(id)).await {
            Ok(el) => Some(el.text().await.unwrap()),
            Err(_) => None,
        }
    }

    /// Runs `fetch(url, init)` in the page: `{status, body, ms}` or
    /// `{error, ms}` when the browser refuses (CORS) or cannot connect.
    pub async fn fetch(&self, url: &str, init: Value) -> Value {
        self.client
            .execute_async(
                r#"const [url, init, done] = arguments;
                   const t0 = performance.now();
                   fetch(url, init)
                     .then(async (r) => {
                       const text = await r.text();
                       let body = null;
                       try { body = JSON.parse(text); } catch (e) {}
                       done({status: r.status, body, ms: performance.now() - t0});
                     })
                     .catch((e) => done({error: String(e), ms: performance.now() - t0}));"#,
                vec![json!(url), init],
            )
            .await
            .unwrap()
    }

    /// Ends the session (and the browser).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

#[handler]
fn page() -> Html<&'static str> {
    Html(include_str!("frontend.html"))
}

/// Serves the test frontend on a free port: `/` and `/oauth/callback`.
/// Returns its base URL; it runs until the test ends.
pub async fn serve_frontend() -> String {
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind the frontend");
    let port = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().map(|s| s.port()))
        .expect("the frontend's port");
    let app = Route::new()
        .at("/", get(page))
        .at("/oauth/callback", get(page));
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    format!("http://127.0.0.1:{port}")
}
