//! Google and Facebook login over real HTTP against the stand-ins
//! (`open_event_mocks`): the happy paths, every failure mode, the linking
//! rules, connections, the `state`, what the server sends the providers
//! (exactly, with call counts), and that no secret or provider token is
//! ever answered or logged.

use std::time::{Duration, Instant};

use open_event_contract_tests::{
    TestApp, TestResponse,
    providers::{Callback, Providers, consent},
};
use open_event_mocks::{
    FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, Failure, FakeUser, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET,
};
use open_event_server::{
    auth::{
        oauth_state::{self, Purpose},
        password,
    },
    db::{self, entities::user},
};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use url::Url;

use crate::support::{assert_error, new_user_logged_in};

struct World {
    app: TestApp,
    p: Providers,
    browser: reqwest::Client,
}

async fn world_with(configure: impl FnOnce(&mut open_event_server::Settings)) -> World {
    let p = Providers::start().await;
    let app = TestApp::spawn_with(|s| {
        p.configure(s);
        configure(s);
    })
    .await
    .expect("app starts");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    World { app, p, browser }
}

async fn world() -> World {
    world_with(|_| {}).await
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn keys(pairs: &[(String, String)]) -> Vec<&str> {
    let mut k: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    k.sort_unstable();
    k
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

impl World {
    async fn start(&self, provider: &str, token: Option<&str>) -> TestResponse {
        self.app
            .get(&format!("/v1/auth/oauth/{provider}"), token)
            .await
    }

    async fn authorization_url(&self, provider: &str, token: Option<&str>) -> String {
        let r = self.start(provider, token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["url"].as_str().unwrap().to_owned()
    }

    async fn callback(&self, provider: &str, token: Option<&str>, hint: Option<&str>) -> Callback {
        let url = self.authorization_url(provider, token).await;
        consent(&self.browser, &url, hint).await.unwrap()
    }

    async fn post(
        &self,
        op: &str,
        provider: &str,
        token: Option<&str>,
        cb: &Callback,
    ) -> TestResponse {
        let mut body = json!({});
        for (k, v) in [
            ("code", &cb.code),
            ("state", &cb.state),
            ("error", &cb.error),
        ] {
            if let Some(v) = v {
                body[k] = json!(v);
            }
        }
        self.app
            .json_request(
                Method::POST,
                &format!("/v1/auth/oauth/{op}/{provider}"),
                token,
                &body,
            )
            .await
    }

    async fn login(&self, provider: &str, hint: Option<&str>) -> TestResponse {
        let cb = self.callback(provider, None, hint).await;
        self.post("login", provider, None, &cb).await
    }

    async fn connect(&self, provider: &str, token: &str, hint: Option<&str>) -> TestResponse {
        let cb = self.callback(provider, Some(token), hint).await;
        self.post("connect", provider, Some(token), &cb).await
    }

    async fn user(&self, email: &str) -> user::Model {
        db::users::by_email(self.app.db(), email)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {email}"))
    }

    async fn links(&self, user_id: i64) -> Vec<String> {
        db::oauth_accounts::all_of_user(self.app.db(), user_id)
            .await
            .unwrap()
            .into_iter()
            .map(|l| format!("{}:{}", l.provider, l.provider_user_id))
            .collect()
    }

    async fn me(&self, token: &str) -> TestResponse {
        let id = claims(token)["identity"].as_i64().unwrap();
        self.app.get(&format!("/v1/users/{id}"), Some(token)).await
    }
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

fn access(r: &TestResponse) -> String {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "JWT");
    assert!(r.body["refresh_token"].is_string());
    r.body["access_token"].as_str().unwrap().to_owned()
}

// --- happy paths ---------------------------------------------------------------

#[tokio::test]
async fn google_login_makes_a_verified_account_without_password_and_answers_our_tokens() {
    let w = world().await;
    let url = Url::parse(&w.authorization_url("google", None).await).unwrap();
    assert_eq!(url[..url::Position::AfterPath], w.p.google.auth_url());
    assert_eq!(query(&url, "client_id").unwrap(), GOOGLE_CLIENT_ID);
    assert_eq!(
        query(&url, "redirect_uri").unwrap(),
        "http://localhost:4200/oauth/callback"
    );
    assert_eq!(query(&url, "response_type").unwrap(), "code");
    assert_eq!(query(&url, "scope").unwrap(), "openid email profile");
    assert_eq!(query(&url, "code_challenge_method").unwrap(), "S256");
    assert_eq!(query(&url, "code_challenge").unwrap().len(), 43);
    let state = claims(&query(&url, "state").unwrap());
    assert_eq!(
        (state["prv"].as_str(), state["pur"].as_str()),
        (Some("google"), Some("login"))
    );
    assert_eq!(
        state["exp"].as_i64().unwrap() - state["iat"].as_i64().unwrap(),
        600
    );
    assert!(!url.as_str().contains(GOOGLE_CLIENT_SECRET));

    let token = access(&w.login("google", None).await);
    let ada = w.user("ada.lovelace@example.com").await;
    assert!(ada.is_verified);
    assert!(!password::is_set(&ada.password_hash));
    assert_eq!(
        (ada.first_name.as_deref(), ada.last_name.as_deref()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert!(ada.avatar_url.unwrap().starts_with(&w.p.google.base_url()));
    assert_eq!(
        w.links(ada.id).await,
        [format!("google:{}", w.p.google.default_user().id)]
    );
    assert_eq!(claims(&token)["fresh"], true);
    let me = w.me(&token).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        me.body["data"]["attributes"]["email"],
        "ada.lovelace@example.com"
    );
}

#[tokio::test]
async fn facebook_login_reads_the_graph_profile_and_a_second_login_is_the_same_account() {
    let w = world().await;
    let url = Url::parse(&w.authorization_url("facebook", None).await).unwrap();
    assert_eq!(url[..url::Position::AfterPath], w.p.facebook.dialog_url());
    assert_eq!(query(&url, "client_id").unwrap(), FACEBOOK_APP_ID);
    assert_eq!(query(&url, "scope").unwrap(), "email,public_profile");
    assert_eq!(query(&url, "code_challenge"), None);

    let grace = FakeUser::new("grace.hopper@example.com");
    w.p.facebook.add_user(grace.clone());
    let first = access(&w.login("facebook", Some("grace.hopper@example.com")).await);
    let second = access(&w.login("facebook", Some("grace.hopper@example.com")).await);
    assert_eq!(claims(&first)["identity"], claims(&second)["identity"]);
    let u = w.user("grace.hopper@example.com").await;
    assert!(u.is_verified);
    assert_eq!(w.links(u.id).await, [format!("facebook:{}", grace.id)]);
    assert_eq!(w.me(&second).await.status, 200);
}

#[tokio::test]
async fn code_and_state_as_query_parameters_work_as_open_events_frontend_sends_them() {
    let w = world().await;
    let cb = w.callback("google", None, None).await;
    let back = Url::parse(&cb.url).unwrap();
    // The whole callback query, as a frontend forwards it (Google adds scope).
    let path = format!(
        "/v1/auth/oauth/login/google?{}&authuser=0&prompt=consent",
        back.query().unwrap()
    );
    let r = TestApp::read(w.app.client().post(w.app.url(&path))).await;
    access(&r);

    let cb = w.callback("google", None, None).await;
    let path = format!(
        "/v1/auth/oauth/login/google?code={}&state={}&nonsense=1",
        cb.code.unwrap(),
        cb.state.unwrap()
    );
    let r = TestApp::read(w.app.client().post(w.app.url(&path))).await;
    assert_error(&r, 400, "invalid-parameter");
    assert_eq!(r.error_parameter(), "nonsense");
}

// --- what the server sends the providers ------------------------------------------

#[tokio::test]
async fn google_gets_exactly_the_client_credentials_redirect_uri_and_pkce_verifier() {
    let w = world().await;
    let _exchanges = w.p.google.expect_token_exchanges(1).await;
    let _userinfo = w.p.google.expect_userinfo_requests(1).await;
    let url = Url::parse(&w.authorization_url("google", None).await).unwrap();
    let challenge = query(&url, "code_challenge").unwrap();
    let cb = consent(&w.browser, url.as_str(), None).await.unwrap();
    access(&w.post("login", "google", None, &cb).await);

    let requests = w.p.google.server().received_requests().await.unwrap();
    let token: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/token")
        .collect();
    let userinfo: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/oauth2/v3/userinfo")
        .collect();
    assert_eq!((token.len(), userinfo.len()), (1, 1));
    let sent = form(&token[0].body);
    assert_eq!(
        keys(&sent),
        [
            "client_id",
            "client_secret",
            "code",
            "code_verifier",
            "grant_type",
            "redirect_uri"
        ]
    );
    assert_eq!(get(&sent, "grant_type"), "authorization_code");
    assert_eq!(get(&sent, "client_id"), GOOGLE_CLIENT_ID);
    assert_eq!(get(&sent, "client_secret"), GOOGLE_CLIENT_SECRET);
    assert_eq!(get(&sent, "code"), cb.code.as_deref().unwrap());
    assert_eq!(
        get(&sent, "redirect_uri"),
        "http://localhost:4200/oauth/callback"
    );
    assert_eq!(
        oauth_state::challenge_of(get(&sent, "code_verifier")),
        challenge
    );
    assert!(!cb.url.contains(get(&sent, "code_verifier")));
    assert!(token[0].headers.get("authorization").is_none());
    // Userinfo: the bearer token only, no secret, no query.
    let info = userinfo[0];
    assert_eq!(info.url.query(), None);
    let auth = info.headers["authorization"].to_str().unwrap();
    assert!(auth.starts_with("Bearer ya29.mock-"), "{auth}");
    assert!(!String::from_utf8_lossy(&info.body).contains(GOOGLE_CLIENT_SECRET));
}

#[tokio::test]
async fn facebook_gets_the_exchange_then_debug_token_with_the_app_token_then_me() {
    let w = world().await;
    let _exchanges = w.p.facebook.expect_token_exchanges(1).await;
    let _inspections = w.p.facebook.expect_token_inspections(1).await;
    let _profiles = w.p.facebook.expect_profile_requests(1).await;
    let cb = w.callback("facebook", None, None).await;
    access(&w.post("login", "facebook", None, &cb).await);

    let requests =
        w.p.facebook
            .graph_server()
            .received_requests()
            .await
            .unwrap();
    let by_path = |p: &str| -> Vec<_> { requests.iter().filter(|r| r.url.path() == p).collect() };
    let (exchange, debug, me) = (
        by_path("/v19.0/oauth/access_token"),
        by_path("/debug_token"),
        by_path("/v19.0/me"),
    );
    assert_eq!(
        (exchange.len(), debug.len(), me.len(), requests.len()),
        (1, 1, 1, 3)
    );
    let q = |r: &wiremock::Request| form(r.url.query().unwrap_or_default().as_bytes());
    let sent = q(exchange[0]);
    assert_eq!(
        keys(&sent),
        ["client_id", "client_secret", "code", "redirect_uri"]
    );
    assert_eq!(get(&sent, "client_id"), FACEBOOK_APP_ID);
    assert_eq!(get(&sent, "client_secret"), FACEBOOK_APP_SECRET);
    assert_eq!(get(&sent, "code"), cb.code.as_deref().unwrap());
    assert_eq!(
        get(&sent, "redirect_uri"),
        "http://localhost:4200/oauth/callback"
    );
    let inspected = q(debug[0]);
    assert_eq!(keys(&inspected), ["access_token", "input_token"]);
    assert_eq!(
        get(&inspected, "access_token"),
        format!("{FACEBOOK_APP_ID}|{FACEBOOK_APP_SECRET}")
    );
    assert!(get(&inspected, "input_token").starts_with("EAAmock"));
    let profile = q(me[0]);
    assert_eq!(keys(&profile), ["fields"]);
    let fields: Vec<&str> = get(&profile, "fields").split(',').collect();
    assert!(fields.contains(&"email") && fields.contains(&"picture") && fields.contains(&"id"));
    let auth = me[0].headers["authorization"].to_str().unwrap();
    assert_eq!(auth, format!("Bearer {}", get(&inspected, "input_token")));
    assert!(
        w.p.facebook
            .www_server()
            .received_requests()
            .await
            .unwrap()
            .len()
            == 1
    );
}

// --- linking rules ----------------------------------------------------------------

#[tokio::test]
async fn a_verified_provider_email_links_the_existing_verified_account() {
    let w = world().await;
    use open_event_factories::prelude::*;
    let u = UserFactory::new()
        .with_email("ada.lovelace@example.com")
        .create(w.app.db())
        .await
        .unwrap();
    let token = access(&w.login("google", None).await);
    assert_eq!(claims(&token)["identity"], json!(u.id));
    assert_eq!(w.links(u.id).await.len(), 1);
    // Its password still works.
    let r = w
        .app
        .login(
            "ada.lovelace@example.com",
            open_event_factories::password::DEFAULT_PASSWORD,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn linking_an_unverified_account_revokes_its_unproven_password_and_tokens() {
    let w = world().await;
    // Someone registered Ada's address without proving it.
    let (id, squatter) =
        new_user_logged_in(&w.app, "ada.lovelace@example.com", "squatter-pw").await;
    let token = access(&w.login("google", None).await);
    assert_eq!(claims(&token)["identity"].to_string(), id);
    let ada = w.user("ada.lovelace@example.com").await;
    assert!(ada.is_verified && !password::is_set(&ada.password_hash));
    assert_error(
        &w.app.login("ada.lovelace@example.com", "squatter-pw").await,
        401,
        "unauthorized",
    );
    assert_error(&w.me(&squatter).await, 401, "unauthorized");
    assert_eq!(w.me(&token).await.status, 200);
}

#[tokio::test]
async fn an_unverified_provider_email_never_links_nor_creates_an_account() {
    let w = world().await;
    w.p.google.fail_with(Failure::UnverifiedEmail);
    let r = w.login("google", None).await;
    assert_error(&r, 409, "oauth-email-unverified");
    assert!(
        db::users::by_email(w.app.db(), "ada.lovelace@example.com")
            .await
            .unwrap()
            .is_none()
    );

    let (id, _) = new_user_logged_in(&w.app, "ada.lovelace@example.com", "her-password").await;
    let r = w.login("google", None).await;
    assert_error(&r, 409, "oauth-email-unverified");
    let detail = r.body["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("Log in with your password and connect Google"),
        "{detail}"
    );
    assert!(w.links(id.parse().unwrap()).await.is_empty());
}

#[tokio::test]
async fn facebook_without_an_email_is_a_409_that_says_to_register_and_connect() {
    let w = world().await;
    w.p.facebook
        .set_default_user(FakeUser::new("phone.only@example.com").without_email());
    let r = w.login("facebook", None).await;
    assert_error(&r, 409, "oauth-email-missing");
    // Facebook hides unconfirmed emails: the same answer.
    w.p.facebook.fail_with(Failure::UnverifiedEmail);
    assert_error(&w.login("facebook", None).await, 409, "oauth-email-missing");
}

#[tokio::test]
async fn a_blocked_account_cannot_log_in_with_its_provider() {
    let w = world().await;
    access(&w.login("google", None).await);
    let ada = w.user("ada.lovelace@example.com").await;
    let mut am: user::ActiveModel = ada.into();
    am.is_blocked = Set(true);
    am.update(w.app.db()).await.unwrap();
    assert_error(&w.login("google", None).await, 401, "unauthorized");
}

#[tokio::test]
async fn an_account_made_by_a_provider_has_no_password_until_a_reset_sets_one() {
    let w = world().await;
    let token = access(&w.login("google", None).await);
    for guess in ["", "!no-password", "no-password"] {
        assert_eq!(
            w.app.login("ada.lovelace@example.com", guess).await.status,
            401
        );
    }
    let r = w
        .app
        .post_json(
            "/v1/auth/change-password",
            Some(&token),
            &json!({"data": {"old-password": "anything", "new-password": "a-new-password"}}),
        )
        .await;
    assert_error(&r, 422, "invalid-attribute");
    assert!(r.text.contains("password reset"), "{}", r.text);
    let list = w.app.get("/v1/auth/oauth/connections", Some(&token)).await;
    assert_eq!(list.body["has-password"], false);
}

// --- connections ---------------------------------------------------------------------

#[tokio::test]
async fn a_logged_in_user_connects_lists_logs_in_with_and_disconnects_a_provider() {
    let w = world().await;
    let (id, token) = new_user_logged_in(&w.app, "me@example.com", "my-password").await;
    let url = Url::parse(&w.authorization_url("google", Some(&token)).await).unwrap();
    let state = claims(&query(&url, "state").unwrap());
    assert_eq!(state["pur"], "connect");
    assert_eq!(state["uid"].to_string(), id);

    let r = w.connect("google", &token, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["provider"], "google");
    assert_eq!(r.body["email"], "ada.lovelace@example.com");
    assert!(r.body["connected-at"].is_string());
    // Again, the same account: nothing changes.
    assert_eq!(w.connect("google", &token, None).await.status, 200);
    let list = w.app.get("/v1/auth/oauth/connections", Some(&token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["has-password"], true);
    assert_eq!(list.body["connections"].as_array().unwrap().len(), 1);
    // The Google account (another email) now logs in as me.
    let via_google = access(&w.login("google", None).await);
    assert_eq!(claims(&via_google)["identity"].to_string(), id);
    assert!(
        db::users::by_email(w.app.db(), "ada.lovelace@example.com")
            .await
            .unwrap()
            .is_none()
    );

    let gone = w
        .app
        .delete("/v1/auth/oauth/connections/google", Some(&token))
        .await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    assert_eq!(gone.body["message"], "Google disconnected");
    assert_error(
        &w.app
            .delete("/v1/auth/oauth/connections/google", Some(&token))
            .await,
        404,
        "not-found",
    );
    assert_error(
        &w.app
            .delete("/v1/auth/oauth/connections/myspace", Some(&token))
            .await,
        404,
        "not-found",
    );
    let list = w.app.get("/v1/auth/oauth/connections", Some(&token)).await;
    assert_eq!(list.body["connections"], json!([]));
    assert_error(
        &w.app.get("/v1/auth/oauth/connections", None).await,
        401,
        "unauthorized",
    );
}

#[tokio::test]
async fn a_provider_account_linked_elsewhere_or_a_second_one_is_a_409() {
    let w = world().await;
    access(&w.login("google", None).await); // Ada's Google account now has its own user.
    let (_, token) = new_user_logged_in(&w.app, "me@example.com", "my-password").await;
    assert_error(
        &w.connect("google", &token, None).await,
        409,
        "oauth-account-linked",
    );

    w.p.google
        .add_user(FakeUser::new("me.at.google@example.com"));
    w.p.google.add_user(FakeUser::new("me.again@example.com"));
    assert_eq!(
        w.connect("google", &token, Some("me.at.google@example.com"))
            .await
            .status,
        200
    );
    assert_error(
        &w.connect("google", &token, Some("me.again@example.com"))
            .await,
        409,
        "oauth-provider-connected",
    );
}

#[tokio::test]
async fn the_last_way_to_log_in_cannot_be_disconnected() {
    let w = world().await;
    let token = access(&w.login("google", None).await);
    let r = w
        .app
        .delete("/v1/auth/oauth/connections/google", Some(&token))
        .await;
    assert_error(&r, 409, "last-login-method");
    // With Facebook connected too, Google can go; then Facebook is the last.
    assert_eq!(w.connect("facebook", &token, None).await.status, 200);
    assert_eq!(
        w.app
            .delete("/v1/auth/oauth/connections/google", Some(&token))
            .await
            .status,
        200
    );
    assert_error(
        &w.app
            .delete("/v1/auth/oauth/connections/facebook", Some(&token))
            .await,
        409,
        "last-login-method",
    );
    // A password (set by a reset) is a way to log in.
    let r = w
        .app
        .post_json(
            "/v1/auth/reset-password",
            None,
            &json!({"data": {"email": "ada.lovelace@example.com"}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let mail = w
        .app
        .mails_to("ada.lovelace@example.com")
        .await
        .pop()
        .unwrap();
    let r = w
        .app
        .json_request(
            Method::PATCH,
            "/v1/auth/reset-password",
            None,
            &json!({"data": {"token": mail.token.unwrap(), "password": "finally-a-password"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let token = access(
        &w.app
            .login("ada.lovelace@example.com", "finally-a-password")
            .await,
    );
    assert_eq!(
        w.app
            .delete("/v1/auth/oauth/connections/facebook", Some(&token))
            .await
            .status,
        200
    );
}

// --- the state -------------------------------------------------------------------------

#[tokio::test]
async fn a_tampered_expired_foreign_replayed_or_missing_state_is_a_400() {
    let w = world().await;
    let _one_exchange = w.p.google.expect_token_exchanges(1).await;
    let secret = w.app.state.settings.jwt_secret.clone();
    let cb = w.callback("google", None, None).await;
    let with_state = |state: &str| Callback {
        state: Some(state.to_owned()),
        ..cb.clone()
    };
    let good = cb.state.clone().unwrap();

    let mut tampered = good.clone();
    let mid = tampered.find('.').unwrap() + 5;
    tampered.replace_range(
        mid..=mid,
        if &tampered[mid..=mid] == "A" {
            "B"
        } else {
            "A"
        },
    );
    let expired = oauth_state::issue("google", Purpose::Login, None, -1)
        .encode(&secret)
        .unwrap();
    let foreign_secret = oauth_state::issue("google", Purpose::Login, None, 600)
        .encode("not-the-server-secret")
        .unwrap();
    let for_facebook = oauth_state::issue("facebook", Purpose::Login, None, 600)
        .encode(&secret)
        .unwrap();
    let to_connect = oauth_state::issue("google", Purpose::Connect, Some(1), 600)
        .encode(&secret)
        .unwrap();
    for (state, words) in [
        (tampered.as_str(), "not one this server issued"),
        (expired.as_str(), "expired"),
        (foreign_secret.as_str(), "not one this server issued"),
        (for_facebook.as_str(), "issued for `facebook`"),
        (to_connect.as_str(), "to connect an account"),
        ("", "missing"),
    ] {
        let r = w.post("login", "google", None, &with_state(state)).await;
        assert_error(&r, 400, "invalid-state");
        assert!(r.text.contains(words), "{state}: {}", r.text);
    }
    // The good state works once; a replay is refused before the provider is asked.
    access(&w.post("login", "google", None, &cb).await);
    let again = w.post("login", "google", None, &cb).await;
    assert_error(&again, 400, "invalid-state");
    assert!(again.text.contains("already used"));
    // A Google state at the Facebook endpoint.
    let other = w.callback("google", None, None).await;
    assert_error(
        &w.post("login", "facebook", None, &other).await,
        400,
        "invalid-state",
    );
}

#[tokio::test]
async fn a_connect_state_works_only_for_its_user_and_a_login_state_does_not_connect() {
    let w = world().await;
    let (_, mine) = new_user_logged_in(&w.app, "me@example.com", "my-password").await;
    let (_, theirs) = new_user_logged_in(&w.app, "them@example.com", "their-password").await;
    let cb = w.callback("google", Some(&theirs), None).await;
    let r = w.post("connect", "google", Some(&mine), &cb).await;
    assert_error(&r, 400, "invalid-state");
    assert!(r.text.contains("another account"));
    let login_cb = w.callback("google", None, None).await;
    assert_error(
        &w.post("connect", "google", Some(&mine), &login_cb).await,
        400,
        "invalid-state",
    );
    assert_error(
        &w.post("connect", "google", None, &cb).await,
        401,
        "unauthorized",
    );
}

#[tokio::test]
async fn unknown_and_unconfigured_providers_are_404() {
    let w = world().await;
    assert_error(&w.start("myspace", None).await, 404, "unknown-provider");
    let cb = Callback::default();
    assert_error(
        &w.post("login", "myspace", None, &cb).await,
        404,
        "unknown-provider",
    );
    let bare = TestApp::spawn().await.unwrap();
    let r = bare.get("/v1/auth/oauth/google", None).await;
    assert_error(&r, 404, "provider-not-configured");
    assert!(r.text.contains("Google login is not configured"));
    let r = bare
        .post_json(
            "/v1/auth/oauth/login/facebook",
            None,
            &json!({"code": "x", "state": "y"}),
        )
        .await;
    assert_error(&r, 404, "provider-not-configured");
}

// --- every failure mode ------------------------------------------------------------------

#[tokio::test]
async fn denied_consent_is_a_403_and_the_provider_is_not_asked_for_a_token() {
    let w = world().await;
    for provider in ["google", "facebook"] {
        let (_g, _f) = (
            w.p.google.expect_token_exchanges(0).await,
            w.p.facebook.expect_token_exchanges(0).await,
        );
        w.p.google.fail_with(Failure::ConsentDenied);
        w.p.facebook.fail_with(Failure::ConsentDenied);
        let cb = w.callback(provider, None, None).await;
        assert_eq!(cb.error.as_deref(), Some("access_denied"));
        assert_eq!(cb.code, None);
        let r = w.post("login", provider, None, &cb).await;
        assert_error(&r, 403, "access-denied");
        assert!(r.text.contains("declined"), "{}", r.text);
    }
}

#[tokio::test]
async fn provider_failures_are_502_with_a_clear_error_and_no_secret() {
    let w = world_with(|s| s.oauth_timeout_ms = 300).await;
    let cases = [
        (Failure::InvalidCode, "refused the code exchange"),
        (Failure::ServerError, "failed during the code exchange"),
        (Failure::MalformedJson, "unreadable answer"),
        (Failure::Slow(Duration::from_millis(1500)), "did not answer"),
    ];
    for provider in ["google", "facebook"] {
        for (failure, words) in cases {
            w.p.google.heal();
            w.p.facebook.heal();
            let cb = w.callback(provider, None, None).await;
            w.p.google.fail_with(failure);
            w.p.facebook.fail_with(failure);
            let started = Instant::now();
            let r = w.post("login", provider, None, &cb).await;
            assert_error(&r, 502, "provider-error");
            assert!(r.text.contains(words), "{provider} {failure:?}: {}", r.text);
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{provider} {failure:?} took {:?}",
                started.elapsed()
            );
            for secret in [
                GOOGLE_CLIENT_SECRET,
                FACEBOOK_APP_SECRET,
                cb.code.as_deref().unwrap(),
            ] {
                assert!(!r.text.contains(secret), "{}", r.text);
            }
        }
    }
    // A provider error other than a denial on the callback: 502 too.
    w.p.google.heal();
    let mut cb = w.callback("google", None, None).await;
    cb.error = Some("temporarily_unavailable".into());
    assert_error(
        &w.post("login", "google", None, &cb).await,
        502,
        "provider-error",
    );
}

#[tokio::test]
async fn a_debug_token_for_another_app_is_not_trusted() {
    use wiremock::{Mock, ResponseTemplate, matchers::path};
    let w = world().await;
    let cb = w.callback("facebook", None, None).await;
    Mock::given(path("/debug_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"app_id": "999", "is_valid": true, "user_id": "1"}}),
            ),
        )
        .mount(w.p.facebook.graph_server())
        .await;
    let r = w.post("login", "facebook", None, &cb).await;
    assert_error(&r, 502, "provider-error");
    assert!(r.text.contains("another app"), "{}", r.text);
}

#[tokio::test]
async fn the_spec_documents_the_oauth_operations_without_any_secret() {
    let w = world().await;
    let spec = w.app.get("/openapi.json", None).await;
    for secret in [GOOGLE_CLIENT_SECRET, FACEBOOK_APP_SECRET] {
        assert!(!spec.text.contains(secret));
    }
    for path in [
        "/v1/auth/oauth/{provider}",
        "/v1/auth/oauth/login/{provider}",
        "/v1/auth/oauth/connect/{provider}",
        "/v1/auth/oauth/connections",
        "/v1/auth/oauth/connections/{provider}",
    ] {
        let item = &spec.body["paths"][path];
        assert!(item.is_object(), "{path} missing");
        for op in item.as_object().unwrap().values() {
            assert!(op["x-permissions"].is_object(), "{path}");
        }
    }
    assert!(
        spec.body["paths"]["/v1/auth/oauth/login/{provider}"]["post"]["responses"]["502"]
            .is_object()
    );
    let _ = user::Entity::find();
}
