//! The `state` of an OAuth round trip, and its PKCE verifier.
//!
//! A state is an HS256 JWT signed with the server secret (audience
//! [`AUDIENCE`], so it is never mistaken for an access token) naming the
//! provider, the purpose (log in, or connect to the account of user `uid`)
//! and an expiry ([`TTL`]). It is single-use: consuming it records its `jti`
//! in `used_tokens`, whose unique index makes a replay fail on every server
//! instance sharing the database.
//!
//! The PKCE verifier is derived from the state's `jti` with the server
//! secret (`HMAC-SHA256(secret, "pkce:" + jti)`, base64url: 43 characters),
//! so it is never stored, sent to the browser or put in the state: only its
//! S256 challenge travels in the authorization URL.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    db::{entities::used_token, is_unique_violation},
    error::ApiError,
};

/// The `aud` claim of every state.
pub const AUDIENCE: &str = "open-event:oauth-state";
/// How long a state is valid, in seconds.
pub const TTL: i64 = 600;
/// The `purpose` recorded in `used_tokens`.
const USED_PURPOSE: &str = "oauth-state";

/// What the round trip is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Log in (or sign up) with the provider account.
    Login,
    /// Connect the provider account to the logged-in user `uid`.
    Connect,
}

/// The claims of a state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Unique id, recorded when consumed; the PKCE verifier derives from it.
    pub jti: String,
    /// `google` or `facebook`.
    pub prv: String,
    /// Login or connect.
    pub pur: Purpose,
    /// The user connecting (connect states only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<i64>,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expiry (unix seconds).
    pub exp: i64,
    /// Always [`AUDIENCE`].
    pub aud: String,
}

/// Why a state is refused (all answered 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a state this server signed, or tampered with.
    Invalid,
    /// Past its expiry.
    Expired,
    /// Already used.
    Used,
}

/// A new state valid for `ttl` seconds.
pub fn issue(provider: &str, purpose: Purpose, uid: Option<i64>, ttl: i64) -> State {
    let now = Utc::now().timestamp();
    State {
        jti: uuid::Uuid::new_v4().simple().to_string(),
        prv: provider.to_owned(),
        pur: purpose,
        uid,
        iat: now,
        exp: now + ttl,
        aud: AUDIENCE.to_owned(),
    }
}

impl State {
    /// The signed, compact form sent to the provider.
    pub fn encode(&self, secret: &str) -> Result<String, ApiError> {
        encode(
            &Header::new(Algorithm::HS256),
            self,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .map_err(ApiError::internal)
    }

    /// The PKCE code verifier of this round trip (RFC 7636: 43 characters
    /// of the unreserved set).
    pub fn code_verifier(&self, secret: &str) -> Result<String, ApiError> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(ApiError::internal)?;
        mac.update(b"pkce:");
        mac.update(self.jti.as_bytes());
        Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// The S256 code challenge of [`code_verifier`](State::code_verifier).
    pub fn code_challenge(&self, secret: &str) -> Result<String, ApiError> {
        Ok(challenge_of(&self.code_verifier(secret)?))
    }
}

/// `base64url(SHA-256(verifier))`, the S256 challenge.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Checks signature, audience and expiry (does not consume).
pub fn verify(secret: &str, token: &str) -> Result<State, Refusal> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    decode::<State>(
        token.trim(),
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => Refusal::Expired,
        _ => Refusal::Invalid,
    })
}

/// Records the state as used; `Err(Refusal::Used)` when it was already.
pub async fn consume(db: &impl ConnectionTrait, state: &State) -> Result<(), ConsumeError> {
    let row = used_token::ActiveModel {
        jti: Set(state.jti.clone()),
        purpose: Set(USED_PURPOSE.to_owned()),
        used_at: Set(Utc::now()),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(ConsumeError::Used),
        Err(e) => Err(ConsumeError::Db(e.into())),
    }
}

/// Why consuming a state failed.
#[derive(Debug)]
pub enum ConsumeError {
    /// It was used before.
    Used,
    /// The database failed.
    Db(ApiError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_verify_only_with_their_secret_and_before_expiry() {
        let s = issue("google", Purpose::Login, None, 60);
        let t = s.encode("k").unwrap();
        assert_eq!(verify("k", &t).unwrap(), s);
        assert_eq!(verify("other", &t), Err(Refusal::Invalid));
        let old = issue("google", Purpose::Login, None, -5);
        assert_eq!(
            verify("k", &old.encode("k").unwrap()),
            Err(Refusal::Expired)
        );
        let mut tampered = t.clone();
        tampered.insert(t.find('.').unwrap() + 3, 'x');
        assert_eq!(verify("k", &tampered), Err(Refusal::Invalid));
        assert_eq!(verify("k", "garbage"), Err(Refusal::Invalid));
    }

    #[test]
    fn an_access_token_is_not_a_state() {
        let keys = crate::auth::jwt::JwtKeys::new("k", 60, 60);
        let access = keys
            .issue(1, 0, crate::auth::jwt::TokenType::Access, true)
            .unwrap();
        assert_eq!(verify("k", &access), Err(Refusal::Invalid));
    }

    #[test]
    fn the_verifier_is_secret_derived_rfc7636_and_matches_its_challenge() {
        let s = issue("google", Purpose::Login, None, 60);
        let v = s.code_verifier("k").unwrap();
        assert_eq!(v.len(), 43);
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_ne!(v, s.code_verifier("other").unwrap());
        assert_eq!(s.code_challenge("k").unwrap(), challenge_of(&v));
        assert!(!s.encode("k").unwrap().contains(&v));
        // base64url(sha256(verifier)), computed independently with Python's hashlib.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk"),
            "bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g"
        );
    }
}
