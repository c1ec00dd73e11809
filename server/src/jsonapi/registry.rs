//! Type-erased resources and the registry of them. The JSON:API machinery
//! knows no concrete resource: the application hands it a [`Registry`]
//! (built in `resources::registry`), and documents follow relationships
//! across types through it.

use std::{future::Future, marker::PhantomData, pin::Pin};

use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait},
};

pub use crate::model::{DynResource, Registry};

use super::resource::{Field, Op, Relationship, Resource, Row};
use crate::{auth::Caller, permissions::Table};

/// A boxed future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The caller-dependent row scopes of a resource, from its permission table.
pub trait Scoped: DynResource {
    /// Visible rows for the caller, without the soft-delete filter.
    fn visible(&self, caller: &Caller) -> Condition {
        crate::permissions::engine::condition(
            self.permissions(),
            crate::permissions::Action::View,
            caller,
        )
    }

    /// Everything the caller may view: visibility and not soft-deleted.
    fn scope(&self, caller: &Caller) -> Condition {
        self.live(Condition::all().add(self.visible(caller)))
    }

    /// Adds the soft-delete filter.
    fn live(&self, c: Condition) -> Condition {
        if self.soft_delete() {
            c.add(Expr::col((self.table(), "deleted_at")).is_null())
        } else {
            c
        }
    }
}

impl<T: DynResource + ?Sized> Scoped for T {}

/// The erased form of `R`.
pub struct Meta<R>(PhantomData<fn() -> R>);

impl<R> Meta<R> {
    /// The erased resource.
    pub const fn new() -> Self {
        Meta(PhantomData)
    }
}

impl<R> Default for Meta<R> {
    fn default() -> Self {
        Self::new()
    }
}

/// Serializes a model into a [`Row`] (column → value).
pub fn to_row<M: serde::Serialize>(model: &M) -> Row {
    match serde_json::to_value(model) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Row::new(),
    }
}

impl<R: Resource> DynResource for Meta<R> {
    fn type_name(&self) -> &'static str {
        R::TYPE
    }
    fn plural(&self) -> &'static str {
        R::PLURAL
    }
    fn schema(&self) -> &'static str {
        R::SCHEMA
    }
    fn table(&self) -> &'static str {
        R::TABLE
    }
    fn fields(&self) -> &'static [Field] {
        R::FIELDS
    }
    fn relationships(&self) -> &'static [Relationship] {
        R::RELATIONSHIPS
    }
    fn soft_delete(&self) -> bool {
        R::SOFT_DELETE
    }
    fn permissions(&self) -> &'static Table {
        &R::PERMISSIONS
    }
    fn operations(&self) -> &'static [Op] {
        R::OPERATIONS
    }
    fn id_param(&self) -> &'static str {
        R::ID_PARAM
    }
    fn tag(&self) -> &'static str {
        R::TAG.name
    }
    fn title(&self) -> &'static str {
        R::TITLE
    }
    fn columns(&self, result: &sea_orm::QueryResult) -> Result<Row, sea_orm::DbErr> {
        use sea_orm::FromQueryResult;
        Ok(to_row(&R::Model::from_query_result(result, "")?))
    }
    fn register_schemas(&self, registry: &mut poem_openapi::registry::Registry) {
        use poem_openapi::types::Type;
        <super::Doc<R, super::Single>>::register(registry);
        <super::Doc<R, super::Collection>>::register(registry);
    }
}

/// Who asks, and the registry to resolve types through.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    /// The caller.
    pub caller: &'a Caller,
    /// The registry.
    pub reg: &'a Registry,
}
