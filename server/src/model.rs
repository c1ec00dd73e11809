//! The vocabulary of resource declarations: attributes, relationships,
//! operations, and resources seen without their Rust types ([`DynResource`])
//! with the [`Registry`] of them. A leaf below the JSON:API machinery, the
//! state and the permission engine's users, so nothing here reaches up.

use sea_orm::{DbErr, QueryResult};

use crate::permissions::Table;

/// A stored row as the API machinery reads it: straight from the query result by the declared fields
/// (no entity model, no map): its id, its attributes, and the foreign key
/// of each to-one relationship.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// The primary key.
    pub id: i64,
    /// The attributes.
    pub attributes: Attributes,
    /// `(column, value)` of each to-one relationship's foreign key.
    pub keys: Vec<(&'static str, Option<i64>)>,
}

/// A row's attributes, read column by column or rendered by the database.
#[derive(Debug, Clone, PartialEq)]
pub enum Attributes {
    /// One JSON value per field of [`DynResource::fields`], in that order
    /// (`null` for fields never rendered).
    Values(Vec<serde_json::Value>),
    /// The attributes object as JSON text, rendered by the database for one
    /// fieldset: the readable fields a request asked for, in declaration
    /// order (see `jsonapi::sql_json`). Only for resources whose view rules
    /// limit no fields, so nothing is left to hide.
    Json(String),
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes::Values(Vec::new())
    }
}

impl Record {
    /// The foreign key stored in `column`.
    pub fn fk(&self, column: &str) -> Option<i64> {
        self.keys
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, v)| *v)
    }
}

pub(crate) fn value_of(field: &Field, r: &QueryResult) -> Result<serde_json::Value, DbErr> {
    use serde_json::Value;
    let col = field.column;
    Ok(match field.kind {
        _ if !field.readable() => Value::Null,
        FieldKind::Bool => r
            .try_get::<Option<bool>>("", col)?
            .map_or(Value::Null, Value::Bool),
        FieldKind::Int { .. } => r
            .try_get::<Option<i32>>("", col)?
            .map_or(Value::Null, |v| Value::from(i64::from(v))),
        FieldKind::Float { .. } => r
            .try_get::<Option<f64>>("", col)?
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        FieldKind::DateTime => r
            .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", col)?
            .map_or(Ok(Value::Null), serde_json::to_value)
            .map_err(|e| DbErr::Custom(format!("{col}: {e}")))?,
        _ => r
            .try_get::<Option<String>>("", col)?
            .map_or(Value::Null, Value::String),
    })
}

/// Reads a [`Record`] of a resource with `fields` and `relationships` from a
/// `SELECT <table>.*, …` result.
pub fn read_row(
    fields: &[Field],
    relationships: &[Relationship],
    r: &QueryResult,
) -> Result<Record, DbErr> {
    let mut values = Vec::with_capacity(fields.len());
    for f in fields {
        values.push(value_of(f, r)?);
    }
    Ok(Record {
        id: r.try_get::<i64>("", "id")?,
        attributes: Attributes::Values(values),
        keys: read_keys(relationships, r)?,
    })
}

/// Reads a [`Record`] whose attributes object was rendered for one
/// fieldset (`jsonapi::sql_json`), beside `id` and the to-one foreign keys.
pub fn read_rendered_row(
    relationships: &[Relationship],
    r: &QueryResult,
    attributes: String,
) -> Result<Record, DbErr> {
    Ok(Record {
        id: r.try_get::<i64>("", "id")?,
        attributes: Attributes::Json(attributes),
        keys: read_keys(relationships, r)?,
    })
}

/// The distinct foreign-key columns of the to-one relationships, in
/// declaration order (read for every row: no allocation).
pub fn key_columns(relationships: &[Relationship]) -> impl Iterator<Item = &'static str> + '_ {
    let fk = |rel: &Relationship| match rel.kind {
        RelKind::BelongsTo { fk } => Some(fk),
        RelKind::HasMany { .. } => None,
    };
    relationships
        .iter()
        .enumerate()
        .filter_map(move |(i, rel)| {
            fk(rel).filter(|key| !relationships[..i].iter().any(|r| fk(r) == Some(*key)))
        })
}

fn read_keys(
    relationships: &[Relationship],
    r: &QueryResult,
) -> Result<Vec<(&'static str, Option<i64>)>, DbErr> {
    let mut keys = Vec::with_capacity(relationships.len());
    for fk in key_columns(relationships) {
        keys.push((fk, r.try_get::<Option<i64>>("", fk)?));
    }
    Ok(keys)
}

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
    /// A string in a fixed format (a pattern in the spec, checked on write).
    Format(Format),
}

/// The fixed string formats an attribute can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `#rrggbb`.
    HexColor,
    /// `HH:MM`, hours 00–23 (a duration such as a session length).
    HoursMinutes,
}

impl Format {
    /// The regular expression given in the spec.
    pub fn pattern(self) -> &'static str {
        match self {
            Format::HexColor => "^#[0-9a-fA-F]{6}$",
            Format::HoursMinutes => "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        }
    }

    /// An example value.
    pub fn example(self) -> &'static str {
        match self {
            Format::HexColor => "#1a237e",
            Format::HoursMinutes => "00:45",
        }
    }

    /// Whether `s` has the format.
    pub fn accepts(self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Format::HexColor => {
                b.len() == 7 && b[0] == b'#' && b[1..].iter().all(u8::is_ascii_hexdigit)
            }
            Format::HoursMinutes => {
                b.len() == 5
                    && b[2] == b':'
                    && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
                    && (b[0] - b'0') * 10 + (b[1] - b'0') < 24
                    && b[3] < b'6'
            }
        }
    }

    /// How the error message names the format.
    pub fn hint(self) -> &'static str {
        match self {
            Format::HexColor => "a colour as #rrggbb",
            Format::HoursMinutes => "a duration as HH:MM (00:00 to 23:59)",
        }
    }
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

    /// `latitude`: degrees, -90 to 90.
    pub const LATITUDE: Field = Field::new(
        "latitude",
        "latitude",
        FieldKind::Float {
            min: -90.0,
            max: 90.0,
        },
        "Degrees north (-90 to 90).",
    );

    /// `longitude`: degrees, -180 to 180.
    pub const LONGITUDE: Field = Field::new(
        "longitude",
        "longitude",
        FieldKind::Float {
            min: -180.0,
            max: 180.0,
        },
        "Degrees east (-180 to 180).",
    );

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
    /// Every column of a selected row, through the entity model (for tools
    /// and tests that read stored rows; the API reads [`Record`]s).
    fn columns(&self, result: &QueryResult) -> Result<Row, DbErr>;
    /// A selected row (`SELECT <table>.*, …`) as a [`Record`].
    fn row(&self, result: &QueryResult) -> Result<Record, DbErr> {
        read_row(self.fields(), self.relationships(), result)
    }
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

/// A row as a map of column → value (what a model serializes to): the
/// shape tests and the runner read factory-built models in.
pub type Row = serde_json::Map<String, serde_json::Value>;
