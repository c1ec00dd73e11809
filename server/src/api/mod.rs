//! The HTTP API: one `#[OpenApi]` impl per resource, composed here, and the
//! generated OpenAPI document (with the JSON:API query parameters added).

pub mod auth;
mod common;
pub mod events;
pub mod health;
pub mod users;

use poem_openapi::{OpenApiService, Tags};
use serde_json::{Value, json};

/// Operation tags.
#[derive(Tags)]
pub enum ApiTags {
    /// Login, tokens, password and email flows.
    Auth,
    /// Events.
    Events,
    /// Liveness.
    Health,
    /// User accounts.
    Users,
}

/// All operations.
pub fn api() -> (
    health::HealthApi,
    auth::AuthApi,
    users::UsersApi,
    events::EventsApi,
) {
    (
        health::HealthApi,
        auth::AuthApi,
        users::UsersApi,
        events::EventsApi,
    )
}

/// The service type.
pub type Service = OpenApiService<
    (
        health::HealthApi,
        auth::AuthApi,
        users::UsersApi,
        events::EventsApi,
    ),
    (),
>;

/// The OpenAPI service (routes + spec), without binding a port.
pub fn service() -> Service {
    OpenApiService::new(api(), "Open Event API", env!("CARGO_PKG_VERSION"))
        .description(
            "JSON:API 1.0 server for events, in the style of the Open Event API Server. \
             Request and response bodies are `application/vnd.api+json` (the `/v1/auth` helpers \
             also take `application/json`). Errors are JSON:API error documents with a stable \
             `code`. Order of checks: 415/406, 401, 404 (missing or hidden), 403, then 400/409/422.",
        )
        .server("/")
}

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn list_params() -> Vec<Value> {
    vec![
        param(
            "page[size]",
            "Page size (default 20, max 1000; 0 = no pagination).",
            json!({"type": "integer", "minimum": 0}),
        ),
        param(
            "page[number]",
            "1-based page number.",
            json!({"type": "integer", "minimum": 1}),
        ),
        param(
            "sort",
            "Comma-separated attribute names; `-` for descending; `relationship.attribute` for to-one relationships.",
            json!({"type": "string"}),
        ),
        param(
            "filter",
            "JSON array of `{\"name\",\"op\",\"val\"|\"field\"}` nodes combined with `and`/`or`/`not`; `has`/`any` on relationships. Operators: eq ne lt le gt ge like ilike in_ notin_ is_ isnot between. The simple form `filter[attr]=value` also works.",
            json!({"type": "string"}),
        ),
    ]
}

fn detail_params() -> Vec<Value> {
    vec![
        param(
            "include",
            "Comma-separated relationship paths, dotted for nesting (`a.b`).",
            json!({"type": "string"}),
        ),
        json!({
            "name": "fields", "in": "query", "required": false, "style": "deepObject", "explode": true,
            "description": "Sparse fieldsets: `fields[<type>]=a,b`.",
            "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        }),
    ]
}

/// The spec as served and committed: poem-openapi's document plus the
/// JSON:API query parameters on every operation that reads them.
pub fn spec_json(service: &Service) -> Value {
    let mut spec: Value = serde_json::from_str(&service.spec()).unwrap_or(Value::Null);
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                add_query_params(op);
            }
        }
    }
    spec
}

fn success_schema(op: &Value) -> Option<String> {
    let responses = op.get("responses")?.as_object()?;
    let ok = responses.get("200").or_else(|| responses.get("201"))?;
    let content = ok.get("content")?.as_object()?;
    let media = content.get(crate::jsonapi::JSONAPI_MEDIA_TYPE)?;
    media.pointer("/schema/$ref")?.as_str().map(str::to_owned)
}

fn add_query_params(op: &mut Value) {
    let Some(schema) = success_schema(op) else {
        return;
    };
    let mut extra = Vec::new();
    if schema.ends_with("CollectionDocument") {
        extra.extend(list_params());
        extra.extend(detail_params());
    } else if schema.ends_with("Document")
        && !schema.contains("Relationship")
        && !schema.ends_with("/MetaDocument")
    {
        extra.extend(detail_params());
    }
    if extra.is_empty() {
        return;
    }
    let params = op
        .as_object_mut()
        .map(|o| o.entry("parameters").or_insert_with(|| json!([])));
    if let Some(Value::Array(list)) = params {
        list.extend(extra);
    }
}
