//! Values the checks of one run share, each built once by whichever check
//! asks first while the others wait (the semantic checks' seeded world). A
//! value must be a function of its key alone (the key carries its seed), so
//! what a check sees does not depend on which check built it. A build that
//! fails is remembered too: every check asking for it fails the same way,
//! without building again. A leaf: it names no other runner module.

use std::{
    any::Any,
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::OnceCell;

type Built = Result<Arc<dyn Any + Send + Sync>, String>;

/// The shared values of a run, by key.
#[derive(Default)]
pub struct Memo {
    cells: Mutex<HashMap<String, Arc<OnceCell<Built>>>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self
            .cells
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        write!(f, "Memo({n} values)")
    }
}

impl Memo {
    /// The value of `key`, built by `build` the first time it is asked for;
    /// `Err` with the build's error (also on later calls) when it failed, or
    /// when the key holds a value of another type.
    pub async fn get_or_build<T, F, Fut>(&self, key: &str, build: F) -> Result<Arc<T>, String>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let cell = self
            .cells
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.to_owned())
            .or_default()
            .clone();
        let built = cell
            .get_or_init(|| async {
                build()
                    .await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await;
        match built {
            Ok(value) => value
                .clone()
                .downcast::<T>()
                .map_err(|_| format!("`{key}` holds a value of another type")),
            Err(e) => Err(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn builds_once_and_remembers_failures() {
        let memo = Memo::default();
        let calls = AtomicUsize::new(0);
        let build = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(7_u32)
        };
        assert_eq!(*memo.get_or_build("a", build).await.unwrap(), 7);
        assert_eq!(*memo.get_or_build("a", build).await.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let fail = || async { Err::<u32, _>("no".to_owned()) };
        assert_eq!(memo.get_or_build("b", fail).await.unwrap_err(), "no");
        assert_eq!(
            memo.get_or_build("b", build).await.unwrap_err(),
            "no",
            "a failed build is not retried"
        );
        assert!(
            memo.get_or_build::<String, _, _>("a", || async { Ok(String::new()) })
                .await
                .is_err()
        );
    }
}
