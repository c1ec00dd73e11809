//! Relationships in request bodies: the required relationships of a create
//! (`<S>CreateRelationships.required`), filled with seeded objects, and
//! the resource identifier a relationship `PATCH` sends. The type a
//! relationship holds is read from the spec: the type its related endpoint
//! (`GET /<plural>/{id}/<relationship>`) returns.
//!
//! Some relationships are tied to an attribute the spec describes only in
//! prose; those couplings are registered here as [`HOOKS`] (the analogue
//! of a Dredd hook): a role invite's `role` is the role its `role-name`
//! names.

use open_event_factories::FactoryContext;
use serde_json::{Map, Value, json};

use super::body::effective;
use crate::runner::{
    RunnerError,
    env::Env,
    seed::{ObjectState, SeededUser},
    spec::{Operation, Spec},
};

/// How a relationship of a request body is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// The role named by this attribute of the same body.
    RoleNamedBy(&'static str),
}

/// Registered couplings: `(data.type, relationship, hook)`.
pub const HOOKS: &[(&str, &str, Hook)] = &[("role-invite", "role", Hook::RoleNamedBy("role-name"))];

fn hook(body_type: &str, rel: &str) -> Option<Hook> {
    HOOKS
        .iter()
        .find(|(t, r, _)| *t == body_type && *r == rel)
        .map(|(_, _, h)| *h)
}

/// The resource type relationship `rel` of `ty` holds: the type returned
/// by its related endpoint; else the relationship name, when it is a type.
pub fn target_type(spec: &Spec, ty: &str, rel: &str) -> Option<String> {
    let suffix = format!("/{rel}");
    spec.operations
        .iter()
        .filter(|o| o.method == "GET" && !o.is_linkage() && o.path.ends_with(&suffix))
        .find(|o| {
            o.path_params()
                .first()
                .is_some_and(|p| o.path_params().len() == 1 && o.param_kind(spec, p) == ty)
        })
        .and_then(|o| o.resource_type(spec))
        .or_else(|| spec.resource_schema_ref(rel).map(|_| rel.to_owned()))
}

/// The required relationships of a JSON:API request body, with the type
/// each holds.
pub fn required(op: &Operation, spec: &Spec, body_type: &str) -> Vec<(String, String)> {
    let Some(rb) = &op.request_body else {
        return Vec::new();
    };
    let Some(data) = rb.schema.pointer("/properties/data") else {
        return Vec::new();
    };
    let data = effective(data);
    let Some(rels) = data.pointer("/properties/relationships") else {
        return Vec::new();
    };
    let rels = effective(rels);
    rels.get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|n| target_type(spec, body_type, n).map(|t| (n.to_owned(), t)))
                .collect()
        })
        .unwrap_or_default()
}

/// Fills the required relationships of `data` (a create's `data` member)
/// with objects seeded for `owner` (or named by a [hook](HOOKS)).
pub async fn fill(
    env: &Env,
    ctx: &FactoryContext,
    op: &Operation,
    body_type: &str,
    data: &mut Value,
    owner: Option<&SeededUser>,
) -> Result<(), RunnerError> {
    let rels = required(op, &env.spec, body_type);
    if rels.is_empty() {
        return Ok(());
    }
    let mut map = Map::new();
    for (rel, target) in rels {
        let id = match hook(body_type, &rel) {
            Some(Hook::RoleNamedBy(attr)) => {
                let name = data
                    .pointer(&format!("/attributes/{attr}"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                env.seeder()?.role_id(&name).await?.to_string()
            }
            None => {
                let owner = match owner {
                    Some(u) => u.clone(),
                    None => {
                        env.seeder()?
                            .user(ctx, crate::runner::seed::UserKind::Regular)
                            .await?
                    }
                };
                env.seeder()?
                    .object(ctx, &target, &owner, ObjectState::Public)
                    .await?
            }
        };
        map.insert(rel, json!({"data": {"type": target, "id": id}}));
    }
    data["relationships"] = Value::Object(map);
    Ok(())
}

/// For a relationship endpoint that takes a body (`PATCH
/// /<plural>/{id}/relationships/<rel>`): the type the relationship holds.
pub fn linkage_target(op: &Operation, spec: &Spec) -> Option<String> {
    if !op.is_linkage() || op.request_body.is_none() {
        return None;
    }
    let (item, rel) = op.path.split_once("/relationships/")?;
    let param = crate::runner::spec::template_params(item).pop()?;
    let ty = op.param_kind(spec, &param);
    target_type(spec, &ty, rel)
}
