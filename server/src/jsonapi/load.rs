//! One statement per read. Rows are selected together with one `CASE`
//! column per permission rule that matters (the action's rules, and the view
//! rules when they limit fields) and, for pages, the total count as
//! uncorrelated scalar subqueries (computed once; `COUNT(*) OVER ()` made
//! SQLite materialize and sort every matching row: 13× slower on a page of
//! 20 out of 500), one per disjoint part of what the caller reaches
//! ([`count`]). Visibility, matching rules and field limits are computed
//! by the database in the same statement that loads the rows. Reads that
//! only render have SQLite render each row's attributes too
//! ([`Checks::render`]), so a row crosses the driver as a few values
//! instead of one per column.

use sea_orm::{
    Condition as Sql, ConnectionTrait, DbErr, QueryResult,
    sea_query::{Asterisk, Expr, ExprTrait, Query, SelectStatement, SimpleExpr},
};

use super::{registry::DynResource, render::Sparse, resource::Record, sql_json};
use crate::{
    auth::Caller,
    model::{key_columns, read_rendered_row},
    permissions::{Action, Fields, Rule, engine},
};

/// A loaded row and what the caller may do with it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The row (snake_case column keys).
    pub row: Record,
    /// Its id.
    pub id: i64,
    /// Attributes the caller may not see (from the view rules' field limits).
    pub hidden: Vec<&'static str>,
    /// The rules of the checked action that hold for it.
    pub rules: Vec<Rule>,
}

/// What to compute beside the rows.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// An action whose matching rules to report.
    pub action: Option<Action>,
    /// Count all rows matching any of these conditions (the page's, before
    /// pagination; disjoint: their counts are added), for `meta.count`.
    pub total: Option<Vec<Sql>>,
    /// Have SQLite render each row's attributes object for this fieldset
    /// ([`sql_json`]) instead of returning every column, when the
    /// resource's view rules limit no fields (otherwise what a row hides
    /// depends on its rule columns, and the columns are read). Reads that
    /// only render set it; writes, which read the model from the same row,
    /// do not.
    pub render: Option<Fieldset>,
}

/// The attributes a rendered read asks for.
#[derive(Debug, Clone, Default)]
pub struct Fieldset {
    /// The requested names (`fields[type]`); `None` = every readable one.
    pub names: Option<Vec<String>>,
}

impl Fieldset {
    /// The fieldset of `res` in a request's sparse fieldsets.
    pub fn of(res: &dyn DynResource, sparse: &Sparse) -> Self {
        Fieldset {
            names: sparse.get(res.type_name()).cloned(),
        }
    }
}

/// `SELECT <table>.* FROM <table>`.
pub fn base(res: &dyn DynResource) -> SelectStatement {
    Query::select()
        .column((res.table(), Asterisk))
        .from(res.table())
        .to_owned()
}

fn view_limits(res: &dyn DynResource) -> bool {
    res.permissions()
        .rules(Action::View)
        .iter()
        .any(|r| r.fields != Fields::All)
}

fn flag(r: &QueryResult, alias: &str) -> Result<bool, DbErr> {
    Ok(r.try_get::<i32>("", alias)? != 0)
}

/// The number of rows of `res` matching any of `parts`, which no two rows
/// match together: the sum of one uncorrelated `COUNT(*)` per part (each
/// through its own index, where one `OR` made SQLite collect the rows of
/// every part first).
pub fn count(res: &dyn DynResource, parts: Vec<Sql>) -> SimpleExpr {
    let one = |part: Sql| {
        SimpleExpr::from(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(res.table())
                .cond_where(part)
                .to_owned(),
        )
    };
    let mut parts = parts.into_iter();
    let first = parts.next().map_or_else(|| Expr::val(0), one);
    parts.fold(first, |sum, part| sum.add(one(part)))
}

/// Runs `stmt` (a [`base`] with conditions, order and limits) with the
/// rule columns `checks` asks for. Returns the rows and, with
/// `checks.total`, the count of all matching rows (`None` when the page is
/// empty: the window column is then unknown).
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    res: &dyn DynResource,
    caller: &Caller,
    stmt: SelectStatement,
    checks: Checks,
) -> Result<(Vec<Loaded>, Option<u64>), DbErr> {
    let (rows, total) = rows_with(db, res, caller, stmt, checks, |_| Ok(())).await?;
    Ok((rows.into_iter().map(|(l, ())| l).collect(), total))
}

/// [`rows`], also reading each result with `typed` (the writes use it to
/// get the entity's model from the same statement).
pub async fn rows_with<C: ConnectionTrait, T>(
    db: &C,
    res: &dyn DynResource,
    caller: &Caller,
    mut stmt: SelectStatement,
    checks: Checks,
    typed: impl Fn(&QueryResult) -> Result<T, DbErr>,
) -> Result<(Vec<(Loaded, T)>, Option<u64>), DbErr> {
    let table = res.permissions();
    let limits = view_limits(res);
    let view_rules = table.rules(Action::View);
    let layout = match &checks.render {
        Some(set) if !limits => {
            sql_json::layout(db.get_database_backend(), res, set.names.as_ref())
        }
        _ => None,
    };
    if let Some(layout) = &layout {
        let from = res.table();
        stmt.clear_selects()
            .column((from, "id"))
            .columns(key_columns(res.relationships()).map(|fk| (from, fk)));
        layout.select(&mut stmt, res.table());
    }
    if limits {
        for (i, e) in engine::rule_columns(table, Action::View, caller)
            .into_iter()
            .enumerate()
        {
            stmt.expr_as(e, format!("oe_v{i}"));
        }
    }
    let action_rules = checks.action.map(|a| table.rules(a)).unwrap_or_default();
    if let Some(action) = checks.action {
        for (i, e) in engine::rule_columns(table, action, caller)
            .into_iter()
            .enumerate()
        {
            stmt.expr_as(e, format!("oe_a{i}"));
        }
    }
    let counting = checks.total.is_some();
    if let Some(parts) = checks.total {
        stmt.expr_as(count(res, parts), "oe_total");
    }
    let results = db.query_all(&stmt).await?;
    let mut total = None;
    let mut out = Vec::with_capacity(results.len());
    for r in &results {
        let row = match &layout {
            Some(layout) => read_rendered_row(res.relationships(), r, layout.read(r)?)?,
            None => res.row(r)?,
        };
        let id = row.id;
        let mut hidden = Vec::new();
        if limits {
            let mut matched = Vec::new();
            for (i, rule) in view_rules.iter().enumerate() {
                if flag(r, &format!("oe_v{i}"))? {
                    matched.push(rule);
                }
            }
            hidden = res
                .fields()
                .iter()
                .filter(|f| !matched.iter().any(|rule| rule.fields.allows(f.name)))
                .map(|f| f.name)
                .collect();
        }
        let mut rules = Vec::new();
        for (i, rule) in action_rules.iter().enumerate() {
            if flag(r, &format!("oe_a{i}"))? {
                rules.push(*rule);
            }
        }
        if counting && total.is_none() {
            total = Some(u64::try_from(r.try_get::<i64>("", "oe_total")?).unwrap_or(0));
        }
        out.push((
            Loaded {
                row,
                id,
                hidden,
                rules,
            },
            typed(r)?,
        ));
    }
    Ok((out, total))
}
