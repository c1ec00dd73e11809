//! argon2id password hashing.

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::ApiError;

/// Minimum password length in characters.
pub const MIN_PASSWORD_LEN: usize = 8;

/// The stored "hash" of an account without a password (created through a
/// provider login): not a PHC string, so [`verify`] never accepts anything
/// for it. [`is_set`] tells such accounts apart.
pub const NONE: &str = "!no-password";

/// Whether the stored hash is a real password (not [`NONE`]).
pub fn is_set(phc: &str) -> bool {
    !phc.starts_with('!')
}

/// Hashes a password to a PHC string.
pub fn hash(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_only_the_right_password() {
        let h = super::hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse", &h));
        assert!(!super::verify("wrong horse", &h));
        assert!(!super::verify("x", "not a phc string"));
        assert!(super::is_set(&h));
    }

    #[test]
    fn an_account_without_a_password_accepts_none() {
        assert!(!super::is_set(super::NONE));
        for guess in ["", "!no-password", "no-password", "!"] {
            assert!(!super::verify(guess, super::NONE));
        }
    }
}
