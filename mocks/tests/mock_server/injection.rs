//! `--latency-ms` and `--error-rate`: on the API only, deterministic under a seed.

use std::time::{Duration, Instant};

use open_event_mocks::mock_server::inject::Injector;

use crate::mock_process::MockProcess;

#[tokio::test]
async fn latency_is_added_to_api_responses_only() {
    let latency = Duration::from_millis(1500);
    let mock = MockProcess::start(&["--latency-ms", "1500"]).await;
    for path in ["/v1/events", "/v1/users/1", "/v1/nowhere"] {
        let started = Instant::now();
        let (status, _) = mock.get(path, None).await;
        let took = started.elapsed();
        assert!(took >= latency, "{path} ({status}) took {took:?}");
    }
    // Writes too, and error answers.
    let started = Instant::now();
    let (status, _) = mock
        .send(
            reqwest::Method::POST,
            "/v1/events",
            None,
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, 401);
    assert!(started.elapsed() >= latency);
    // Not the docs, the spec, /health or /__mock/*: each answers well
    // within the latency the API gets.
    for path in ["/docs", "/openapi.json", "/health", "/__mock/accounts"] {
        let started = Instant::now();
        let r = mock.client().get(mock.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.bytes().await.unwrap();
        assert!(started.elapsed() < latency, "{path} was delayed");
    }
    mock.stop().await;
}

/// Statuses of `n` sequential `GET /v1/events`.
async fn statuses(mock: &MockProcess, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(mock.get("/v1/events", None).await.0);
    }
    out
}

#[tokio::test]
async fn the_error_rate_fails_the_same_requests_for_the_same_seed() {
    let mock = MockProcess::start(&["--error-rate", "0.4", "--seed", "7"]).await;
    let first = statuses(&mock, 40).await;
    assert!(first.iter().all(|s| *s == 200 || *s == 503), "{first:?}");
    let failed = first.iter().filter(|s| **s == 503).count();
    assert!(
        (6..=26).contains(&failed),
        "{failed} of 40 failed at 0.4: {first:?}"
    );
    // Exactly the documented sequence: request n fails when draw n of the
    // seed's sequence is below the rate.
    let injector = Injector::new(0, 0.4, 7);
    let expected: Vec<u16> = (0..40)
        .map(|n| if injector.fails(n) { 503 } else { 200 })
        .collect();
    assert_eq!(first, expected);

    // The error is a JSON:API document.
    let failing = first.iter().position(|s| *s == 503).unwrap();
    mock.reset().await;
    for _ in 0..failing {
        mock.get("/v1/events", None).await;
    }
    let r = mock
        .client()
        .get(mock.url("/v1/events"))
        .header("Accept", "application/vnd.api+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/vnd.api+json"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], "503");
    assert_eq!(body["errors"][0]["code"], "service-unavailable");
    assert_eq!(body["jsonapi"]["version"], "1.0");

    // A reset starts the sequence again …
    mock.reset().await;
    assert_eq!(statuses(&mock, 40).await, first);
    // … and the /__mock endpoints, docs and spec never fail or count.
    for path in ["/__mock/accounts", "/docs", "/openapi.json", "/health"] {
        for _ in 0..5 {
            let r = mock.client().get(mock.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }
    }
    mock.stop().await;

    // Another process with the same seed fails the same requests; another
    // seed, others.
    let same = MockProcess::start(&["--error-rate", "0.4", "--seed", "7"]).await;
    assert_eq!(statuses(&same, 40).await, first);
    same.stop().await;
    let other = MockProcess::start(&["--error-rate", "0.4", "--seed", "8"]).await;
    assert_ne!(statuses(&other, 40).await, first);
    other.stop().await;
}

#[tokio::test]
async fn an_error_rate_of_one_fails_every_api_request_but_not_the_mock_endpoints() {
    let mock = MockProcess::start(&["--error-rate", "1"]).await;
    assert!(statuses(&mock, 10).await.iter().all(|s| *s == 503));
    let token = mock.row("admin").access_token.clone();
    assert_eq!(mock.get("/v1/users", Some(&token)).await.0, 503);
    mock.reset().await;
    assert_eq!(mock.accounts().await["seed"], 42);
    mock.stop().await;
}
