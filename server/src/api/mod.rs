//! The HTTP API: one `#[OpenApi]` impl per resource, composed here, and the
//! generated OpenAPI document (with the JSON:API query parameters and the
//! `x-permissions` of every operation added from the permission tables).

pub mod auth;
pub mod health;
pub mod role_invites;

use poem_openapi::{OpenApiService, Tags};
use serde_json::{Value, json};

use crate::{
    jsonapi::{Guarded, Registry, endpoints},
    permissions::{Action, Role, Rule, export},
    resources::{self, role_invite},
};

/// Tags of the hand-written operations (the resources name their own).
#[derive(Tags)]
pub enum ApiTags {
    /// Login, tokens, password and email flows.
    Auth,
    /// Liveness.
    Health,
    /// Roles, role grants and role invites.
    Roles,
}

/// All operation groups: the hand-written ones, then every resource's
/// generated API (itself a tuple, so the count is not bounded by one tuple).
pub type Apis = (
    health::HealthApi,
    auth::AuthApi,
    role_invites::RoleInvitesApi,
    resources::Apis,
);

/// All operations.
pub fn api() -> Apis {
    (
        health::HealthApi,
        auth::AuthApi,
        role_invites::RoleInvitesApi,
        resources::apis(),
    )
}

/// The service type.
pub type Service = OpenApiService<Apis, ()>;

/// The OpenAPI service (routes + spec), without binding a port.
pub fn service() -> Service {
    OpenApiService::new(api(), "Open Event API", env!("CARGO_PKG_VERSION"))
        .description(
            "JSON:API 1.0 server for events, in the style of the Open Event API Server. \
             Request and response bodies are `application/vnd.api+json` (the `/v1/auth` helpers \
             also take `application/json`). Errors are JSON:API error documents with a stable \
             `code`. Order of checks: 415/406, 401, 404 (missing or hidden), 403, then 400/409/422. \
             Every operation carries `x-permissions`: the rules (role, conditions, field limits) \
             from the same tables the server enforces.",
        )
        .server("/")
}

const ANYONE: &[Rule] = &[Rule::role(Role::Anyone)];
const REGISTERED: &[Rule] = &[Rule::role(Role::Registered)];

/// The permissions of the hand-written `/v1` operations, by operation id.
/// (Generated operations derive theirs from their resource.)
fn hand_written() -> Vec<(&'static str, Guarded)> {
    use Action::*;
    vec![
        ("login", Guarded::Rules("auth", Create, ANYONE)),
        ("refresh_token", Guarded::Rules("auth", Create, ANYONE)),
        (
            "change_password",
            Guarded::Rules("auth", Update, REGISTERED),
        ),
        ("verify_email", Guarded::Rules("auth", Update, ANYONE)),
        (
            "resend_verification_email",
            Guarded::Rules("auth", Create, ANYONE),
        ),
        (
            "request_password_reset",
            Guarded::Rules("auth", Create, ANYONE),
        ),
        ("reset_password", Guarded::Rules("auth", Update, ANYONE)),
        (
            "accept_role_invite",
            Guarded::Table(&role_invite::TABLE, Update),
        ),
    ]
}

/// The permissions of every `/v1` operation, by operation id: the
/// hand-written ones and every generated operation of `registry`.
pub fn operation_permissions(registry: &Registry) -> Vec<(&'static str, Guarded)> {
    let mut out = hand_written();
    for res in registry.all() {
        out.extend(
            endpoints::operations(*res)
                .into_iter()
                .map(|op| (op.id, op.guarded)),
        );
    }
    out
}

/// The handbook page (`spec/permissions.md`), one section per resource.
pub fn permissions_handbook(registry: &Registry) -> String {
    let sections: Vec<(String, String, &'static crate::permissions::Table)> = registry
        .all()
        .iter()
        .map(|r| {
            (
                r.title().to_owned(),
                format!("{}/{}", crate::jsonapi::PREFIX, r.plural()),
                r.permissions(),
            )
        })
        .collect();
    export::handbook(
        &sections
            .iter()
            .map(|(t, p, table)| (t.as_str(), p.as_str(), *table))
            .collect::<Vec<_>>(),
    )
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
/// JSON:API query parameters and `x-permissions` on every operation.
pub fn spec_json(service: &Service, registry: &Registry) -> Value {
    let mut spec: Value = serde_json::from_str(&service.spec()).unwrap_or(Value::Null);
    let perms = operation_permissions(registry);
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                add_query_params(op);
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some((_, guarded)) = perms.iter().find(|(op_id, _)| *op_id == id)
                    && let Some(obj) = op.as_object_mut()
                {
                    let value = match guarded {
                        Guarded::Table(table, action) => export::x_permissions(table, *action),
                        Guarded::Rules(resource, action, rules) => {
                            export::x_permissions_rules(resource, *action, rules)
                        }
                        Guarded::Related(parent, target, action) => {
                            export::x_permissions_via(parent, target, *action)
                        }
                    };
                    obj.insert("x-permissions".into(), value);
                }
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
