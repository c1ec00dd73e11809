//! HS256 JSON Web Tokens: access and refresh tokens with expiry, `fresh` and `jti`.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Access or refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    /// Sent on every API call.
    Access,
    /// Exchanged for a new access token.
    Refresh,
}

/// The claims of our tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string.
    pub sub: String,
    /// The user id (Open Event's claim name).
    pub identity: i64,
    /// Issued at (seconds).
    pub iat: i64,
    /// Not before (seconds).
    pub nbf: i64,
    /// Expiry (seconds).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Issued at a login (password or provider), not by a refresh.
    pub fresh: bool,
    /// The user's token version when issued; a password change revokes older ones.
    pub ver: i32,
    /// Access or refresh.
    #[serde(rename = "type")]
    pub token_type: TokenType,
}

/// Signing and verification keys with the configured lifetimes.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// What [`JwtKeys::verify`] checks, built once (it is a few sets and
    /// strings; every request with a token verifies).
    validation: Validation,
    access_ttl: i64,
    refresh_ttl: i64,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys").finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Keys from a shared secret and lifetimes in seconds.
    pub fn new(secret: &str, access_ttl: i64, refresh_ttl: i64) -> Self {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation: validation(),
            access_ttl,
            refresh_ttl,
        }
    }

    /// Access token lifetime in seconds.
    pub fn access_ttl(&self) -> i64 {
        self.access_ttl
    }

    /// Issues a token for `user_id`.
    pub fn issue(
        &self,
        user_id: i64,
        token_version: i32,
        token_type: TokenType,
        fresh: bool,
    ) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let ttl = match token_type {
            TokenType::Access => self.access_ttl,
            TokenType::Refresh => self.refresh_ttl,
        };
        let claims = Claims {
            sub: user_id.to_string(),
            identity: user_id,
            iat: now,
            nbf: now,
            exp: now + ttl,
            jti: uuid::Uuid::new_v4().to_string(),
            fresh,
            ver: token_version,
            token_type,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Verifies signature, expiry and type.
    pub fn verify(&self, token: &str, expected: TokenType) -> Result<Claims, ApiError> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            let detail = match e.kind() {
                ErrorKind::ExpiredSignature => "The token has expired.",
                ErrorKind::InvalidSignature => "The token signature is invalid.",
                ErrorKind::ImmatureSignature => "The token is not valid yet.",
                _ => "The token is malformed.",
            };
            ApiError::unauthorized(detail)
        })?;
        if data.claims.token_type != expected {
            return Err(ApiError::unauthorized(match expected {
                TokenType::Access => "An access token is required, not a refresh token.",
                TokenType::Refresh => "A refresh token is required, not an access token.",
            }));
        }
        Ok(data.claims)
    }
}

/// HS256 only, no leeway, `nbf` checked, `exp`, `sub` and `iat` required.
fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "sub", "iat"]);
    validation
}

/// Extracts the token from `JWT <t>` or `Bearer <t>`.
pub fn token_from_header(value: &str) -> Result<&str, ApiError> {
    let value = value.trim();
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized(
            "The Authorization header must be `JWT <token>` or `Bearer <token>`.",
        )
    })?;
    let token = token.trim();
    if !(scheme.eq_ignore_ascii_case("jwt") || scheme.eq_ignore_ascii_case("bearer"))
        || token.is_empty()
    {
        return Err(ApiError::unauthorized(
            "The Authorization header must be `JWT <token>` or `Bearer <token>`.",
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let keys = JwtKeys::new("s", 60, 120);
        let t = keys.issue(7, 0, TokenType::Access, true).unwrap();
        let c = keys.verify(&t, TokenType::Access).unwrap();
        assert_eq!((c.identity, c.sub.as_str(), c.fresh), (7, "7", true));
        assert_eq!(c.exp - c.iat, 60);
    }

    #[test]
    fn wrong_type_wrong_secret_and_expiry_are_401() {
        let keys = JwtKeys::new("s", 60, 120);
        let refresh = keys.issue(1, 0, TokenType::Refresh, false).unwrap();
        assert_eq!(
            keys.verify(&refresh, TokenType::Access).unwrap_err().status,
            401
        );
        let other = JwtKeys::new("other", 60, 120)
            .issue(1, 0, TokenType::Access, true)
            .unwrap();
        assert_eq!(
            keys.verify(&other, TokenType::Access).unwrap_err().status,
            401
        );
        let expired = JwtKeys::new("s", -10, 0)
            .issue(1, 0, TokenType::Access, true)
            .unwrap();
        let err = keys.verify(&expired, TokenType::Access).unwrap_err();
        assert!(err.errors[0].detail.contains("expired"));
    }

    #[test]
    fn both_header_schemes_are_accepted() {
        assert_eq!(token_from_header("JWT abc").unwrap(), "abc");
        assert_eq!(token_from_header("Bearer abc").unwrap(), "abc");
        assert!(token_from_header("Basic abc").is_err());
        assert!(token_from_header("abc").is_err());
    }
}
