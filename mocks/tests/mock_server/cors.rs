//! CORS: any origin without credentials by default, or the listed ones.

use reqwest::Method;

use crate::mock_process::MockProcess;

async fn preflight(mock: &MockProcess, origin: &str) -> reqwest::Response {
    mock.client()
        .request(Method::OPTIONS, mock.url("/v1/events/1"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn any_origin_is_allowed_without_credentials_by_default() {
    let mock = MockProcess::start(&["--error-rate", "1"]).await;
    for origin in ["http://localhost:4200", "https://app.example.test"] {
        let r = preflight(&mock, origin).await;
        assert_eq!(r.status(), 200, "{origin}");
        assert_eq!(header(&r, "access-control-allow-origin"), Some(origin));
        let methods = header(&r, "access-control-allow-methods").unwrap();
        assert!(methods.contains("PATCH"), "{methods}");
        let headers = header(&r, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(headers.contains("authorization") && headers.contains("content-type"));
        assert_eq!(header(&r, "access-control-allow-credentials"), None);

        // An actual request, here failed by injection: the browser can
        // still read the 503 (the CORS headers are on it).
        let r = mock
            .client()
            .get(mock.url("/v1/events"))
            .header("Origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(header(&r, "access-control-allow-origin"), Some(origin));
        assert_eq!(header(&r, "access-control-allow-credentials"), None);
        assert_eq!(header(&r, "vary"), Some("Origin"));
    }
    mock.stop().await;
}

#[tokio::test]
async fn listed_origins_only_when_given() {
    let mock = MockProcess::start(&["--cors-origins", "http://a.test,http://b.test"]).await;
    for origin in ["http://a.test", "http://b.test"] {
        let r = preflight(&mock, origin).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "access-control-allow-origin"), Some(origin));
        let r = mock
            .client()
            .get(mock.url("/v1/events"))
            .header("Origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "access-control-allow-origin"), Some(origin));
    }
    let r = preflight(&mock, "http://evil.test").await;
    assert_ne!(r.status(), 200);
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    let r = mock
        .client()
        .get(mock.url("/v1/events"))
        .header("Origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    mock.stop().await;
}
