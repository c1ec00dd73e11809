//! An opt-in cache of anonymous `GET` responses (`--anonymous-cache`; off
//! in the server by default, on in the mock server).
//!
//! What is cached: a `200` JSON:API document answered to a `GET` under
//! `/v1/` that carried no `Authorization` header, outside `/v1/auth/`,
//! unless the response says `Cache-Control: no-store` or `private`. The key
//! is the path and query with the `Accept` and `Origin` headers (content
//! negotiation and CORS answer differently by them).
//!
//! What is never crossed: a request with an `Authorization` header (valid or
//! not) neither reads nor fills the cache, so a token holder never gets an
//! anonymous body and an anonymous caller never gets a token holder's.
//!
//! Invalidation: every request with another method (`POST`, `PATCH`,
//! `DELETE`, …) bumps the generation once it has been answered, before its
//! response leaves, whatever its status; entries of an older generation are
//! never served, so a write is visible to the next read. A read that
//! started before a write and ends after it is not stored. Writes that do
//! not come through the API (the mock server's reset, a process writing to
//! the same database) must call [`ResponseCache::invalidate`]; with such
//! writers and no call, keep the cache off (the default).
//!
//! Every answer through the cache says `x-open-event-cache: hit` or `miss`.

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use bytes::Bytes;
use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
};

/// The header telling whether an answer came from the cache.
pub const CACHE_HEADER: &str = "x-open-event-cache";

/// Bodies above this are answered but not stored.
const MAX_BODY: usize = 1 << 20;

/// When the stored bodies reach this, the cache starts over.
const MAX_TOTAL: usize = 32 << 20;

struct Entry {
    generation: u64,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Store {
    /// The generation the stored entries belong to.
    generation: u64,
    bytes: usize,
    entries: HashMap<String, Arc<Entry>>,
}

/// The shared cache: a generation counter and the entries of the current
/// generation.
#[derive(Default)]
pub struct ResponseCache {
    generation: AtomicU64,
    store: RwLock<Store>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl ResponseCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current generation (bumped by every write).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every stored answer: call it after writing to the database
    /// other than through the API.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let now = self.generation();
        let store = self.store.read().ok()?;
        let entry = store.entries.get(key)?;
        (entry.generation == now).then(|| entry.clone())
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut store) = self.store.write() else {
            return;
        };
        // Still the generation the read started in (checked under the lock
        // against the counter, which only grows).
        if entry.generation != self.generation() {
            return;
        }
        if store.generation != entry.generation || store.bytes + entry.body.len() > MAX_TOTAL {
            store.entries.clear();
            store.bytes = 0;
            store.generation = entry.generation;
        }
        store.bytes += entry.body.len();
        if let Some(old) = store.entries.insert(key, Arc::new(entry)) {
            store.bytes -= old.body.len();
        }
    }
}

/// The middleware (see the module docs).
pub struct AnonymousCache(pub Arc<ResponseCache>);

impl<E: Endpoint> Middleware<E> for AnonymousCache {
    type Output = AnonymousCacheEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        AnonymousCacheEndpoint {
            inner: ep,
            cache: self.0.clone(),
        }
    }
}

/// The endpoint of [`AnonymousCache`].
pub struct AnonymousCacheEndpoint<E> {
    inner: E,
    cache: Arc<ResponseCache>,
}

/// The cache key of a request that may use the cache.
fn key(req: &Request) -> Option<String> {
    if req.method() != Method::GET || req.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let path = req.uri().path();
    if !path.starts_with("/v1/") || path.starts_with("/v1/auth/") {
        return None;
    }
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or("")
    };
    let target = req.uri().path_and_query().map_or(path, |pq| pq.as_str());
    Some(format!(
        "{target}\n{}\n{}",
        header(header::ACCEPT),
        header(header::ORIGIN)
    ))
}

fn storable(resp: &Response) -> bool {
    resp.status() == StatusCode::OK
        && resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(crate::media::is_jsonapi_content_type)
        && !resp
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|cc| cc.contains("no-store") || cc.contains("private"))
}

fn mark(mut resp: Response, how: &'static str) -> Response {
    resp.headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static(how));
    resp
}

impl<E: Endpoint> Endpoint for AnonymousCacheEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let Some(key) = key(&req) else {
            let answer = self.inner.call(req).await.map(IntoResponse::into_response);
            if !safe {
                self.cache.invalidate();
            }
            return answer;
        };
        if let Some(hit) = self.cache.get(&key) {
            let mut resp = Response::builder()
                .status(hit.status)
                .body(hit.body.clone());
            *resp.headers_mut() = hit.headers.clone();
            return Ok(mark(resp, "hit"));
        }
        let generation = self.cache.generation();
        let resp = self.inner.call(req).await?.into_response();
        if !storable(&resp) {
            return Ok(mark(resp, "miss"));
        }
        let (parts, body) = resp.into_parts();
        let body = body.into_bytes().await?;
        if body.len() <= MAX_BODY {
            self.cache.put(
                key,
                Entry {
                    generation,
                    status: parts.status,
                    headers: parts.headers.clone(),
                    body: body.clone(),
                },
            );
        }
        Ok(mark(Response::from_parts(parts, body.into()), "miss"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(generation: u64, body: &'static str) -> Entry {
        Entry {
            generation,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_stored() {
        let cache = ResponseCache::new();
        let started = cache.generation();
        cache.invalidate(); // a write finished while the read ran
        cache.put("k".into(), entry(started, "old"));
        assert!(cache.get("k").is_none());
        assert!(
            cache.store.read().is_ok_and(|s| s.entries.is_empty()),
            "nothing stored"
        );
        cache.put("k".into(), entry(cache.generation(), "new"));
        assert_eq!(
            cache.get("k").map(|e| e.body.clone()),
            Some(Bytes::from("new"))
        );
        cache.invalidate();
        assert!(
            cache.get("k").is_none(),
            "an entry of an older generation is never served"
        );
    }

    #[test]
    fn the_store_is_bounded() {
        let cache = ResponseCache::new();
        let big: &'static str = Box::leak("x".repeat(MAX_BODY).into_boxed_str());
        for i in 0..(MAX_TOTAL / MAX_BODY + 5) {
            cache.put(format!("k{i}"), entry(0, big));
        }
        let (bytes, entries) = cache
            .store
            .read()
            .map(|s| (s.bytes, s.entries.len()))
            .unwrap_or((usize::MAX, usize::MAX));
        assert!(bytes <= MAX_TOTAL, "{bytes}");
        assert!(entries <= MAX_TOTAL / MAX_BODY);
    }
}
