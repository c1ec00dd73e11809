//! Small helpers every resource's handlers share.

use poem::Request;
use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    auth::Caller,
    error::ApiError,
    jsonapi::{
        Meta, Resource,
        query::{JsonApiQuery, QueryKind},
    },
};

/// Parses the request's query for resource `R`.
pub fn query<R: Resource>(
    req: &Request,
    caller: &Caller,
    kind: QueryKind,
) -> Result<JsonApiQuery, ApiError> {
    JsonApiQuery::parse(req.uri().query(), &Meta::<R>::new(), caller, kind)
}

/// `id = <n>` for a numeric path id; `None` (→ 404) for anything else.
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
