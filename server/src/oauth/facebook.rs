//! Facebook: the Login dialog, then on the Graph API the code exchange,
//! `debug_token` with the app token (the user token must be valid and
//! issued to this app) and `/me` with the profile fields.
//!
//! Graph shows an email only when the person confirmed it, so an email in
//! `/me` counts as verified.

use serde_json::Value;

use super::{
    Profile,
    http::{self, ProviderError, text},
};

/// The Graph API version of every call.
pub const GRAPH_VERSION: &str = "v19.0";
/// What the server asks for.
pub const SCOPE: &str = "email,public_profile";
/// The profile fields read from `/me`.
pub const FIELDS: &str = "id,name,email,first_name,last_name,picture";

/// A configured Facebook app.
#[derive(Clone)]
pub struct Facebook {
    app_id: String,
    app_secret: String,
    dialog_url: String,
    token_url: String,
    debug_token_url: String,
    me_url: String,
}

impl std::fmt::Debug for Facebook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Facebook")
            .field("app_id", &self.app_id)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl Facebook {
    /// An app on the dialog at `www` and Graph at `graph`.
    pub fn new(app_id: String, app_secret: String, www: &str, graph: &str) -> Facebook {
        let (www, graph) = (www.trim_end_matches('/'), graph.trim_end_matches('/'));
        Facebook {
            app_id,
            app_secret,
            dialog_url: format!("{www}/{GRAPH_VERSION}/dialog/oauth"),
            token_url: format!("{graph}/{GRAPH_VERSION}/oauth/access_token"),
            debug_token_url: format!("{graph}/debug_token"),
            me_url: format!("{graph}/{GRAPH_VERSION}/me"),
        }
    }

    /// The Login dialog URL: app id, redirect URI, `response_type=code`,
    /// scope and state.
    pub fn authorization_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.app_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", SCOPE)
            .append_pair("state", state)
            .finish();
        format!("{}?{query}", self.dialog_url)
    }

    /// Code → user token → `debug_token` (valid, this app, whose user) →
    /// `/me`.
    pub async fn profile(
        &self,
        client: &reqwest::Client,
        redirect_uri: &str,
        code: &str,
    ) -> Result<Profile, ProviderError> {
        const EXCHANGE: &str = "code exchange";
        let token = http::json(
            EXCHANGE,
            client.get(&self.token_url).query(&[
                ("client_id", self.app_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("client_secret", self.app_secret.as_str()),
                ("code", code),
            ]),
        )
        .await?;
        let user_token = text(&token, "/access_token").ok_or(ProviderError::Malformed {
            step: EXCHANGE,
            what: "no access_token",
        })?;

        const INSPECT: &str = "token inspection";
        let app_token = format!("{}|{}", self.app_id, self.app_secret);
        let debug = http::json(
            INSPECT,
            client.get(&self.debug_token_url).query(&[
                ("input_token", user_token.as_str()),
                ("access_token", app_token.as_str()),
            ]),
        )
        .await?;
        let data = debug.get("data").ok_or(ProviderError::Malformed {
            step: INSPECT,
            what: "no data",
        })?;
        if data.get("is_valid") != Some(&Value::Bool(true)) {
            return Err(ProviderError::Untrusted {
                step: INSPECT,
                what: "the user token is not valid",
            });
        }
        if text(data, "/app_id").as_deref() != Some(self.app_id.as_str()) {
            return Err(ProviderError::Untrusted {
                step: INSPECT,
                what: "the user token was issued to another app",
            });
        }
        let user_id = text(data, "/user_id").ok_or(ProviderError::Malformed {
            step: INSPECT,
            what: "no user_id",
        })?;

        const ME: &str = "profile request";
        let me = http::json(
            ME,
            client
                .get(&self.me_url)
                .query(&[("fields", FIELDS)])
                .bearer_auth(&user_token),
        )
        .await?;
        let id = text(&me, "/id").ok_or(ProviderError::Malformed {
            step: ME,
            what: "no id",
        })?;
        if id != user_id {
            return Err(ProviderError::Untrusted {
                step: ME,
                what: "the profile is not the token's user",
            });
        }
        let email = text(&me, "/email").map(|e| e.trim().to_lowercase());
        Ok(Profile {
            id,
            email_verified: email.is_some(),
            email,
            name: text(&me, "/name"),
            first_name: text(&me, "/first_name"),
            last_name: text(&me, "/last_name"),
            picture: text(&me, "/picture/data/url"),
        })
    }
}
