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
    /// A query-language defect on the requests whose path starts with the
    /// prefix: `(drift, prefix)`. Middleware.
    pub drift: Option<(Drift, String)>,
}

/// A documented behaviour of the query language broken in a way only the
/// meaning of an answer shows (its shape stays valid): one per semantic
/// check family, each confined to the requests that family sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// `sort` ignored: a list requested with `sort` comes back reversed.
    SortIgnored,
    /// `fields[type]` ignored: dropped from the request.
    FieldsIgnored,
    /// `include` honoured in name only: `included` emptied.
    IncludeInNameOnly,
    /// A plain listing (no `filter`, `sort`, `include`, `fields[…]` or
    /// `page[number]`) carries one more object, which nobody can `GET`.
    InvisibleItem,
    /// `meta.count` inflated by 7.
    CountInflated,
    /// The filter operator ignored: its leaves dropped from `filter`.
    FilterOpIgnored(String),
    /// `links.next` skips a page.
    NextLinkSkips,
    /// The first object of `included` twice.
    IncludedTwice,
    /// A relationship's linkage loses its last identifier (a to-one: null).
    LinkageDropsOne,
}

/// The id of the object [`Drift::InvisibleItem`] appends.
pub const INVISIBLE_ID: &str = "2000000000";

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
        if self.rewrite_status.is_none() && self.extra_attribute.is_none() && self.drift.is_none() {
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

/// The query's pairs, decoded.
fn query_pairs(uri: &poem::http::Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `node` without the leaves whose operator is `op` (`None`: nothing left).
fn drop_op(node: &Value, op: &str) -> Option<Value> {
    match node {
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|i| drop_op(i, op)).collect(),
        )),
        Value::Object(map) => {
            for key in ["and", "or"] {
                if let Some(Value::Array(items)) = map.get(key) {
                    let kept: Vec<Value> = items.iter().filter_map(|i| drop_op(i, op)).collect();
                    return Some(serde_json::json!({ key: kept }));
                }
            }
            if let Some(inner) = map.get("not") {
                return drop_op(inner, op).map(|i| serde_json::json!({"not": i}));
            }
            (map.get("op").and_then(Value::as_str) != Some(op)).then(|| node.clone())
        }
        other => Some(other.clone()),
    }
}

/// The request as the drift changes it (dropped `fields[…]`, dropped
/// filter leaves).
fn drift_request(drift: &Drift, req: &mut Request) {
    let pairs = query_pairs(req.uri());
    let kept: Vec<(String, String)> = match drift {
        Drift::FieldsIgnored => pairs
            .into_iter()
            .filter(|(k, _)| !k.starts_with("fields["))
            .collect(),
        Drift::FilterOpIgnored(op) => pairs
            .into_iter()
            .map(|(k, v)| {
                if k != "filter" {
                    return (k, v);
                }
                let v = serde_json::from_str::<Value>(&v)
                    .ok()
                    .and_then(|f| drop_op(&f, op))
                    .map_or(v, |f| f.to_string());
                (k, v)
            })
            .collect(),
        _ => return,
    };
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    let path = req.uri().path().to_owned();
    let target = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(uri) = target.parse() {
        *req.uri_mut() = uri;
    }
}

/// `link` with its `page[number]` one higher.
fn skip_page(link: &str) -> String {
    let Some((path, query)) = link.split_once('?') else {
        return link.to_owned();
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let v = if k == "page[number]" {
                v.parse::<u64>()
                    .map_or(v.to_string(), |n| (n + 1).to_string())
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}

/// The response document as the drift changes it; `sent` are the
/// request's query pairs, `path` its path.
fn drift_document(drift: &Drift, doc: &mut Value, sent: &[(String, String)], path: &str) {
    let has = |name: &str| sent.iter().any(|(k, _)| k == name);
    match drift {
        Drift::SortIgnored if has("sort") => {
            if let Some(Value::Array(items)) = doc.get_mut("data") {
                items.reverse();
            }
        }
        Drift::IncludeInNameOnly => {
            if let Some(included) = doc.get_mut("included") {
                *included = Value::Array(Vec::new());
            }
        }
        Drift::InvisibleItem => {
            let plain = !sent.iter().any(|(k, _)| {
                matches!(k.as_str(), "filter" | "sort" | "include" | "page[number]")
                    || k.starts_with("fields[")
            });
            if let (true, Some(Value::Array(items))) = (plain, doc.get_mut("data"))
                && let Some(mut extra) = items.last().cloned()
                && extra.get("attributes").is_some()
            {
                let base = extra
                    .pointer("/links/self")
                    .and_then(Value::as_str)
                    .and_then(|l| l.rsplit_once('/'))
                    .map(|(base, _)| base.to_owned())
                    .unwrap_or_default();
                extra["id"] = Value::String(INVISIBLE_ID.into());
                extra["links"] = serde_json::json!({"self": format!("{base}/{INVISIBLE_ID}")});
                items.push(extra);
            }
        }
        Drift::CountInflated => {
            if let Some(n) = doc.pointer("/meta/count").and_then(Value::as_u64) {
                doc["meta"]["count"] = Value::from(n + 7);
            }
        }
        Drift::NextLinkSkips => {
            if let Some(next) = doc.pointer("/links/next").and_then(Value::as_str) {
                doc["links"]["next"] = Value::String(skip_page(next));
            }
        }
        Drift::IncludedTwice => {
            if let Some(Value::Array(items)) = doc.get_mut("included")
                && let Some(first) = items.first().cloned()
            {
                items.push(first);
            }
        }
        Drift::LinkageDropsOne if path.contains("/relationships/") => match doc.get_mut("data") {
            Some(Value::Array(items)) => {
                items.pop();
            }
            Some(one @ Value::Object(_)) => *one = Value::Null,
            _ => {}
        },
        _ => {}
    }
}

async fn rewrite<E: Endpoint + ?Sized>(
    faults: &Faults,
    ep: &E,
    mut req: Request,
) -> poem::Result<Response> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let sent = query_pairs(req.uri());
    let drift = faults
        .drift
        .as_ref()
        .filter(|(_, prefix)| path.starts_with(prefix.as_str()))
        .map(|(d, _)| d);
    if let Some(d) = drift {
        drift_request(d, &mut req);
    }
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
    if faults.extra_attribute.is_some() || drift.is_some() {
        let (mut parts, body) = resp.into_parts();
        let bytes = body.into_vec().await.unwrap_or_default();
        let bytes = match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut doc) => {
                if let Some(type_name) = &faults.extra_attribute {
                    match doc.get_mut("data") {
                        Some(Value::Array(items)) => {
                            items.iter_mut().for_each(|o| add_attribute(o, type_name))
                        }
                        Some(o @ Value::Object(_)) => add_attribute(o, type_name),
                        _ => {}
                    }
                }
                if let Some(d) = drift {
                    drift_document(d, &mut doc, &sent, &path);
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
