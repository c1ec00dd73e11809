//! The HTTP API: one `#[OpenApi]` impl per resource, composed here, and the
//! generated OpenAPI document (with the JSON:API query parameters and the
//! `x-permissions` of every operation added from the permission tables).

pub mod auth;
pub mod health;
pub mod oauth;
mod optional_body;
pub mod role_invites;
pub mod strict;

use poem_openapi::{OpenApiService, Tags};
use serde_json::{Value, json};

use crate::{
    jsonapi::{DynResource, Guarded, Registry, endpoints},
    permissions::{Action, Role, Rule, export},
    resources::{self, role_invite},
};

/// Tags of the hand-written operations (the resources name their own).
#[derive(Tags)]
pub enum ApiTags {
    /// Login (password, Google, Facebook), tokens, password and email flows.
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
    oauth::OAuthApi,
    role_invites::RoleInvitesApi,
    resources::Apis,
);

/// All operations.
pub fn api() -> Apis {
    (
        health::HealthApi,
        auth::AuthApi,
        oauth::OAuthApi,
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
            "oauth_authorization_url",
            Guarded::Rules("auth", View, ANYONE),
        ),
        ("oauth_login", Guarded::Rules("auth", Create, ANYONE)),
        ("oauth_connect", Guarded::Rules("auth", Create, REGISTERED)),
        (
            "list_oauth_connections",
            Guarded::Rules("auth", List, REGISTERED),
        ),
        (
            "delete_oauth_connection",
            Guarded::Rules("auth", Delete, REGISTERED),
        ),
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

/// `^(?:a|b)(?:,(?:a|b))*$` for the alternatives (regex-escaped), with an
/// optional `-` before each when `signed`.
fn list_pattern(alternatives: &[String], signed: bool) -> String {
    let alt = alternatives
        .iter()
        .map(|a| a.replace('.', "\\."))
        .collect::<Vec<_>>()
        .join("|");
    let sign = if signed { "-?" } else { "" };
    // Empty is allowed: the server reads an empty value as none.
    format!("^(?:{sign}(?:{alt})(?:,{sign}(?:{alt}))*)?$")
}

/// The include paths of `res` up to two levels (`a`, `a.b`).
fn include_paths(res: &dyn DynResource) -> Vec<String> {
    let mut out = Vec::new();
    for r in res.relationships() {
        out.push(r.name.to_owned());
        for r2 in r.target().relationships() {
            out.push(format!("{}.{}", r.name, r2.name));
        }
    }
    out
}

/// What `sort` accepts on `res`: its attributes and `rel.attribute` of its
/// to-one relationships.
fn sort_keys(res: &dyn DynResource) -> Vec<String> {
    let mut out: Vec<String> = res
        .fields()
        .iter()
        .filter(|f| f.queryable())
        .map(|f| f.name.to_owned())
        .collect();
    for r in res.relationships().iter().filter(|r| r.is_to_one()) {
        for f in r.target().fields().iter().filter(|f| f.queryable()) {
            out.push(format!("{}.{}", r.name, f.name));
        }
    }
    out
}

/// The `SparseFieldsets` component: per type, the fields it has.
fn sparse_fieldsets(registry: &Registry) -> Value {
    let mut props = serde_json::Map::new();
    for res in registry.all() {
        let mut names: Vec<String> = res
            .fields()
            .iter()
            .filter(|f| f.queryable())
            .map(|f| f.name.to_owned())
            .collect();
        names.extend(res.relationships().iter().map(|r| r.name.to_owned()));
        props.insert(
            res.type_name().to_owned(),
            json!({"type": "string", "pattern": list_pattern(&names, false)}),
        );
    }
    json!({
        "type": "object",
        "description": "Sparse fieldsets: `fields[<type>]=a,b` per resource type.",
        "properties": props,
        "additionalProperties": false,
    })
}

fn list_params(res: Option<&dyn DynResource>) -> Vec<Value> {
    let sort_schema = match res {
        Some(res) => json!({"type": "string", "pattern": list_pattern(&sort_keys(res), true)}),
        None => json!({"type": "string"}),
    };
    vec![
        // Both are read as unsigned 64-bit integers: the schema says so,
        // so that a larger number (refused with 400) is outside it.
        param(
            "page[size]",
            "Page size (default 20; larger sizes are served as 1000; 0 = no pagination).",
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}),
        ),
        param(
            "page[number]",
            "1-based page number; a page past the last is empty.",
            json!({"type": "integer", "minimum": 1, "maximum": u64::MAX}),
        ),
        param(
            "sort",
            "Comma-separated attribute names; `-` for descending; `relationship.attribute` for to-one relationships. Nulls sort last ascending and first descending; ties are broken by id, ascending (the order without `sort`).",
            sort_schema,
        ),
        param(
            "filter",
            "JSON array of `{\"name\",\"op\",\"val\"|\"field\"}` nodes combined with `and`/`or`/`not`; `has`/`any` on relationships; a to-one relationship by id (`{\"name\":\"event\",\"op\":\"eq\",\"val\":\"7\"}`). Operators: eq ne lt le gt ge like ilike in_ notin_ is_ isnot between; `like` (case-sensitive) and `ilike` (case-insensitive) match text attributes with the `%` and `_` wildcards; a comparison with a null attribute matches nothing (use `is_`/`isnot`). The simple form `filter[attr]=value` also works (`filter[event]=7`), ANDed with the JSON form. Empty means no filter.",
            json!({"type": "string"}),
        ),
    ]
}

fn detail_params(res: Option<&dyn DynResource>) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(res) = res.filter(|r| !r.relationships().is_empty()) {
        out.push(param(
            "include",
            "Comma-separated relationship paths, dotted for nesting (`a.b`); the schema lists the paths up to two levels, the server follows deeper ones too.",
            json!({"type": "string", "pattern": list_pattern(&include_paths(res), false)}),
        ));
    }
    out.push(json!({
        "name": "fields", "in": "query", "required": false, "style": "deepObject", "explode": true,
        "description": "Sparse fieldsets: `fields[<type>]=a,b`.",
        "schema": {"$ref": "#/components/schemas/SparseFieldsets"},
    }));
    out
}

/// Request schemas are closed: the server refuses unknown attributes and
/// relationships (422), so the spec says so.
fn close_request_schemas(spec: &mut Value) {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let request = [
            "CreateAttributes",
            "UpdateAttributes",
            "CreateRelationships",
            "UpdateRelationships",
        ]
        .iter()
        .any(|s| name.ends_with(s));
        if request && let Some(obj) = schema.as_object_mut() {
            obj.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
}

/// The spec as served and committed: poem-openapi's document plus the
/// JSON:API query parameters and `x-permissions` on every operation.
pub fn spec_json(service: &Service, registry: &Registry) -> Value {
    let mut spec: Value = serde_json::from_str(&service.spec()).unwrap_or(Value::Null);
    let perms = operation_permissions(registry);
    close_request_schemas(&mut spec);
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert("SparseFieldsets".into(), sparse_fieldsets(registry));
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                add_query_params(op, registry);
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

/// The resource whose documents `schema` (a `$ref`) describes.
fn resource_of(registry: &Registry, schema: &str) -> Option<&'static dyn DynResource> {
    let name = schema.rsplit('/').next()?;
    let prefix = name
        .strip_suffix("CollectionDocument")
        .or_else(|| name.strip_suffix("Document"))?;
    registry
        .all()
        .iter()
        .copied()
        .find(|r| r.schema() == prefix)
}

fn add_query_params(op: &mut Value, registry: &Registry) {
    let Some(schema) = success_schema(op) else {
        return;
    };
    let res = resource_of(registry, &schema);
    let mut extra = Vec::new();
    if schema.ends_with("CollectionDocument") {
        extra.extend(list_params(res));
        extra.extend(detail_params(res));
    } else if schema.ends_with("Document")
        && !schema.contains("Relationship")
        && !schema.ends_with("/MetaDocument")
    {
        extra.extend(detail_params(res));
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
