//! The HTTP API: one `#[OpenApi]` impl per resource, composed here, and the
//! generated OpenAPI document (with the JSON:API query parameters and the
//! `x-permissions` of every operation added from the permission tables).

pub mod auth;
mod crud;
pub mod events;
pub mod health;
pub mod role_invites;
pub mod roles;
pub mod users;
pub mod users_events_roles;

use poem_openapi::{OpenApiService, Tags};
use serde_json::{Value, json};

use crate::{
    permissions::{Action, Role, Rule, Table, export},
    resources::{event, role, role_invite, user, users_events_role},
};

/// Operation tags.
#[derive(Tags)]
pub enum ApiTags {
    /// Login, tokens, password and email flows.
    Auth,
    /// Events.
    Events,
    /// Liveness.
    Health,
    /// Roles, role grants and role invites.
    Roles,
    /// User accounts.
    Users,
}

/// All operation groups.
pub type Apis = (
    health::HealthApi,
    auth::AuthApi,
    users::UsersApi,
    events::EventsApi,
    roles::RolesApi,
    users_events_roles::UsersEventsRolesApi,
    role_invites::RoleInvitesApi,
);

/// All operations.
pub fn api() -> Apis {
    (
        health::HealthApi,
        auth::AuthApi,
        users::UsersApi,
        events::EventsApi,
        roles::RolesApi,
        users_events_roles::UsersEventsRolesApi,
        role_invites::RoleInvitesApi,
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

/// What guards an operation.
#[derive(Debug, Clone, Copy)]
pub enum Guarded {
    /// An action of a resource's table.
    Table(&'static Table, Action),
    /// Explicit rules (the auth helpers, manager-guarded endpoints).
    Rules(&'static str, Action, &'static [Rule]),
    /// A related endpoint: the parent must be viewable first (its denials
    /// come first), then `action` of the target's table applies.
    Related(&'static Table, &'static Table, Action),
}

const ANYONE: &[Rule] = &[Rule::role(Role::Anyone)];
const REGISTERED: &[Rule] = &[Rule::role(Role::Registered)];

/// The permissions of every `/v1` operation, by operation id.
pub fn operation_permissions() -> Vec<(&'static str, Guarded)> {
    use Action::*;
    use Guarded::{Related as R, Table as T};
    let (ev, us, ro, gr, inv) = (
        &event::TABLE,
        &user::TABLE,
        &role::TABLE,
        &users_events_role::TABLE,
        &role_invite::TABLE,
    );
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
        ("list_users", T(us, List)),
        ("create_user", T(us, Create)),
        ("get_user", T(us, View)),
        ("update_user", T(us, Update)),
        ("delete_user", T(us, Delete)),
        ("get_user_users_events_roles_relationship", T(us, View)),
        ("list_user_users_events_roles", R(us, gr, List)),
        ("list_events", T(ev, List)),
        ("create_event", T(ev, Create)),
        ("get_event", T(ev, View)),
        ("update_event", T(ev, Update)),
        ("delete_event", T(ev, Delete)),
        ("get_event_creator_relationship", T(ev, View)),
        ("get_event_creator", R(ev, us, View)),
        ("get_event_users_events_roles_relationship", T(ev, View)),
        ("list_event_users_events_roles", R(ev, gr, List)),
        ("get_event_role_invites_relationship", T(ev, View)),
        ("list_event_role_invites", R(ev, inv, List)),
        ("list_roles", T(ro, List)),
        ("create_role", T(ro, Create)),
        ("get_role", T(ro, View)),
        ("update_role", T(ro, Update)),
        ("delete_role", T(ro, Delete)),
        ("list_users_events_roles", T(gr, List)),
        ("get_users_events_role", T(gr, View)),
        ("update_users_events_role", T(gr, Update)),
        ("delete_users_events_role", T(gr, Delete)),
        ("get_users_events_role_user_relationship", T(gr, View)),
        ("get_users_events_role_user", R(gr, us, View)),
        ("get_users_events_role_event_relationship", T(gr, View)),
        ("get_users_events_role_event", R(gr, ev, View)),
        ("get_users_events_role_role_relationship", T(gr, View)),
        ("update_users_events_role_role_relationship", T(gr, Update)),
        ("get_users_events_role_role", R(gr, ro, View)),
        ("list_role_invites", T(inv, List)),
        ("create_role_invite", T(inv, Create)),
        ("accept_role_invite", T(inv, Update)),
        ("get_role_invite", T(inv, View)),
        ("delete_role_invite", T(inv, Delete)),
        ("get_role_invite_event_relationship", T(inv, View)),
        ("get_role_invite_event", R(inv, ev, View)),
        ("get_role_invite_role_relationship", T(inv, View)),
        ("get_role_invite_role", R(inv, ro, View)),
    ]
}

/// The handbook page (`spec/permissions.md`).
pub fn permissions_handbook() -> String {
    export::handbook(&[
        ("Users", "/v1/users", &user::TABLE),
        ("Events", "/v1/events", &event::TABLE),
        ("Roles", "/v1/roles", &role::TABLE),
        (
            "Role grants",
            "/v1/users-events-roles",
            &users_events_role::TABLE,
        ),
        ("Role invites", "/v1/role-invites", &role_invite::TABLE),
    ])
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
pub fn spec_json(service: &Service) -> Value {
    let mut spec: Value = serde_json::from_str(&service.spec()).unwrap_or(Value::Null);
    let perms = operation_permissions();
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
