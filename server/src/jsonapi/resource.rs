//! What a resource declares: its attributes, relationships and visibility.
//! Everything else (documents, schemas, queries, validation) is derived.

use std::future::Future;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, Condition, DbErr, EntityTrait, FromQueryResult,
    IntoActiveModel,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;

pub use crate::model::{
    Access, Field, FieldKind, Format, Op, OpKind, Record, RelKind, Relationship, Row, Tag,
};

use super::{body::Parsed, ops::WriteCtx, registry::Meta};
use crate::model::DynResource;
use crate::{
    auth::Caller,
    error::ApiError,
    permissions::{Args, Table},
    state::AppState,
};

/// The erased resource `R`, for [`Relationship`] targets:
/// `Relationship::to_one("creator", meta::<UserResource>, "creator_id", "…")`.
pub fn meta<R: Resource>() -> &'static dyn DynResource {
    const { &Meta::<R>::new() }
}

/// A JSON:API resource backed by a sea-orm entity: the one declaration from
/// which its routes, documents, schemas, spec entries, `x-permissions` and
/// handbook rows follow. Write hooks have defaults; override what the
/// resource needs (validation, defaults, side effects).
pub trait Resource: Send + Sync + Sized + 'static {
    /// The entity.
    type Entity: EntityTrait<Model = Self::Model>;
    /// The entity's model.
    type Model: FromQueryResult
        + Serialize
        + Clone
        + Send
        + Sync
        + IntoActiveModel<Self::ActiveModel>
        + 'static;
    /// The entity's active model.
    type ActiveModel: ActiveModelTrait<Entity = Self::Entity>
        + ActiveModelBehavior
        + Default
        + Send
        + Sync
        + 'static;

    /// Dasherized singular type, e.g. `event`.
    const TYPE: &'static str;
    /// Plural used in URLs, e.g. `events`.
    const PLURAL: &'static str;
    /// Prefix of the component schema names, e.g. `Event`.
    const SCHEMA: &'static str;
    /// The table name.
    const TABLE: &'static str;
    /// The handbook section title, e.g. `Role grants`.
    const TITLE: &'static str;
    /// The path parameter naming one object, e.g. `event_id`.
    const ID_PARAM: &'static str;
    /// The spec tag of its operations.
    const TAG: Tag;
    /// Attributes.
    const FIELDS: &'static [Field];
    /// Relationships.
    const RELATIONSHIPS: &'static [Relationship];
    /// Whether rows carry `deleted_at` and DELETE is a soft delete.
    const SOFT_DELETE: bool;
    /// The permission table: who may list, view, create, update, delete.
    const PERMISSIONS: Table;
    /// The generic operations exposed, with their spec text.
    const OPERATIONS: &'static [Op];
    /// Rows of other tables reference this one without cascading, so a
    /// hard DELETE can answer 409 (documented in the spec).
    const REFERENCED: bool = false;

    /// The model's id.
    fn id(model: &Self::Model) -> i64;

    /// The condition addressing one object by its path key; `None` = 404.
    fn key(raw: &str) -> Option<Condition> {
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| Condition::all().add(Expr::col((Self::TABLE, "id")).eq(id)))
    }

    /// The facts the create rules are checked against (the event named by
    /// the body, a role name, …). Default: the event of the relationship
    /// whose foreign key is the table's event column.
    fn create_args(parsed: &Parsed) -> Args {
        Args {
            event_id: event_of(&Self::PERMISSIONS, Self::RELATIONSHIPS, parsed),
            ..Args::default()
        }
    }

    /// Before inserting: defaults, cross-field validation, forced values.
    fn before_create(
        ctx: &mut WriteCtx<'_, Self>,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Stores the new row. Default: [`crate::db::write::insert`].
    fn insert(
        state: &AppState,
        caller: &Caller,
        am: Self::ActiveModel,
    ) -> impl Future<Output = Result<Self::Model, DbErr>> + Send {
        let _ = caller;
        crate::db::write::insert(&state.writer, am)
    }

    /// After a successful create: side effects (mail, …).
    fn after_create(
        state: &AppState,
        caller: &Caller,
        model: &Self::Model,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        let _ = (state, caller, model);
        async { Ok(()) }
    }

    /// Who the created object is rendered for (default: the caller).
    fn viewer_after_create(caller: &Caller, model: &Self::Model) -> Caller {
        let _ = model;
        caller.clone()
    }

    /// Before updating: validation against the current row, forced values.
    fn before_update(
        ctx: &mut WriteCtx<'_, Self>,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// After a successful update: side effects.
    fn after_update(
        state: &AppState,
        before: &Self::Model,
        after: &Self::Model,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        let _ = (state, before, after);
        async { Ok(()) }
    }

    /// A resource's own wording for a constraint violation (e.g. "a user
    /// with this email already exists"); `None` uses the generic mapping
    /// (unique → 409, foreign key → 422).
    fn constraint_error(err: &DbErr) -> Option<ApiError> {
        let _ = err;
        None
    }
}

/// The event id a create body names through the relationship stored in the
/// table's event column.
pub fn event_of(table: &Table, rels: &[Relationship], parsed: &Parsed) -> Option<i64> {
    let crate::permissions::EventLink::Column(col) = table.event else {
        return None;
    };
    let rel = rels
        .iter()
        .find(|r| matches!(r.kind, RelKind::BelongsTo { fk } if fk == col))?;
    match parsed.relationship(rel.name) {
        Some(super::body::Linkage::One(Some(id))) => Some(*id),
        _ => None,
    }
}
