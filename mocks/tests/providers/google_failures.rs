use std::time::{Duration, Instant};

use open_event_mocks::{Failure, GoogleMock};

use crate::support::*;

#[tokio::test]
async fn denied_consent_redirects_with_access_denied_and_the_state() {
    let google = GoogleMock::start().await;
    google.fail_with(Failure::ConsentDenied);

    let response = google_authorize(&google, &[]).await;

    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&back, "state").as_deref(), Some("state-123"));
    assert_eq!(param(&back, "code"), None);
}

#[tokio::test]
async fn healing_restores_consent() {
    let google = GoogleMock::start().await;
    google.fail_with(Failure::ConsentDenied);
    google.heal();

    let response = google_authorize(&google, &[]).await;

    assert!(param(&location(&response), "code").is_some());
}

#[tokio::test]
async fn invalid_code_mode_rejects_even_a_fresh_code() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;
    google.fail_with(Failure::InvalidCode);

    let response = google_exchange(&google, &code).await;

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"], "invalid_grant");
}

#[tokio::test]
async fn server_error_mode_fails_token_and_userinfo_with_5xx() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;
    let token = google_token(&google, &[]).await;
    google.fail_with(Failure::ServerError);

    let exchange = google_exchange(&google, &code).await;
    let info = google_userinfo(&google, &token).await;
    let consent = google_authorize(&google, &[]).await;

    assert!(exchange.status().is_server_error(), "{}", exchange.status());
    assert!(info.status().is_server_error(), "{}", info.status());
    assert_eq!(consent.status(), 302, "the consent page stays up");
}

#[tokio::test]
async fn slow_mode_delays_responses_that_are_otherwise_correct() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;
    google.fail_with(Failure::Slow(Duration::from_millis(300)));

    let started = Instant::now();
    let response = google_exchange(&google, &code).await;

    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
    assert!(json(response).await["access_token"].is_string());
}

#[tokio::test]
async fn failure_modes_stack() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;
    google.fail_with(Failure::Slow(Duration::from_millis(200)));
    google.fail_with(Failure::ServerError);

    let started = Instant::now();
    let response = google_exchange(&google, &code).await;

    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn malformed_json_mode_truncates_successful_bodies() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;
    let token = google_token(&google, &[]).await;
    google.fail_with(Failure::MalformedJson);

    for response in [
        google_exchange(&google, &code).await,
        google_userinfo(&google, &token).await,
    ] {
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("application/json")
        );
        let body = response.text().await.expect("body");
        assert!(body.starts_with('{'), "{body}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_err(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn malformed_json_mode_leaves_errors_well_formed() {
    let google = GoogleMock::start().await;
    google.fail_with(Failure::MalformedJson);

    let response = google_exchange(&google, "4/0made-up").await;

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"], "invalid_grant");
}

#[tokio::test]
async fn unverified_email_mode_reports_email_verified_false() {
    let google = GoogleMock::start().await;
    let token = google_token(&google, &[]).await;
    google.fail_with(Failure::UnverifiedEmail);

    let info = json(google_userinfo(&google, &token).await).await;

    assert_eq!(info["email"], "ada.lovelace@example.com");
    assert_eq!(info["email_verified"], false);
}
