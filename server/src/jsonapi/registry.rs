//! Type-erased resources, so documents can follow relationships across types.

use std::{future::Future, marker::PhantomData, pin::Pin};

use sea_orm::{
    Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::resource::{Field, Relationship, Resource, Row};
use crate::{auth::Caller, permissions::Table};

/// A boxed future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A resource seen without its Rust types.
pub trait DynResource: Send + Sync {
    /// JSON:API type.
    fn type_name(&self) -> &'static str;
    /// URL plural.
    fn plural(&self) -> &'static str;
    /// Table name.
    fn table(&self) -> &'static str;
    /// Attributes.
    fn fields(&self) -> &'static [Field];
    /// Relationships.
    fn relationships(&self) -> &'static [Relationship];
    /// Soft delete.
    fn soft_delete(&self) -> bool;
    /// Visible rows for the caller, without the soft-delete filter.
    fn visible(&self, caller: &Caller) -> Condition;
    /// The permission table.
    fn permissions(&self) -> &'static Table;
    /// Rows the caller finds in lists, without the soft-delete filter.
    fn listable(&self, caller: &Caller) -> Condition;
    /// Loads rows matching `cond`, ordered by id, as [`Row`]s.
    fn load<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        cond: Condition,
    ) -> BoxFuture<'a, Result<Vec<Row>, DbErr>>;

    /// A field by API name.
    fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// A relationship by name.
    fn relationship(&self, name: &str) -> Option<&'static Relationship> {
        self.relationships().iter().find(|r| r.name == name)
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

/// Serializes a model into a row.
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
    fn visible(&self, caller: &Caller) -> Condition {
        R::visible(caller)
    }
    fn permissions(&self) -> &'static Table {
        &R::PERMISSIONS
    }
    fn listable(&self, caller: &Caller) -> Condition {
        R::listable(caller)
    }
    fn load<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        cond: Condition,
    ) -> BoxFuture<'a, Result<Vec<Row>, DbErr>> {
        Box::pin(async move {
            let models = R::Entity::find()
                .filter(cond)
                .order_by_asc(Expr::col((R::TABLE, "id")))
                .all(db)
                .await?;
            Ok(models.iter().map(to_row).collect())
        })
    }
}
