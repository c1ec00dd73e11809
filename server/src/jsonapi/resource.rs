//! What a resource declares: its attributes, relationships and visibility.
//! Everything else (documents, schemas, queries, validation) is derived.

use sea_orm::{Condition, EntityTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    auth::Caller,
    permissions::{Action, Table, engine},
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
#[derive(Debug, Clone, Copy)]
pub struct Relationship {
    /// Dasherized name, e.g. `users-events-roles`.
    pub name: &'static str,
    /// The target's JSON:API type.
    pub target: &'static str,
    /// Storage.
    pub kind: RelKind,
    /// Description shown in the spec.
    pub description: &'static str,
    /// Must be given when creating (422 on `/data/relationships/<name>` otherwise).
    pub required: bool,
}

impl Relationship {
    /// Whether the relationship holds one identifier.
    pub fn is_to_one(&self) -> bool {
        matches!(self.kind, RelKind::BelongsTo { .. })
    }
}

/// A JSON:API resource backed by a sea-orm entity.
pub trait Resource: Send + Sync + 'static {
    /// The entity.
    type Entity: EntityTrait<Model = Self::Model>;
    /// The entity's model, serializable to a [`Row`].
    type Model: FromQueryResult + Serialize + Clone + Send + Sync + 'static;

    /// Dasherized singular type, e.g. `event`.
    const TYPE: &'static str;
    /// Plural used in URLs, e.g. `events`.
    const PLURAL: &'static str;
    /// Prefix of the component schema names, e.g. `Event`.
    const SCHEMA: &'static str;
    /// The table name.
    const TABLE: &'static str;
    /// Attributes.
    const FIELDS: &'static [Field];
    /// Relationships.
    const RELATIONSHIPS: &'static [Relationship];
    /// Whether rows carry `deleted_at` and DELETE is a soft delete.
    const SOFT_DELETE: bool;

    /// The permission table: who may list, view, create, update, delete.
    const PERMISSIONS: Table;

    /// The rows this caller may view (details, includes, related endpoints).
    fn visible(caller: &Caller) -> Condition {
        engine::condition(&Self::PERMISSIONS, Action::View, caller)
    }

    /// The rows this caller finds in lists.
    fn listable(caller: &Caller) -> Condition {
        engine::condition(&Self::PERMISSIONS, Action::List, caller)
    }
}
