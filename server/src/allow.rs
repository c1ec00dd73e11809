//! The `Allow` header on 405 responses, computed from the spec's paths so it
//! always names exactly the documented methods of the URL.

use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
use serde_json::Value;

/// Path templates (`/v1/events/{event_id}` split into segments) and their methods.
#[derive(Debug, Clone, Default)]
pub struct AllowTable(Vec<(Vec<String>, String)>);

impl AllowTable {
    /// Reads the `paths` of an OpenAPI document.
    pub fn from_spec(spec: &Value) -> Self {
        let mut rows = Vec::new();
        if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let methods: Vec<String> = item
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                let segments = path.split('/').map(str::to_owned).collect();
                rows.push((segments, methods.join(", ")));
            }
        }
        AllowTable(rows)
    }

    /// The methods allowed on a concrete path, if it matches a template.
    pub fn methods(&self, path: &str) -> Option<&str> {
        let parts: Vec<&str> = path.split('/').collect();
        // Literal segments beat parameters (`/accept-invite` over `/{invite_id}`).
        self.0
            .iter()
            .filter(|(tpl, _)| {
                tpl.len() == parts.len()
                    && tpl
                        .iter()
                        .zip(&parts)
                        .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
            })
            .max_by_key(|(tpl, _)| tpl.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(_, m)| m.as_str())
    }
}

/// Adds `Allow` to 405 responses (`EndpointExt::around`).
pub async fn add_allow<E: Endpoint>(
    ep: std::sync::Arc<E>,
    req: Request,
    table: std::sync::Arc<AllowTable>,
) -> poem::Result<Response> {
    let path = req.uri().path().to_owned();
    let mut resp = match ep.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    if resp.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(methods) = table.methods(&path)
        && let Ok(v) = poem::http::HeaderValue::from_str(methods)
    {
        resp.headers_mut().insert(poem::http::header::ALLOW, v);
    }
    Ok(resp)
}
