//! The permission oracle: what status (and, for lists, what presence) the
//! `x-permissions` rules of the spec predict for a role in a world. A plain
//! evaluator over the rows as the spec states them (the same semantics as
//! the live matrix test in `tests/api/matrix.rs`), independent of the
//! server's SQL compiler.
//!
//! Denial order (design §3): no token where the action needs one → 401;
//! the object missing or hidden (no view rule holds) → 404; visible but no
//! rule of the action holds → 403. Lists are filtered (the object is listed
//! iff a list rule holds). Related endpoints (`via`) check the parent the
//! path names first (401, 404), then the target's rules. A create that
//! names a related object the caller cannot see → 404 (pointer at the
//! relationship), then the create rules → 403.

use std::collections::BTreeMap;

use open_event_server::permissions::{Action, Role, Table};

use super::{
    model::{Actor, Facts},
    permissions::{PermissionRow, fields_allow},
    spec::{Operation, Spec},
    world::{Layout, Obj},
};

/// The view rules of every resource type the spec states them for (from
/// `view` operations and from the `via` members of related endpoints).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    views: BTreeMap<String, Vec<PermissionRow>>,
}

impl Tables {
    /// Collects the view rules of `spec`.
    pub fn from_spec(spec: &Spec) -> Tables {
        let mut views: BTreeMap<String, Vec<PermissionRow>> = BTreeMap::new();
        let mut add = |rows: &[PermissionRow]| {
            let Some(first) = rows.first() else { return };
            if first.action.as_deref() != Some("view") {
                return;
            }
            if let Some(resource) = &first.resource {
                views
                    .entry(resource.clone())
                    .or_insert_with(|| rows.to_vec());
            }
        };
        for op in &spec.operations {
            if op.via.is_none() {
                add(&op.permissions);
            }
            if let Some((rows, _)) = &op.via {
                add(rows);
            }
        }
        Tables { views }
    }

    /// The view rules of resource type `kind`.
    pub fn view(&self, kind: &str) -> Option<&[PermissionRow]> {
        self.views.get(kind).map(Vec::as_slice)
    }
}

/// Whether `row` holds for `actor` on an object with `facts`; `None` when
/// the row names a role the hierarchy does not know or a condition the
/// facts do not tell.
pub fn holds(row: &PermissionRow, actor: Actor, facts: &Facts) -> Option<bool> {
    let role = Actor::from_name(&row.role)?;
    let mut ok = actor.includes(role);
    for c in &row.conditions {
        ok &= facts.get(c)?;
    }
    Some(ok)
}

/// Whether some row holds (`None`: a row the oracle cannot read).
pub fn allows(rows: &[PermissionRow], actor: Actor, facts: &Facts) -> Option<bool> {
    let mut any = false;
    for r in rows {
        any |= holds(r, actor, facts)?;
    }
    Some(any)
}

/// The rows that hold (`None`: a row the oracle cannot read).
pub fn holding<'a>(
    rows: &'a [PermissionRow],
    actor: Actor,
    facts: &Facts,
) -> Option<Vec<&'a PermissionRow>> {
    let mut out = Vec::new();
    for r in rows {
        if holds(r, actor, facts)? {
            out.push(r);
        }
    }
    Some(out)
}

/// Whether a holding row's field limit lets the caller see or set
/// attribute `field`.
pub fn field_allowed(
    rows: &[PermissionRow],
    actor: Actor,
    facts: &Facts,
    field: &str,
) -> Option<bool> {
    Some(
        holding(rows, actor, facts)?
            .iter()
            .any(|r| fields_allow(r.fields.as_ref(), field)),
    )
}

/// Whether anonymous callers can never pass these rows.
pub fn requires_auth(rows: &[PermissionRow]) -> bool {
    !rows.iter().any(|r| r.role == "anyone")
}

/// One action on one object, in the denial order of design §3: 401 when
/// the action needs a token and none is sent; a list answers `success`
/// and shows the object iff a row holds; a create succeeds iff a row
/// holds, else 403; anything else is 404 when no `view` row holds, 403
/// when no row of the action holds, else `success`. `None`: a row the
/// oracle cannot read.
pub fn outcome(
    action: &str,
    needs_token: bool,
    view: &[PermissionRow],
    rows: &[PermissionRow],
    actor: Actor,
    facts: &Facts,
    success: u16,
) -> Option<Expected> {
    if actor == Actor::Anyone && needs_token {
        return Some(status(401));
    }
    Some(match action {
        "list" => Expected {
            present: Some(allows(rows, actor, facts)?),
            ..status(success)
        },
        "create" => status(if allows(rows, actor, facts)? {
            success
        } else {
            403
        }),
        _ if !allows(view, actor, facts)? => status(404),
        "view" => status(success),
        _ if allows(rows, actor, facts)? => status(success),
        _ => status(403),
    })
}

/// The rows of a server table's action, as the spec exports them.
pub fn table_rows(table: &Table, action: Action) -> Vec<PermissionRow> {
    PermissionRow::parse_all(
        action.name(),
        &open_event_server::permissions::export::x_permissions(table, action),
    )
    .unwrap_or_default()
}

/// What a server table predicts for `role` doing `action` on an object
/// with `facts` (201 for a create, else 200, on success): the oracle of
/// the live matrix test (`tests/api/matrix.rs`).
pub fn table_outcome(table: &Table, action: Action, role: Role, facts: &Facts) -> Option<Expected> {
    let actor = Actor::from_name(role.name())?;
    let success = if action == Action::Create { 201 } else { 200 };
    outcome(
        action.name(),
        table.requires_auth(action),
        &table_rows(table, Action::View),
        &table_rows(table, action),
        actor,
        facts,
        success,
    )
}

/// What a permission check of an operation addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// The object the path names.
    Object {
        /// It.
        obj: Obj,
    },
    /// A related endpoint: the parent the path names, then its related target.
    Related {
        /// The parent.
        parent: Obj,
        /// The target.
        target: Obj,
        /// A list of targets (else one).
        many: bool,
    },
    /// A top-level list.
    List {
        /// The object that must be listed or not.
        obj: Obj,
    },
    /// A create; its required relationships name these objects.
    Create {
        /// `(relationship, object)`.
        rels: Vec<(String, Obj)>,
    },
    /// The object is found by a token in the body (accepting an invite).
    Token {
        /// It.
        obj: Obj,
        /// The column holding its token.
        secret: &'static str,
    },
}

impl Shape {
    /// The objects a world must hold for the check.
    pub fn objects(&self) -> Vec<Obj> {
        match self {
            Shape::Object { obj } | Shape::List { obj } | Shape::Token { obj, .. } => vec![*obj],
            Shape::Related { parent, target, .. } => vec![*parent, *target],
            Shape::Create { rels } => rels.iter().map(|(_, o)| *o).collect(),
        }
    }
}

/// The predicted outcome of a permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// The status.
    pub status: u16,
    /// For lists answered 200: whether the object is listed.
    pub present: Option<bool>,
    /// A 404 on a create: the relationship whose object is hidden.
    pub hidden_rel: Option<usize>,
}

fn status(status: u16) -> Expected {
    Expected {
        status,
        present: None,
        hidden_rel: None,
    }
}

/// The outcome the rules predict for `op` in the world `layout`; `Err`
/// names what the oracle cannot read.
pub fn expect(
    op: &Operation,
    shape: &Shape,
    tables: &Tables,
    layout: &Layout,
) -> Result<Expected, String> {
    let actor = layout.role;
    let anon = actor == Actor::Anyone;
    let success = op
        .success_status()
        .ok_or("the operation documents no success status")?;
    let rows = op.permissions.as_slice();
    let unreadable = || format!("{}: a rule names an unknown role or condition", op.id);
    let view_of = |obj: Obj| -> Result<&[PermissionRow], String> {
        tables
            .view(obj.kind())
            .ok_or_else(|| format!("the spec states no view rules for `{}`", obj.kind()))
    };
    let ok = |rows: &[PermissionRow], obj: Obj| -> Result<bool, String> {
        allows(rows, actor, &layout.facts(obj)).ok_or_else(unreadable)
    };
    let action = rows
        .first()
        .and_then(|r| r.action.clone())
        .unwrap_or_default();
    Ok(match shape {
        Shape::Object { obj } | Shape::Token { obj, .. } => {
            let action = if action == "list" || action == "create" {
                "view"
            } else {
                action.as_str()
            };
            outcome(
                action,
                op.requires_auth,
                view_of(*obj)?,
                rows,
                actor,
                &layout.facts(*obj),
                success,
            )
            .ok_or_else(unreadable)?
        }
        Shape::Related {
            parent,
            target,
            many,
        } => {
            let (via, via_auth) = op.via.as_ref().ok_or("a related endpoint without `via`")?;
            if anon && *via_auth {
                status(401)
            } else if !ok(via, *parent)? {
                status(404)
            } else if anon && requires_auth(rows) {
                status(401)
            } else if *many {
                Expected {
                    present: Some(ok(rows, *target)?),
                    ..status(success)
                }
            } else if ok(rows, *target)? {
                status(success)
            } else {
                status(404)
            }
        }
        Shape::List { obj } => outcome(
            "list",
            op.requires_auth,
            &[],
            rows,
            actor,
            &layout.facts(*obj),
            success,
        )
        .ok_or_else(unreadable)?,
        Shape::Create { rels } => {
            if anon && op.requires_auth {
                return Ok(status(401));
            }
            for (i, (_, obj)) in rels.iter().enumerate() {
                if let Some(view) = tables.view(obj.kind())
                    && !ok(view, *obj)?
                {
                    return Ok(Expected {
                        hidden_rel: Some(i),
                        ..status(404)
                    });
                }
            }
            outcome(
                "create",
                false,
                &[],
                rows,
                actor,
                &layout.create_facts(),
                success,
            )
            .ok_or_else(unreadable)?
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::runner::world::Given;

    fn rows(v: serde_json::Value) -> Vec<PermissionRow> {
        PermissionRow::parse_all("op", &v).unwrap()
    }

    #[test]
    fn rules_follow_the_hierarchy_and_conditions() {
        let see = rows(json!({"resource": "event", "action": "view", "rules": [
            {"role": "anyone", "conditions": ["event-published"]},
            {"role": "moderator"}]}));
        let draft = Facts::from_iter([("event-published", false)]);
        let published = Facts::from_iter([("event-published", true)]);
        assert_eq!(allows(&see, Actor::Anyone, &published), Some(true));
        assert_eq!(allows(&see, Actor::Registered, &draft), Some(false));
        assert_eq!(allows(&see, Actor::Organizer, &draft), Some(true));
        assert_eq!(allows(&see, Actor::TrackOrganizer, &draft), Some(false));
        assert_eq!(allows(&see, Actor::Admin, &draft), Some(true));
        let unknown = rows(json!([{"role": "anyone", "conditions": ["full-moon"]}]));
        assert_eq!(allows(&unknown, Actor::Anyone, &draft), None);
    }

    #[test]
    fn single_objects_deny_401_then_404_then_403() {
        let spec = Spec::from_value(json!({"openapi": "3.0.0", "paths": {
            "/v1/events/{event_id}": {
                "get": {"operationId": "get_event", "responses": {"200": {}},
                    "x-permissions": {"resource": "event", "action": "view", "requires-authentication": false,
                        "rules": [{"role": "anyone", "conditions": ["event-published"]}, {"role": "moderator"}]}},
                "patch": {"operationId": "update_event", "responses": {"200": {}},
                    "x-permissions": {"resource": "event", "action": "update", "requires-authentication": true,
                        "rules": [{"role": "coorganizer"}]}}}}}))
        .unwrap();
        let tables = Tables::from_spec(&spec);
        let op = spec.operation("update_event").unwrap();
        let shape = Shape::Object {
            obj: Obj::primary("event").unwrap(),
        };
        let at = |role, published| {
            let g = Given::neutral(["event-published"]).with("event-published", published);
            expect(op, &shape, &tables, &Layout::new(role, &g))
                .unwrap()
                .status
        };
        assert_eq!(at(Actor::Anyone, true), 401);
        assert_eq!(at(Actor::Registered, false), 404);
        assert_eq!(at(Actor::Registered, true), 403);
        assert_eq!(at(Actor::Moderator, false), 403);
        assert_eq!(at(Actor::Coorganizer, false), 200);
    }

    #[test]
    fn server_tables_predict_like_the_spec() {
        use open_event_server::resources::event::TABLE;
        let draft = Facts::from_iter([("event-published", false)]);
        let at = |action, role| table_outcome(&TABLE, action, role, &draft).unwrap();
        assert_eq!(at(Action::View, Role::Registered).status, 404);
        assert_eq!(at(Action::Delete, Role::Coorganizer).status, 403);
        assert_eq!(at(Action::Create, Role::Anyone).status, 401);
        assert_eq!(at(Action::Create, Role::Registered).status, 201);
        assert_eq!(at(Action::List, Role::Anyone).present, Some(false));
    }
}
