//! The real binary: env-var config, JSON logs, health, graceful SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

#[tokio::test]
async fn the_binary_serves_on_env_config_and_stops_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_open-event-server"))
        .env("OPEN_EVENT_BIND", "127.0.0.1:0")
        .env("OPEN_EVENT_DATABASE_URL", "sqlite::memory:")
        .env("OPEN_EVENT_LOG_FORMAT", "json")
        .env("OPEN_EVENT_ADMIN_EMAIL", "root@example.com")
        .env("OPEN_EVENT_ADMIN_PASSWORD", "rootpassword")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut port = None;
    let mut lines = Vec::new();
    while port.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("server logs its address");
        let json: serde_json::Value = serde_json::from_str(&line).expect("log lines are JSON");
        let message = json["fields"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Some(rest) = message.strip_prefix("listening on http://127.0.0.1:") {
            port = rest
                .split_whitespace()
                .next()
                .and_then(|p| p.parse::<u16>().ok());
        }
        lines.push(line);
    }
    let base = format!("http://127.0.0.1:{}", port.unwrap());
    let health: serde_json::Value = reqwest::get(format!("{base}/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let login = reqwest::Client::new()
        .post(format!("{base}/v1/auth/login"))
        .json(&serde_json::json!({"email": "root@example.com", "password": "rootpassword"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        200,
        "the bootstrapped super admin can log in"
    );
    let docs = reqwest::get(format!("{base}/docs")).await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("SwaggerUIBundle"));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "exit status after SIGTERM: {code}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn bad_config_fails_fast_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_open-event-server"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            "sqlite::memory:",
            "--admin-email",
            "a@b.example",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("--admin-email and --admin-password go together"),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_open-event-server"))
        .args(["--bind", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
