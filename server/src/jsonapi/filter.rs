//! The `filter` parameter: the Open Event JSON-array form
//! (`[{"name","op","val"|"field"}]` with `and`/`or`/`not` and `has`/`any`)
//! and the simple `filter[attr]=value` form, turned into SQL conditions.

use chrono::{DateTime, Utc};
use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr, Value},
};
use serde_json::Value as Json;

use super::registry::{Cx, Scoped};
use super::{
    registry::DynResource,
    resource::{Field, FieldKind, RelKind},
};
use crate::error::ApiError;

/// A parsed filter, as an SQL condition.
pub type FilterNode = Condition;

const PARAM: &str = "filter";

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::bad_parameter(PARAM, detail)
}

/// Parses the JSON form.
pub fn parse_filter_json(
    raw: &str,
    res: &dyn DynResource,
    cx: &Cx<'_>,
) -> Result<Condition, ApiError> {
    let json: Json =
        serde_json::from_str(raw).map_err(|e| bad(format!("`filter` is not valid JSON: {e}.")))?;
    node(&json, res, cx, 0)
}

/// Parses `filter[name]=value` as equality (`null` matches missing values).
pub fn simple_filter(
    key: &str,
    name: &str,
    raw: &str,
    res: &dyn DynResource,
) -> Result<Condition, ApiError> {
    if let Some(fk) = to_one_fk(res, name) {
        let val = if raw == "null" {
            Json::Null
        } else {
            Json::String(raw.to_owned())
        };
        return by_linked_id(res, fk, name, "eq", &val).map_err(|e| e.at_parameter(key));
    }
    let field = queryable_field(res, name).map_err(|e| e.at_parameter(key))?;
    let col = column(res, field);
    if raw == "null" && !matches!(field.kind, FieldKind::Str { .. } | FieldKind::Text { .. }) {
        return Ok(Condition::all().add(col.is_null()));
    }
    let json = match field.kind {
        FieldKind::Bool | FieldKind::Int { .. } | FieldKind::Float { .. } => {
            serde_json::from_str(raw).unwrap_or(Json::String(raw.to_owned()))
        }
        _ => Json::String(raw.to_owned()),
    };
    let value = to_value(field, &json).map_err(|e| e.at_parameter(key))?;
    Ok(Condition::all().add(col.eq(value)))
}

const MAX_DEPTH: usize = 16;

fn node(
    json: &Json,
    res: &dyn DynResource,
    cx: &Cx<'_>,
    depth: usize,
) -> Result<Condition, ApiError> {
    if depth > MAX_DEPTH {
        return Err(bad("`filter` is nested too deeply."));
    }
    match json {
        Json::Array(items) => items.iter().try_fold(Condition::all(), |c, item| {
            Ok(c.add(node(item, res, cx, depth + 1)?))
        }),
        Json::Object(map) => {
            if let Some(items) = map.get("and") {
                return list(items, res, cx, depth, Condition::all());
            }
            if let Some(items) = map.get("or") {
                return list(items, res, cx, depth, Condition::any());
            }
            if let Some(inner) = map.get("not") {
                return Ok(node(inner, res, cx, depth + 1)?.not());
            }
            leaf(map, res, cx, depth)
        }
        _ => Err(bad("Each filter must be an object or an array of objects.")),
    }
}

fn list(
    items: &Json,
    res: &dyn DynResource,
    cx: &Cx<'_>,
    depth: usize,
    init: Condition,
) -> Result<Condition, ApiError> {
    let Json::Array(items) = items else {
        return Err(bad("`and` and `or` take an array of filters."));
    };
    items
        .iter()
        .try_fold(init, |c, item| Ok(c.add(node(item, res, cx, depth + 1)?)))
}

fn queryable_field(res: &dyn DynResource, name: &str) -> Result<&'static Field, ApiError> {
    res.field(name).filter(|f| f.queryable()).ok_or_else(|| {
        bad(format!(
            "`{}` has no attribute `{name}` to filter on.",
            res.type_name()
        ))
    })
}

fn column(res: &dyn DynResource, field: &Field) -> SimpleExpr {
    Expr::col((res.table(), field.column))
}

fn leaf(
    map: &serde_json::Map<String, Json>,
    res: &dyn DynResource,
    cx: &Cx<'_>,
    depth: usize,
) -> Result<Condition, ApiError> {
    let name = map
        .get("name")
        .and_then(Json::as_str)
        .ok_or_else(|| bad("A filter needs a string `name`."))?;
    let op = map
        .get("op")
        .and_then(Json::as_str)
        .ok_or_else(|| bad(format!("The filter on `{name}` needs a string `op`.")))?;

    if op == "has" || op == "any" {
        return relationship_filter(map, res, cx, name, op, depth);
    }
    if let Some(fk) = to_one_fk(res, name) {
        let val = map
            .get("val")
            .ok_or_else(|| bad(format!("The filter on `{name}` needs `val`.")))?;
        return by_linked_id(res, fk, name, op, val);
    }
    let field = queryable_field(res, name)?;
    let col = column(res, field);
    if let Some(other) = map.get("field") {
        let other = other
            .as_str()
            .ok_or_else(|| bad("`field` must be an attribute name."))?;
        let other = column(res, queryable_field(res, other)?);
        return Ok(Condition::all().add(compare(col, op, other)?));
    }
    let val = map
        .get("val")
        .ok_or_else(|| bad(format!("The filter on `{name}` needs `val` or `field`.")))?;
    let expr = match op {
        "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
            if val.is_null() {
                match op {
                    "eq" => col.is_null(),
                    "ne" => col.is_not_null(),
                    _ => return Err(bad(format!("`{op}` cannot compare with null."))),
                }
            } else {
                compare(col, op, Expr::val(to_value(field, val)?))?
            }
        }
        "like" => col.like(pattern(field, op, val)?),
        "ilike" => Expr::expr(Func::lower(col)).like(pattern(field, op, val)?.to_lowercase()),
        "in_" | "notin_" => {
            let Json::Array(items) = val else {
                return Err(bad(format!("`{op}` on `{name}` takes an array.")));
            };
            let values = items
                .iter()
                .map(|v| to_value(field, v))
                .collect::<Result<Vec<_>, _>>()?;
            if op == "in_" {
                col.is_in(values)
            } else {
                col.is_not_in(values)
            }
        }
        "is_" | "isnot" => {
            if !val.is_null() {
                return Err(bad(format!("`{op}` only compares with null.")));
            }
            if op == "is_" {
                col.is_null()
            } else {
                col.is_not_null()
            }
        }
        "between" => match val {
            Json::Array(pair) if pair.len() == 2 => {
                col.between(to_value(field, &pair[0])?, to_value(field, &pair[1])?)
            }
            _ => return Err(bad(format!("`between` on `{name}` takes [low, high]."))),
        },
        other => return Err(bad(format!("Unknown filter operator `{other}`."))),
    };
    Ok(Condition::all().add(expr))
}

/// The foreign key of a to-one relationship called `name`.
fn to_one_fk(res: &dyn DynResource, name: &str) -> Option<&'static str> {
    match res.relationship(name)?.kind {
        super::resource::RelKind::BelongsTo { fk } => Some(fk),
        super::resource::RelKind::HasMany { .. } => None,
    }
}

fn linked_id(name: &str, val: &Json) -> Result<i64, ApiError> {
    match val {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| bad(format!("`{name}` is matched by id: give an id.")))
}

/// `{"name": "<to-one relationship>", "op": "eq", "val": "<id>"}`: the
/// related object's id (also `ne`, `in_`, `notin_`, `is_`/`isnot` null).
fn by_linked_id(
    res: &dyn DynResource,
    fk: &'static str,
    name: &str,
    op: &str,
    val: &Json,
) -> Result<Condition, ApiError> {
    let col = Expr::col((res.table(), fk));
    let expr = match (op, val) {
        ("eq" | "is_", Json::Null) => col.is_null(),
        ("ne" | "isnot", Json::Null) => col.is_not_null(),
        ("eq", v) => col.eq(linked_id(name, v)?),
        ("ne", v) => col.ne(linked_id(name, v)?),
        ("in_" | "notin_", Json::Array(items)) => {
            let ids = items
                .iter()
                .map(|v| linked_id(name, v))
                .collect::<Result<Vec<_>, _>>()?;
            if op == "in_" {
                col.is_in(ids)
            } else {
                col.is_not_in(ids)
            }
        }
        _ => {
            return Err(bad(format!(
                "`{name}` is a relationship: filter it by id with eq, ne, in_, notin_, is_ or \
                 isnot, or by its attributes with has."
            )));
        }
    };
    Ok(Condition::all().add(expr))
}

fn compare(col: SimpleExpr, op: &str, rhs: SimpleExpr) -> Result<SimpleExpr, ApiError> {
    Ok(match op {
        "eq" => col.eq(rhs),
        "ne" => col.ne(rhs),
        "lt" => col.lt(rhs),
        "le" => col.lte(rhs),
        "gt" => col.gt(rhs),
        "ge" => col.gte(rhs),
        other => return Err(bad(format!("`{other}` cannot compare two attributes."))),
    })
}

/// The pattern of `like`/`ilike`: a string, matched against a text
/// attribute only (PostgreSQL has no `LIKE` on numbers, booleans or
/// timestamps).
fn pattern(field: &Field, op: &str, val: &Json) -> Result<String, ApiError> {
    let name = field.name;
    if matches!(
        field.kind,
        FieldKind::Bool | FieldKind::Int { .. } | FieldKind::Float { .. } | FieldKind::DateTime
    ) {
        return Err(bad(format!(
            "`{op}` matches text; `{name}` is not a text attribute."
        )));
    }
    val.as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad(format!("The pattern for `{name}` must be a string.")))
}

fn relationship_filter(
    map: &serde_json::Map<String, Json>,
    res: &dyn DynResource,
    cx: &Cx<'_>,
    name: &str,
    op: &str,
    depth: usize,
) -> Result<Condition, ApiError> {
    let rel = res.relationship(name).ok_or_else(|| {
        bad(format!(
            "`{}` has no relationship `{name}`.",
            res.type_name()
        ))
    })?;
    let target = rel.target();
    let inner = node(
        map.get("val")
            .ok_or_else(|| bad(format!("`{op}` on `{name}` needs a filter in `val`.")))?,
        target,
        cx,
        depth + 1,
    )?;
    // Related rows count only when the caller may see them.
    let inner = Condition::all().add(inner).add(target.scope(cx.caller));
    let expr = match (rel.kind, op) {
        (RelKind::BelongsTo { fk }, "has") => {
            let sub = Query::select()
                .column((target.table(), "id"))
                .from(target.table())
                .cond_where(inner)
                .to_owned();
            Expr::col((res.table(), fk)).in_subquery(sub)
        }
        (RelKind::HasMany { fk }, "any") => {
            let sub = Query::select()
                .column((target.table(), fk))
                .from(target.table())
                .cond_where(inner)
                .to_owned();
            Expr::col((res.table(), "id")).in_subquery(sub)
        }
        _ => {
            return Err(bad(format!(
                "Use `has` on to-one and `any` on to-many relationships (`{name}`)."
            )));
        }
    };
    Ok(Condition::all().add(expr))
}

/// Converts a JSON value to a typed SQL value for `field`.
pub fn to_value(field: &Field, v: &Json) -> Result<Value, ApiError> {
    let wrong = || bad(format!("`{}` cannot be compared with {v}.", field.name));
    Ok(match field.kind {
        FieldKind::Bool => Value::from(v.as_bool().ok_or_else(wrong)?),
        FieldKind::Int { .. } => Value::from(v.as_i64().ok_or_else(wrong)?),
        FieldKind::Float { .. } => Value::from(v.as_f64().ok_or_else(wrong)?),
        FieldKind::DateTime => {
            let s = v.as_str().ok_or_else(wrong)?;
            let dt = DateTime::parse_from_rfc3339(s).map_err(|_| wrong())?;
            Value::from(dt.with_timezone(&Utc))
        }
        _ => Value::from(v.as_str().ok_or_else(wrong)?.to_owned()),
    })
}
