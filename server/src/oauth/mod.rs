//! The OAuth providers the server logs people in with: Google and Facebook.
//!
//! [`Providers`] holds one HTTP client (bounded by `oauth_timeout_ms` per
//! request, no redirects followed) and the configured clients. It builds
//! authorization URLs and turns an authorization code into a [`Profile`];
//! every way a provider can fail is a [`ProviderError`], answered 502.
//! Nothing here logs or returns a client secret, an authorization code or
//! a provider token.

pub mod facebook;
pub mod google;
mod http;

use std::time::Duration;

use serde::Serialize;

use crate::{config::Settings, error::ApiError};

pub use http::ProviderError;

/// A provider we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Google (OAuth 2 + OpenID Connect userinfo, with PKCE).
    Google,
    /// Facebook Login and the Graph API.
    Facebook,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 2] = [Provider::Google, Provider::Facebook];

    /// The provider named in a path (`google`, `facebook`).
    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Its name in paths and storage.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Facebook => "facebook",
        }
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Provider::Google => "Google",
            Provider::Facebook => "Facebook",
        }
    }
}

/// Who logged in at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The provider's id of the account (Google `sub`, Facebook user id).
    pub id: String,
    /// The account's email, if the provider shared one.
    pub email: Option<String>,
    /// Whether the provider vouches that the email belongs to the account.
    pub email_verified: bool,
    /// Display name.
    pub name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Avatar URL.
    pub picture: Option<String>,
}

/// The HTTP client could not be built (TLS set-up).
#[derive(Debug, thiserror::Error)]
#[error("the OAuth HTTP client: {0}")]
pub struct ClientError(String);

/// The configured providers and the HTTP client that talks to them.
#[derive(Debug, Clone)]
pub struct Providers {
    http: reqwest::Client,
    google: Option<google::Google>,
    facebook: Option<facebook::Facebook>,
    redirect_uri: String,
}

fn configured(id: &Option<String>, secret: &Option<String>) -> Option<(String, String)> {
    let id = id.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let secret = secret.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    Some((id.to_owned(), secret.to_owned()))
}

impl Providers {
    /// The providers whose client id and secret are both set.
    pub fn from_settings(settings: &Settings) -> Result<Providers, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.oauth_timeout_ms.max(1)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("open-event-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        let google = configured(&settings.google_client_id, &settings.google_client_secret).map(
            |(id, secret)| google::Google::new(id, secret, settings.google_base_url.as_deref()),
        );
        let facebook = configured(&settings.facebook_app_id, &settings.facebook_app_secret).map(
            |(id, secret)| {
                facebook::Facebook::new(
                    id,
                    secret,
                    &settings.facebook_base_url,
                    &settings.graph_base_url,
                )
            },
        );
        let redirect_uri = settings.oauth_redirect_uri.clone().unwrap_or_else(|| {
            format!(
                "{}/oauth/callback",
                settings.frontend_url.trim_end_matches('/')
            )
        });
        Ok(Providers {
            http,
            google,
            facebook,
            redirect_uri,
        })
    }

    /// Where providers send the browser back.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The provider named `name` if it is known and configured, else 404.
    pub fn configured(&self, name: &str) -> Result<Provider, ApiError> {
        let provider = Provider::from_name(name).ok_or_else(|| {
            ApiError::new(
                poem::http::StatusCode::NOT_FOUND,
                "unknown-provider",
                format!("No login with `{name}`: the providers are google and facebook."),
            )
            .at_parameter("provider")
        })?;
        let on = match provider {
            Provider::Google => self.google.is_some(),
            Provider::Facebook => self.facebook.is_some(),
        };
        if !on {
            return Err(ApiError::new(
                poem::http::StatusCode::NOT_FOUND,
                "provider-not-configured",
                format!(
                    "{} login is not configured on this server (no client id and secret).",
                    provider.title()
                ),
            )
            .at_parameter("provider"));
        }
        Ok(provider)
    }

    /// The authorization URL the browser is sent to.
    pub fn authorization_url(
        &self,
        provider: Provider,
        state: &str,
        code_challenge: &str,
    ) -> Result<String, ApiError> {
        let missing = || ApiError::internal("authorization URL of an unconfigured provider");
        match provider {
            Provider::Google => Ok(self.google.as_ref().ok_or_else(missing)?.authorization_url(
                &self.redirect_uri,
                state,
                code_challenge,
            )),
            Provider::Facebook => Ok(self
                .facebook
                .as_ref()
                .ok_or_else(missing)?
                .authorization_url(&self.redirect_uri, state)),
        }
    }

    /// Exchanges the code and reads who logged in.
    pub async fn profile(
        &self,
        provider: Provider,
        code: &str,
        code_verifier: &str,
    ) -> Result<Profile, ApiError> {
        let missing = || ApiError::internal("profile from an unconfigured provider");
        let result = match provider {
            Provider::Google => {
                self.google
                    .as_ref()
                    .ok_or_else(missing)?
                    .profile(&self.http, &self.redirect_uri, code, code_verifier)
                    .await
            }
            Provider::Facebook => {
                self.facebook
                    .as_ref()
                    .ok_or_else(missing)?
                    .profile(&self.http, &self.redirect_uri, code)
                    .await
            }
        };
        result.map_err(|e| e.into_api(provider))
    }
}
