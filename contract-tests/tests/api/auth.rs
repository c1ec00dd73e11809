//! Login, tokens, password change, email verification and reset.

use reqwest::Method;
use serde_json::json;

use crate::support::{app, assert_error, new_user_logged_in, register_over_http};

#[tokio::test]
async fn login_issues_access_and_refresh_tokens() {
    let app = app().await;
    new_user_logged_in(&app, "l@example.com", "password1").await;
    let r = app.login("L@Example.com", "password1").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "JWT");
    assert!(r.body["expires_in"].as_i64().unwrap() > 0);
    let access = r.body["access_token"].as_str().unwrap();
    let claims = decode_claims(access);
    assert_eq!(claims["type"], "access");
    assert_eq!(claims["fresh"], true);
    assert!(claims["jti"].is_string() && claims["exp"].as_i64() > claims["iat"].as_i64());
    let refresh = r.body["refresh_token"].as_str().unwrap();
    assert_eq!(decode_claims(refresh)["type"], "refresh");
}

fn decode_claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn bad_credentials_are_401() {
    let app = app().await;
    new_user_logged_in(&app, "c@example.com", "password1").await;
    assert_error(
        &app.login("c@example.com", "wrong-password").await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.login("nobody@example.com", "password1").await,
        401,
        "unauthorized",
    );
    let r = app
        .post_json("/v1/auth/login", None, &json!({"email": "c@example.com"}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["errors"].is_array());
}

#[tokio::test]
async fn both_header_schemes_work_and_every_bad_token_is_401() {
    let app = app().await;
    let (id, token) = new_user_logged_in(&app, "t@example.com", "password1").await;
    let path = format!("/v1/users/{id}");
    let bearer = app
        .client()
        .get(app.url(&path))
        .header("Authorization", format!("Bearer {token}"));
    assert_eq!(
        open_event_contract_tests::TestApp::read(bearer)
            .await
            .status,
        200
    );

    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let other_secret = open_event_server::auth::jwt::JwtKeys::new("another-secret", 60, 60)
        .issue(
            id.parse().unwrap(),
            0,
            open_event_server::auth::jwt::TokenType::Access,
            true,
        )
        .unwrap();
    let expired = open_event_server::auth::jwt::JwtKeys::new("test-secret", -60, 60)
        .issue(
            id.parse().unwrap(),
            0,
            open_event_server::auth::jwt::TokenType::Access,
            true,
        )
        .unwrap();
    let login = app.login("t@example.com", "password1").await;
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    for bad in [
        tampered,
        other_secret,
        expired,
        refresh,
        "garbage".to_owned(),
    ] {
        // Even on a public endpoint a bad token is never treated as anonymous.
        assert_error(
            &app.get("/v1/events", Some(&bad)).await,
            401,
            "unauthorized",
        );
        assert_error(&app.get(&path, Some(&bad)).await, 401, "unauthorized");
    }
    let basic = app
        .client()
        .get(app.url("/v1/events"))
        .header("Authorization", "Basic abc");
    assert_error(
        &open_event_contract_tests::TestApp::read(basic).await,
        401,
        "unauthorized",
    );
}

#[tokio::test]
async fn refresh_gives_a_non_fresh_access_token() {
    let app = app().await;
    new_user_logged_in(&app, "r@example.com", "password1").await;
    let login = app.login("r@example.com", "password1").await;
    let refresh = login.body["refresh_token"].as_str().unwrap();
    let r = app
        .post_json("/v1/auth/token/refresh", Some(refresh), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let access = r.body["access_token"].as_str().unwrap();
    assert_eq!(decode_claims(access)["fresh"], false);
    assert_eq!(app.get("/v1/events", Some(access)).await.status, 200);
    let access_as_refresh = login.body["access_token"].as_str().unwrap();
    let r = app
        .post_json(
            "/v1/auth/token/refresh",
            Some(access_as_refresh),
            &json!({}),
        )
        .await;
    assert_error(&r, 401, "unauthorized");
    let r = app
        .post_json("/v1/auth/token/refresh", None, &json!({}))
        .await;
    assert_error(&r, 401, "unauthorized");

    // A non-fresh token cannot change the password.
    let r = app
        .post_json(
            "/v1/auth/change-password",
            Some(access),
            &json!({"data": {"old-password": "password1", "new-password": "password2"}}),
        )
        .await;
    assert_error(&r, 401, "unauthorized");
}

#[tokio::test]
async fn changing_the_password_revokes_earlier_tokens() {
    let app = app().await;
    let (_, token) = new_user_logged_in(&app, "p@example.com", "password1").await;
    let change = |old: &'static str, new: &'static str| json!({"data": {"old-password": old, "new-password": new}});
    let r = app
        .post_json(
            "/v1/auth/change-password",
            Some(&token),
            &change("wrong-one", "password2"),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
    assert_eq!(r.error_pointer(), "/data/old-password");
    let r = app
        .post_json(
            "/v1/auth/change-password",
            Some(&token),
            &change("password1", "short"),
        )
        .await;
    assert_eq!(r.error_pointer(), "/data/new-password");
    let r = app
        .post_json(
            "/v1/auth/change-password",
            Some(&token),
            &change("password1", "password1"),
        )
        .await;
    assert_eq!(r.error_pointer(), "/data/new-password");
    let r = app
        .post_json(
            "/v1/auth/change-password",
            Some(&token),
            &change("password1", "password2"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_error(
        &app.get("/v1/events", Some(&token)).await,
        401,
        "unauthorized",
    );
    assert_eq!(app.login("p@example.com", "password1").await.status, 401);
    assert_eq!(app.login("p@example.com", "password2").await.status, 200);
    assert!(
        app.mails_to("p@example.com")
            .await
            .iter()
            .any(|m| m.kind == "password-changed")
    );
}

#[tokio::test]
async fn email_verification_tokens_work_once() {
    let app = app().await;
    let (id, token) = register_over_http(&app, "ver@example.com", "password1").await;
    let mails = app.mails_to("ver@example.com").await;
    let mail = mails
        .iter()
        .find(|m| m.kind == "verify-email")
        .expect("verification mail");
    let verify_token = mail.token.clone().unwrap();
    assert!(mail.body.contains(&verify_token));
    let body = json!({"data": {"token": verify_token}});
    let r = app.post_json("/v1/auth/verify-email", None, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let me = app.get(&format!("/v1/users/{id}"), Some(&token)).await;
    assert_eq!(me.body["data"]["attributes"]["is-verified"], true);
    assert_error(
        &app.post_json("/v1/auth/verify-email", None, &body).await,
        400,
        "invalid-token",
    );
    let bogus = json!({"data": {"token": "eyJ1aWQiOjF9.c2lnbmF0dXJl"}});
    assert_error(
        &app.post_json("/v1/auth/verify-email", None, &bogus).await,
        400,
        "invalid-token",
    );
}

#[tokio::test]
async fn expired_verification_tokens_are_refused() {
    let app = open_event_contract_tests::TestApp::spawn_with(|s| s.mail_token_ttl = -1)
        .await
        .unwrap();
    register_over_http(&app, "late@example.com", "password1").await;
    let token = app.mails_to("late@example.com").await[0]
        .token
        .clone()
        .unwrap();
    let r = app
        .post_json(
            "/v1/auth/verify-email",
            None,
            &json!({"data": {"token": token}}),
        )
        .await;
    assert_error(&r, 400, "invalid-token");
}

#[tokio::test]
async fn password_reset_always_answers_200_and_tokens_work_once() {
    let app = app().await;
    let (_, old_token) = new_user_logged_in(&app, "reset@example.com", "password1").await;
    for email in ["reset@example.com", "unknown@example.com"] {
        let r = app
            .post_json(
                "/v1/auth/reset-password",
                None,
                &json!({"data": {"email": email}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert!(app.mails_to("unknown@example.com").await.is_empty());
    let mail = app
        .mails_to("reset@example.com")
        .await
        .into_iter()
        .find(|m| m.kind == "reset-password")
        .unwrap();
    let token = mail.token.unwrap();
    let reset = |password: &str| json!({"data": {"token": token, "password": password}});
    let r = app
        .json_request(
            Method::PATCH,
            "/v1/auth/reset-password",
            None,
            &reset("short"),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
    let r = app
        .json_request(
            Method::PATCH,
            "/v1/auth/reset-password",
            None,
            &reset("brand-new-pass"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let again = app
        .json_request(
            Method::PATCH,
            "/v1/auth/reset-password",
            None,
            &reset("another-pass"),
        )
        .await;
    assert_error(&again, 400, "invalid-token");
    assert_eq!(
        app.login("reset@example.com", "brand-new-pass")
            .await
            .status,
        200
    );
    assert_error(
        &app.get("/v1/events", Some(&old_token)).await,
        401,
        "unauthorized",
    );
}
