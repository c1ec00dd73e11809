//! Latency and error injection on the API (`/v1`): a layer added through
//! the server's embedding hook, so the docs, the spec, `/health` and the
//! mock server's own `/__mock/*` endpoints are never slowed down or failed.
//!
//! Every API request waits `--latency-ms` first. Then the n-th API request
//! (counted from start, and again from each reset) fails when the n-th draw
//! of a SplitMix64 sequence keyed by `--seed` falls below `--error-rate`:
//! the same seed gives the same failures in the same places, on any machine.
//! A failed request is answered 503 with a JSON:API error and never reaches
//! the API. CORS preflights are answered before this layer.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use open_event_server::error::ApiError;
use poem::{
    Endpoint, EndpointExt, IntoResponse, Request, Response, endpoint::BoxEndpoint, http::StatusCode,
};

/// The code of an injected error.
pub const INJECTED_ERROR_CODE: &str = "service-unavailable";

/// Decides which API requests are delayed and which fail.
#[derive(Debug)]
pub struct Injector {
    latency: Duration,
    error_rate: f64,
    seed: u64,
    requests: AtomicU64,
}

impl Injector {
    /// An injector for `--latency-ms`, `--error-rate` and `--seed`.
    pub fn new(latency_ms: u64, error_rate: f64, seed: u64) -> Self {
        Injector {
            latency: Duration::from_millis(latency_ms),
            error_rate,
            seed,
            requests: AtomicU64::new(0),
        }
    }

    /// Whether the layer acts on a path: the API under `/v1` only.
    pub fn applies_to(path: &str) -> bool {
        path == "/v1" || path.starts_with("/v1/")
    }

    /// Whether the API request with this index (from 0) fails.
    pub fn fails(&self, index: u64) -> bool {
        self.error_rate > 0.0 && unit(self.seed, index) < self.error_rate
    }

    /// Starts the failure sequence again from its first draw.
    pub fn rewind(&self) {
        self.requests.store(0, Ordering::SeqCst);
    }

    /// The layer for [`Embedding::wrap`](open_event_server::startup::Embedding::wrap).
    pub fn layer(
        self: Arc<Self>,
    ) -> impl Fn(BoxEndpoint<'static>) -> BoxEndpoint<'static> + Send + Sync + 'static {
        move |ep| {
            let injector = self.clone();
            ep.around(move |ep, req| {
                let injector = injector.clone();
                async move { injector.handle(ep.as_ref(), req).await }
            })
            .boxed()
        }
    }

    async fn handle<E: Endpoint + ?Sized>(&self, ep: &E, req: Request) -> poem::Result<Response> {
        if !Self::applies_to(req.uri().path()) {
            return ep.call(req).await.map(IntoResponse::into_response);
        }
        let index = self.requests.fetch_add(1, Ordering::SeqCst);
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        if self.fails(index) {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                INJECTED_ERROR_CODE,
                format!(
                    "Injected by the mock server (--error-rate {}): API request {} since start or reset.",
                    self.error_rate,
                    index + 1
                ),
            )
            .into());
        }
        ep.call(req).await.map(IntoResponse::into_response)
    }
}

/// The `index`-th draw of the sequence keyed by `seed`, uniform in [0, 1).
fn unit(seed: u64, index: u64) -> f64 {
    // SplitMix64 (Steele, Lea, Flood 2014) at position `index` of the stream
    // that starts at `seed`: a fixed function, stable across platforms and
    // crate versions.
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits as a fraction.
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_a_function_of_the_seed() {
        let a = Injector::new(0, 0.3, 7);
        let b = Injector::new(0, 0.3, 7);
        let c = Injector::new(0, 0.3, 8);
        let seq = |i: &Injector| (0..200).map(|n| i.fails(n)).collect::<Vec<_>>();
        assert_eq!(seq(&a), seq(&b));
        assert_ne!(seq(&a), seq(&c));
        let failures = seq(&a).iter().filter(|f| **f).count();
        assert!((40..=80).contains(&failures), "{failures} of 200 at 0.3");
    }

    #[test]
    fn rates_zero_and_one_are_exact() {
        let never = Injector::new(0, 0.0, 1);
        let always = Injector::new(0, 1.0, 1);
        assert!((0..1000).all(|n| !never.fails(n)));
        assert!((0..1000).all(|n| always.fails(n)));
    }

    #[test]
    fn only_the_api_is_injected() {
        assert!(Injector::applies_to("/v1/events"));
        assert!(Injector::applies_to("/v1"));
        for path in [
            "/v10",
            "/docs",
            "/openapi.json",
            "/health",
            "/__mock/reset",
            "/",
        ] {
            assert!(!Injector::applies_to(path), "{path}");
        }
    }
}
