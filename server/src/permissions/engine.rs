//! The one engine that reads the tables: it compiles rules into SQL
//! conditions (lists are filtered in SQL; single objects are checked with the
//! same SQL) and answers `has_access` for checks that have no row yet.

use sea_orm::{
    Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use super::{Action, Cond, EventLink, Role, Rule, Table};
use crate::{
    auth::Caller,
    db::entities::event,
    resources::{events_with_role, nothing},
};

fn always() -> Condition {
    Condition::all()
}

fn event_id_expr(table: &Table) -> Option<Expr> {
    match table.event {
        EventLink::None => None,
        EventLink::IsEvent => Some(Expr::col((table.table, "id"))),
        EventLink::Column(c) => Some(Expr::col((table.table, c))),
    }
}

fn published_events() -> SelectStatement {
    Query::select()
        .column(("events", "id"))
        .from("events")
        .and_where(Expr::col(("events", "state")).eq(event::state::PUBLISHED))
        .and_where(Expr::col(("events", "deleted_at")).is_null())
        .to_owned()
}

fn owner_role_id() -> SelectStatement {
    Query::select()
        .column(("roles", "id"))
        .from("roles")
        .and_where(Expr::col(("roles", "name")).eq("owner"))
        .to_owned()
}

fn role_condition(table: &Table, role: Role, caller: &Caller) -> Condition {
    match role {
        Role::Anyone => always(),
        Role::Registered if caller.user_id().is_some() => always(),
        Role::Admin if caller.is_staff() => always(),
        Role::SuperAdmin if caller.is_super_admin() => always(),
        r if r.is_event_role() && caller.is_staff() => always(),
        r if r.is_event_role() => match (caller.user_id(), event_id_expr(table)) {
            (Some(me), Some(event_id)) => Condition::all()
                .add(event_id.in_subquery(events_with_role(me, r.satisfying_event_roles()))),
            _ => nothing(),
        },
        _ => nothing(),
    }
}

fn cond_condition(table: &Table, cond: Cond, caller: &Caller) -> Condition {
    let col = |c: &'static str| Expr::col((table.table, c));
    match cond {
        Cond::EventPublished => match table.event {
            EventLink::None => nothing(),
            EventLink::IsEvent => Condition::all().add(col("state").eq(event::state::PUBLISHED)),
            EventLink::Column(c) => Condition::all().add(col(c).in_subquery(published_events())),
        },
        Cond::SelfUser => match (caller.user_id(), table.user_column) {
            (Some(me), Some(c)) => Condition::all().add(col(c).eq(me)),
            _ => nothing(),
        },
        Cond::Invitee => match caller {
            Caller::User(u) => Condition::all().add(col("email").eq(u.user.email.to_lowercase())),
            Caller::Anonymous => nothing(),
        },
        Cond::NotOwnerGrant => {
            Condition::all().add(col("role_id").not_in_subquery(owner_role_id()))
        }
        Cond::InvitePending => Condition::all().add(col("status").eq("pending")),
        // Request conditions are checked against the body, not rows.
        Cond::BelowOwner => always(),
    }
}

/// The SQL condition for one rule and caller, on `table`'s rows.
pub fn compile(table: &Table, rule: &Rule, caller: &Caller) -> Condition {
    rule.conditions.iter().fold(
        Condition::all().add(role_condition(table, rule.role, caller)),
        |c, cond| c.add(cond_condition(table, *cond, caller)),
    )
}

/// The rows of `table` this caller may act on with `action` (OR of its rules).
pub fn condition(table: &Table, action: Action, caller: &Caller) -> Condition {
    let rules = table.rules(action);
    if rules.is_empty() {
        return nothing();
    }
    rules.iter().fold(Condition::any(), |c, rule| {
        c.add(compile(table, rule, caller))
    })
}

#[derive(Debug, FromQueryResult)]
struct Hit {
    #[allow(dead_code)]
    id: i64,
}

/// The rules of `action` that hold for row `id` (checked in SQL).
pub async fn matching_rules<C: ConnectionTrait>(
    db: &C,
    table: &Table,
    action: Action,
    caller: &Caller,
    id: i64,
) -> Result<Vec<Rule>, DbErr> {
    let mut out = Vec::new();
    for rule in table.rules(action) {
        let stmt = Query::select()
            .column((table.table, "id"))
            .from(table.table)
            .and_where(Expr::col((table.table, "id")).eq(id))
            .cond_where(compile(table, rule, caller))
            .limit(1)
            .to_owned();
        let builder = db.get_database_backend();
        let hit = Hit::find_by_statement(builder.build(&stmt)).one(db).await?;
        if hit.is_some() {
            out.push(*rule);
        }
    }
    Ok(out)
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

/// Whether `rule` holds for the caller and `args` (Open Event's `has_access`).
pub async fn has_access<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    rule: &Rule,
    args: &Args,
) -> Result<bool, DbErr> {
    for cond in rule.conditions {
        let holds = match cond {
            Cond::SelfUser => caller.user_id().is_some() && caller.user_id() == args.user_id,
            Cond::BelowOwner => args.role_name.as_deref() != Some("owner"),
            Cond::EventPublished => args.event_id.is_some(),
            // Row conditions have no meaning without a row.
            Cond::Invitee | Cond::NotOwnerGrant | Cond::InvitePending => false,
        };
        if !holds {
            return Ok(false);
        }
    }
    let needs_event = rule.role.is_event_role() || rule.conditions.contains(&Cond::EventPublished);
    if !needs_event {
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
    let mut cond = Condition::all()
        .add(Expr::col(("events", "id")).eq(event_id))
        .add(Expr::col(("events", "deleted_at")).is_null())
        .add(role_condition(&EVENTS, rule.role, caller));
    if rule.conditions.contains(&Cond::EventPublished) {
        cond = cond.add(cond_condition(&EVENTS, Cond::EventPublished, caller));
    }
    Ok(event::Entity::find()
        .filter(cond)
        .limit(1)
        .one(db)
        .await?
        .is_some())
}

/// The events table seen as a permission anchor.
const EVENTS: Table = Table {
    resource: "event",
    table: "events",
    event: EventLink::IsEvent,
    user_column: None,
    rules: &[],
};
