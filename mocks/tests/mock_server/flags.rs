//! Flags, their env vars, and the printed table.

use open_event_factories::seed::DemoRole;

use crate::mock_process::{MockProcess, field};

#[tokio::test]
async fn it_prints_the_urls_and_one_row_per_demo_account() {
    let mock = MockProcess::start(&[]).await;
    let roles: Vec<&str> = mock.rows.iter().map(|r| r.role.as_str()).collect();
    let expected: Vec<&str> = DemoRole::ALL.iter().map(|r| r.label()).collect();
    assert_eq!(roles, expected, "{}", mock.banner);
    for row in &mock.rows {
        assert!(row.email.ends_with("@demo.open-event.test"), "{row:?}");
        assert_eq!(row.password, "open-event-demo");
        assert_eq!(row.access_token.split('.').count(), 3, "a JWT: {row:?}");
    }
    assert!(
        mock.banner
            .starts_with("Open Event mock server: seed 42, ready in ")
    );
    for (name, value) in [
        ("API", mock.url("/v1")),
        ("Docs", mock.url("/docs")),
        ("Spec", mock.url("/openapi.json")),
        ("Reset", format!("POST {}", mock.url("/__mock/reset"))),
        ("Accounts", format!("GET {}", mock.url("/__mock/accounts"))),
        (
            "Callback",
            "http://localhost:4200/oauth/callback".to_owned(),
        ),
    ] {
        assert_eq!(
            field(&mock.banner, name).as_deref(),
            Some(value.as_str()),
            "{name}"
        );
    }
    for name in ["Google", "Facebook", "Graph API"] {
        let value = field(&mock.banner, name).unwrap();
        assert!(value.starts_with("http://127.0.0.1:"), "{name}: {value}");
    }
    // The API, the docs and the spec answer.
    let (status, body) = mock.get("/v1/events", None).await;
    assert_eq!(status, 200);
    assert!(body["meta"]["count"].as_u64().unwrap() >= 3, "{body}");
    for path in ["/docs", "/openapi.json", "/health"] {
        let r = mock.client().get(mock.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    mock.stop().await;
}

#[tokio::test]
async fn every_flag_has_an_env_var() {
    let mock = MockProcess::start_with(
        &[],
        &[
            ("OPEN_EVENT_MOCK_BIND", "127.0.0.1:0"),
            ("OPEN_EVENT_MOCK_SEED", "7"),
            ("OPEN_EVENT_MOCK_LATENCY_MS", "5"),
            ("OPEN_EVENT_MOCK_ERROR_RATE", "0.25"),
            (
                "OPEN_EVENT_MOCK_CORS_ORIGINS",
                "http://a.test,http://b.test",
            ),
            ("OPEN_EVENT_MOCK_FRONTEND_URL", "http://front.test:3000"),
        ],
    )
    .await;
    assert!(mock.banner.starts_with("Open Event mock server: seed 7,"));
    assert_eq!(
        field(&mock.banner, "Injection").as_deref(),
        Some("latency 5 ms, error rate 0.25 on /v1 (CORS origins: http://a.test, http://b.test)")
    );
    assert_eq!(
        field(&mock.banner, "Callback").as_deref(),
        Some("http://front.test:3000/oauth/callback")
    );
    let accounts = mock.accounts().await;
    assert_eq!(accounts["seed"], 7);
    // Seeds change the seeded data (event identifiers follow the seed).
    let seeded_7 = identifiers(&mock).await;
    mock.stop().await;

    // A flag beats its env var; the callback can be set on its own.
    let mock = MockProcess::start_with(
        &["--seed", "9", "--frontend-callback", "http://app.test/cb"],
        &[
            ("OPEN_EVENT_MOCK_BIND", "127.0.0.1:0"),
            ("OPEN_EVENT_MOCK_SEED", "7"),
            (
                "OPEN_EVENT_MOCK_FRONTEND_CALLBACK",
                "http://ignored.test/cb",
            ),
        ],
    )
    .await;
    assert!(mock.banner.starts_with("Open Event mock server: seed 9,"));
    assert_eq!(
        field(&mock.banner, "Callback").as_deref(),
        Some("http://app.test/cb")
    );
    assert_eq!(
        field(&mock.banner, "Injection").as_deref(),
        Some("latency 0 ms, error rate 0 on /v1 (CORS origins: *)")
    );
    assert_ne!(identifiers(&mock).await, seeded_7);
    mock.stop().await;

    let mock = MockProcess::start_with(&["--seed", "7", "--bind", "127.0.0.1:0"], &[]).await;
    assert_eq!(identifiers(&mock).await, seeded_7, "same seed, same data");
    mock.stop().await;
}

async fn identifiers(mock: &MockProcess) -> Vec<String> {
    let (status, body) = mock.get("/v1/events?sort=name", None).await;
    assert_eq!(status, 200);
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["attributes"]["identifier"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn bad_flag_values_are_refused_with_the_flag_named() {
    for (args, flag) in [
        (vec!["--error-rate", "1.5"], "--error-rate"),
        (vec!["--latency-ms", "soon"], "--latency-ms"),
        (vec!["--bind", "nowhere"], "--bind"),
    ] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_open-event-mock"))
            .args(&args)
            .env_remove("OPEN_EVENT_MOCK_BIND")
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}
