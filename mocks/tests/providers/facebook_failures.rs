use std::time::{Duration, Instant};

use open_event_mocks::{FacebookMock, Failure};

use crate::support::*;

#[tokio::test]
async fn denied_consent_redirects_with_user_denied_and_the_state() {
    let facebook = FacebookMock::start().await;
    facebook.fail_with(Failure::ConsentDenied);

    let response = facebook_dialog(&facebook, &[]).await;

    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&back, "error_reason").as_deref(), Some("user_denied"));
    assert_eq!(param(&back, "state").as_deref(), Some("state-456"));
    assert_eq!(param(&back, "code"), None);
}

#[tokio::test]
async fn invalid_code_mode_rejects_even_a_fresh_code() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;
    facebook.fail_with(Failure::InvalidCode);

    let response = facebook_exchange(&facebook, &code).await;

    assert_eq!(response.status(), 400);
    let error = json(response).await["error"].clone();
    assert_eq!(error["type"], "OAuthException");
    assert_eq!(error["code"], 100);
}

#[tokio::test]
async fn server_error_mode_fails_every_graph_call_with_5xx() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;
    let token = facebook_token(&facebook, &[]).await;
    facebook.fail_with(Failure::ServerError);

    for response in [
        facebook_exchange(&facebook, &code).await,
        facebook_debug(&facebook, &token).await,
        facebook_me(&facebook, &token, "id").await,
    ] {
        assert_eq!(response.status(), 500);
        let error = json(response).await["error"].clone();
        assert_eq!(error["code"], 2);
        assert_eq!(error["is_transient"], true);
    }
}

#[tokio::test]
async fn slow_mode_delays_the_profile() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;
    facebook.fail_with(Failure::Slow(Duration::from_millis(300)));

    let started = Instant::now();
    let response = facebook_me(&facebook, &token, "id").await;

    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(json(response).await["id"], facebook.default_user().id);
}

#[tokio::test]
async fn malformed_json_mode_truncates_token_debug_and_profile_bodies() {
    let facebook = FacebookMock::start().await;
    let code = facebook_code(&facebook, &[]).await;
    let token = facebook_token(&facebook, &[]).await;
    facebook.fail_with(Failure::MalformedJson);

    for response in [
        facebook_exchange(&facebook, &code).await,
        facebook_debug(&facebook, &token).await,
        facebook_me(&facebook, &token, "id,name").await,
    ] {
        assert_eq!(response.status(), 200);
        let body = response.text().await.expect("body");
        assert!(body.starts_with('{'), "{body}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_err(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn unverified_email_mode_hides_the_email() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;
    facebook.fail_with(Failure::UnverifiedEmail);

    let me = json(facebook_me(&facebook, &token, "id,email").await).await;

    assert!(me.get("email").is_none(), "{me}");
    assert_eq!(me["id"], facebook.default_user().id);
}

#[tokio::test]
async fn healing_restores_the_profile() {
    let facebook = FacebookMock::start().await;
    let token = facebook_token(&facebook, &[]).await;
    facebook.fail_with(Failure::ServerError);
    facebook.fail_with(Failure::UnverifiedEmail);
    facebook.heal();

    let response = facebook_me(&facebook, &token, "email").await;

    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["email"], "ada.lovelace@example.com");
}
