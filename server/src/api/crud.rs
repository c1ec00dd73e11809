//! The generic operation bodies every resource shares: list, view, delete,
//! relationship linkage and related resources, all through the permission
//! guard (design §3 order) and the JSON:API machinery.

use std::str::FromStr;

use chrono::Utc;
use poem::Request;
use sea_orm::{
    Condition, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    auth::Caller,
    error::ApiError,
    jsonapi::{
        Collection, Doc, Meta, MetaDoc, Resource, Single, fetch,
        query::{JsonApiQuery, QueryKind},
        registry::to_row,
        render::meta_document,
        schema::RelDoc,
    },
    permissions::{Action, guard},
    state::AppState,
};

/// Parses the request's query for resource `R`.
pub fn query<R: Resource>(
    req: &Request,
    caller: &Caller,
    kind: QueryKind,
) -> Result<JsonApiQuery, ApiError> {
    JsonApiQuery::parse(req.uri().query(), &Meta::<R>::new(), caller, kind)
}

/// `id = <n>` for a numeric path id; 404 for anything else.
pub fn by_id<R: Resource>(raw: &str) -> Result<Condition, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(|id| Condition::all().add(Expr::col((R::TABLE, "id")).eq(id)))
        .ok_or_else(|| ApiError::not_found(format!("No {} with id `{raw}`.", R::TYPE)))
}

/// `<fk> = <id>`: the rows of `R` that belong to a parent.
pub fn belonging_to<R: Resource>(fk: &'static str, parent_id: i64) -> Condition {
    Condition::all().add(Expr::col((R::TABLE, fk)).eq(parent_id))
}

/// A page of `R` narrowed by `scope`, filtered to what the caller may list.
pub async fn list<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    scope: Condition,
) -> Result<Doc<R, Collection>, ApiError> {
    if caller.user_id().is_none() && R::PERMISSIONS.requires_auth(Action::List) {
        return Err(ApiError::unauthorized(
            "Authentication is required: send `Authorization: JWT <token>`.",
        ));
    }
    let q = query::<R>(req, caller, QueryKind::List)?;
    let doc = fetch::list_document::<R>(state, caller, &q, scope, req.uri().path()).await?;
    Ok(Doc::new(doc))
}

/// One object the caller may view.
pub async fn get<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
) -> Result<Doc<R, Single>, ApiError> {
    let (model, _) = guard::authorize::<R>(state, caller, Action::View, cond).await?;
    render::<R>(state, caller, req, &model).await
}

/// Renders a model the caller may see, honouring `include` and `fields`.
pub async fn render<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    model: &R::Model,
) -> Result<Doc<R, Single>, ApiError> {
    let q = query::<R>(req, caller, QueryKind::Detail)?;
    Ok(Doc::new(
        fetch::single_document::<R>(&state.db, caller, model, &q).await?,
    ))
}

/// Deletes an object (soft when the resource keeps `deleted_at`).
pub async fn delete<R: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
) -> Result<MetaDoc, ApiError>
where
    <R::Entity as EntityTrait>::Column: FromStr,
{
    let (model, _) = guard::authorize::<R>(state, caller, Action::Delete, cond).await?;
    query::<R>(req, caller, QueryKind::Linkage)?;
    let id = to_row(&model)
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or_default();
    let by_id = Expr::col((R::TABLE, "id")).eq(id);
    if R::SOFT_DELETE {
        let col = <R::Entity as EntityTrait>::Column::from_str("deleted_at")
            .map_err(|_| ApiError::internal("soft-deleted resource without deleted_at"))?;
        R::Entity::update_many()
            .col_expr(col, Expr::value(Utc::now()))
            .filter(by_id)
            .exec(&state.db)
            .await?;
    } else {
        R::Entity::delete_many()
            .filter(by_id)
            .exec(&state.db)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
                    ApiError::conflict(format!(
                        "This {} is still referenced; remove what uses it first.",
                        R::TYPE
                    ))
                }
                _ => e.into(),
            })?;
    }
    Ok(MetaDoc(meta_document("Object successfully deleted")))
}

/// The linkage of relationship `rel` of an object the caller may view.
pub async fn linkage<R: Resource, const ONE: bool>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    cond: Condition,
    rel: &str,
) -> Result<RelDoc<ONE>, ApiError> {
    let (model, _) = guard::authorize::<R>(state, caller, Action::View, cond).await?;
    query::<R>(req, caller, QueryKind::Linkage)?;
    let doc =
        fetch::linkage_document(&state.db, caller, &Meta::<R>::new(), &to_row(&model), rel).await?;
    Ok(RelDoc(doc))
}

/// The to-many related resources `T` of a parent `P` the caller may view.
pub async fn related_many<P: Resource, T: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    parent: Condition,
    fk: &'static str,
) -> Result<Doc<T, Collection>, ApiError> {
    let (model, _) = guard::authorize::<P>(state, caller, Action::View, parent).await?;
    let id = to_row(&model)
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or_default();
    list::<T>(state, caller, req, belonging_to::<T>(fk, id)).await
}

/// The to-one related resource `T` (through column `fk` of `P`).
pub async fn related_one<P: Resource, T: Resource>(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    parent: Condition,
    fk: &'static str,
) -> Result<Doc<T, Single>, ApiError> {
    let (model, _) = guard::authorize::<P>(state, caller, Action::View, parent).await?;
    let target = to_row(&model)
        .get(fk)
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| ApiError::not_found(format!("This {} has no {}.", P::TYPE, T::TYPE)))?;
    get::<T>(state, caller, req, by_id::<T>(&target.to_string())?).await
}
