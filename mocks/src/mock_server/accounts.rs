//! The credentials table: one row per demo account (role, email, password,
//! ready tokens), the URLs a frontend needs, and how it is printed.

use std::fmt::Write as _;

use open_event_factories::seed::{DemoRole, DemoWorld};
use open_event_server::{auth::jwt::TokenType, state::AppState};
use poem_openapi::Object;

use super::error::MockServerError;

/// One demo account and what logs it in.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Account {
    /// The role label (`super-admin`, `owner`, `track-organizer`, …).
    pub role: String,
    /// What the account is for in the demo world.
    pub about: String,
    /// Log in with this email…
    pub email: String,
    /// …and this password (`POST /v1/auth/login`).
    pub password: String,
    /// The user's id (`/v1/users/{id}`).
    pub user_id: i64,
    /// A ready access token: send `Authorization: JWT <token>` (or `Bearer`).
    pub access_token: String,
    /// A refresh token (`POST /v1/auth/token/refresh`).
    pub refresh_token: String,
}

/// Where things are.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Urls {
    /// The API root (`/v1`).
    pub api: String,
    /// Swagger UI.
    pub docs: String,
    /// The OpenAPI document (the API plus the mock server's section).
    pub spec: String,
    /// The fake Google (`google_base_url`).
    pub google: String,
    /// Its authorization page.
    pub google_authorization: String,
    /// The fake Facebook Login dialog host (`facebook_base_url`).
    pub facebook: String,
    /// The dialog.
    pub facebook_authorization: String,
    /// The fake Graph API (`graph_base_url`).
    pub graph: String,
    /// Where the providers send the browser back (the frontend's page).
    pub frontend_callback: String,
}

/// The OAuth clients the fake providers know (and the API is configured with).
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Clients {
    /// Google client id.
    pub google_client_id: String,
    /// Facebook app id.
    pub facebook_app_id: String,
}

/// `GET /__mock/accounts`: the table printed at start, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct AccountsDocument {
    /// The seed of the demo data.
    pub seed: u64,
    /// One row per demo account.
    pub accounts: Vec<Account>,
    /// Where things are.
    pub urls: Urls,
    /// The OAuth clients.
    pub clients: Clients,
}

fn about(role: DemoRole) -> &'static str {
    match role {
        DemoRole::SuperAdmin => "super admin (and admin)",
        DemoRole::Admin => "admin (staff)",
        DemoRole::Owner => "owner of every demo event but Online Hack Day",
        DemoRole::Organizer => "owner of Online Hack Day; organizer of Summit, Workshop, Meetup",
        DemoRole::Coorganizer => "co-organizer of Summit and Retreat",
        DemoRole::TrackOrganizer => "track organizer of Summit",
        DemoRole::Moderator => "moderator of Summit and Online Hack Day",
        DemoRole::Registrar => "registrar of Summit and Workshop",
        DemoRole::User => "a registered user with no role",
        DemoRole::Unverified => "has not verified their email",
        DemoRole::Blocked => "blocked: the API answers 401 to its token",
    }
}

/// A row per demo account, with fresh tokens signed by the app's keys.
pub fn accounts(world: &DemoWorld, state: &AppState) -> Result<Vec<Account>, MockServerError> {
    world
        .users
        .all()
        .into_iter()
        .map(|a| {
            let u = &a.user;
            let issue = |kind, fresh| {
                state
                    .jwt
                    .issue(u.id, u.token_version, kind, fresh)
                    .map_err(MockServerError::Token)
            };
            Ok(Account {
                role: a.role.label().to_owned(),
                about: about(a.role).to_owned(),
                email: a.email.clone(),
                password: a.password.to_owned(),
                user_id: u.id,
                access_token: issue(TokenType::Access, true)?,
                refresh_token: issue(TokenType::Refresh, false)?,
            })
        })
        .collect()
}

/// The text printed at start: URLs, then `role email password access-token`
/// rows (whitespace separated, one account per line).
pub fn render(doc: &AccountsDocument, injection: &str, ready_ms: u128) -> String {
    let u = &doc.urls;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Open Event mock server: seed {}, ready in {ready_ms} ms\n",
        doc.seed
    );
    let base = u.api.trim_end_matches("/v1");
    let rows = [
        ("API", u.api.clone()),
        ("Docs", u.docs.clone()),
        ("Spec", u.spec.clone()),
        ("Reset", format!("POST {base}/__mock/reset")),
        ("Accounts", format!("GET {base}/__mock/accounts")),
        (
            "Google",
            format!("{} (client id {})", u.google, doc.clients.google_client_id),
        ),
        (
            "Facebook",
            format!("{} (app id {})", u.facebook, doc.clients.facebook_app_id),
        ),
        ("Graph API", u.graph.clone()),
        ("Callback", u.frontend_callback.clone()),
        ("Injection", injection.to_owned()),
    ];
    for (name, value) in rows {
        let _ = writeln!(out, "  {name:<10} {value}");
    }
    let width = |f: fn(&Account) -> &str, title: &str| {
        doc.accounts
            .iter()
            .map(|a| f(a).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (wr, we, wp) = (
        width(|a| &a.role, "role"),
        width(|a| &a.email, "email"),
        width(|a| &a.password, "password"),
    );
    let _ = writeln!(
        out,
        "\n  {:<wr$}  {:<we$}  {:<wp$}  access token",
        "role", "email", "password"
    );
    for a in &doc.accounts {
        let _ = writeln!(
            out,
            "  {:<wr$}  {:<we$}  {:<wp$}  {}",
            a.role, a.email, a.password, a.access_token
        );
    }
    let _ = writeln!(out, "\nStop with Ctrl-C.");
    out
}
