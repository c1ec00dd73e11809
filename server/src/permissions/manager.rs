//! The Open Event permission manager, typed: for an operation it knows which
//! methods it guards, what the check needs (`fetch`), under which name
//! (`fetch_as`), where to find it (the path arguments, or a lookup through one
//! or more models by `fetch_key_url` / `fetch_key_model`, following a chain of
//! columns), and optional `leave_if` / `check` predicates. Then it asks
//! [`has_access`] with the permission's rule.

use std::collections::BTreeMap;

use sea_orm::{
    ConnectionTrait, DbErr, FromQueryResult,
    sea_query::{Alias, Expr, ExprTrait, Query},
};

use super::{
    Rule,
    engine::{Args, has_access},
};
use crate::{auth::Caller, error::ApiError};

/// The arguments of a request (path parameters and fetched values), by name.
pub type Kwargs = BTreeMap<String, i64>;

/// A model to look a value up in.
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    /// The table.
    pub table: &'static str,
    /// The request argument holding the key (`fetch_key_url`).
    pub key_url: &'static str,
    /// The column matched against it (`fetch_key_model`, usually `id`).
    pub key_model: &'static str,
    /// Columns to follow after the first row: `(column, next table)` pairs,
    /// e.g. `[("session_id", "sessions")]` to reach a session's `event_id`.
    pub chain: &'static [(&'static str, &'static str)],
}

/// One permission check, configured like Open Event's `api.has_permission`.
#[derive(Debug, Clone, Copy)]
pub struct PermissionManager {
    /// The rule that must hold.
    pub permission: Rule,
    /// HTTP methods guarded; other methods pass unchecked. Empty = all.
    pub methods: &'static [&'static str],
    /// Candidate names of the value to fetch, in order (e.g. `["event_id"]`).
    pub fetch: &'static [&'static str],
    /// The name the check receives it under (default: the fetched name).
    pub fetch_as: Option<&'static str>,
    /// Candidate models, tried in order when the arguments lack the value.
    pub models: &'static [Lookup],
    /// When true, the check is skipped.
    pub leave_if: Option<fn(&Kwargs) -> bool>,
    /// When false, 403 before anything else.
    pub check: Option<fn(&Kwargs) -> bool>,
}

#[derive(Debug, FromQueryResult)]
struct Value {
    value: Option<i64>,
}

async fn column_of<C: ConnectionTrait>(
    db: &C,
    table: &str,
    key_col: &str,
    key: i64,
    col: &str,
) -> Result<Option<i64>, DbErr> {
    let stmt = Query::select()
        .expr_as(Expr::col((Alias::new(table), Alias::new(col))), "value")
        .from(Alias::new(table))
        .and_where(Expr::col((Alias::new(table), Alias::new(key_col))).eq(key))
        .limit(1)
        .to_owned();
    let row = Value::find_by_statement(db.get_database_backend().build(&stmt))
        .one(db)
        .await?;
    Ok(row.and_then(|r| r.value))
}

impl PermissionManager {
    /// A manager for `permission` with Open Event's defaults.
    pub const fn new(permission: Rule) -> Self {
        PermissionManager {
            permission,
            methods: &[],
            fetch: &[],
            fetch_as: None,
            models: &[],
            leave_if: None,
            check: None,
        }
    }

    /// Resolves the fetched value: from `kwargs`, else through the models.
    pub async fn resolve<C: ConnectionTrait>(
        &self,
        db: &C,
        kwargs: &Kwargs,
    ) -> Result<Option<(String, i64)>, ApiError> {
        let Some(first) = self.fetch.first() else {
            return Ok(None);
        };
        let name = self.fetch_as.unwrap_or(first).to_owned();
        if let Some(v) = self
            .fetch
            .iter()
            .find_map(|k| kwargs.get(*k).copied().filter(|v| *v != 0))
        {
            return Ok(Some((name, v)));
        }
        for model in self.models {
            let Some(key) = kwargs.get(model.key_url).copied() else {
                continue;
            };
            // Walk the chain, then read the first fetch column that exists.
            let mut table = model.table;
            let mut key_col = model.key_model;
            let mut key = key;
            let mut found = true;
            for (col, next) in model.chain {
                match column_of(db, table, key_col, key, col).await? {
                    Some(v) => {
                        key = v;
                        table = next;
                        key_col = "id";
                    }
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if !found {
                continue;
            }
            for f in self.fetch {
                if let Ok(Some(v)) = column_of(db, table, key_col, key, f).await {
                    return Ok(Some((name, v)));
                }
            }
        }
        Err(ApiError::not_found("Object not found."))
    }

    /// Runs the check for a request: `Ok` means go on.
    pub async fn run<C: ConnectionTrait>(
        &self,
        db: &C,
        caller: &Caller,
        method: &str,
        kwargs: &mut Kwargs,
    ) -> Result<(), ApiError> {
        if !self.methods.is_empty() && !self.methods.iter().any(|m| m.eq_ignore_ascii_case(method))
        {
            return Ok(());
        }
        if self.leave_if.is_some_and(|f| f(kwargs)) {
            return Ok(());
        }
        if self.check.is_some_and(|f| !f(kwargs)) {
            return Err(ApiError::forbidden("Access forbidden."));
        }
        if let Some((name, value)) = self.resolve(db, kwargs).await? {
            kwargs.insert(name, value);
        }
        let args = Args {
            event_id: kwargs.get("event_id").copied(),
            user_id: kwargs.get("user_id").copied(),
            role_name: None,
        };
        if self.permission.role != super::Role::Anyone && caller.user_id().is_none() {
            return Err(ApiError::unauthorized(
                "Authentication is required: send `Authorization: JWT <token>`.",
            ));
        }
        if has_access(db, caller, &self.permission, &args).await? {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "This needs the {} role{}.",
                self.permission.role.name(),
                if self.permission.role.is_event_role() {
                    " on the event"
                } else {
                    ""
                }
            )))
        }
    }
}
