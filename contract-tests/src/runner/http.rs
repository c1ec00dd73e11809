//! Requests and responses as the runner records them, and the curl line
//! that replays a request.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A request, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Upper-case method.
    pub method: String,
    /// Path and query, e.g. `/v1/events?sort=name`.
    pub path: String,
    /// Headers in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<String>,
}

/// A response, read whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// Status code (0 when the request failed).
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// A header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One request and its response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// What was sent.
    pub request: HttpRequest,
    /// What came back.
    pub response: HttpResponse,
    /// Round trip, milliseconds.
    pub millis: u64,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: &str, path: impl Into<String>) -> Self {
        HttpRequest {
            method: method.to_owned(),
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Sets (replaces) a header.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.into()));
    }

    /// Removes a header.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Appends `name=value` to the query (both percent-encoded).
    pub fn add_query(&mut self, name: &str, value: &str) {
        let pair: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(name, value)
            .finish();
        let sep = if self.path.contains('?') { '&' } else { '?' };
        self.path = format!("{}{sep}{pair}", self.path);
    }

    /// A shell line that replays the request with curl.
    pub fn curl(&self, base: &str) -> String {
        let mut out = format!(
            "curl -sS -g -X {} {}",
            self.method,
            shell_quote(&format!("{base}{}", self.path))
        );
        for (name, value) in &self.headers {
            out.push_str(" -H ");
            out.push_str(&shell_quote(&format!("{name}: {value}")));
        }
        if let Some(body) = &self.body {
            out.push_str(" --data-raw ");
            out.push_str(&shell_quote(body));
        }
        out
    }

    /// Sends the request to `base`.
    pub async fn send(&self, client: &reqwest::Client, base: &str) -> Exchange {
        let started = Instant::now();
        let method =
            reqwest::Method::from_bytes(self.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = client.request(method, format!("{base}{}", self.path));
        for (name, value) in &self.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &self.body {
            req = req.body(body.clone());
        }
        let response = match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let headers = resp
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                let body = resp.text().await.unwrap_or_default();
                HttpResponse {
                    status,
                    headers,
                    body,
                }
            }
            Err(e) => HttpResponse {
                status: 0,
                headers: Vec::new(),
                body: format!("request failed: {e}"),
            },
        };
        Exchange {
            request: self.clone(),
            response,
            millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Single-quotes a word for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_quotes_everything() {
        let mut r = HttpRequest::new("POST", "/v1/events");
        r.add_query("page[size]", "2");
        r.set_header("Authorization", "JWT t");
        r.body = Some(r#"{"a":"it's"}"#.into());
        assert_eq!(
            r.curl("http://h"),
            r#"curl -sS -g -X POST 'http://h/v1/events?page%5Bsize%5D=2' -H 'Authorization: JWT t' --data-raw '{"a":"it'\''s"}'"#
        );
    }
}
