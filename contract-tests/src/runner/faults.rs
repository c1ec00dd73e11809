//! Deliberate defects for the runner's drift self-tests. The defects inside
//! the authorization path live in the server behind its test-only `faults`
//! feature ([`ServerFaults`]); the ones that rewrite responses live here, as
//! middleware added through the server's embedding hook, so the shipped
//! binary carries none of them.

use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, http::StatusCode};
use serde_json::Value;

pub use open_event_server::faults::Faults as ServerFaults;
use open_event_server::startup::Embedding;

/// The defects to inject; all off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Skip the permission check of `action` on this resource type
    /// (visibility still applies). Server-side.
    pub drop_permission: Option<(String, open_event_server::permissions::Action)>,
    /// Lists of this type ignore visibility (hidden objects leak into
    /// them). Server-side.
    pub leak_hidden: Option<String>,
    /// Answer status `to` instead of `from` for `METHOD` on paths starting
    /// with the prefix: `(method, prefix, from, to)`. Middleware.
    pub rewrite_status: Option<(String, String, u16, u16)>,
    /// Add the undocumented attribute `leaked-field` to every object of
    /// this type in `data`. Middleware.
    pub extra_attribute: Option<String>,
}

impl Faults {
    /// The server-side part.
    pub fn server(&self) -> ServerFaults {
        ServerFaults {
            drop_permission: self
                .drop_permission
                .as_ref()
                .map(|(r, a)| (r.clone(), a.name().to_owned())),
            leak_hidden: self.leak_hidden.clone(),
        }
    }

    /// The response-rewriting part, as an embedding of the app.
    pub fn embedding(&self) -> Embedding {
        if self.rewrite_status.is_none() && self.extra_attribute.is_none() {
            return Embedding::default();
        }
        let faults = self.clone();
        Embedding::default().wrap(move |ep| {
            let faults = faults.clone();
            ep.around(move |ep, req| {
                let faults = faults.clone();
                async move { rewrite(&faults, ep.as_ref(), req).await }
            })
            .boxed()
        })
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

async fn rewrite<E: Endpoint + ?Sized>(
    faults: &Faults,
    ep: &E,
    req: Request,
) -> poem::Result<Response> {
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
        let (mut parts, body) = resp.into_parts();
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
        parts.headers.remove(poem::http::header::CONTENT_LENGTH);
        resp = Response::from_parts(parts, bytes.into());
    }
    Ok(resp)
}
