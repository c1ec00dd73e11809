//! Generic reads: pages with filter/sort/pagination, single objects, and
//! compound documents (`include`), always scoped to what the caller may see.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Order, Query, SimpleExpr},
};
use serde_json::{Map, Value, json};

use super::{
    query::{IncludeTree, JsonApiQuery, SortKey},
    registry::{DynResource, Meta, to_row},
    render::{identifier, jsonapi_member, resource_object, row_id, self_link},
    resource::{RelKind, Resource, Row},
};
use crate::{
    auth::Caller, error::ApiError, permissions::guard::hidden_fields, resources::lookup,
    state::AppState,
};

fn sort_expr(res: &dyn DynResource, key: &SortKey) -> Result<SimpleExpr, ApiError> {
    match key.relationship {
        None => Ok(Expr::col((res.table(), key.column))),
        Some(rel) => {
            let r = res
                .relationship(rel)
                .ok_or_else(|| ApiError::bad_parameter("sort", "unknown relationship"))?;
            let target = lookup(r.target)
                .ok_or_else(|| ApiError::bad_parameter("sort", "unknown relationship"))?;
            let RelKind::BelongsTo { fk } = r.kind else {
                return Err(ApiError::bad_parameter(
                    "sort",
                    "Only to-one relationships can be sorted by.",
                ));
            };
            let sub = Query::select()
                .column((target.table(), key.column))
                .from(target.table())
                .and_where(Expr::col((target.table(), "id")).equals((res.table(), fk)))
                .limit(1)
                .to_owned();
            Ok(SimpleExpr::from(sub))
        }
    }
}

/// A page of `R` as a collection document. `scope` narrows the rows (e.g. a
/// related endpoint); `path` is the request path, for pagination links.
pub async fn list_document<R: Resource>(
    state: &AppState,
    caller: &Caller,
    q: &JsonApiQuery,
    scope: Condition,
    path: &str,
) -> Result<Value, ApiError> {
    let db = &state.db;
    let res: &dyn DynResource = &Meta::<R>::new();
    let visible = if state.settings.faults.leaks(R::TYPE) {
        res.live(Condition::all())
    } else {
        res.list_scope(caller)
    };
    let mut cond = Condition::all().add(visible).add(scope);
    if let Some(f) = &q.filter {
        cond = cond.add(f.clone());
    }
    let count = R::Entity::find().filter(cond.clone()).count(db).await?;
    let mut select = R::Entity::find().filter(cond);
    for key in &q.sort {
        let order = if key.desc { Order::Desc } else { Order::Asc };
        select = select.order_by(sort_expr(res, key)?, order);
    }
    select = select.order_by(Expr::col((R::TABLE, "id")), Order::Asc);
    if q.page_size > 0 {
        select = select
            .limit(q.page_size)
            .offset(q.page_size.saturating_mul(q.page_number.saturating_sub(1)));
    }
    let rows: Vec<Row> = select.all(db).await?.iter().map(to_row).collect();
    let hidden = hidden_fields(db, caller, res, &rows).await?;
    let mut data: Vec<Value> = rows
        .iter()
        .map(|r| resource_object(res, r, &hidden, &q.fields))
        .collect();
    let included = include(db, caller, res, &rows, &mut data, &q.include, &q.fields).await?;
    let mut doc = json!({
        "data": data,
        "meta": {"count": count},
        "links": pagination_links(path, q, count),
        "jsonapi": jsonapi_member(),
    });
    if !q.include.0.is_empty() {
        doc["included"] = Value::Array(included);
    }
    Ok(doc)
}

/// A single-resource document for a model the caller may see.
pub async fn single_document<R: Resource>(
    db: &DatabaseConnection,
    caller: &Caller,
    model: &R::Model,
    q: &JsonApiQuery,
) -> Result<Value, ApiError> {
    let res: &dyn DynResource = &Meta::<R>::new();
    let row = to_row(model);
    let hidden = hidden_fields(db, caller, res, std::slice::from_ref(&row)).await?;
    let mut data = vec![resource_object(res, &row, &hidden, &q.fields)];
    let included = include(
        db,
        caller,
        res,
        std::slice::from_ref(&row),
        &mut data,
        &q.include,
        &q.fields,
    )
    .await?;
    let self_url = self_link(res, &row_id(&row));
    let mut doc = json!({
        "data": data.pop().unwrap_or(Value::Null),
        "links": {"self": self_url},
        "jsonapi": jsonapi_member(),
    });
    if !q.include.0.is_empty() {
        doc["included"] = Value::Array(included);
    }
    Ok(doc)
}

/// The first model of `R` matching `cond` that the caller may see; 404 otherwise.
pub async fn find_visible<R: Resource>(
    db: &DatabaseConnection,
    caller: &Caller,
    cond: Condition,
) -> Result<R::Model, ApiError> {
    let res: &dyn DynResource = &Meta::<R>::new();
    R::Entity::find()
        .filter(Condition::all().add(res.scope(caller)).add(cond))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("No {} with this id is visible to you.", R::TYPE))
        })
}

/// The linkage document of relationship `rel` of a visible row.
pub async fn linkage_document(
    db: &DatabaseConnection,
    caller: &Caller,
    res: &dyn DynResource,
    row: &Row,
    rel: &str,
) -> Result<Value, ApiError> {
    let r = res.relationship(rel).ok_or_else(|| {
        ApiError::not_found(format!(
            "`{}` has no relationship `{rel}`.",
            res.type_name()
        ))
    })?;
    let target =
        lookup(r.target).ok_or_else(|| ApiError::internal("unregistered relationship target"))?;
    let id = row_id(row);
    let rows = related_rows(db, caller, std::slice::from_ref(row), r.kind, target).await?;
    let data = match r.kind {
        RelKind::BelongsTo { .. } => rows
            .first()
            .map(|t| identifier(target.type_name(), &row_id(t)))
            .unwrap_or(Value::Null),
        RelKind::HasMany { .. } => Value::Array(
            rows.iter()
                .map(|t| identifier(target.type_name(), &row_id(t)))
                .collect(),
        ),
    };
    let base = self_link(res, &id);
    Ok(json!({
        "links": {"self": format!("{base}/relationships/{rel}"), "related": format!("{base}/{rel}")},
        "data": data,
        "jsonapi": jsonapi_member(),
    }))
}

/// The condition selecting the targets of relationship `kind` for `rows`.
pub fn related_condition(rows: &[Row], kind: RelKind, target: &dyn DynResource) -> Condition {
    match kind {
        RelKind::BelongsTo { fk } => {
            let ids: Vec<i64> = rows
                .iter()
                .filter_map(|r| r.get(fk).and_then(Value::as_i64))
                .collect();
            Condition::all().add(Expr::col((target.table(), "id")).is_in(ids))
        }
        RelKind::HasMany { fk } => {
            let ids: Vec<i64> = rows
                .iter()
                .filter_map(|r| r.get("id").and_then(Value::as_i64))
                .collect();
            Condition::all().add(Expr::col((target.table(), fk)).is_in(ids))
        }
    }
}

async fn related_rows(
    db: &DatabaseConnection,
    caller: &Caller,
    rows: &[Row],
    kind: RelKind,
    target: &dyn DynResource,
) -> Result<Vec<Row>, ApiError> {
    let cond = Condition::all()
        .add(target.scope(caller))
        .add(related_condition(rows, kind, target));
    Ok(target.load(db, cond).await?)
}

fn include<'a>(
    db: &'a DatabaseConnection,
    caller: &'a Caller,
    res: &'a dyn DynResource,
    rows: &'a [Row],
    objects: &'a mut [Value],
    tree: &'a IncludeTree,
    fields: &'a HashMap<String, Vec<String>>,
) -> super::registry::BoxFuture<'a, Result<Vec<Value>, ApiError>> {
    Box::pin(async move {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (rel_name, subtree) in &tree.0 {
            let Some(rel) = res.relationship(rel_name) else {
                continue;
            };
            let Some(target) = lookup(rel.target) else {
                continue;
            };
            let trows = related_rows(db, caller, rows, rel.kind, target).await?;
            link_data(rows, objects, rel_name, rel.kind, target, &trows);
            let hidden = hidden_fields(db, caller, target, &trows).await?;
            let mut tobjects: Vec<Value> = trows
                .iter()
                .map(|r| resource_object(target, r, &hidden, fields))
                .collect();
            let nested =
                include(db, caller, target, &trows, &mut tobjects, subtree, fields).await?;
            for obj in tobjects.into_iter().chain(nested) {
                let key = (obj["type"].to_string(), obj["id"].to_string());
                if seen.insert(key) {
                    out.push(obj);
                }
            }
        }
        Ok(out)
    })
}

/// Fills `relationships.<rel>.data` of each object from the loaded targets.
fn link_data(
    rows: &[Row],
    objects: &mut [Value],
    rel: &str,
    kind: RelKind,
    target: &dyn DynResource,
    trows: &[Row],
) {
    let by_id: BTreeMap<String, &Row> = trows.iter().map(|t| (row_id(t), t)).collect();
    for (row, obj) in rows.iter().zip(objects.iter_mut()) {
        let data = match kind {
            RelKind::BelongsTo { fk } => row
                .get(fk)
                .filter(|v| !v.is_null())
                .map(|v| v.to_string().trim_matches('"').to_owned())
                .filter(|id| by_id.contains_key(id))
                .map(|id| identifier(target.type_name(), &id))
                .unwrap_or(Value::Null),
            RelKind::HasMany { fk } => {
                let id = row.get("id").cloned().unwrap_or(Value::Null);
                Value::Array(
                    trows
                        .iter()
                        .filter(|t| t.get(fk) == Some(&id))
                        .map(|t| identifier(target.type_name(), &row_id(t)))
                        .collect(),
                )
            }
        };
        if let Some(Value::Object(rels)) = obj.get_mut("relationships") {
            let entry = rels
                .entry(rel.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            entry["data"] = data;
        }
    }
}

fn pagination_links(path: &str, q: &JsonApiQuery, count: u64) -> Value {
    let link = |number: Option<u64>| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &q.pairs {
            if k != "page[number]" {
                ser.append_pair(k, v);
            }
        }
        if let Some(n) = number {
            ser.append_pair("page[number]", &n.to_string());
        }
        let qs = ser.finish();
        if qs.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{qs}")
        }
    };
    let mut links = Map::new();
    links.insert(
        "self".into(),
        Value::String(link(if q.page_size > 0 {
            Some(q.page_number)
        } else {
            None
        })),
    );
    if q.page_size > 0 {
        let last = Ord::max(count.div_ceil(q.page_size), 1);
        links.insert("first".into(), Value::String(link(Some(1))));
        links.insert("last".into(), Value::String(link(Some(last))));
        if q.page_number > 1 {
            links.insert(
                "prev".into(),
                Value::String(link(Some(Ord::min(q.page_number - 1, last)))),
            );
        }
        if q.page_number < last {
            links.insert("next".into(), Value::String(link(Some(q.page_number + 1))));
        }
    }
    Value::Object(links)
}
