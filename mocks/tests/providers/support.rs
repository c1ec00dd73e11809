//! Requests a server would make, and ways to read their answers.

use open_event_mocks::{FacebookMock, GoogleMock};
use serde_json::Value;

/// Where the fake server wants the browser back.
pub const CALLBACK: &str = "http://127.0.0.1:8080/v1/auth/oauth/callback";

/// A client that reports redirects instead of following them, like a test of a browser hop.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// The `Location` of a redirect, parsed.
pub fn location(response: &reqwest::Response) -> url::Url {
    let value = response.headers()["location"]
        .to_str()
        .expect("ascii location");
    url::Url::parse(value).expect("absolute location")
}

/// A query parameter of `url`.
pub fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

/// Visits Google's authorization endpoint with valid defaults plus `extra`.
pub async fn google_authorize(google: &GoogleMock, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut params = vec![
        ("client_id", google.client_id()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email profile"),
        ("state", "state-123"),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        params.push((name, value));
    }
    http()
        .get(google.auth_url())
        .query(&params)
        .send()
        .await
        .expect("authorization request")
}

/// A fresh Google code for the default account.
pub async fn google_code(google: &GoogleMock, extra: &[(&str, &str)]) -> String {
    let response = google_authorize(google, extra).await;
    assert_eq!(response.status(), 302);
    param(&location(&response), "code").expect("a code in the redirect")
}

/// Exchanges `code` at Google's token endpoint with the right client credentials.
pub async fn google_exchange(google: &GoogleMock, code: &str) -> reqwest::Response {
    google_exchange_with(google, code, google.client_secret()).await
}

pub async fn google_exchange_with(
    google: &GoogleMock,
    code: &str,
    secret: &str,
) -> reqwest::Response {
    http()
        .post(google.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", google.client_id()),
            ("client_secret", secret),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .expect("token request")
}

/// Authorizes and exchanges: an access token for the account chosen by `extra`.
pub async fn google_token(google: &GoogleMock, extra: &[(&str, &str)]) -> String {
    let code = google_code(google, extra).await;
    let body = json(google_exchange(google, &code).await).await;
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

pub async fn google_userinfo(google: &GoogleMock, token: &str) -> reqwest::Response {
    http()
        .get(google.userinfo_url())
        .bearer_auth(token)
        .send()
        .await
        .expect("userinfo request")
}

/// Visits the Facebook Login dialog with valid defaults plus `extra`.
pub async fn facebook_dialog(facebook: &FacebookMock, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut params = vec![
        ("client_id", facebook.client_id()),
        ("redirect_uri", CALLBACK),
        ("scope", "email,public_profile"),
        ("state", "state-456"),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        params.push((name, value));
    }
    http()
        .get(facebook.dialog_url())
        .query(&params)
        .send()
        .await
        .expect("dialog request")
}

pub async fn facebook_code(facebook: &FacebookMock, extra: &[(&str, &str)]) -> String {
    let response = facebook_dialog(facebook, extra).await;
    assert_eq!(response.status(), 302);
    param(&location(&response), "code").expect("a code in the redirect")
}

pub async fn facebook_exchange(facebook: &FacebookMock, code: &str) -> reqwest::Response {
    facebook_exchange_with(facebook, code, facebook.client_secret()).await
}

pub async fn facebook_exchange_with(
    facebook: &FacebookMock,
    code: &str,
    secret: &str,
) -> reqwest::Response {
    http()
        .get(facebook.token_url())
        .query(&[
            ("client_id", facebook.client_id()),
            ("redirect_uri", CALLBACK),
            ("client_secret", secret),
            ("code", code),
        ])
        .send()
        .await
        .expect("code exchange")
}

pub async fn facebook_token(facebook: &FacebookMock, extra: &[(&str, &str)]) -> String {
    let code = facebook_code(facebook, extra).await;
    let body = json(facebook_exchange(facebook, &code).await).await;
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

pub async fn facebook_me(facebook: &FacebookMock, token: &str, fields: &str) -> reqwest::Response {
    http()
        .get(facebook.me_url())
        .query(&[("fields", fields), ("access_token", token)])
        .send()
        .await
        .expect("/me request")
}

pub async fn facebook_debug(facebook: &FacebookMock, token: &str) -> reqwest::Response {
    http()
        .get(facebook.debug_token_url())
        .query(&[
            ("input_token", token),
            ("access_token", facebook.app_access_token().as_str()),
        ])
        .send()
        .await
        .expect("debug_token request")
}
