//! The [`Factory`] trait every factory implements.

use std::{future::Future, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::error::Result;

/// A recipe for one kind of record: defaults, overrides, traits and
/// related records. Each call to [`build`](Factory::build) or
/// [`create`](Factory::create) draws a new object from the factory's
/// [`FactoryContext`](crate::FactoryContext) (next index, next sequence
/// number), so one configured factory can be cloned into many records.
///
/// Adding a factory for a new entity is one file: a `Clone` struct holding
/// the context and `Option` overrides; `build` takes a
/// [`Draw`](crate::Draw), generates every default from it in a fixed order,
/// then applies overrides, lazy attributes and [`Lazy`] hooks; `create`
/// creates missing parents (sub-factories), persists through the server's
/// db layer, then creates children (related factories).
pub trait Factory: Clone + Send + Sync + Sized {
    /// What [`build`](Factory::build) returns: the in-memory record,
    /// `id` 0, with no database involved.
    type Built: Send;
    /// What [`create`](Factory::create) returns: the stored record.
    type Model: Send;

    /// Builds the record in memory. Touches no database.
    fn build(self) -> Result<Self::Built>;

    /// Creates the record (and the parents it needs, and the children it
    /// was asked for) through the server's db layer; returns the stored
    /// record with its id.
    fn create(self, db: &DatabaseConnection) -> impl Future<Output = Result<Self::Model>> + Send;

    /// Builds `n` records, each a new draw.
    fn build_batch(self, n: usize) -> Result<Vec<Self::Built>> {
        (0..n).map(|_| self.clone().build()).collect()
    }

    /// Creates `n` records, one after another, each a new draw.
    fn create_batch(
        self,
        db: &DatabaseConnection,
        n: usize,
    ) -> impl Future<Output = Result<Vec<Self::Model>>> + Send {
        async move {
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                out.push(self.clone().create(db).await?);
            }
            Ok(out)
        }
    }
}

/// A lazy attribute hook: runs on the built record after defaults,
/// overrides and the factory's own derived fields, so it can derive a field
/// from any other (factory_boy's `LazyAttribute`, typed).
pub type Lazy<M> = Arc<dyn Fn(&mut M) + Send + Sync>;

pub(crate) fn run_lazy<M>(hooks: &[Lazy<M>], model: &mut M) {
    for hook in hooks {
        hook(model);
    }
}
