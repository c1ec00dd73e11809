//! Type-erased resources and the registry of them. The JSON:API machinery
//! knows no concrete resource: the application hands it a [`Registry`]
//! (built in `resources::registry`), and documents follow relationships
//! across types through it.

use std::{future::Future, marker::PhantomData, pin::Pin};

use sea_orm::{
    Condition, DbErr, FromQueryResult, QueryResult,
    sea_query::{Expr, ExprTrait},
};

use super::resource::{Field, Op, Relationship, Resource, Row};
use crate::{auth::Caller, permissions::Table};

/// A boxed future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A resource seen without its Rust types.
pub trait DynResource: Send + Sync {
    /// JSON:API type.
    fn type_name(&self) -> &'static str;
    /// URL plural.
    fn plural(&self) -> &'static str;
    /// Component schema prefix.
    fn schema(&self) -> &'static str;
    /// Table name.
    fn table(&self) -> &'static str;
    /// Attributes.
    fn fields(&self) -> &'static [Field];
    /// Relationships.
    fn relationships(&self) -> &'static [Relationship];
    /// Soft delete.
    fn soft_delete(&self) -> bool;
    /// The permission table.
    fn permissions(&self) -> &'static Table;
    /// The generic operations exposed.
    fn operations(&self) -> &'static [Op];
    /// The path parameter naming one object.
    fn id_param(&self) -> &'static str;
    /// The spec tag.
    fn tag(&self) -> &'static str;
    /// The handbook section title.
    fn title(&self) -> &'static str;
    /// A selected row (`SELECT <table>.*, …`) as a [`Row`].
    fn row(&self, result: &QueryResult) -> Result<Row, DbErr>;
    /// Registers its document schemas in the spec.
    fn register_schemas(&self, registry: &mut poem_openapi::registry::Registry);

    /// A field by API name.
    fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// A relationship by name.
    fn relationship(&self, name: &str) -> Option<&'static Relationship> {
        self.relationships().iter().find(|r| r.name == name)
    }

    /// Visible rows for the caller, without the soft-delete filter.
    fn visible(&self, caller: &Caller) -> Condition {
        crate::permissions::engine::condition(
            self.permissions(),
            crate::permissions::Action::View,
            caller,
        )
    }

    /// Rows the caller finds in lists, without the soft-delete filter.
    fn listable(&self, caller: &Caller) -> Condition {
        crate::permissions::engine::condition(
            self.permissions(),
            crate::permissions::Action::List,
            caller,
        )
    }

    /// Everything the caller may view: visibility and not soft-deleted.
    fn scope(&self, caller: &Caller) -> Condition {
        self.live(Condition::all().add(self.visible(caller)))
    }

    /// Everything the caller finds in lists.
    fn list_scope(&self, caller: &Caller) -> Condition {
        self.live(Condition::all().add(self.listable(caller)))
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

/// Serializes a model into a row (the one place a model becomes JSON).
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
    fn row(&self, result: &QueryResult) -> Result<Row, DbErr> {
        Ok(to_row(&R::Model::from_query_result(result, "")?))
    }
    fn register_schemas(&self, registry: &mut poem_openapi::registry::Registry) {
        use poem_openapi::types::Type;
        <super::Doc<R, super::Single>>::register(registry);
        <super::Doc<R, super::Collection>>::register(registry);
    }
}

/// The resources of an application, by JSON:API type.
pub struct Registry {
    resources: Vec<&'static dyn DynResource>,
}

impl Registry {
    /// A registry of `resources` (types must be unique).
    pub fn new(resources: Vec<&'static dyn DynResource>) -> Self {
        Registry { resources }
    }

    /// A resource by JSON:API type.
    pub fn lookup(&self, type_name: &str) -> Option<&'static dyn DynResource> {
        self.resources
            .iter()
            .copied()
            .find(|r| r.type_name() == type_name)
    }

    /// Every resource, in registration order.
    pub fn all(&self) -> &[&'static dyn DynResource] {
        &self.resources
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.resources.iter().map(|r| r.type_name()))
            .finish()
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
