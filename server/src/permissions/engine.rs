//! The one engine that reads the tables: it compiles rules into SQL
//! conditions (lists are filtered in SQL; single objects are checked with the
//! same SQL, as `CASE` columns of the one statement that loads them) and
//! answers `has_access` for checks that have no row yet.

use std::sync::{LazyLock, PoisonError, RwLock};

use sea_orm::{
    Condition as Sql, ConnectionTrait, DbErr, FromQueryResult,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use super::{Action, Check, EventLink, Role, Rule, Table, always, nothing};
use crate::auth::Caller;

/// Ids of the events where `user_id` holds one of `roles`.
pub fn events_with_role(user_id: i64, roles: &[&'static str]) -> SelectStatement {
    Query::select()
        .column(("users_events_roles", "event_id"))
        .from("users_events_roles")
        .and_where(Expr::col(("users_events_roles", "user_id")).eq(user_id))
        .and_where(Expr::cust(role_ids_in(roles)))
        .to_owned()
}

/// `"users_events_roles"."role_id" IN (SELECT "roles"."id" FROM "roles"
/// WHERE "roles"."name" IN ('a', 'b'))`: the role names are the code's own
/// (never a request's), so they are written into the SQL, built once per
/// set of roles (a handful). A member's list repeats this subquery in its
/// page, its count and each include path; built from the query builder with
/// bound names it cost about 25 allocations each time.
fn role_ids_in(roles: &[&'static str]) -> &'static str {
    /// Each set of roles with its SQL.
    type Built = Vec<(Vec<&'static str>, &'static str)>;
    static BUILT: LazyLock<RwLock<Built>> = LazyLock::new(RwLock::default);
    if roles.is_empty() {
        // No role satisfies: no row (an empty `IN ()` is not SQL).
        return "FALSE";
    }
    let known = BUILT
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(set, _)| set.as_slice() == roles)
        .map(|(_, sql)| *sql);
    if let Some(sql) = known {
        return sql;
    }
    let mut built = BUILT.write().unwrap_or_else(PoisonError::into_inner);
    // Another request may have built it since the read.
    if let Some((_, sql)) = built.iter().find(|(set, _)| set.as_slice() == roles) {
        return sql;
    }
    let names: Vec<String> = roles
        .iter()
        .map(|r| format!("'{}'", r.replace('\'', "''")))
        .collect();
    let sql = format!(
        "\"users_events_roles\".\"role_id\" IN (SELECT \"roles\".\"id\" FROM \"roles\" WHERE \"roles\".\"name\" IN ({}))",
        names.join(", ")
    );
    // Bounded: one per distinct set of roles in the permission tables.
    let sql: &'static str = Box::leak(sql.into_boxed_str());
    built.push((roles.to_vec(), sql));
    sql
}

fn event_id_expr(table: &Table) -> Option<Expr> {
    match table.event {
        EventLink::None => None,
        EventLink::IsEvent => Some(Expr::col((table.table, "id"))),
        EventLink::Column(c) => Some(Expr::col((table.table, c))),
    }
}

/// What a rule's role means for one caller, known before any SQL runs.
enum RolePred {
    /// Every row (anyone; a staff caller; a registered caller for `Registered`).
    Always,
    /// No row (an anonymous caller for an event role; a role the caller lacks).
    Never,
    /// Rows of events where the caller holds one of these roles.
    EventRoles(i64, &'static [&'static str]),
}

fn role_pred(table: &Table, role: Role, caller: &Caller) -> RolePred {
    match role {
        Role::Anyone => RolePred::Always,
        Role::Registered if caller.user_id().is_some() => RolePred::Always,
        Role::Admin if caller.is_staff() => RolePred::Always,
        Role::SuperAdmin if caller.is_super_admin() => RolePred::Always,
        r if r.is_event_role() && caller.is_staff() => RolePred::Always,
        r if r.is_event_role() => match (caller.user_id(), event_id_expr(table)) {
            (Some(me), Some(_)) => RolePred::EventRoles(me, r.satisfying_event_roles()),
            _ => RolePred::Never,
        },
        _ => RolePred::Never,
    }
}

fn event_roles_sql(table: &Table, me: i64, roles: &[&'static str]) -> Sql {
    match event_id_expr(table) {
        Some(event_id) => Sql::all().add(event_id.in_subquery(events_with_role(me, roles))),
        None => nothing(),
    }
}

impl RolePred {
    fn sql(self, table: &Table) -> Sql {
        match self {
            RolePred::Always => always(),
            RolePred::Never => nothing(),
            RolePred::EventRoles(me, roles) => event_roles_sql(table, me, roles),
        }
    }
}

fn role_condition(table: &Table, role: Role, caller: &Caller) -> Sql {
    role_pred(table, role, caller).sql(table)
}

/// The row conditions of `rule` that have SQL (request-body conditions are
/// decided by `has_access` and match every row here).
fn row_conditions(rule: &Rule) -> impl Iterator<Item = &'static super::Condition> {
    rule.conditions.iter().copied().filter(|c| !c.on_request)
}

/// The SQL condition for one rule and caller, on `table`'s rows.
pub fn compile(table: &Table, rule: &Rule, caller: &Caller) -> Sql {
    let role = match role_pred(table, rule.role, caller) {
        RolePred::Never => return nothing(),
        pred => pred.sql(table),
    };
    row_conditions(rule).fold(Sql::all().add(role), |c, cond| {
        c.add((cond.sql)(table, caller))
    })
}

/// The rows of `table` this caller may act on with `action` (OR of its
/// rules), folded before it reaches the database: rules the caller's role
/// rules out are left out, a rule that holds for every row makes the whole
/// condition true, and the rules that only ask for an event role become one
/// `event_id IN (<events where the caller holds any of their roles>)`. The
/// planner then sees `state = ? AND deleted_at IS NULL` for an anonymous
/// event list (and uses the index) instead of an `OR` with bound constants,
/// and a member's list has one role subquery instead of one per rule.
pub fn condition(table: &Table, action: Action, caller: &Caller) -> Sql {
    match branches(table, action, caller) {
        Reach::All => always(),
        Reach::Any(branches) => branches.into_iter().fold(Sql::any(), Sql::add),
    }
}

/// The rows a caller reaches with an action, before the `OR`.
#[derive(Debug, Clone)]
pub enum Reach {
    /// Every row.
    All,
    /// The rows matching any of these conditions (at least one; a caller
    /// who reaches no row gets [`nothing`]).
    Any(Vec<Sql>),
}

/// [`condition`] as its disjuncts: a list that reaches rows by two paths
/// (published events, and events where the caller holds a role) can read
/// each path through its own index and merge them, where one `OR` makes
/// SQLite collect and sort every matching row (see `jsonapi::fetch`).
pub fn branches(table: &Table, action: Action, caller: &Caller) -> Reach {
    let mut any = Vec::new();
    // The roles of the plain event-role rules, for one subquery.
    let mut roles: Vec<&'static str> = Vec::new();
    let mut member = None;
    for rule in table.rules(action) {
        let plain = row_conditions(rule).next().is_none();
        match role_pred(table, rule.role, caller) {
            RolePred::Never => {}
            RolePred::Always if plain => return Reach::All,
            RolePred::EventRoles(me, names) if plain => {
                member = Some(me);
                roles.extend_from_slice(names);
            }
            _ => any.push(compile(table, rule, caller)),
        }
    }
    if let Some(me) = member {
        roles.sort_unstable();
        roles.dedup();
        any.push(event_roles_sql(table, me, &roles));
    }
    if any.is_empty() {
        any.push(nothing());
    }
    Reach::Any(any)
}

/// One `CASE WHEN <rule> THEN 1 ELSE 0 END` column per rule of `action`,
/// so the statement that loads a row also says which rules hold for it.
pub fn rule_columns(table: &Table, action: Action, caller: &Caller) -> Vec<Expr> {
    table
        .rules(action)
        .iter()
        .map(|rule| {
            Expr::case(compile(table, rule, caller), Expr::val(1))
                .finally(Expr::val(0))
                .into()
        })
        .collect()
}

/// Facts a check has when there is no row yet (creation, the manager).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// The event concerned.
    pub event_id: Option<i64>,
    /// The user concerned (for `self`).
    pub user_id: Option<i64>,
    /// A role named by the request (`role-name`), for `below-owner`.
    pub role_name: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct Hit {
    #[allow(dead_code)]
    id: i64,
}

/// Whether `rule` holds for the caller and `args` (Open Event's `has_access`):
/// decided in memory, or with one statement on `events` when the rule needs
/// an event role or a fact of the event.
pub async fn has_access<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    rule: &Rule,
    args: &Args,
) -> Result<bool, DbErr> {
    let mut on_event = Vec::new();
    for cond in rule.conditions {
        match (cond.check)(args, caller) {
            Check::Is(true) => {}
            Check::Is(false) => return Ok(false),
            Check::OnEvent(sql) => on_event.push(sql),
        }
    }
    if !rule.role.is_event_role() && on_event.is_empty() {
        return Ok(match rule.role {
            Role::Anyone => true,
            Role::Registered => caller.user_id().is_some(),
            Role::Admin => caller.is_staff(),
            Role::SuperAdmin => caller.is_super_admin(),
            _ => false,
        });
    }
    let Some(event_id) = args.event_id else {
        return Ok(false);
    };
    let mut cond = Sql::all()
        .add(Expr::col(("events", "id")).eq(event_id))
        .add(Expr::col(("events", "deleted_at")).is_null())
        .add(role_condition(&EVENTS, rule.role, caller));
    for sql in on_event {
        cond = cond.add(sql);
    }
    let stmt = Query::select()
        .column(("events", "id"))
        .from("events")
        .cond_where(cond)
        .limit(1)
        .to_owned();
    let backend = db.get_database_backend();
    Ok(Hit::find_by_statement(backend.build(&stmt))
        .one(db)
        .await?
        .is_some())
}

/// The events table seen as a permission anchor.
pub const EVENTS: Table = Table {
    resource: "event",
    table: "events",
    event: EventLink::IsEvent,
    user_column: None,
    rules: &[],
};
