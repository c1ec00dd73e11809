//! What the server should answer, computed from the seeded world alone:
//! who sees which object (the spec's `x-permissions` rows, through the
//! permission [oracle](crate::runner::oracle) and the server's condition
//! recipes read on the stored rows), which attributes they see, what a
//! relationship names, the order a `sort` puts objects in, and whether an
//! object satisfies a `filter` (SQL's three-valued logic: a comparison
//! with a null attribute is unknown, and `not` of unknown is unknown).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use open_event_server::{
    jsonapi::{DynResource, Field, FieldKind, RelKind, Relationship},
    permissions::{EventLink, Setup},
};
use serde_json::Value;

use super::universe::{EVENT, GRANT, ROLE, Universe};
use crate::runner::{
    kinds::{self, Row},
    model::{Actor, Facts},
    oracle::{self as permission_oracle, Tables},
    permissions::{PermissionRow, fields_allow},
    spec::Spec,
    world::catalogue,
};

/// Who asks: a role of the checks, and the world's account playing it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The role.
    pub actor: Actor,
    /// The account's id (`None`: anonymous).
    pub id: Option<i64>,
    /// The account's email.
    pub email: Option<String>,
}

/// The oracle over one world.
pub struct Oracle<'a> {
    /// The world.
    pub u: &'a Universe,
    views: Tables,
}

/// A value as the database compares it.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// SQL `NULL`.
    Null,
    /// A boolean (false < true).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A timestamp.
    Time(DateTime<Utc>),
    /// Text, compared byte by byte (a `C` collation).
    Text(String),
}

impl V {
    /// Whether it is `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, V::Null)
    }
}

/// `a` against `b` (both non-null, of one field's kind).
pub fn compare(a: &V, b: &V) -> Ordering {
    match (a, b) {
        (V::Bool(x), V::Bool(y)) => x.cmp(y),
        (V::Int(x), V::Int(y)) => x.cmp(y),
        (V::Float(x), V::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (V::Int(x), V::Float(y)) => (*x as f64).partial_cmp(y).unwrap_or(Ordering::Equal),
        (V::Float(x), V::Int(y)) => x.partial_cmp(&(*y as f64)).unwrap_or(Ordering::Equal),
        (V::Time(x), V::Time(y)) => x.cmp(y),
        (V::Text(x), V::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Null, V::Null) => Ordering::Equal,
        (V::Null, _) => Ordering::Greater,
        (_, V::Null) => Ordering::Less,
        _ => Ordering::Equal,
    }
}

/// A stored (or sent) JSON value of `field` as the database compares it;
/// `None` when it is not of the field's kind.
pub fn typed(field: &Field, v: &Value) -> Option<V> {
    if v.is_null() {
        return Some(V::Null);
    }
    Some(match field.kind {
        FieldKind::Bool => V::Bool(v.as_bool()?),
        FieldKind::Int { .. } => V::Int(v.as_i64()?),
        FieldKind::Float { .. } => V::Float(v.as_f64()?),
        FieldKind::DateTime => V::Time(
            DateTime::parse_from_rfc3339(v.as_str()?)
                .ok()?
                .with_timezone(&Utc),
        ),
        _ => V::Text(v.as_str()?.to_owned()),
    })
}

/// One key of a `sort`.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The to-one relationship, for `rel.attribute` keys.
    pub rel: Option<&'static Relationship>,
    /// The attribute.
    pub field: &'static Field,
    /// Descending.
    pub desc: bool,
}

/// The keys of a `sort` value on `res`.
pub fn parse_sort(res: &dyn DynResource, value: &str) -> Result<Vec<Key>, String> {
    value
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|raw| {
            let (desc, name) = match raw.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, raw),
            };
            let unknown = || format!("`{}` has no sort key `{name}`", res.type_name());
            match name.split_once('.') {
                None => Ok(Key {
                    rel: None,
                    field: res.field(name).ok_or_else(unknown)?,
                    desc,
                }),
                Some((rel, attr)) => {
                    let rel = res.relationship(rel).ok_or_else(unknown)?;
                    Ok(Key {
                        rel: Some(rel),
                        field: rel.target().field(attr).ok_or_else(unknown)?,
                        desc,
                    })
                }
            }
        })
        .collect()
}

/// A row's id.
pub fn id(row: &Row) -> i64 {
    kinds::int(row, "id").unwrap_or_default()
}

impl<'a> Oracle<'a> {
    /// The oracle of world `u` under the rules of `spec`.
    pub fn new(u: &'a Universe, spec: &Spec) -> Self {
        Oracle {
            u,
            views: Tables::from_spec(spec),
        }
    }

    /// The caller playing `actor`.
    pub fn caller(&self, actor: Actor) -> Caller {
        let person = self.u.person(actor);
        Caller {
            actor,
            id: person.map(|p| p.user.id),
            email: person.map(|p| p.user.email.clone()),
        }
    }

    /// The view rules of `type_name`, as the spec states them.
    pub fn view_rows(&self, type_name: &str) -> Result<&[PermissionRow], String> {
        self.views
            .view(type_name)
            .ok_or_else(|| format!("the spec states no view rules for `{type_name}`"))
    }

    /// The row of the event `row` belongs to (itself for an event).
    pub fn event_of(&self, res: &dyn DynResource, row: &'a Row) -> Option<&'a Row> {
        match res.permissions().event {
            EventLink::IsEvent => Some(row),
            EventLink::Column(c) => self.u.get(EVENT, kinds::int(row, c)?),
            EventLink::None => None,
        }
    }

    /// The roles `caller` acts in on `row`: staff; else the event roles
    /// they hold on its event (from the world's grants), and `registered`.
    fn actors(&self, caller: &Caller, res: &dyn DynResource, row: &Row) -> Vec<Actor> {
        let Some(me) = caller.id else {
            return vec![Actor::Anyone];
        };
        if caller.actor.is_staff() {
            return vec![caller.actor];
        }
        let mut out = vec![Actor::Registered];
        let event = self.event_of(res, row).map(id);
        for g in self.u.all(GRANT) {
            if kinds::int(g, "user_id") == Some(me) && kinds::int(g, "event_id") == event {
                let role = kinds::int(g, "role_id")
                    .and_then(|r| self.u.get(ROLE, r))
                    .and_then(|r| r.get("name").and_then(Value::as_str))
                    .and_then(Actor::from_name);
                out.extend(role);
            }
        }
        out
    }

    /// Whether condition `name` holds on `row` for `caller`, read off the
    /// stored rows through the server's recipe.
    fn condition(&self, caller: &Caller, res: &dyn DynResource, row: &Row, name: &str) -> bool {
        let Some(c) = catalogue().get(name) else {
            return false;
        };
        c.world.holds.iter().all(|step| match *step {
            Setup::EventColumn { column, value } => self
                .event_of(res, row)
                .is_some_and(|e| kinds::same(e.get(column), value)),
            Setup::ObjectColumn { column, value } => kinds::same(row.get(column), value),
            Setup::ObjectUser { caller: want } => {
                let mine = res
                    .permissions()
                    .user_column
                    .zip(caller.id)
                    .is_some_and(|(col, me)| kinds::int(row, col) == Some(me));
                mine == want
            }
            Setup::ObjectEmail {
                column,
                caller: want,
            } => {
                let to_me = caller.email.as_ref().is_some_and(|mine| {
                    row.get(column)
                        .and_then(Value::as_str)
                        .is_some_and(|e| e.eq_ignore_ascii_case(mine))
                });
                to_me == want
            }
            Setup::ObjectRole { column, role, is } => {
                let named = self
                    .u
                    .role_ids
                    .get(role)
                    .is_some_and(|r| kinds::int(row, column) == Some(*r));
                named == is
            }
            Setup::RequestAttribute { .. } => false,
        })
    }

    /// Whether the object is soft-deleted.
    pub fn deleted(res: &dyn DynResource, row: &Row) -> bool {
        res.soft_delete() && row.get("deleted_at").is_some_and(|v| !v.is_null())
    }

    /// The rows of `rows` that hold for `caller` on `row`.
    pub fn holding<'r>(
        &self,
        caller: &Caller,
        res: &dyn DynResource,
        row: &Row,
        rows: &'r [PermissionRow],
    ) -> Vec<&'r PermissionRow> {
        let actors = self.actors(caller, res, row);
        let mut facts = Facts::default();
        for r in rows {
            for c in &r.conditions {
                if facts.get(c).is_none() {
                    facts.set(c, self.condition(caller, res, row, c));
                }
            }
        }
        rows.iter()
            .filter(|r| {
                actors
                    .iter()
                    .any(|a| permission_oracle::holds(r, *a, &facts) == Some(true))
            })
            .collect()
    }

    /// Whether `rows` let `caller` reach `row` (and it is not soft-deleted).
    pub fn allowed(
        &self,
        caller: &Caller,
        res: &dyn DynResource,
        row: &Row,
        rows: &[PermissionRow],
    ) -> bool {
        !Self::deleted(res, row) && !self.holding(caller, res, row, rows).is_empty()
    }

    /// Whether `caller` may view `row` (a `GET`, an include, a linkage).
    pub fn visible(&self, caller: &Caller, res: &dyn DynResource, row: &Row) -> bool {
        self.view_rows(res.type_name())
            .is_ok_and(|rows| self.allowed(caller, res, row, rows))
    }

    /// The attributes `caller` sees of a visible `row`: the readable ones a
    /// holding view rule's field limit allows.
    pub fn attributes(
        &self,
        caller: &Caller,
        res: &dyn DynResource,
        row: &Row,
    ) -> Vec<&'static str> {
        let rows = self.view_rows(res.type_name()).unwrap_or_default();
        let holding = self.holding(caller, res, row, rows);
        res.fields()
            .iter()
            .filter(|f| f.readable())
            .filter(|f| {
                holding
                    .iter()
                    .any(|r| fields_allow(r.fields.as_ref(), f.name))
            })
            .map(|f| f.name)
            .collect()
    }

    /// What relationship `rel` of `row` names, visible or not.
    pub fn related(&self, row: &Row, rel: &Relationship) -> Vec<&'a Row> {
        let target = rel.target().type_name();
        match rel.kind {
            RelKind::BelongsTo { fk } => kinds::int(row, fk)
                .and_then(|t| self.u.get(target, t))
                .into_iter()
                .collect(),
            RelKind::HasMany { fk } => {
                let me = id(row);
                self.u
                    .all(target)
                    .iter()
                    .filter(|t| kinds::int(t, fk) == Some(me))
                    .collect()
            }
        }
    }

    /// What relationship `rel` of `row` names that `caller` may view, by id.
    pub fn related_visible(&self, caller: &Caller, row: &Row, rel: &Relationship) -> Vec<i64> {
        let target = rel.target();
        let mut ids: Vec<i64> = self
            .related(row, rel)
            .into_iter()
            .filter(|t| self.visible(caller, target, t))
            .map(id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The value of sort key `key` for `row`.
    fn key_value(&self, row: &Row, key: &Key) -> V {
        let source = match key.rel {
            None => Some(row),
            Some(rel) => self.related(row, rel).into_iter().next(),
        };
        source
            .and_then(|r| r.get(key.field.column))
            .and_then(|v| typed(key.field, v))
            .unwrap_or(V::Null)
    }

    /// `rows` in the order `keys` puts them in: nulls sort as the largest
    /// value, ties broken by id (ascending).
    pub fn sorted(&self, rows: &[&Row], keys: &[Key]) -> Vec<i64> {
        let mut keyed: Vec<(Vec<V>, i64)> = rows
            .iter()
            .map(|r| (keys.iter().map(|k| self.key_value(r, k)).collect(), id(r)))
            .collect();
        keyed.sort_by(|(a, ia), (b, ib)| {
            for (k, (x, y)) in keys.iter().zip(a.iter().zip(b)) {
                let o = compare(x, y);
                let o = if k.desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            ia.cmp(ib)
        });
        keyed.into_iter().map(|(_, i)| i).collect()
    }
}
