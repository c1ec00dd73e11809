//! Deliberate defects, so the contract runner can prove it catches drift.
//!
//! Faults are set only in code through [`Settings::faults`](crate::Settings)
//! (there is no CLI flag or env var): a server started from the command line
//! never has any. Each fault breaks exactly one documented promise.

use std::sync::Arc;

use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
use serde_json::Value;

use crate::{permissions::Action, state::AppState};

/// The defects to inject; all off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Skip the permission check of `action` on this resource type (visibility still applies).
    pub drop_permission: Option<(String, Action)>,
    /// Answer status `to` instead of `from` for `METHOD` on paths starting with the prefix.
    pub rewrite_status: Option<(String, String, u16, u16)>,
    /// Add the undocumented attribute `leaked-field` to every object of this type.
    pub extra_attribute: Option<String>,
    /// Lists of this type ignore visibility (hidden objects leak into them).
    pub leak_hidden: Option<String>,
}

impl Faults {
    /// Whether the permission check of `action` on `resource` is dropped.
    pub fn drops(&self, resource: &str, action: Action) -> bool {
        self.drop_permission
            .as_ref()
            .is_some_and(|(r, a)| r == resource && *a == action)
    }

    /// Whether lists of `resource` leak hidden objects.
    pub fn leaks(&self, resource: &str) -> bool {
        self.leak_hidden.as_deref() == Some(resource)
    }

    fn rewrites_responses(&self) -> bool {
        self.rewrite_status.is_some() || self.extra_attribute.is_some()
    }
}

fn add_attribute(object: &mut Value, type_name: &str) {
    if object["type"] == type_name
        && let Some(attrs) = object.get_mut("attributes").and_then(Value::as_object_mut)
    {
        attrs.insert(
            "leaked-field".into(),
            Value::String("not in the spec".into()),
        );
    }
}

/// The response-rewriting faults, as middleware (`EndpointExt::around`).
pub async fn inject<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let faults = req
        .data::<AppState>()
        .map(|s| s.settings.faults.clone())
        .unwrap_or_default();
    if !faults.rewrites_responses() {
        return Ok(ep.call(req).await?.into_response());
    }
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let mut resp = match ep.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    if let Some((m, prefix, from, to)) = &faults.rewrite_status
        && *m == method
        && path.starts_with(prefix.as_str())
        && resp.status().as_u16() == *from
        && let Ok(status) = StatusCode::from_u16(*to)
    {
        resp.set_status(status);
    }
    if let Some(type_name) = &faults.extra_attribute {
        let (parts, body) = resp.into_parts();
        let bytes = body.into_vec().await.unwrap_or_default();
        let bytes = match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut doc) => {
                match doc.get_mut("data") {
                    Some(Value::Array(items)) => {
                        items.iter_mut().for_each(|o| add_attribute(o, type_name))
                    }
                    Some(o @ Value::Object(_)) => add_attribute(o, type_name),
                    _ => {}
                }
                serde_json::to_vec(&doc).unwrap_or(bytes)
            }
            Err(_) => bytes,
        };
        let mut parts = parts;
        parts.headers.remove(poem::http::header::CONTENT_LENGTH);
        resp = Response::from_parts(parts, bytes.into());
    }
    Ok(resp)
}
