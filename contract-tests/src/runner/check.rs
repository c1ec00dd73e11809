//! The checks every response goes through: status (expected, and
//! documented at all), content type, documented headers, `Location` on 201
//! (it must resolve with a GET to 200), the body against the response JSON
//! Schema, JSON:API structure, error `source` expectations, `included`
//! resources against their own resource schemas, and links that must
//! resolve with a GET (200, or a 401/404 the target operation documents).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    env::Env,
    http::{Exchange, HttpRequest},
    jsonapi,
    model::Check,
    spec::{JSONAPI, Operation, media_essence, media_normal},
};

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// No failures.
    pub passed: bool,
    /// Failed expectations.
    pub failures: Vec<Failure>,
    /// The exchanges (kept for failed checks only).
    pub exchanges: Vec<Exchange>,
    /// Requests sent.
    pub requests: usize,
    /// Wall time, milliseconds.
    pub millis: u64,
}

/// One failed expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// What failed.
    pub message: String,
    /// What the spec or the scenario expects.
    pub expected: String,
    /// What the server did.
    pub actual: String,
    /// The exchange it is about (index into the check's exchanges).
    pub exchange: usize,
}

/// The exchanges and failures of one check, as they accumulate.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Every request sent, in order.
    pub exchanges: Vec<Exchange>,
    /// Every failure, in order.
    pub failures: Vec<Failure>,
}

impl Recorder {
    /// Records an exchange; returns its index.
    pub fn push(&mut self, ex: Exchange) -> usize {
        self.exchanges.push(ex);
        self.exchanges.len() - 1
    }

    /// Records a failure about exchange `exchange`.
    pub fn fail(
        &mut self,
        exchange: usize,
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.failures.push(Failure {
            message: message.into(),
            expected: expected.into(),
            actual: actual.into(),
            exchange,
        });
    }
}

/// Scenario-specific expectations on a response.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// An error must carry this `source.pointer`.
    pub pointer: Option<String>,
    /// An error must carry this `source.parameter`.
    pub parameter: Option<String>,
    /// Follow every link of a success document.
    pub follow_links: bool,
    /// The caller may not be allowed to view what it created (a permission
    /// check's actor): `Location` may then answer a 401/404 its GET
    /// operation documents.
    pub location_may_be_hidden: bool,
}

fn snippet(body: &str) -> String {
    let mut s: String = body.chars().take(400).collect();
    if body.chars().count() > 400 {
        s.push('…');
    }
    s
}

/// Runs every response check of exchange `at` against `op` and `expected`;
/// `auth` is the `Authorization` value used to follow links.
pub async fn response(
    env: &Env,
    op: &Operation,
    expected: u16,
    at: usize,
    rec: &mut Recorder,
    expect: &Expect,
) {
    let ex = rec.exchanges[at].clone();
    let resp = &ex.response;
    let status = resp.status;
    if status == 0 {
        rec.fail(
            at,
            "the request failed",
            format!("HTTP {expected}"),
            snippet(&resp.body),
        );
        return;
    }
    if status != expected {
        rec.fail(
            at,
            "unexpected status",
            expected.to_string(),
            format!("{status} {}", snippet(&resp.body)),
        );
    }
    let Some(doc) = op.responses.get(&status) else {
        rec.fail(
            at,
            format!("status {status} is not documented for {}", op.id),
            format!("one of {:?}", op.statuses()),
            status.to_string(),
        );
        return;
    };
    let content_type = resp.header("content-type").unwrap_or_default().to_owned();
    if doc.media_types.is_empty() {
        if !resp.body.is_empty() {
            rec.fail(
                at,
                "a body where the spec documents none",
                "no body",
                snippet(&resp.body),
            );
        }
    } else if !doc
        .media_types
        .iter()
        .any(|m| media_normal(m) == media_normal(&content_type))
    {
        rec.fail(
            at,
            "content type",
            doc.media_types.join(" or "),
            if content_type.is_empty() {
                "(none)".into()
            } else {
                content_type.clone()
            },
        );
    }
    for (name, required) in &doc.headers {
        if *required && resp.header(name).is_none() {
            rec.fail(
                at,
                format!("missing header `{name}`"),
                format!("{name}: …"),
                "(absent)",
            );
        }
    }
    let body: Value = if resp.body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&resp.body) {
            Ok(v) => v,
            Err(e) => {
                if !doc.media_types.is_empty() {
                    rec.fail(
                        at,
                        format!("the body is not JSON: {e}"),
                        "JSON",
                        snippet(&resp.body),
                    );
                }
                return;
            }
        }
    };
    if let Some(schema) = &doc.schema {
        match env.schemas.validate(&env.spec, schema, &body) {
            Ok(errors) => {
                for e in errors {
                    rec.fail(at, "response schema", schema_name(schema), e);
                }
            }
            Err(e) => rec.fail(
                at,
                "response schema does not compile",
                "a valid schema",
                e.to_string(),
            ),
        }
    }
    let is_jsonapi = media_essence(&content_type) == JSONAPI;
    if is_jsonapi {
        let ty = if (200..300).contains(&status) {
            op.resource_type(&env.spec)
        } else {
            None
        };
        for problem in jsonapi::structure(&body, status, ty.as_deref()) {
            rec.fail(at, "JSON:API structure", "a JSON:API 1.0 document", problem);
        }
        included(env, &body, at, rec);
    }
    if status == expected && status >= 400 {
        error_source(&body, expect, at, rec);
    }
    if status == 201 && status == expected {
        location(env, &ex, at, rec, expect.location_may_be_hidden).await;
    }
    if expect.follow_links && (200..300).contains(&status) && status == expected && is_jsonapi {
        follow_links(env, &ex, &body, at, rec).await;
    }
}

fn schema_name(schema: &Value) -> String {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
        .unwrap_or_else(|| "the response schema".into())
}

fn error_source(body: &Value, expect: &Expect, at: usize, rec: &mut Recorder) {
    let errors = body
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let sources = |key: &str| -> Vec<String> {
        errors
            .iter()
            .filter_map(|e| e.pointer(&format!("/source/{key}")).and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    };
    if let Some(p) = &expect.pointer {
        let got = sources("pointer");
        if !got.contains(p) {
            rec.fail(at, "error source.pointer", p.clone(), format!("{got:?}"));
        }
    }
    if let Some(p) = &expect.parameter {
        let got = sources("parameter");
        if !got.contains(p) {
            rec.fail(at, "error source.parameter", p.clone(), format!("{got:?}"));
        }
    }
}

/// `included` resources against their `<Type>Resource` schemas.
fn included(env: &Env, body: &Value, at: usize, rec: &mut Recorder) {
    let Some(items) = body.get("included").and_then(Value::as_array) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let ty = item.get("type").and_then(Value::as_str).unwrap_or_default();
        let Some(reference) = env.spec.resource_schema_ref(ty) else {
            rec.fail(
                at,
                format!("included[{i}] has an undocumented type"),
                "a documented resource type",
                ty,
            );
            continue;
        };
        let schema = serde_json::json!({"$ref": reference});
        if let Ok(errors) = env.schemas.validate(&env.spec, &schema, item) {
            for e in errors {
                rec.fail(at, format!("included[{i}] schema"), schema_name(&schema), e);
            }
        }
    }
}

fn auth_of(ex: &Exchange) -> Option<String> {
    ex.request.header("Authorization").map(str::to_owned)
}

async fn get(env: &Env, path: &str, ex: &Exchange, accept: &str) -> Exchange {
    let mut req = HttpRequest::new("GET", path);
    req.set_header("Accept", accept);
    if let Some(a) = auth_of(ex) {
        req.set_header("Authorization", a);
    }
    env.send(&req).await
}

async fn location(env: &Env, ex: &Exchange, at: usize, rec: &mut Recorder, may_be_hidden: bool) {
    let Some(loc) = ex.response.header("location").map(str::to_owned) else {
        rec.fail(
            at,
            "201 without `Location`",
            "Location: <url of the new resource>",
            "(absent)",
        );
        return;
    };
    let Some(op) = env.spec.match_path("GET", &loc) else {
        rec.fail(
            at,
            "`Location` names no documented GET operation",
            "a documented path",
            loc,
        );
        return;
    };
    let follow = get(env, &loc, ex, &op.accept()).await;
    let status = follow.response.status;
    let i = rec.push(follow);
    // An anonymous creator (registration) may not read what it created;
    // nor may every permission check's actor.
    let anonymous = auth_of(ex).is_none();
    let hidden_ok = may_be_hidden && matches!(status, 401 | 404) && op.documents(status);
    if status != 200 && !(anonymous && status == 401 && op.documents(401)) && !hidden_ok {
        let want = if anonymous || may_be_hidden {
            "200 (or a documented 401/404 for a caller who may not view it)"
        } else {
            "200"
        };
        rec.fail(
            i,
            format!("`Location` {loc} does not resolve"),
            want,
            status.to_string(),
        );
    }
}

async fn follow_links(env: &Env, ex: &Exchange, body: &Value, at: usize, rec: &mut Recorder) {
    let mut seen = BTreeSet::new();
    for (where_, link) in jsonapi::links(body) {
        if !seen.insert(link.clone()) || !link.starts_with('/') {
            continue;
        }
        let Some(op) = env.spec.match_path("GET", &link) else {
            rec.fail(
                at,
                format!("link {where_} names no documented GET operation"),
                "a documented path",
                link,
            );
            continue;
        };
        let follow = get(env, &link, ex, &op.accept()).await;
        let status = follow.response.status;
        let ok = status == 200 || ((status == 401 || status == 404) && op.documents(status));
        let i = rec.push(follow);
        if !ok {
            rec.fail(
                i,
                format!("link {where_} does not resolve"),
                format!("200 (or a documented 401/404 of {})", op.id),
                status.to_string(),
            );
        }
    }
}
