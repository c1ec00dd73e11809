//! OpenID Connect ID tokens for the Google stand-in.
//!
//! Google signs with RS256 and publishes its keys; the stand-in signs with HS256 and the
//! client secret as key, which OpenID Connect Core §10.1 allows for confidential clients.
//! A server that receives the ID token straight from the token endpoint over TLS may skip
//! the signature check (§3.1.3.7), which is what keeps this difference harmless.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// Signs `claims` as a compact JWS (HS256). `None` only if HMAC refuses the key, which
/// it never does for HMAC-SHA256.
pub(crate) fn sign(claims: &Value, secret: &str) -> Option<String> {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Some(format!("{signing_input}.{signature}"))
}
