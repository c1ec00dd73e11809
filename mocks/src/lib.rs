//! Stand-ins for the OAuth providers open-event-rs logs people in with: Google, and
//! Facebook with its Graph API. Each runs on a [`wiremock`] server of its own, speaks the
//! provider's protocol closely enough for a real OAuth client, and keeps state, so a code
//! the authorization endpoint issued can be exchanged once and its token then read.
//!
//! The crate also holds the mock server for frontend teams (the binary
//! `open-event-mock`, built in [`mock_server`]): the real API on seeded
//! in-memory data with these stand-ins wired in.
//!
//! # Pointing a server at them
//!
//! The server reads one base URL per upstream from its config. The stand-ins expose
//! exactly these values:
//!
//! | config key | stand-in | production value |
//! |---|---|---|
//! | `google_base_url` | [`GoogleMock::base_url`] | see below |
//! | `facebook_base_url` | [`FacebookMock::facebook_base_url`] | `https://www.facebook.com` |
//! | `graph_base_url` | [`FacebookMock::graph_base_url`] | `https://graph.facebook.com` |
//!
//! The server appends the provider paths: `/o/oauth2/v2/auth`, `/token` and
//! `/oauth2/v3/userinfo` for Google; `/v19.0/dialog/oauth` on the Facebook base;
//! `/v19.0/oauth/access_token`, `/debug_token` and `/v19.0/me` on the Graph base. Real
//! Google spreads these over three hosts; both Google and the stand-in list them in the
//! OpenID discovery document at `<google_base_url>/.well-known/openid-configuration`
//! (production: `https://accounts.google.com`), the portable way to find them.
//!
//! Client ids and secrets are fixed ([`GOOGLE_CLIENT_ID`], [`FACEBOOK_APP_ID`], …) and
//! also available from each stand-in, e.g. [`GoogleMock::client_secret`].
//!
//! # Accounts
//!
//! A stand-in starts with one account, [`FakeUser::default`] (Ada Lovelace). Add more
//! with `add_user`, change the default with `set_default_user`. The authorization
//! endpoint logs in the account whose email is the `login_hint` query parameter (an
//! unknown email becomes a new account, derived by [`FakeUser::new`]), or else the
//! default account.
//!
//! # Failure modes
//!
//! `fail_with(`[`Failure`]`::…)` makes a stand-in misbehave until `heal()`: denied
//! consent, rejected codes, 5xx, slow responses, truncated JSON, unverified email.
//!
//! # Expectations
//!
//! Intention-named helpers (`expect_token_exchanges(1)`, `expect_profile_requests(..)`)
//! return a [`MockGuard`] that panics when dropped if the count was not met, listing the
//! requests received, like any scoped wiremock expectation.
//!
//! # Example: the Google code flow
//!
//! ```
//! use open_event_mocks::GoogleMock;
//! use serde_json::Value;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let google = GoogleMock::start().await;
//! let _exchange = google.expect_token_exchanges(1).await;
//! let http = reqwest::Client::builder()
//!     .redirect(reqwest::redirect::Policy::none())
//!     .build()?;
//! let callback = "http://127.0.0.1:8080/v1/auth/oauth/google/callback";
//!
//! // The browser visits the authorization endpoint and is sent back with a code.
//! let consent = http
//!     .get(google.auth_url())
//!     .query(&[
//!         ("client_id", google.client_id()),
//!         ("redirect_uri", callback),
//!         ("response_type", "code"),
//!         ("scope", "openid email profile"),
//!         ("state", "xyz"),
//!     ])
//!     .send()
//!     .await?;
//! assert_eq!(consent.status(), 302);
//! let location = url::Url::parse(consent.headers()["location"].to_str()?)?;
//! let param = |name| location.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
//! assert_eq!(param("state").as_deref(), Some("xyz"));
//! let code = param("code").ok_or("no code")?;
//!
//! // The server exchanges the code for a token...
//! let token: Value = http
//!     .post(google.token_url())
//!     .form(&[
//!         ("grant_type", "authorization_code"),
//!         ("code", code.as_str()),
//!         ("client_id", google.client_id()),
//!         ("client_secret", google.client_secret()),
//!         ("redirect_uri", callback),
//!     ])
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! let access_token = token["access_token"].as_str().ok_or("no access token")?;
//!
//! // ...and reads who logged in.
//! let me: Value = http
//!     .get(google.userinfo_url())
//!     .bearer_auth(access_token)
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(me["email"], "ada.lovelace@example.com");
//! assert_eq!(me["email_verified"], true);
//! # Ok(())
//! # }
//! ```

mod avatar;
mod endpoint;
mod facebook;
mod failure;
mod google;
mod id_token;
pub mod mock_server;
mod pkce;
mod reply;
mod state;
mod user;

pub use facebook::{FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, FacebookMock, GRAPH_VERSION};
pub use failure::Failure;
pub use google::{GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GoogleMock};
pub use user::{DEFAULT_USER_EMAIL, FakeUser};
pub use wiremock::{MockGuard, MockServer, Times};
