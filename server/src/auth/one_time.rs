//! Signed, expiring, single-use tokens for email verification and password reset.
//!
//! A token is `base64url(payload).base64url(hmac_sha256(secret, payload))`.
//! Consuming one records its `jti` in `used_tokens`: a second use fails.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{
    db::{entities::used_token, is_unique_violation},
    error::ApiError,
};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Confirms an email address.
    VerifyEmail,
    /// Sets a new password.
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify-email",
            Purpose::ResetPassword => "reset-password",
        }
    }
}

/// The signed content of a one-time token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The user.
    pub uid: i64,
    /// The email the token was issued for.
    pub email: String,
    /// What it is for.
    pub purpose: Purpose,
    /// The user's token version at issue (a password change voids reset tokens).
    pub ver: i32,
    /// Expiry (unix seconds).
    pub exp: i64,
    /// Unique id, recorded when consumed.
    pub jti: String,
}

fn mac(secret: &str) -> Result<Hmac<Sha256>, ApiError> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(ApiError::internal)
}

/// Issues a token valid for `ttl` seconds.
pub fn issue(
    secret: &str,
    uid: i64,
    email: &str,
    purpose: Purpose,
    ver: i32,
    ttl: i64,
) -> Result<String, ApiError> {
    let payload = Payload {
        uid,
        email: email.to_owned(),
        purpose,
        ver,
        exp: Utc::now().timestamp() + ttl,
        jti: uuid::Uuid::new_v4().simple().to_string(),
    };
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).map_err(ApiError::internal)?);
    let mut m = mac(secret)?;
    m.update(body.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    Ok(format!("{body}.{sig}"))
}

/// The one error for any bad, expired or used token.
pub fn invalid() -> ApiError {
    ApiError::new(
        poem::http::StatusCode::BAD_REQUEST,
        "invalid-token",
        "The token is invalid, expired or already used.",
    )
    .at_pointer("/data/token")
}

/// Checks signature, purpose and expiry (does not consume).
pub fn verify(secret: &str, token: &str, purpose: Purpose) -> Result<Payload, ApiError> {
    let (body, sig) = token.trim().split_once('.').ok_or_else(invalid)?;
    let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| invalid())?;
    let mut m = mac(secret)?;
    m.update(body.as_bytes());
    m.verify_slice(&sig).map_err(|_| invalid())?;
    let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
    let payload: Payload = serde_json::from_slice(&raw).map_err(|_| invalid())?;
    if payload.purpose != purpose || payload.exp < Utc::now().timestamp() {
        return Err(invalid());
    }
    Ok(payload)
}

/// Records the token as used; a token already used is rejected.
pub async fn consume(db: &impl ConnectionTrait, payload: &Payload) -> Result<(), ApiError> {
    let row = used_token::ActiveModel {
        jti: Set(payload.jti.clone()),
        purpose: Set(payload.purpose.as_str().to_owned()),
        used_at: Set(Utc::now()),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(invalid()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_secret_and_purpose() {
        let t = issue("k", 3, "a@b.c", Purpose::VerifyEmail, 0, 60).unwrap();
        let p = verify("k", &t, Purpose::VerifyEmail).unwrap();
        assert_eq!((p.uid, p.email.as_str()), (3, "a@b.c"));
        assert!(verify("other", &t, Purpose::VerifyEmail).is_err());
        assert!(verify("k", &t, Purpose::ResetPassword).is_err());
        let expired = issue("k", 3, "a@b.c", Purpose::VerifyEmail, 0, -1).unwrap();
        assert!(verify("k", &expired, Purpose::VerifyEmail).is_err());
        let mut tampered = t.clone();
        tampered.insert(2, 'x');
        assert!(verify("k", &tampered, Purpose::VerifyEmail).is_err());
        assert!(verify("k", "garbage", Purpose::VerifyEmail).is_err());
    }
}
