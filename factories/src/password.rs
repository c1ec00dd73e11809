//! Password hashes for factory users, computed once per password.
//!
//! The server hashes with argon2id (about 100 ms a hash in a debug build).
//! Factory users get the [`DEFAULT_PASSWORD`] unless told otherwise, whose
//! hash is a constant made by the server's own
//! [`hash`](open_event_server::auth::password::hash): free, and the same in
//! every process (so built users are byte-for-byte reproducible). Any other
//! password is hashed by the server once per process and cached.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use open_event_server::auth::password;

use crate::error::Result;

/// The password of every factory user unless set with
/// [`UserFactory::with_password`](crate::UserFactory::with_password).
pub const DEFAULT_PASSWORD: &str = "password";

/// The server's argon2id PHC string for [`DEFAULT_PASSWORD`] (checked by a
/// test against the server's `verify`).
pub const DEFAULT_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$LQmBMp7P003Z6fLu0oKhbg$Y4QqUL9bjf8rv6/EA8sJxbAbpdW4vYDDlAh1V39DXhI";

type Cache = Mutex<HashMap<String, Arc<str>>>;
static CACHE: OnceLock<Cache> = OnceLock::new();

/// The hash of `plain`: the constant for [`DEFAULT_PASSWORD`], else the
/// server's hash, computed once per process and password.
pub fn hash_cached(plain: &str) -> Result<Arc<str>> {
    if plain == DEFAULT_PASSWORD {
        return Ok(Arc::from(DEFAULT_PASSWORD_HASH));
    }
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(h) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(plain)
    {
        return Ok(h.clone());
    }
    // Hash outside the lock: two threads may both hash a new password once,
    // and either hash verifies.
    let hashed: Arc<str> = Arc::from(password::hash(plain)?);
    Ok(cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(plain.to_owned())
        .or_insert(hashed)
        .clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hash_verifies_with_the_server() {
        assert!(password::verify(DEFAULT_PASSWORD, DEFAULT_PASSWORD_HASH));
        assert!(!password::verify("Password", DEFAULT_PASSWORD_HASH));
    }

    #[test]
    fn other_passwords_are_hashed_once() {
        let a = hash_cached("another secret").unwrap();
        let b = hash_cached("another secret").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(password::verify("another secret", &a));
    }
}
