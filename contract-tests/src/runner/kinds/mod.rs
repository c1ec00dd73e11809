//! Resource kinds: what the runner needs to know about one resource type
//! that the server's declaration does not say — how its factory makes an
//! object. One file per type, registered by one line in [`OWN_KINDS`];
//! records of an event need none (see [`event_child`]).
//!
//! Everything else about a type is read from the server's registry
//! (`open_event_server::resources::registry()`): its table, whether it is
//! soft-deleted, how its rows reach their event and their user, its
//! attributes and relationships, and the permission rules and condition
//! recipes the worlds are built from. So a kind is small:
//!
//! ```ignore
//! pub struct Sponsor;
//!
//! impl Kind for Sponsor {
//!     fn type_name(&self) -> &'static str {
//!         "sponsor"
//!     }
//!     fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError> {
//!         built(ctx.sponsor().build())
//!     }
//!     fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>> {
//!         Box::pin(async move {
//!             let f = seed.ctx.sponsor().for_event(seed.event()?).lazy(seed.lazy());
//!             stored(f.create(seed.db).await)
//!         })
//!     }
//! }
//! ```
//!
//! [`Seed::lazy`] applies every column the world asks for (the columns of
//! the condition recipes, the user, email and role columns, soft deletion)
//! to the built model through the factory's `lazy` hook; a factory without
//! that hook reads [`Seed::user`], [`Seed::role`], … and uses its own
//! setters. The seeder reads the facts back off the stored row, so a kind
//! that ignores something asked of it fails the check at set-up, never
//! silently.

pub mod event;
pub mod event_child;
pub mod role;
pub mod role_invite;
pub mod user;
pub mod users_events_role;

use std::{future::Future, pin::Pin, sync::OnceLock};

use open_event_factories::{FactoryContext, FactoryError};
use open_event_server::{
    db::entities::{event as event_entity, user as user_entity},
    jsonapi::{DynResource, Registry, RelKind},
    permissions::EventLink,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection,
    sea_query::{Asterisk, Expr, ExprTrait, Query},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::{
    RunnerError,
    model::{Actor, Want, Who},
};

pub use open_event_server::jsonapi::Row;

/// A boxed, sendable future (kinds are used as `dyn Kind`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The kinds with a file of their own. Every record that belongs to an
/// event (sponsors, tracks, …) has the generic [`event_child::Child`] kind
/// instead, found through the factories' registry: see [`kinds`].
const OWN_KINDS: &[&dyn Kind] = &[
    &user::User,
    &event::Event,
    &role::CustomRole,
    &users_events_role::Grant,
    &role_invite::Invite,
];

/// Every kind the runner seeds: [`OWN_KINDS`], then the event children the
/// factories register (`open_event_factories::visit_event_children`) whose
/// table the server declares.
pub fn kinds() -> &'static [&'static dyn Kind] {
    static KINDS: OnceLock<Vec<&'static dyn Kind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let mut children = event_child::Children::default();
        open_event_factories::visit_event_children(&mut children);
        OWN_KINDS.iter().copied().chain(children.kinds).collect()
    })
}

/// The type every world is built around.
pub const EVENT: &str = "event";

/// How a list of a type is narrowed to one object (and a few others), so
/// its first page shows it however many objects other checks made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    /// `filter[<relationship>]=<id>` on the to-one relationship to the
    /// object's event (the objects of its world's event).
    Event,
    /// `filter[<attribute>]=<the object's value>`.
    Attribute(&'static str),
}

/// What the runner knows about seeding one resource type (see the module
/// docs). Only [`type_name`](Kind::type_name), [`build`](Kind::build) and
/// [`create`](Kind::create) are required.
pub trait Kind: Send + Sync {
    /// The JSON:API type; its declaration is read from the server's registry.
    fn type_name(&self) -> &'static str;

    /// An object built in memory by its factory (no database), as stored
    /// columns: the source of request bodies and of the factories'
    /// defaults (which side of a condition the neutral world is on).
    fn build(&self, ctx: &FactoryContext) -> Result<Row, RunnerError>;

    /// Creates one object through its factory as `seed` asks (on
    /// [`Seed::event`] when the type belongs to an event; with the columns
    /// of [`Seed::lazy`]); returns the stored row.
    fn create<'a>(&'a self, seed: &'a Seed<'a>) -> BoxFuture<'a, Result<Row, RunnerError>>;

    /// How a list of this type is narrowed to one object.
    fn narrow(&self) -> Narrow {
        Narrow::Event
    }

    /// Adjusts what a world asks of an object to what the kind can build
    /// for a caller holding `role` (e.g. a grant held by a registered
    /// caller would give them an event role). The plan and the seeder both
    /// call it, so the plan knows the facts. Default: as asked.
    fn plan(&self, role: Actor, want: &mut Want) {
        let _ = (role, want);
    }

    /// The person a user-typed to-one relationship names, when it is not
    /// the table's user column (e.g. an event's `creator`). Default: the
    /// world's event owner, who makes everything else.
    fn person(&self, relationship: &str) -> Who {
        let _ = relationship;
        Who::Owner
    }

    /// Whether [`reference`](Kind::reference) can make an object of this
    /// type referenced, for the documented 409 of a hard delete.
    fn referable(&self) -> bool {
        false
    }

    /// Makes the stored object `row` referenced by another row, so that
    /// deleting it conflicts (409).
    fn reference<'a>(
        &'a self,
        seed: &'a Seed<'a>,
        row: &'a Row,
    ) -> BoxFuture<'a, Result<(), RunnerError>> {
        let _ = (seed, row);
        Box::pin(async move {
            Err(RunnerError::Seed(format!(
                "the `{}` kind cannot make an object referenced",
                self.type_name()
            )))
        })
    }
}

/// What one object is created with: its parents, and what the world (or
/// the happy path) asks of it.
pub struct Seed<'a> {
    /// The check's factory context.
    pub ctx: &'a FactoryContext,
    /// The server's database.
    pub db: &'a DatabaseConnection,
    /// Who manages the object: the owner of its event.
    pub owner: &'a user_entity::Model,
    /// Its event, for types that belong to one.
    pub event: Option<&'a event_entity::Model>,
    /// The user it belongs to (`ObjectUser` steps), through the table's
    /// user column; for users, the person it is.
    pub user: Option<&'a user_entity::Model>,
    /// The email it is addressed to (`ObjectEmail` steps).
    pub email: Option<&'a str>,
    /// The role it names (`ObjectRole` steps; `None`: not one the world cares about).
    pub role: Option<&'a str>,
    /// Soft-deleted.
    pub deleted: bool,
    /// `(column, value)` for [`lazy`](Seed::lazy).
    pub columns: Vec<(String, Value)>,
}

impl Seed<'_> {
    /// The object's event, or an error for types without one.
    pub fn event(&self) -> Result<&event_entity::Model, RunnerError> {
        self.event
            .ok_or_else(|| RunnerError::Seed("this object needs an event".into()))
    }

    /// A factory `lazy` hook setting every column the world asks for on the
    /// built model (text values are converted to the column's JSON type).
    pub fn lazy<M: Serialize + DeserializeOwned>(&self) -> impl Fn(&mut M) + Send + Sync + 'static {
        let columns = self.columns.clone();
        move |model: &mut M| {
            if columns.is_empty() {
                return;
            }
            let Ok(Value::Object(mut map)) = serde_json::to_value(&*model) else {
                return;
            };
            for (column, value) in &columns {
                let current = map.get(column).cloned().unwrap_or(Value::Null);
                map.insert(column.clone(), coerce(&current, value));
            }
            if let Ok(m) = serde_json::from_value(Value::Object(map)) {
                *model = m;
            }
        }
    }
}

/// `value` in the JSON type of `current` (a text `"true"` for a boolean
/// column, `"3"` for a number).
fn coerce(current: &Value, value: &Value) -> Value {
    let Value::String(text) = value else {
        return value.clone();
    };
    match current {
        Value::Bool(_) => text.parse().map(Value::Bool).unwrap_or(value.clone()),
        Value::Number(_) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<f64>().map(Value::from))
            .unwrap_or(value.clone()),
        _ => value.clone(),
    }
}

/// Whether a stored value equals a recipe's text value.
pub fn same(value: Option<&Value>, text: &str) -> bool {
    match value {
        Some(Value::String(s)) => s == text,
        Some(Value::Bool(b)) => b.to_string() == text,
        Some(Value::Number(n)) => n.to_string() == text,
        _ => false,
    }
}

/// A factory error as a seeding error.
pub fn seed_err(e: impl std::fmt::Display) -> RunnerError {
    RunnerError::Seed(e.to_string())
}

/// A model as a row (snake_case columns).
pub fn row_of<M: Serialize>(model: &M) -> Row {
    open_event_server::jsonapi::registry::to_row(model)
}

/// The row of a built model.
pub fn built<M: Serialize>(model: Result<M, FactoryError>) -> Result<Row, RunnerError> {
    Ok(row_of(&model.map_err(seed_err)?))
}

/// The row of a created model.
pub fn stored<M: Serialize>(model: Result<M, FactoryError>) -> Result<Row, RunnerError> {
    built(model)
}

/// The server's resources (read once).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(open_event_server::resources::registry)
}

/// The server's declaration of a type.
pub fn resource(type_name: &str) -> Option<&'static dyn DynResource> {
    registry().lookup(type_name)
}

/// The kind of a type, when one is registered and the server declares the type.
pub fn get(type_name: &str) -> Option<&'static dyn Kind> {
    resource(type_name)?;
    kinds().iter().copied().find(|k| k.type_name() == type_name)
}

/// The types the runner seeds.
pub fn types() -> Vec<&'static str> {
    kinds()
        .iter()
        .map(|k| k.type_name())
        .filter(|t| resource(t).is_some())
        .collect()
}

/// The types the runner can create soft-deleted (the server soft-deletes them).
pub fn deletable() -> Vec<&'static str> {
    types()
        .into_iter()
        .filter(|t| resource(t).is_some_and(|r| r.soft_delete()))
        .collect()
}

/// The types whose kind can make an object referenced.
pub fn referable() -> Vec<&'static str> {
    types()
        .into_iter()
        .filter(|t| get(t).is_some_and(|k| k.referable()))
        .collect()
}

/// The column holding a row's event, for types that belong to one.
pub fn event_column(res: &dyn DynResource) -> Option<&'static str> {
    match res.permissions().event {
        EventLink::Column(c) => Some(c),
        EventLink::IsEvent | EventLink::None => None,
    }
}

/// The foreign key of a to-one relationship.
pub fn foreign_key(res: &dyn DynResource, relationship: &str) -> Option<&'static str> {
    match res.relationship(relationship)?.kind {
        RelKind::BelongsTo { fk } => Some(fk),
        RelKind::HasMany { .. } => None,
    }
}

/// Whether a type's table has `column` (an attribute's, a to-one
/// relationship's, its id, or `deleted_at` when soft-deleted).
pub fn has_column(res: &dyn DynResource, column: &str) -> bool {
    column == "id"
        || (column == "deleted_at" && res.soft_delete())
        || res.fields().iter().any(|f| f.column == column)
        || res
            .relationships()
            .iter()
            .any(|r| matches!(r.kind, RelKind::BelongsTo { fk } if fk == column))
}

/// The `(parameter, value)` narrowing a list of `type_name` to the object `row`.
pub fn narrow(type_name: &str, row: &Row) -> Option<(String, String)> {
    let res = resource(type_name)?;
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    match get(type_name)?.narrow() {
        Narrow::Attribute(name) => {
            let field = res.field(name)?;
            Some((format!("filter[{name}]"), text(row.get(field.column)?)?))
        }
        Narrow::Event => {
            let column = event_column(res)?;
            let rel = res
                .relationships()
                .iter()
                .find(|r| matches!(r.kind, RelKind::BelongsTo { fk } if fk == column))?;
            Some((format!("filter[{}]", rel.name), text(row.get(column)?)?))
        }
    }
}

/// A request body's attributes from a built object: the readable and
/// writable attributes of the type, by API name (a password gets the
/// factories' default password); nulls dropped.
pub fn attributes(type_name: &str, row: &Row) -> serde_json::Map<String, Value> {
    let Some(res) = resource(type_name) else {
        return serde_json::Map::new();
    };
    res.fields()
        .iter()
        .filter_map(|f| {
            if matches!(f.kind, open_event_server::jsonapi::FieldKind::Password) {
                return Some((
                    f.name.to_owned(),
                    Value::String(open_event_factories::DEFAULT_PASSWORD.into()),
                ));
            }
            let v = row.get(f.column)?;
            (!v.is_null()).then(|| (f.name.to_owned(), v.clone()))
        })
        .collect()
}

/// The stored row of object `id` of `type_name`, read through the server's
/// declaration of it.
pub async fn fetch(db: &DatabaseConnection, type_name: &str, id: i64) -> Result<Row, RunnerError> {
    let res = resource(type_name)
        .ok_or_else(|| RunnerError::Seed(format!("the server declares no `{type_name}`")))?;
    let select = Query::select()
        .column(Asterisk)
        .from(res.table())
        .and_where(Expr::col((res.table(), "id")).eq(id))
        .to_owned();
    let found = db
        .query_one(&select)
        .await
        .map_err(seed_err)?
        .ok_or_else(|| RunnerError::Seed(format!("no {type_name} {id}")))?;
    res.columns(&found).map_err(seed_err)
}

/// A row's id.
pub fn id_of(row: &Row) -> Result<i64, RunnerError> {
    row.get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| RunnerError::Seed("a stored row without an id".into()))
}

/// A row's integer column.
pub fn int(row: &Row, column: &str) -> Option<i64> {
    row.get(column).and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_kind_names_a_declared_type_once() {
        let mut children = event_child::Children::default();
        open_event_factories::visit_event_children(&mut children);
        assert_eq!(
            children.undeclared,
            Vec::<&str>::new(),
            "a factory without a resource"
        );
        let mut names: Vec<&str> = kinds().iter().map(|k| k.type_name()).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "a type registered twice");
        for res in registry().all() {
            assert!(
                get(res.type_name()).is_some(),
                "the runner cannot seed `{}`: register its factory (event_children!) or add a kind",
                res.type_name()
            );
        }
    }

    #[test]
    fn lazy_columns_keep_the_column_types() {
        assert_eq!(coerce(&json!(false), &json!("true")), json!(true));
        assert_eq!(coerce(&json!(1), &json!("7")), json!(7));
        assert_eq!(coerce(&Value::Null, &json!("x")), json!("x"));
        assert!(same(Some(&json!(3)), "3") && !same(None, "3"));
    }
}
