//! Google: the authorization code flow with PKCE (S256), then the OpenID
//! Connect userinfo endpoint.
//!
//! With `google_base_url` set the three endpoints are `/o/oauth2/v2/auth`,
//! `/token` and `/oauth2/v3/userinfo` under it (the stand-in's layout);
//! unset, Google's own hosts.

use serde_json::Value;

use super::{
    Profile,
    http::{self, ProviderError, text},
};

const AUTH: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const TOKEN: &str = "https://oauth2.googleapis.com/token";
const USERINFO: &str = "https://www.googleapis.com/oauth2/v3/userinfo";
/// What the server asks for: the account id, its email and its names.
pub const SCOPE: &str = "openid email profile";

/// A configured Google client.
#[derive(Clone)]
pub struct Google {
    client_id: String,
    client_secret: String,
    auth_url: String,
    token_url: String,
    userinfo_url: String,
}

impl std::fmt::Debug for Google {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Google")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl Google {
    /// A client for Google's endpoints, or those under `base_url`.
    pub fn new(client_id: String, client_secret: String, base_url: Option<&str>) -> Google {
        let (auth_url, token_url, userinfo_url) = match base_url.map(|b| b.trim_end_matches('/')) {
            Some(base) => (
                format!("{base}/o/oauth2/v2/auth"),
                format!("{base}/token"),
                format!("{base}/oauth2/v3/userinfo"),
            ),
            None => (AUTH.to_owned(), TOKEN.to_owned(), USERINFO.to_owned()),
        };
        Google {
            client_id,
            client_secret,
            auth_url,
            token_url,
            userinfo_url,
        }
    }

    /// The consent page URL: client id, redirect URI, `response_type=code`,
    /// scope, state and the S256 challenge.
    pub fn authorization_url(&self, redirect_uri: &str, state: &str, challenge: &str) -> String {
        let mut url = self.auth_url.clone();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", SCOPE)
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
        url
    }

    /// Code → access token (client credentials in the form, the PKCE
    /// verifier) → userinfo.
    pub async fn profile(
        &self,
        client: &reqwest::Client,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
    ) -> Result<Profile, ProviderError> {
        const EXCHANGE: &str = "code exchange";
        let token = http::json(
            EXCHANGE,
            client.post(&self.token_url).form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.as_str()),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ]),
        )
        .await?;
        let access_token = text(&token, "/access_token").ok_or(ProviderError::Malformed {
            step: EXCHANGE,
            what: "no access_token",
        })?;
        const USERINFO_STEP: &str = "userinfo request";
        let me = http::json(
            USERINFO_STEP,
            client.get(&self.userinfo_url).bearer_auth(access_token),
        )
        .await?;
        let id = text(&me, "/sub").ok_or(ProviderError::Malformed {
            step: USERINFO_STEP,
            what: "no sub",
        })?;
        Ok(Profile {
            id,
            email: text(&me, "/email").map(|e| e.trim().to_lowercase()),
            email_verified: matches!(me.get("email_verified"), Some(Value::Bool(true)))
                || me.get("email_verified").and_then(Value::as_str) == Some("true"),
            name: text(&me, "/name"),
            first_name: text(&me, "/given_name"),
            last_name: text(&me, "/family_name"),
            picture: text(&me, "/picture"),
        })
    }
}
