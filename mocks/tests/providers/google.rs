use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use open_event_mocks::GoogleMock;
use serde_json::Value;
use sha2::Sha256;

use crate::support::*;

#[tokio::test]
async fn the_code_flow_returns_to_the_callback_with_state_and_yields_the_default_profile() {
    let google = GoogleMock::start().await;
    let _authorizations = google.expect_authorizations(1).await;
    let _exchanges = google.expect_token_exchanges(1).await;
    let _userinfo = google.expect_userinfo_requests(1).await;

    let consent = google_authorize(&google, &[]).await;
    assert_eq!(consent.status(), 302);
    let back = location(&consent);
    assert_eq!(back[..url::Position::AfterPath], *CALLBACK);
    assert_eq!(param(&back, "state").as_deref(), Some("state-123"));
    let code = param(&back, "code").expect("code");

    let exchange = google_exchange(&google, &code).await;
    assert_eq!(exchange.status(), 200);
    let token = json(exchange).await;
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3599);
    assert_eq!(token["scope"], "openid email profile");
    let access_token = token["access_token"].as_str().expect("access_token");

    let info = google_userinfo(&google, access_token).await;
    assert_eq!(info.status(), 200);
    let ada = google.default_user();
    let expected = serde_json::json!({
        "sub": ada.id,
        "email": "ada.lovelace@example.com",
        "email_verified": true,
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "picture": format!("{}/avatar/{}.svg", google.base_url(), ada.id),
    });
    assert_eq!(json(info).await, expected);
}

#[tokio::test]
async fn the_id_token_is_signed_with_the_client_secret_and_carries_the_nonce() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[("nonce", "n-0S6")]).await;

    let token = json(google_exchange(&google, &code).await).await;

    let id_token = token["id_token"].as_str().expect("id_token");
    let (signing_input, signature) = id_token.rsplit_once('.').expect("three parts");
    let mut mac = Hmac::<Sha256>::new_from_slice(google.client_secret().as_bytes()).expect("key");
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).expect("base64"))
        .expect("a valid HS256 signature");
    let payload = signing_input.split('.').nth(1).expect("payload");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64"))
        .expect("JSON claims");
    assert_eq!(claims["iss"], google.base_url());
    assert_eq!(claims["aud"], google.client_id());
    assert_eq!(claims["sub"], google.default_user().id);
    assert_eq!(claims["email"], "ada.lovelace@example.com");
    assert_eq!(claims["nonce"], "n-0S6");
    assert_eq!(
        claims["exp"].as_u64(),
        claims["iat"].as_u64().map(|iat| iat + 3599)
    );
}

#[tokio::test]
async fn without_the_openid_scope_there_is_no_id_token_and_userinfo_gives_only_what_was_granted() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[("scope", "email")]).await;

    let token = json(google_exchange(&google, &code).await).await;
    let info = google_userinfo(&google, token["access_token"].as_str().expect("token")).await;

    assert!(token.get("id_token").is_none());
    let info = json(info).await;
    let keys: Vec<&str> = info
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["email", "email_verified", "sub"]);
}

#[tokio::test]
async fn a_code_can_be_exchanged_only_once() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;

    let first = google_exchange(&google, &code).await;
    let second = google_exchange(&google, &code).await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 400);
    assert_eq!(json(second).await["error"], "invalid_grant");
}

#[tokio::test]
async fn an_unknown_code_is_an_invalid_grant() {
    let google = GoogleMock::start().await;

    let response = google_exchange(&google, "4/0made-up").await;

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"], "invalid_grant");
}

#[tokio::test]
async fn a_wrong_client_secret_is_an_invalid_client_and_does_not_spend_the_code() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;

    let rejected = google_exchange_with(&google, &code, "not-the-secret").await;
    let retried = google_exchange(&google, &code).await;

    assert_eq!(rejected.status(), 401);
    assert_eq!(json(rejected).await["error"], "invalid_client");
    assert_eq!(retried.status(), 200);
}

#[tokio::test]
async fn client_credentials_may_come_in_a_basic_header() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;

    let response = http()
        .post(google.token_url())
        .basic_auth(google.client_id(), Some(google.client_secret()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .expect("token request");

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_token_request_must_repeat_the_redirect_uri() {
    let google = GoogleMock::start().await;
    let code = google_code(&google, &[]).await;

    let response = http()
        .post(google.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", google.client_id()),
            ("client_secret", google.client_secret()),
            ("redirect_uri", "http://127.0.0.1:8080/elsewhere"),
        ])
        .send()
        .await
        .expect("token request");

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"], "redirect_uri_mismatch");
}

#[tokio::test]
async fn a_grant_type_other_than_authorization_code_is_unsupported() {
    let google = GoogleMock::start().await;

    let response = http()
        .post(google.token_url())
        .form(&[
            ("grant_type", "password"),
            ("client_id", google.client_id()),
            ("client_secret", google.client_secret()),
        ])
        .send()
        .await
        .expect("token request");

    assert_eq!(response.status(), 400);
    assert_eq!(json(response).await["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn an_unknown_client_id_gets_an_error_page_not_a_redirect() {
    let google = GoogleMock::start().await;

    let response = google_authorize(&google, &[("client_id", "someone-else")]).await;

    assert_eq!(response.status(), 401);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn once_redirect_uris_are_registered_others_get_an_error_page() {
    let google = GoogleMock::start().await;
    google.register_redirect_uri(CALLBACK);

    let registered = google_authorize(&google, &[]).await;
    let other = google_authorize(&google, &[("redirect_uri", "https://evil.example/cb")]).await;

    assert_eq!(registered.status(), 302);
    assert_eq!(other.status(), 400);
    assert!(other.headers().get("location").is_none());
}

#[tokio::test]
async fn request_errors_after_a_valid_redirect_uri_are_redirected_with_the_state() {
    let google = GoogleMock::start().await;
    let cases = [
        (("response_type", "token"), "unsupported_response_type"),
        (("scope", ""), "invalid_request"),
        (
            ("scope", "openid https://www.googleapis.com/auth/drive"),
            "invalid_scope",
        ),
    ];
    for (extra, error) in cases {
        let response = google_authorize(&google, &[extra]).await;

        assert_eq!(response.status(), 302, "{extra:?}");
        let back = location(&response);
        assert_eq!(param(&back, "error").as_deref(), Some(error), "{extra:?}");
        assert_eq!(param(&back, "state").as_deref(), Some("state-123"));
        assert_eq!(param(&back, "code"), None);
    }
}

#[tokio::test]
async fn userinfo_rejects_an_unknown_token_with_401() {
    let google = GoogleMock::start().await;

    let response = google_userinfo(&google, "ya29.forged").await;

    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(
        json(response).await["error_description"],
        "Invalid Credentials"
    );
}

#[tokio::test]
async fn the_discovery_document_lists_the_endpoints() {
    let google = GoogleMock::start().await;

    let document = json(
        http()
            .get(google.discovery_url())
            .send()
            .await
            .expect("get"),
    )
    .await;

    assert_eq!(document["issuer"], google.base_url());
    assert_eq!(document["authorization_endpoint"], google.auth_url());
    assert_eq!(document["token_endpoint"], google.token_url());
    assert_eq!(document["userinfo_endpoint"], google.userinfo_url());
}

#[tokio::test]
async fn the_picture_url_serves_an_svg_avatar_with_the_initials() {
    let google = GoogleMock::start().await;
    let token = google_token(&google, &[]).await;
    let info = json(google_userinfo(&google, &token).await).await;

    let avatar = http()
        .get(info["picture"].as_str().expect("picture"))
        .send()
        .await
        .expect("avatar");

    assert_eq!(avatar.status(), 200);
    assert_eq!(avatar.headers()["content-type"], "image/svg+xml");
    assert!(avatar.text().await.expect("body").contains(">AL</text>"));
}

#[tokio::test]
#[should_panic(expected = "Google token exchanges")]
async fn an_unmet_expectation_panics_naming_the_endpoint() {
    let google = GoogleMock::start().await;
    let _exchanges = google.expect_token_exchanges(1).await;

    google_authorize(&google, &[]).await;
}

/// A verifier and its S256 challenge (`base64url(sha256(verifier))`, computed
/// independently with Python's hashlib).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk";
const CHALLENGE: &str = "bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g";

async fn exchange_with_verifier(
    google: &GoogleMock,
    code: &str,
    verifier: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", google.client_id()),
        ("client_secret", google.client_secret()),
        ("redirect_uri", CALLBACK),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    http()
        .post(google.token_url())
        .form(&form)
        .send()
        .await
        .expect("token request")
}

#[tokio::test]
async fn a_pkce_bound_code_needs_the_matching_verifier() {
    let google = GoogleMock::start().await;
    let pkce = [
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];

    let code = google_code(&google, &pkce).await;
    let ok = exchange_with_verifier(&google, &code, Some(VERIFIER)).await;
    assert_eq!(ok.status(), 200, "{}", ok.text().await.unwrap_or_default());

    for (verifier, description) in [
        (None, "Missing code verifier."),
        (
            Some("a-wrong-verifier-that-is-long-enough-0000000"),
            "Invalid code verifier.",
        ),
    ] {
        let code = google_code(&google, &pkce).await;
        let refused = exchange_with_verifier(&google, &code, verifier).await;
        assert_eq!(refused.status(), 400);
        let body = json(refused).await;
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_description"], description);
    }

    // A plain challenge is the verifier itself.
    let code = google_code(&google, &[("code_challenge", VERIFIER)]).await;
    assert_eq!(
        exchange_with_verifier(&google, &code, Some(VERIFIER))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_unknown_challenge_method_is_redirected_back_as_invalid_request() {
    let google = GoogleMock::start().await;
    let consent = google_authorize(
        &google,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S512"),
        ],
    )
    .await;
    assert_eq!(consent.status(), 302);
    let back = location(&consent);
    assert_eq!(param(&back, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&back, "code"), None);
}
