//! The request path of design §3, for handlers: 401 → 404 → 403 → field
//! limits (403 with the pointer). One call per operation.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    Condition, DatabaseConnection, FromQueryResult,
    sea_query::{Expr, ExprTrait, Query},
};

use super::{
    Action, Rule,
    engine::{Args, compile, has_access, matching_rules},
};
use crate::{
    auth::Caller,
    error::ApiError,
    jsonapi::{Resource, Row, body::Parsed, fetch, registry::DynResource},
    state::AppState,
};

fn unauthenticated() -> ApiError {
    ApiError::unauthorized("Authentication is required: send `Authorization: JWT <token>`.")
}

/// Loads the object addressed by `cond` for `action`: 401 when the action
/// needs a token and none was sent, 404 when missing or hidden, 403 when
/// visible but not allowed. Returns the model and the rules that allowed it.
pub async fn authorize<R: Resource>(
    state: &AppState,
    caller: &Caller,
    action: Action,
    cond: Condition,
) -> Result<(R::Model, Vec<Rule>), ApiError> {
    let db = &state.db;
    let table = &R::PERMISSIONS;
    if caller.user_id().is_none() && table.requires_auth(action) {
        return Err(unauthenticated());
    }
    let model = fetch::find_visible::<R>(db, caller, cond).await?;
    let row = crate::jsonapi::registry::to_row(&model);
    let id = row
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or_default();
    let mut rules = matching_rules(db, table, action, caller, id).await?;
    if state.settings.faults.drops(R::TYPE, action) {
        rules = table.rules(action).to_vec();
    }
    if rules.is_empty() {
        return Err(ApiError::forbidden(format!(
            "You may see this {} but not {} it.",
            R::TYPE,
            action.name()
        )));
    }
    Ok((model, rules))
}

/// Authorizes a creation from the facts in `args`: 401, then 403.
pub async fn authorize_create<R: Resource>(
    state: &AppState,
    caller: &Caller,
    args: &Args,
) -> Result<Vec<Rule>, ApiError> {
    let db = &state.db;
    let table = &R::PERMISSIONS;
    if caller.user_id().is_none() && table.requires_auth(Action::Create) {
        return Err(unauthenticated());
    }
    let mut rules = Vec::new();
    for rule in table.rules(Action::Create) {
        if has_access(db, caller, rule, args).await? {
            rules.push(*rule);
        }
    }
    if rules.is_empty() {
        return Err(ApiError::forbidden(format!(
            "You may not create this {}.",
            R::TYPE
        )));
    }
    Ok(rules)
}

/// Every attribute sent must be allowed by one of the rules (403 + pointer).
pub fn check_fields(rules: &[Rule], parsed: &Parsed) -> Result<(), ApiError> {
    for (field, _) in &parsed.attrs {
        if !rules.iter().any(|r| r.fields.allows(field.name)) {
            return Err(
                ApiError::forbidden(format!("You may not set `{}`.", field.name))
                    .at_pointer(format!("/data/attributes/{}", field.name)),
            );
        }
    }
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct Id {
    id: i64,
}

/// Attributes to hide per row id: those no matching view rule allows.
pub async fn hidden_fields(
    db: &DatabaseConnection,
    caller: &Caller,
    res: &dyn DynResource,
    rows: &[Row],
) -> Result<HashMap<i64, Vec<&'static str>>, ApiError> {
    let table = res.permissions();
    let rules = table.rules(Action::View);
    if rows.is_empty() || rules.iter().all(|r| r.fields == super::Fields::All) {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.get("id").and_then(serde_json::Value::as_i64))
        .collect();
    let mut allowed: HashMap<i64, Vec<Rule>> = HashMap::new();
    for rule in rules {
        let stmt = Query::select()
            .column((table.table, "id"))
            .from(table.table)
            .and_where(Expr::col((table.table, "id")).is_in(ids.clone()))
            .cond_where(compile(table, rule, caller))
            .to_owned();
        let hits = Id::find_by_statement(db.get_database_backend().build(&stmt))
            .all(db)
            .await?;
        for hit in hits {
            allowed.entry(hit.id).or_default().push(*rule);
        }
    }
    let mut hidden = HashMap::new();
    for id in ids {
        let matched = allowed.get(&id).map(Vec::as_slice).unwrap_or_default();
        let names: HashSet<&'static str> = res
            .fields()
            .iter()
            .filter(|f| !matched.iter().any(|r| r.fields.allows(f.name)))
            .map(|f| f.name)
            .collect();
        if !names.is_empty() {
            hidden.insert(id, names.into_iter().collect());
        }
    }
    Ok(hidden)
}
