//! Content negotiation, the first step of every `/v1` request:
//! a body that is not `application/vnd.api+json` → 415, an `Accept` that
//! excludes it → 406. The `/v1/auth/*` helpers also speak `application/json`.

use poem::{Endpoint, IntoResponse, Request, Response, http::Method};

use super::payload::{JSONAPI_MEDIA_TYPE, is_jsonapi_content_type};
use crate::error::ApiError;

/// Paths whose bodies may also be plain `application/json` (the auth helpers
/// and the invite acceptance, whose bodies are not resource documents).
pub fn speaks_plain_json(path: &str) -> bool {
    path.starts_with("/v1/auth/") || path == "/v1/role-invites/accept-invite"
}

fn is_json(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether an `Accept` header admits our responses.
pub fn accepts(accept: &str, plain_json_ok: bool) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
        let params: Vec<&str> = parts
            .filter(|p| !p.to_ascii_lowercase().starts_with("q="))
            .collect();
        match essence.as_str() {
            "*/*" | "application/*" => true,
            JSONAPI_MEDIA_TYPE => params.is_empty(),
            "application/json" => plain_json_ok,
            _ => false,
        }
    })
}

/// Checks one request; `Err` is the 406/415 response.
pub fn check(req: &Request) -> Result<(), ApiError> {
    let path = req.uri().path();
    if !path.starts_with("/v1/") && path != "/v1" {
        return Ok(());
    }
    let plain = speaks_plain_json(path);
    if let Some(accept) = req.headers().get(poem::http::header::ACCEPT) {
        let ok = accept
            .to_str()
            .is_ok_and(|a| a.trim().is_empty() || accepts(a, plain));
        if !ok {
            return Err(ApiError::new(
                poem::http::StatusCode::NOT_ACCEPTABLE,
                "not-acceptable",
                format!("Responses are {JSONAPI_MEDIA_TYPE}; the Accept header excludes it."),
            ));
        }
    }
    let has_body = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || req
            .headers()
            .contains_key(poem::http::header::TRANSFER_ENCODING)
        || req.headers().contains_key(poem::http::header::CONTENT_TYPE);
    if has_body && matches!(*req.method(), Method::POST | Method::PATCH | Method::PUT) {
        let ct = req
            .headers()
            .get(poem::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let ok = is_jsonapi_content_type(ct) || (plain && is_json(ct));
        if !ok {
            return Err(ApiError::new(
                poem::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!(
                    "Send the body as Content-Type: {JSONAPI_MEDIA_TYPE} (without media type parameters)."
                ),
            ));
        }
    }
    Ok(())
}

/// The middleware function, for `EndpointExt::around`.
pub async fn negotiate<E: Endpoint>(ep: std::sync::Arc<E>, req: Request) -> poem::Result<Response> {
    if let Err(e) = check(&req) {
        return Err(e.into());
    }
    Ok(ep.call(req).await?.into_response())
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_ranges() {
        assert!(accepts("application/vnd.api+json", false));
        assert!(accepts("text/html, */*;q=0.1", false));
        assert!(accepts("application/*", false));
        assert!(!accepts("text/html", false));
        assert!(!accepts("application/vnd.api+json; ext=foo", false));
        assert!(!accepts("application/json", false));
        assert!(accepts("application/json", true));
    }
}
