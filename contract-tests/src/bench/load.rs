//! A native load generator on loopback: `connections` concurrent keep-alive
//! connections, each sending its next request as soon as the last answer is
//! read, bounded by a duration and a request count; latencies go into an
//! HDR histogram (microseconds).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;

/// Builds the `i`-th request (so scenarios can rotate ids).
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// How hard and how long to load.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Concurrent connections.
    pub connections: usize,
    /// Time limit of one measurement.
    pub duration: Duration,
    /// Request limit of one measurement.
    pub max_requests: u64,
}

/// What one measurement saw.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Requests answered.
    pub requests: u64,
    /// Answers that were not 2xx, or transport errors.
    pub errors: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Latencies in microseconds.
    pub latency: Histogram<u64>,
}

impl Outcome {
    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// A latency quantile in milliseconds.
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// 1 µs to 60 s, 3 significant digits.
fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())
}

/// A client for `connections` keep-alive connections to loopback.
pub fn client(connections: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())
}

/// Runs one measurement.
pub async fn run(
    client: &reqwest::Client,
    make: MakeRequest,
    load: Load,
) -> Result<Outcome, String> {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + load.duration;
    let mut tasks = Vec::with_capacity(load.connections);
    for _ in 0..load.connections {
        let (client, make, next) = (client.clone(), make.clone(), next.clone());
        let mut latency = histogram()?;
        tasks.push(tokio::spawn(async move {
            let (mut requests, mut errors) = (0u64, 0u64);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= load.max_requests || Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                let ok = match make(&client, i).send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        resp.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                let _ = latency.record(micros.clamp(1, 60_000_000));
                requests += 1;
                if !ok {
                    errors += 1;
                }
            }
            (requests, errors, latency)
        }));
    }
    let mut out = Outcome {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram()?,
    };
    for task in tasks {
        let (requests, errors, latency) = task.await.map_err(|e| e.to_string())?;
        out.requests += requests;
        out.errors += errors;
        out.latency.add(&latency).map_err(|e| e.to_string())?;
    }
    out.elapsed = start.elapsed();
    Ok(out)
}
