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

/// At most this many hashes at once (one per core): an argon2id hash
/// holds 19 MiB for ~50 ms of CPU.
fn gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores)
    })
}

/// Runs the hash `f` behind the gate, on the worker thread itself, after
/// handing the thread's other tasks to the runtime (`block_in_place`), so a
/// login never stalls other requests; on a current-thread runtime (tests,
/// embedders) inline.
///
/// Measured on the release binary after a full contract run (RSS): inline
/// 136 MB, `block_in_place` 157 MB, a dedicated pool of hashing threads
/// 367 MB and tokio's blocking pool more: glibc keeps a freed 19 MiB
/// argon2 block in each thread's arena, so hashing stays on the few threads
/// that exist anyway.
async fn gated<T>(f: impl FnOnce() -> T) -> Result<T, ApiError> {
    let _permit = gate()
        .acquire()
        .await
        .map_err(|_| ApiError::internal("password hashing stopped"))?;
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    Ok(if multi_thread {
        tokio::task::block_in_place(f)
    } else {
        f()
    })
}

/// [`hash`], behind the gate and off the runtime's task queue (see `gated`).
pub async fn hash_async(password: &str) -> Result<String, ApiError> {
    gated(|| hash(password)).await?
}

/// [`verify`], behind the gate and off the runtime's task queue (see `gated`).
pub async fn verify_async(password: &str, phc: &str) -> Result<bool, ApiError> {
    gated(|| verify(password, phc)).await
}

/// Spends the time of a verification when there is no hash to check (an
/// unknown email at login), so the answer's timing does not tell which
/// emails have accounts.
pub async fn verify_nothing(password: &str) -> Result<(), ApiError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let dummy = DUMMY
        .get_or_try_init(|| hash_async("no account has this password"))
        .await?;
    verify_async(password, dummy).await.map(|_| ())
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_a_multi_thread_runtime_too() {
        let h = super::hash_async("correct horse").await.unwrap();
        let checks = (0..4).map(|_| {
            let h = h.clone();
            tokio::spawn(async move { super::verify_async("correct horse", &h).await })
        });
        for c in checks {
            assert!(c.await.unwrap().unwrap());
        }
    }

    #[tokio::test]
    async fn the_async_forms_agree_and_the_dummy_is_a_real_hash() {
        let h = super::hash_async("correct horse").await.unwrap();
        assert!(super::verify_async("correct horse", &h).await.unwrap());
        assert!(!super::verify_async("wrong horse", &h).await.unwrap());
        super::verify_nothing("x").await.unwrap();
    }
}
