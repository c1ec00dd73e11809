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

/// A job for the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads: one per core, started on first use. An argon2id
/// hash holds 19 MiB for ~50 ms of CPU, so hashes run here, queued, rather
/// than on the runtime's threads (which would stall every other request) or
/// on its blocking pool (hundreds of threads: unbounded memory at once, and
/// glibc keeps a freed 19 MiB block per thread arena afterwards).
fn hashers() -> Option<&'static std::sync::mpsc::Sender<Job>> {
    static POOL: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let mut started = 0;
        for i in 0..cores {
            let rx = rx.clone();
            let worker = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let next = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match next {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            started += usize::from(worker.is_ok());
        }
        (started > 0).then_some(tx)
    })
    .as_ref()
}

/// Runs `f` on the hashing threads and waits for it without blocking the
/// runtime.
async fn gated<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    hashers()
        .ok_or_else(|| ApiError::internal("no password hashing thread could start"))?
        .send(Box::new(move || {
            let _ = tx.send(f());
        }))
        .map_err(|_| ApiError::internal("password hashing stopped"))?;
    rx.await
        .map_err(|_| ApiError::internal("password hashing failed"))
}

/// [`hash`], on the hashing threads (at most one hash per core at a time).
pub async fn hash_async(password: &str) -> Result<String, ApiError> {
    let password = password.to_owned();
    gated(move || hash(&password)).await?
}

/// [`verify`], on the hashing threads (at most one hash per core at a time).
pub async fn verify_async(password: &str, phc: &str) -> Result<bool, ApiError> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    gated(move || verify(&password, &phc)).await
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

    #[tokio::test]
    async fn the_async_forms_agree_and_the_dummy_is_a_real_hash() {
        let h = super::hash_async("correct horse").await.unwrap();
        assert!(super::verify_async("correct horse", &h).await.unwrap());
        assert!(!super::verify_async("wrong horse", &h).await.unwrap());
        super::verify_nothing("x").await.unwrap();
    }
}
