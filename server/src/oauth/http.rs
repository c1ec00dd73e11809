//! One request to a provider: sent with the shared client, every failure
//! mapped to a [`ProviderError`] that names the step but never the URL (it
//! may carry a secret or a code in its query), a body, or a token.

use poem::http::StatusCode;
use serde_json::Value;

use super::Provider;
use crate::error::ApiError;

/// How a provider request failed; all answered 502.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider answered 4xx; `error` is its error code, when it gave one.
    Rejected {
        /// What the server was doing (`code exchange`, `userinfo`, …).
        step: &'static str,
        /// The HTTP status.
        status: u16,
        /// The provider's error code (`invalid_grant`, `OAuthException 190`).
        error: Option<String>,
    },
    /// The provider answered 5xx.
    Unavailable {
        /// What the server was doing.
        step: &'static str,
        /// The HTTP status.
        status: u16,
    },
    /// No answer within `oauth_timeout_ms`.
    Timeout {
        /// What the server was doing.
        step: &'static str,
    },
    /// The provider could not be reached.
    Unreachable {
        /// What the server was doing.
        step: &'static str,
    },
    /// The answer is not the JSON the protocol promises.
    Malformed {
        /// What the server was doing.
        step: &'static str,
        /// What was wrong.
        what: &'static str,
    },
    /// The provider's answer does not hold up (a token for another app, …).
    Untrusted {
        /// What the server was doing.
        step: &'static str,
        /// What was wrong.
        what: &'static str,
    },
}

impl ProviderError {
    fn step(&self) -> &'static str {
        match self {
            ProviderError::Rejected { step, .. }
            | ProviderError::Unavailable { step, .. }
            | ProviderError::Timeout { step }
            | ProviderError::Unreachable { step }
            | ProviderError::Malformed { step, .. }
            | ProviderError::Untrusted { step, .. } => step,
        }
    }

    /// The 502 answered for it (and one log line at `warn`).
    pub fn into_api(self, provider: Provider) -> ApiError {
        let title = provider.title();
        let step = self.step();
        let detail = match &self {
            ProviderError::Rejected { status, error, .. } => format!(
                "{title} refused the {step} (HTTP {status}{}). Start the login again.",
                error
                    .as_deref()
                    .map(|e| format!(", {e}"))
                    .unwrap_or_default()
            ),
            ProviderError::Unavailable { status, .. } => {
                format!("{title} failed during the {step} (HTTP {status}). Try again later.")
            }
            ProviderError::Timeout { .. } => {
                format!("{title} did not answer the {step} in time. Try again later.")
            }
            ProviderError::Unreachable { .. } => {
                format!("{title} could not be reached for the {step}. Try again later.")
            }
            ProviderError::Malformed { what, .. } => {
                format!("{title} sent an unreadable answer to the {step}: {what}.")
            }
            ProviderError::Untrusted { what, .. } => {
                format!("{title}'s answer to the {step} cannot be trusted: {what}.")
            }
        };
        tracing::warn!(provider = provider.name(), step, failure = ?self, "OAuth provider request failed");
        ApiError::new(StatusCode::BAD_GATEWAY, "provider-error", detail)
    }
}

/// Keeps a provider's error code printable and short (it is echoed in the
/// 502 detail): letters, digits, `_`, `-`, `.` and spaces, at most 64.
fn sanitize(code: &str) -> Option<String> {
    let clean: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_-. ".contains(*c))
        .take(64)
        .collect();
    (!clean.trim().is_empty()).then(|| clean.trim().to_owned())
}

/// The error code of an OAuth (`{"error": "invalid_grant"}`) or Graph
/// (`{"error": {"type": "OAuthException", "code": 190}}`) error body.
fn error_code(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match value.get("error")? {
        Value::String(code) => sanitize(code),
        Value::Object(graph) => {
            let kind = graph.get("type").and_then(Value::as_str).unwrap_or("error");
            let code = graph.get("code").and_then(Value::as_i64);
            sanitize(&match code {
                Some(code) => format!("{kind} {code}"),
                None => kind.to_owned(),
            })
        }
        _ => None,
    }
}

/// Sends `request` and reads a JSON object from a 2xx answer.
pub(super) async fn json(
    step: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<Value, ProviderError> {
    let response = request.send().await.map_err(|e| transport(step, &e))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| transport(step, &e))?;
    if status.is_server_error() {
        return Err(ProviderError::Unavailable {
            step,
            status: status.as_u16(),
        });
    }
    if !status.is_success() {
        return Err(ProviderError::Rejected {
            step,
            status: status.as_u16(),
            error: error_code(&body),
        });
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(ProviderError::Malformed {
            step,
            what: "not a JSON object",
        }),
        Err(_) => Err(ProviderError::Malformed {
            step,
            what: "not valid JSON",
        }),
    }
}

fn transport(step: &'static str, err: &reqwest::Error) -> ProviderError {
    if err.is_timeout() {
        ProviderError::Timeout { step }
    } else if err.is_decode() || err.is_body() {
        ProviderError::Malformed {
            step,
            what: "the body could not be read",
        }
    } else {
        ProviderError::Unreachable { step }
    }
}

/// A string member of a provider's JSON answer.
pub(super) fn text(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_of_both_dialects_are_read_and_sanitized() {
        assert_eq!(
            error_code(br#"{"error":"invalid_grant","error_description":"x"}"#).as_deref(),
            Some("invalid_grant")
        );
        assert_eq!(
            error_code(br#"{"error":{"message":"m","type":"OAuthException","code":190}}"#)
                .as_deref(),
            Some("OAuthException 190")
        );
        assert_eq!(
            error_code(br#"{"error":"<b>x</b>"}"#).as_deref(),
            Some("bxb")
        );
        assert_eq!(error_code(b"not json"), None);
    }
}
