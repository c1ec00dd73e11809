#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The server's logs during Google and Facebook logins (successful ones, with
//! the callback forwarded as query parameters, and failing ones) hold no
//! client secret, app token, authorization code, state, PKCE verifier or
//! provider token. Its own test binary: the subscriber is process-wide, so
//! no other test's requests mix in and no callsite is cached without it.

use open_event_contract_tests::{
    TestApp,
    providers::{Providers, consent},
};
use open_event_mocks::{FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, Failure, GOOGLE_CLIENT_SECRET};
use open_event_server::auth::oauth_state;
use serde_json::json;

/// A `MakeWriter` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_code_state_verifier_or_provider_token_reaches_the_logs() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .init();

    let p = Providers::start().await;
    let app = TestApp::spawn_with(|s| p.configure(s)).await.unwrap();
    let secret = app.state.settings.jwt_secret.clone();
    let browser = app.client().clone();
    let mut secrets: Vec<String> = vec![
        GOOGLE_CLIENT_SECRET.into(),
        FACEBOOK_APP_SECRET.into(),
        format!("{FACEBOOK_APP_ID}|{FACEBOOK_APP_SECRET}"),
    ];
    for provider in ["google", "facebook"] {
        for failing in [false, true] {
            let start = app.get(&format!("/v1/auth/oauth/{provider}"), None).await;
            let url = start.body["url"].as_str().unwrap();
            let cb = consent(&browser, url, None).await.unwrap();
            let (code, state) = (cb.code.clone().unwrap(), cb.state.clone().unwrap());
            let claims = oauth_state::verify(&secret, &state).unwrap();
            secrets.extend([
                code.clone(),
                state.clone(),
                claims.code_verifier(&secret).unwrap(),
            ]);
            if failing {
                // A refusing provider logs a warning, without what it was sent.
                p.google.fail_with(Failure::InvalidCode);
                p.facebook.fail_with(Failure::InvalidCode);
                let r = app
                    .post_json(
                        &format!("/v1/auth/oauth/login/{provider}"),
                        None,
                        &json!({"code": code, "state": state}),
                    )
                    .await;
                assert_eq!(r.status, 502, "{}", r.text);
                p.google.heal();
                p.facebook.heal();
            } else {
                // The whole callback query, forwarded as Open Event's frontend does.
                let back = url::Url::parse(&cb.url).unwrap();
                let path = format!("/v1/auth/oauth/login/{provider}?{}", back.query().unwrap());
                let r = TestApp::read(app.client().post(app.url(&path))).await;
                assert_eq!(r.status, 200, "{}", r.text);
                for t in ["access_token", "refresh_token"] {
                    secrets.push(r.body[t].as_str().unwrap().to_owned());
                }
            }
        }
    }
    // The provider tokens the stand-ins issued (the server sent them back as bearer tokens).
    for server in [p.google.server(), p.facebook.graph_server()] {
        for request in server.received_requests().await.unwrap() {
            if let Some(auth) = request.headers.get("authorization") {
                secrets.push(
                    auth.to_str()
                        .unwrap()
                        .trim_start_matches("Bearer ")
                        .to_owned(),
                );
            }
        }
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/v1/auth/oauth/login/google?code=REDACTED"),
        "the capture missed the requests:\n{logs}"
    );
    assert!(logs.contains("OAuth provider request failed"), "{logs}");
    assert!(
        logs.contains("account created from a provider login"),
        "{logs}"
    );
    assert!(secrets.iter().any(|s| s.starts_with("ya29.mock-")));
    assert!(secrets.iter().any(|s| s.starts_with("EAAmock")));
    for secret in &secrets {
        assert!(secret.len() >= 8, "{secret}");
        assert!(
            !logs.contains(secret.as_str()),
            "`{secret}` is in the logs:\n{logs}"
        );
    }
}
