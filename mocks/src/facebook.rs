//! The Facebook stand-in: the Login dialog on `www.facebook.com` and the Graph API on
//! `graph.facebook.com`, each on its own [`MockServer`] like the real hosts.

mod endpoints;

use wiremock::{MockGuard, MockServer, Times};

use crate::failure::Failure;
use crate::state::Shared;
use crate::user::FakeUser;

/// The app id the stand-in knows; configure the server with it.
pub const FACEBOOK_APP_ID: &str = "1234567890123456";
/// The app secret the stand-in knows; configure the server with it.
pub const FACEBOOK_APP_SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The Graph API version used by the URL accessors. The stand-in accepts any
/// `vX.Y` prefix, and none, as Graph does.
pub const GRAPH_VERSION: &str = "v19.0";

/// Who the responders answer for: the registered app and where Graph lives.
#[derive(Debug, Clone)]
struct App {
    id: String,
    secret: String,
    graph_url: String,
}

/// A fake Facebook: the Login dialog plus the Graph API.
///
/// | host | endpoint | path |
/// |---|---|---|
/// | `facebook_base_url` | Login dialog (browser) | `GET /v19.0/dialog/oauth` |
/// | `graph_base_url` | code exchange | `GET /v19.0/oauth/access_token` |
/// | `graph_base_url` | token inspection | `GET /debug_token` |
/// | `graph_base_url` | profile | `GET /v19.0/me` (or `/<user id>`) |
/// | `graph_base_url` | generated avatars | `GET /avatar/<id>.svg` |
///
/// The dialog checks `client_id` and `redirect_uri` (else a 400 page, no redirect),
/// takes `scope` (comma separated; `public_profile` is always granted) and `state`.
/// Graph errors are Graph error objects, `{"error": {"message", "type": "OAuthException",
/// "code", "error_subcode"?, "fbtrace_id"}}`: a bad app id is code 101, a bad secret code
/// 1, an unknown code 100, a used code 100/36009, a changed `redirect_uri` 100/36008, a
/// bad access token 190. `debug_token` needs the app token `<app id>|<app secret>`.
/// `/me` returns only the requested `fields` (default `id,name`), and `email` only with
/// the `email` scope and a verified address. Tokens live 5183944 s.
#[derive(Debug)]
pub struct FacebookMock {
    www: MockServer,
    graph: MockServer,
    state: Shared,
    app: App,
}

impl FacebookMock {
    /// Starts the stand-in on two fresh [`MockServer`]s with [`FakeUser::default`] as its
    /// only account.
    pub async fn start() -> Self {
        Self::start_on(MockServer::start().await, MockServer::start().await).await
    }

    /// Starts the stand-in on servers you built: `www` for the dialog, `graph` for Graph.
    pub async fn start_on(www: MockServer, graph: MockServer) -> Self {
        let app = App {
            id: FACEBOOK_APP_ID.to_owned(),
            secret: FACEBOOK_APP_SECRET.to_owned(),
            graph_url: graph.uri(),
        };
        let facebook = Self {
            www,
            graph,
            state: Shared::new(),
            app,
        };
        let (state, app) = (&facebook.state, &facebook.app);
        let dialog = endpoints::dialog(state, app).named("Facebook Login dialog");
        facebook.www.register(dialog.with_priority(10)).await;
        let graph_mocks = [
            endpoints::access_token(state, app).named("Graph code exchange"),
            endpoints::debug_token(state, app).named("Graph debug_token"),
            endpoints::me(state, app).named("Graph /me"),
            crate::avatar::mock(state.clone()),
        ];
        for mock in graph_mocks {
            // Below the default priority, so that expectation mocks match first.
            facebook.graph.register(mock.with_priority(10)).await;
        }
        facebook
    }

    /// The value for the server's `facebook_base_url` (the `www.facebook.com` stand-in).
    pub fn facebook_base_url(&self) -> String {
        self.www.uri()
    }

    /// The value for the server's `graph_base_url` (the `graph.facebook.com` stand-in).
    pub fn graph_base_url(&self) -> String {
        self.app.graph_url.clone()
    }

    /// The Login dialog, where the browser is sent.
    pub fn dialog_url(&self) -> String {
        format!("{}/{GRAPH_VERSION}/dialog/oauth", self.www.uri())
    }

    /// The code exchange endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/{GRAPH_VERSION}/oauth/access_token", self.app.graph_url)
    }

    /// The token inspection endpoint.
    pub fn debug_token_url(&self) -> String {
        format!("{}/debug_token", self.app.graph_url)
    }

    /// The profile of the token's user.
    pub fn me_url(&self) -> String {
        format!("{}/{GRAPH_VERSION}/me", self.app.graph_url)
    }

    /// The registered app id.
    pub fn client_id(&self) -> &str {
        &self.app.id
    }

    /// The registered app secret.
    pub fn client_secret(&self) -> &str {
        &self.app.secret
    }

    /// The app access token `debug_token` requires: `<app id>|<app secret>`.
    pub fn app_access_token(&self) -> String {
        format!("{}|{}", self.app.id, self.app.secret)
    }

    /// The dialog's server, for extra stubs or `received_requests()`.
    pub fn www_server(&self) -> &MockServer {
        &self.www
    }

    /// The Graph server, for extra stubs or `received_requests()`.
    pub fn graph_server(&self) -> &MockServer {
        &self.graph
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

    /// Expects `times` visits to the Login dialog while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_dialogs(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::dialog(&self.state, &self.app)
            .named("Facebook Login dialogs")
            .expect(times)
            .mount_as_scoped(&self.www)
            .await
    }

    /// Expects `times` code exchanges while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_token_exchanges(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::access_token(&self.state, &self.app)
            .named("Graph code exchanges")
            .expect(times)
            .mount_as_scoped(&self.graph)
            .await
    }

    /// Expects `times` `debug_token` calls while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_token_inspections(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::debug_token(&self.state, &self.app)
            .named("Graph debug_token calls")
            .expect(times)
            .mount_as_scoped(&self.graph)
            .await
    }

    /// Expects `times` profile requests (`/me` or `/<user id>`) while the guard lives.
    #[must_use = "the expectation is checked when the guard is dropped"]
    pub async fn expect_profile_requests(&self, times: impl Into<Times>) -> MockGuard {
        endpoints::me(&self.state, &self.app)
            .named("Graph profile requests")
            .expect(times)
            .mount_as_scoped(&self.graph)
            .await
    }
}
