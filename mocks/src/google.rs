//! The Google stand-in: OAuth 2 authorization code flow plus OpenID Connect userinfo.

mod endpoints;

use wiremock::{MockGuard, MockServer, Times};

use crate::failure::Failure;
use crate::state::Shared;
use crate::user::FakeUser;

/// The client id the stand-in knows; configure the server with it.
pub const GOOGLE_CLIENT_ID: &str = "1234567890-openevent.apps.googleusercontent.com";
/// The client secret the stand-in knows; configure the server with it.
pub const GOOGLE_CLIENT_SECRET: &str = "GOCSPX-open-event-mock-secret";

const AUTH_PATH: &str = "/o/oauth2/v2/auth";
const TOKEN_PATH: &str = "/token";
const USERINFO_PATH: &str = "/oauth2/v3/userinfo";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
const CERTS_PATH: &str = "/oauth2/v3/certs";

/// Who the responders answer for: the registered client and where it lives.
#[derive(Debug, Clone)]
struct Client {
    id: String,
    secret: String,
    base_url: String,
}

/// A fake Google account server on its own [`MockServer`].
///
/// | endpoint | path |
/// |---|---|
/// | authorization (browser) | `GET /o/oauth2/v2/auth` |
/// | token | `POST /token` |
/// | userinfo | `GET /oauth2/v3/userinfo` |
/// | OpenID discovery | `GET /.well-known/openid-configuration` |
/// | generated avatars | `GET /avatar/<id>.svg` |
///
/// The authorization endpoint checks `client_id` (else 401 page), `redirect_uri` (else
/// 400 page, no redirect), then redirects back with `error=unsupported_response_type`
/// unless `response_type=code`, `error=invalid_request` without `scope` and
/// `error=invalid_scope` for scopes other than `openid`, `email`, `profile` (or their
/// `https://www.googleapis.com/auth/userinfo.*` forms). `state` is echoed when sent.
/// A PKCE `code_challenge` (`S256`, or `plain` when no method is named) binds the
/// code: its exchange then needs the matching `code_verifier` (else `invalid_grant`).
///
/// The token endpoint takes the client credentials in the form (`client_secret_post`)
/// or in a Basic header (`client_secret_basic`). It answers `invalid_client` (401),
/// `invalid_grant` (400, unknown or already used code), `redirect_uri_mismatch` (400),
/// `unsupported_grant_type` (400). With the `openid` scope the answer carries an
/// `id_token` signed HS256 with the client secret.
///
/// Userinfo honours the granted scopes like Google: `sub` always, `email` and
/// `email_verified` with `email`, names and `picture` with `profile`. Tokens live 3599 s.
#[derive(Debug)]
pub struct GoogleMock {
    server: MockServer,
    state: Shared,
    client: Client,
}

impl GoogleMock {
    /// Starts the stand-in on a fresh [`MockServer`] with [`FakeUser::default`] as its
    /// only account.
    pub async fn start() -> Self {
        Self::start_on(MockServer::start().await).await
    }

    /// Starts the stand-in on a server you built, e.g. with
    /// `MockServer::builder().disable_request_recording()` for a long-lived mock server.
    pub async fn start_on(server: MockServer) -> Self {
        let client = Client {
            id: GOOGLE_CLIENT_ID.to_owned(),
            secret: GOOGLE_CLIENT_SECRET.to_owned(),
            base_url: server.uri(),
        };
        let google = Self {
            server,
            state: Shared::new(),
            client,
        };
        let (state, client) = (&google.state, &google.client);
        let mocks = [
            endpoints::authorize(state, client).named("Google authorization endpoint"),
            endpoints::token(state, client).named("Google token endpoint"),
            endpoints::userinfo(state, client).named("Google userinfo endpoint"),
            endpoints::discovery(state, client).named("Google OpenID discovery"),
            endpoints::certs(state).named("Google JWKS"),
            crate::avatar::mock(state.clone()),
        ];
        for mock in mocks {
            // Below the default priority, so that expectation mocks match first.
            google.server.register(mock.with_priority(10)).await;
        }
        google
    }

    /// The value for the server's `google_base_url`.
    pub fn base_url(&self) -> String {
        self.client.base_url.clone()
    }

    /// The authorization endpoint, where the browser is sent.
    pub fn auth_url(&self) -> String {
        format!("{}{AUTH_PATH}", self.client.base_url)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.client.base_url)
    }

    /// The userinfo endpoint.
    pub fn userinfo_url(&self) -> String {
        format!("{}{USERINFO_PATH}", self.client.base_url)
    }

    /// The OpenID discovery document, listing the three endpoints above.
    pub fn discovery_url(&self) -> String {
        format!("{}{DISCOVERY_PATH}", self.client.base_url)
    }

    /// The registered client id.
    pub fn client_id(&self) -> &str {
        &self.client.id
    }

    /// The registered client secret.
    pub fn client_secret(&self) -> &str {
        &self.client.secret
    }

    /// The underlying server, for extra stubs or `received_requests()`.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Adds an account (replacing one with the same email), selectable by `login_hint`.
    pub fn add_user(&self, user: FakeUser) {
        self.state.add_user(user);
    }

    /// Adds an account and makes it the one that logs in without `login_hint`.
    pub fn set_default_user(&self, user: FakeUser) {
        self.state.set_default_user(user);
    }

    /// The account that logs in without `login_hint`.
    pub fn default_user(&self) -> FakeUser {
        self.state.default_user()
    }

    /// Registers an allowed `redirect_uri`. Until the first one is registered, any
    /// absolute http(s) URL is allowed, so a harness need not know the server's port.
    pub fn register_redirect_uri(&self, uri: impl Into<String>) {
        self.state.register_redirect_uri(uri);
    }

    /// Switches a failure mode on; see [`Failure`].
    pub fn fail_with(&self, failure: Failure) {
        self.state.fail_with(failure);
    }

    /// Switches every failure mode off.
    pub fn heal(&self) {
        self.state.heal();
    }

    /// Expects `times` visits to the authorization endpoint while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_authorizations(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::authorize(&self.state, &self.client)
            .named("Google authorizations")
            .expect(times)
            .mount_as_scoped(&self.server)
            .await
    }

    /// Expects `times` calls to the token endpoint while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_token_exchanges(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::token(&self.state, &self.client)
            .named("Google token exchanges")
            .expect(times)
            .mount_as_scoped(&self.server)
            .await
    }

    /// Expects `times` calls to the userinfo endpoint while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_userinfo_requests(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::userinfo(&self.state, &self.client)
            .named("Google userinfo requests")
            .expect(times)
            .mount_as_scoped(&self.server)
            .await
    }
}
