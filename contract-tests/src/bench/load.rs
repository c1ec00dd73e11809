//! A native load generator on loopback, in the manner of `wrk`:
//! `connections` concurrent keep-alive HTTP/1.1 connections, each writing
//! its next request as soon as the last answer is read, bounded by a
//! duration and a request count; latencies go into an HDR histogram
//! (microseconds).
//!
//! Requests are prepared bytes and answers are parsed with `httparse`
//! (status line, headers, then `Content-Length` or chunked body): no client
//! stack between the socket and the server. A general-purpose client
//! (reqwest, the first version) spent about as much CPU per request as the
//! raw ceiling handler itself, on a 2-core machine where the generator and
//! the server share the cores, so it capped the fast measurements (the
//! ceilings) far more than the slow ones and squeezed every ratio.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Builds the bytes of the `i`-th request (so scenarios can rotate ids).
pub type MakeRequest = Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>;

/// The bytes of one HTTP/1.1 request with a `Host` header, the `headers`
/// given and, with a body, its `Content-Length`.
pub fn request(
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + body.map_or(0, str::len));
    out.extend_from_slice(format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n").as_bytes());
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if let Some(body) = body {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body.as_bytes());
    } else {
        out.extend_from_slice(b"\r\n");
    }
    out
}

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
    /// The errors by kind (`HTTP 409`, `connection reset`, …), so that a
    /// report says what failed, not only how often.
    pub error_kinds: BTreeMap<String, u64>,
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

    /// The error count with its kinds: `0`, or `3 (HTTP 409: 2, connection reset: 1)`.
    pub fn errors_text(&self) -> String {
        if self.error_kinds.is_empty() {
            return self.errors.to_string();
        }
        let kinds: Vec<String> = self
            .error_kinds
            .iter()
            .map(|(kind, n)| format!("{kind}: {n}"))
            .collect();
        format!("{} ({})", self.errors, kinds.join(", "))
    }
}

/// The kind of a failed exchange.
fn error_kind(result: &std::io::Result<u16>) -> String {
    match result {
        Ok(status) => format!("HTTP {status}"),
        Err(e) => e.kind().to_string(),
    }
}

/// 1 µs to 60 s, 3 significant digits.
fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())
}

/// Runs one measurement against `addr`.
pub async fn run(addr: SocketAddr, make: MakeRequest, load: Load) -> Result<Outcome, String> {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + load.duration;
    let mut tasks = Vec::with_capacity(load.connections);
    for _ in 0..load.connections {
        let (make, next) = (make.clone(), next.clone());
        let mut latency = histogram()?;
        tasks.push(tokio::spawn(async move {
            let (mut requests, mut errors) = (0u64, 0u64);
            let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
            let mut conn = Connection::new(addr);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= load.max_requests || Instant::now() >= deadline {
                    break;
                }
                let bytes = make(i);
                let sent = Instant::now();
                let result = conn.exchange(&bytes).await;
                let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                let _ = latency.record(micros.clamp(1, 60_000_000));
                requests += 1;
                if !matches!(result, Ok(status) if (200..300).contains(&status)) {
                    errors += 1;
                    *kinds.entry(error_kind(&result)).or_default() += 1;
                }
            }
            (requests, errors, kinds, latency)
        }));
    }
    let mut out = Outcome {
        requests: 0,
        errors: 0,
        error_kinds: BTreeMap::new(),
        elapsed: Duration::ZERO,
        latency: histogram()?,
    };
    for task in tasks {
        let (requests, errors, kinds, latency) = task.await.map_err(|e| e.to_string())?;
        out.requests += requests;
        out.errors += errors;
        for (kind, n) in kinds {
            *out.error_kinds.entry(kind).or_default() += n;
        }
        out.latency.add(&latency).map_err(|e| e.to_string())?;
    }
    out.elapsed = start.elapsed();
    Ok(out)
}

/// One keep-alive connection, opened on first use and again after the
/// server closes it or an exchange fails.
struct Connection {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

/// What the head of an answer says about its body.
struct Head {
    status: u16,
    len: usize,
    body: Body,
    close: bool,
}

enum Body {
    Length(usize),
    Chunked,
}

impl Connection {
    fn new(addr: SocketAddr) -> Self {
        Connection {
            addr,
            stream: None,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    /// Writes `request` and reads the whole answer; returns its status.
    async fn exchange(&mut self, request: &[u8]) -> std::io::Result<u16> {
        let result = self.exchange_inner(request).await;
        // Keep the connection only after a complete keep-alive answer.
        if !matches!(result, Ok((_, true))) {
            self.stream = None;
        }
        result.map(|(status, _)| status)
    }

    /// The status, and whether the connection stays open.
    async fn exchange_inner(&mut self, request: &[u8]) -> std::io::Result<(u16, bool)> {
        let stream = match &mut self.stream {
            Some(s) => s,
            empty => {
                let s = TcpStream::connect(self.addr).await?;
                s.set_nodelay(true)?;
                empty.insert(s)
            }
        };
        stream.write_all(request).await?;
        let buf = &mut self.buf;
        buf.clear();
        let head = loop {
            read_more(stream, buf).await?;
            if let Some(head) = parse_head(buf)? {
                break head;
            }
        };
        match head.body {
            Body::Length(n) => read_to(stream, buf, head.len + n).await?,
            Body::Chunked => {
                let mut at = head.len;
                loop {
                    match httparse::parse_chunk_size(&buf[at..]).map_err(|_| invalid())? {
                        httparse::Status::Complete((used, size)) => {
                            let size = usize::try_from(size).map_err(|_| invalid())?;
                            // The chunk and its CRLF; the last (empty) chunk
                            // is followed by the final CRLF (no trailers
                            // from our servers).
                            at += used + size + 2;
                            read_to(stream, buf, at).await?;
                            if size == 0 {
                                break;
                            }
                        }
                        httparse::Status::Partial => read_more(stream, buf).await?,
                    }
                }
            }
        }
        Ok((head.status, !head.close))
    }
}

/// Reads what the server sent next into `buf`; the connection closing is
/// an error (an answer is never framed by the close).
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    if stream.read_buf(buf).await? == 0 {
        return Err(closed());
    }
    Ok(())
}

/// Reads until `buf` holds `len` bytes.
async fn read_to(stream: &mut TcpStream, buf: &mut Vec<u8>, len: usize) -> std::io::Result<()> {
    while buf.len() < len {
        read_more(stream, buf).await?;
    }
    Ok(())
}

fn parse_head(buf: &[u8]) -> std::io::Result<Option<Head>> {
    let mut headers = [httparse::EMPTY_HEADER; 48];
    let mut resp = httparse::Response::new(&mut headers);
    let len = match resp.parse(buf).map_err(|_| invalid())? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial => return Ok(None),
    };
    let status = resp.code.unwrap_or(0);
    let mut body = Body::Length(0);
    let mut close = false;
    for h in resp.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(invalid)?;
            body = Body::Length(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding")
            && h.value.eq_ignore_ascii_case(b"chunked")
        {
            body = Body::Chunked;
        } else if h.name.eq_ignore_ascii_case("connection")
            && h.value.eq_ignore_ascii_case(b"close")
        {
            close = true;
        }
    }
    if matches!(status, 204 | 304) {
        body = Body::Length(0);
    }
    Ok(Some(Head {
        status,
        len,
        body,
        close,
    }))
}

fn closed() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the server closed the connection",
    )
}

fn invalid() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP/1.1 answer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_say_how_long_the_body_is() {
        let head = parse_head(b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n{")
            .unwrap()
            .unwrap();
        assert_eq!(head.status, 200);
        assert!(matches!(head.body, Body::Length(12)));
        assert!(!head.close);
        let head = parse_head(
            b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(head.status, 404);
        assert!(matches!(head.body, Body::Chunked));
        assert!(head.close);
        assert!(
            parse_head(b"HTTP/1.1 200 OK\r\ncontent-le")
                .unwrap()
                .is_none()
        );
        assert!(parse_head(b"garbage\r\n\r\n").is_err());
    }

    #[test]
    fn requests_carry_host_and_length() {
        let r = request("POST", "/v1/x", &[("Accept", "a/b")], Some("{}"));
        assert_eq!(
            String::from_utf8(r).unwrap(),
            "POST /v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: a/b\r\nContent-Length: 2\r\n\r\n{}"
        );
    }

    /// Against a server answering with a fixed length, chunked, and
    /// `connection: close` (the next request reconnects).
    #[tokio::test]
    async fn reads_every_kind_of_body_and_reconnects() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicU64::new(0));
        let counted = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                            if s.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                                return;
                            }
                        }
                        let text = String::from_utf8_lossy(&buf).into_owned();
                        buf.clear();
                        let answer: &[u8] = if text.starts_with("GET /fixed ") {
                            b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"
                        } else if text.starts_with("GET /streamed ") {
                            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"
                        } else {
                            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        };
                        if s.write_all(answer).await.is_err() || answer.starts_with(b"HTTP/1.1 404")
                        {
                            return;
                        }
                    }
                });
            }
        });
        let load = Load {
            connections: 2,
            duration: Duration::from_secs(20),
            max_requests: 40,
        };
        // Keep-alive answers only: one connection each, for good.
        let fixed: MakeRequest = Arc::new(|i| {
            request(
                "GET",
                if i % 2 == 0 { "/fixed" } else { "/streamed" },
                &[],
                None,
            )
        });
        let out = run(addr, fixed, load).await.unwrap();
        assert_eq!((out.requests, out.errors), (40, 0));
        assert_eq!(accepted.load(Ordering::Relaxed), 2);
        let make: MakeRequest = Arc::new(|i| {
            let path = match i % 3 {
                0 => "/fixed",
                1 => "/streamed",
                _ => "/missing",
            };
            request("GET", path, &[], None)
        });
        let out = run(addr, make, load).await.unwrap();
        assert_eq!(out.requests, 40);
        // Every third request (i = 2, 5, …, 38) is a 404 that closes.
        assert_eq!(out.errors, 13);
        assert_eq!(out.errors_text(), "13 (HTTP 404: 13)");
        assert_eq!(out.latency.len(), 40);
        // Each close costs a new connection (but the last one of each);
        // both runs opened two to start with.
        let reconnects = accepted.load(Ordering::Relaxed) - 4;
        assert!((11..=13).contains(&reconnects), "{reconnects} reconnects");
    }
}
