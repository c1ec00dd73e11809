//! What a resource declares: its attributes, relationships and visibility.
//! Everything else (documents, schemas, queries, validation) is derived.

use std::future::Future;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, Condition, DbErr, EntityTrait, FromQueryResult,
    IntoActiveModel,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;

use super::{
    body::Parsed,
    ops::WriteCtx,
    registry::{DynResource, Meta},
};
use crate::{
    auth::Caller,
    error::ApiError,
    permissions::{Action, Args, Table},
    state::AppState,
};

/// A stored row, serialized from the entity model (snake_case column keys).
pub type Row = serde_json::Map<String, serde_json::Value>;

/// The JSON type and constraints of an attribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// A string of at most `max` characters (at least 1 when required).
    Str {
        /// Maximum length in characters.
        max: usize,
    },
    /// Free text of at most `max` characters.
    Text {
        /// Maximum length in characters.
        max: usize,
    },
    /// An email address (trimmed, lowercased).
    Email,
    /// An absolute http(s) URL.
    Url,
    /// A boolean.
    Bool,
    /// A 32-bit integer within bounds.
    Int {
        /// Inclusive minimum.
        min: i32,
        /// Inclusive maximum.
        max: i32,
    },
    /// A float within bounds.
    Float {
        /// Inclusive minimum.
        min: f64,
        /// Inclusive maximum.
        max: f64,
    },
    /// An RFC 3339 date-time, stored in UTC.
    DateTime,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// An IANA time zone name.
    Timezone,
    /// A password: write-only, 8 to 128 characters.
    Password,
}

/// Who may read or write an attribute through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Readable and writable.
    ReadWrite,
    /// Set by the server; readable only. Sending it is a 422.
    ReadOnly,
    /// Accepted in requests, never rendered (passwords).
    WriteOnly,
    /// Writable at creation only; readable.
    CreateOnly,
    /// Accepted at creation only, never rendered (an initial password).
    CreateSecret,
}

/// One attribute of a resource.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Dasherized API name, e.g. `starts-at`.
    pub name: &'static str,
    /// Column name in the table, e.g. `starts_at`.
    pub column: &'static str,
    /// JSON type and constraints.
    pub kind: FieldKind,
    /// Required when creating.
    pub required: bool,
    /// `null` is a valid value.
    pub nullable: bool,
    /// Read/write access.
    pub access: Access,
    /// Description shown in the spec.
    pub description: &'static str,
}

impl Field {
    /// A read-write, optional, nullable field.
    pub const fn new(
        name: &'static str,
        column: &'static str,
        kind: FieldKind,
        description: &'static str,
    ) -> Self {
        Field {
            name,
            column,
            kind,
            required: false,
            nullable: true,
            access: Access::ReadWrite,
            description,
        }
    }

    /// Marks the field required on create and not nullable.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.nullable = false;
        self
    }

    /// Marks the field not nullable (it has a server default).
    pub const fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Marks the field read-only.
    pub const fn read_only(mut self) -> Self {
        self.access = Access::ReadOnly;
        self
    }

    /// Marks the field write-only.
    pub const fn write_only(mut self) -> Self {
        self.access = Access::WriteOnly;
        self
    }

    /// Marks the field accepted at creation only and never rendered.
    pub const fn create_secret(mut self) -> Self {
        self.access = Access::CreateSecret;
        self
    }

    /// Whether the field is ever rendered.
    pub fn readable(&self) -> bool {
        !matches!(self.access, Access::WriteOnly | Access::CreateSecret)
    }

    /// Marks the field writable at creation only.
    pub const fn create_only(mut self) -> Self {
        self.access = Access::CreateOnly;
        self
    }

    /// Whether the field may be used in `filter` and `sort`.
    pub fn queryable(&self) -> bool {
        self.readable()
    }
}

/// How a relationship is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    /// To-one: this table holds the foreign key column.
    BelongsTo {
        /// Foreign key column on this table.
        fk: &'static str,
    },
    /// To-many: the target table holds a foreign key to this table's id.
    HasMany {
        /// Foreign key column on the target table.
        fk: &'static str,
    },
}

/// One relationship of a resource.
#[derive(Clone, Copy)]
pub struct Relationship {
    /// Dasherized name, e.g. `users-events-roles`.
    pub name: &'static str,
    /// The target resource (see [`meta`]).
    pub to: fn() -> &'static dyn DynResource,
    /// Storage.
    pub kind: RelKind,
    /// Description shown in the spec.
    pub description: &'static str,
    /// Must be given when creating (422 on `/data/relationships/<name>` otherwise).
    pub required: bool,
    /// A to-one relationship that can be changed after creation: in a
    /// `PATCH` body and through `PATCH …/relationships/<name>` (the update
    /// rules and hooks apply).
    pub writable: bool,
    /// Set by the server only: never accepted in a request body.
    pub read_only: bool,
}

impl Relationship {
    /// A to-one relationship through `fk` on this table.
    pub const fn to_one(
        name: &'static str,
        to: fn() -> &'static dyn DynResource,
        fk: &'static str,
        description: &'static str,
    ) -> Self {
        Relationship {
            name,
            to,
            kind: RelKind::BelongsTo { fk },
            description,
            required: false,
            writable: false,
            read_only: false,
        }
    }

    /// A to-many relationship: rows of `target` whose `fk` is this row's id.
    pub const fn to_many(
        name: &'static str,
        to: fn() -> &'static dyn DynResource,
        fk: &'static str,
        description: &'static str,
    ) -> Self {
        Relationship {
            name,
            to,
            kind: RelKind::HasMany { fk },
            description,
            required: false,
            writable: false,
            read_only: false,
        }
    }

    /// Must be given when creating.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Changeable after creation (in `PATCH` bodies and through its
    /// relationship endpoint).
    pub const fn writable(mut self) -> Self {
        self.writable = true;
        self
    }

    /// Set by the server only (e.g. an event's `creator`).
    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether a `POST` body may name it (to-one, not read-only).
    pub fn settable_on_create(&self) -> bool {
        self.is_to_one() && !self.read_only
    }

    /// Whether a `PATCH` body may name it.
    pub fn settable_on_update(&self) -> bool {
        self.is_to_one() && !self.read_only && self.writable
    }

    /// Whether the relationship holds one identifier.
    pub fn is_to_one(&self) -> bool {
        matches!(self.kind, RelKind::BelongsTo { .. })
    }

    /// The target resource.
    pub fn target(&self) -> &'static dyn DynResource {
        (self.to)()
    }

    /// The target's JSON:API type.
    pub fn target_type(&self) -> &'static str {
        self.target().type_name()
    }
}

impl std::fmt::Debug for Relationship {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relationship")
            .field("name", &self.name)
            .field("target", &self.target_type())
            .field("kind", &self.kind)
            .finish()
    }
}

/// The erased resource `R`, for [`Relationship`] targets:
/// `Relationship::to_one("creator", meta::<UserResource>, "creator_id", "…")`.
pub fn meta<R: Resource>() -> &'static dyn DynResource {
    const { &Meta::<R>::new() }
}

/// A spec tag: the group a resource's operations are listed under.
#[derive(Debug, Clone, Copy)]
pub struct Tag {
    /// The tag name, e.g. `Events`.
    pub name: &'static str,
    /// What the group holds.
    pub description: &'static str,
}

/// A generic operation a resource exposes, with its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `GET /v1/<plural>`.
    List,
    /// `POST /v1/<plural>`.
    Create,
    /// `GET /v1/<plural>/{id}`.
    Get,
    /// `PATCH /v1/<plural>/{id}`.
    Update,
    /// `DELETE /v1/<plural>/{id}`.
    Delete,
}

/// One generic operation and its spec text.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// Which operation.
    pub kind: OpKind,
    /// The summary (first line in the spec).
    pub summary: &'static str,
    /// The description.
    pub description: &'static str,
}

impl Op {
    /// An operation with its summary and description.
    pub const fn new(kind: OpKind, summary: &'static str, description: &'static str) -> Self {
        Op {
            kind,
            summary,
            description,
        }
    }
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
        crate::db::write::insert(&state.db, am)
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

/// Whether `action` is ever allowed to anonymous callers.
pub fn anonymous_may(table: &Table, action: Action) -> bool {
    !table.requires_auth(action)
}
