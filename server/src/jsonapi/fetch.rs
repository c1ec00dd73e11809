//! Generic reads: pages with filter/sort/pagination, single objects, and
//! compound documents (`include`), always scoped to what the caller may see.
//! Each read is one statement ([`super::load`]), plus one per include path.

use std::collections::HashMap;

use sea_orm::{
    Condition, ConnectionTrait, DbBackend,
    sea_query::{
        Asterisk, Expr, ExprTrait, NullOrdering, Order, Query, SelectStatement, SimpleExpr,
        UnionType,
    },
};
use serde_json::{Map, Value, json};

use super::{
    load::{self, Checks, Fieldset, Loaded},
    query::{IncludeTree, JsonApiQuery, SortKey},
    registry::{BoxFuture, Cx, DynResource, Scoped},
    render::{Json, Linked, Sparse, Targets, Writer, jsonapi_member, self_link, write_resource},
    resource::{RelKind, Relationship},
};
use crate::{
    error::ApiError,
    permissions::{
        Action,
        engine::{self, Reach},
    },
};

fn sort_expr(res: &dyn DynResource, key: &SortKey) -> Result<SimpleExpr, ApiError> {
    match key.relationship {
        None => Ok(Expr::col((res.table(), key.column))),
        Some(rel) => {
            let r = res
                .relationship(rel)
                .ok_or_else(|| ApiError::bad_parameter("sort", "unknown relationship"))?;
            let target = r.target();
            let RelKind::BelongsTo { fk } = r.kind else {
                return Err(ApiError::bad_parameter(
                    "sort",
                    "Only to-one relationships can be sorted by.",
                ));
            };
            let sub = Query::select()
                .column((target.table(), key.column))
                .from(target.table())
                .and_where(Expr::col((target.table(), "id")).equals((res.table(), fk)))
                .limit(1)
                .to_owned();
            Ok(SimpleExpr::from(sub))
        }
    }
}

/// What a list is narrowed to besides visibility.
pub struct ListScope {
    /// Extra condition (a related endpoint's parent, a test fault).
    pub within: Condition,
    /// Ignore visibility (only the test-only `leak_hidden` fault sets this).
    pub unscoped: bool,
}

impl ListScope {
    /// A list narrowed by `within`.
    pub fn within(within: Condition) -> Self {
        ListScope {
            within,
            unscoped: false,
        }
    }
}

/// A sort key: the expression, its direction and where nulls go.
type OrderKey = (SimpleExpr, Order, Option<NullOrdering>);

fn sort(stmt: &mut SelectStatement, order: &[OrderKey]) {
    for (expr, dir, nulls) in order {
        match nulls {
            Some(n) => stmt.order_by_expr_with_nulls(expr.clone(), dir.clone(), *n),
            None => stmt.order_by_expr(expr.clone(), dir.clone()),
        };
    }
}

/// Rows matching any of `conds`.
fn any_of(conds: &[Condition]) -> Condition {
    conds.iter().cloned().fold(Condition::any(), Condition::add)
}

/// The alias of a page's ids.
const PAGE_ID: &str = "oe_id";

/// The rows a list reaches: the caller's visibility, the scope and the
/// request's filter.
struct Reached {
    /// The rows in disjoint parts: one per path the permission table opens
    /// (published events; events where the caller holds a role), each
    /// excluding the paths before it, so that their pages merge and their
    /// counts add up without an `OR`; or one part for all.
    parts: Vec<Condition>,
}

impl Reached {
    fn of<C: ConnectionTrait>(
        db: &C,
        cx: &Cx<'_>,
        res: &dyn DynResource,
        q: &JsonApiQuery,
        scope: &ListScope,
    ) -> Self {
        let paths = if scope.unscoped {
            Vec::new()
        } else {
            match engine::branches(res.permissions(), Action::List, cx.caller) {
                Reach::All => Vec::new(),
                Reach::Any(paths) => paths,
            }
        };
        let narrowed = |reach: Condition| {
            let mut c = Condition::all()
                .add(res.live(Condition::all().add(reach)))
                .add(scope.within.clone());
            if let Some(f) = &q.filter {
                c = c.add(f.clone());
            }
            c
        };
        // PostgreSQL keeps the `OR` (a bitmap OR of the paths' indexes):
        // the merged form made the owner's page with `include` slower
        // there (1026 against 619 requests/s), its indexes not being in id
        // order.
        if paths.len() < 2 || db.get_database_backend() != DbBackend::Sqlite {
            let all = match paths.as_slice() {
                [] => Condition::all(),
                [one] => one.clone(),
                many => any_of(many),
            };
            return Reached {
                parts: vec![narrowed(all)],
            };
        }
        let parts = paths
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let mut part = Condition::all().add(path.clone());
                if i > 0 {
                    let before =
                        Expr::case(any_of(&paths[..i]), Expr::val(1)).finally(Expr::val(0));
                    part = part.add(before.eq(0));
                }
                narrowed(part)
            })
            .collect();
        Reached { parts }
    }

    /// Every reached row, in one condition.
    fn all(&self) -> Condition {
        match self.parts.as_slice() {
            [one] => one.clone(),
            many => any_of(many),
        }
    }

    /// The ids of the page `q` asks for, in `order`, as [`PAGE_ID`].
    fn page_ids(
        &self,
        res: &dyn DynResource,
        order: &[OrderKey],
        q: &JsonApiQuery,
    ) -> SelectStatement {
        // A page far past the end is an empty page, never an overflow
        // (SQL offsets are signed 64-bit).
        let offset = q.page_size.saturating_mul(q.page_number.saturating_sub(1));
        let offset = Ord::min(offset, i64::MAX.unsigned_abs());
        let id = Expr::col((res.table(), "id"));
        let mut page = if let [one] = self.parts.as_slice() {
            let mut page = Query::select();
            page.expr_as(id, PAGE_ID)
                .from(res.table())
                .cond_where(one.clone());
            sort(&mut page, order);
            page
        } else {
            // Several paths: each is read on its own (through its own
            // index, in order) and the ordered streams are merged up to
            // the page's end. One `OR` made SQLite collect every row of
            // every path and sort them all (the owner's page of events: 78
            // against 17 µs in SQLite alone on 500 visible events; 848
            // against 1684 requests/s with `include` on 5000).
            let keys = &order[..order.len().saturating_sub(1)];
            let key = |i: usize| format!("oe_k{i}");
            let mut branches = self.parts.iter().map(|part| {
                let mut b = Query::select();
                b.expr_as(id.clone(), PAGE_ID);
                for (i, (expr, _, _)) in keys.iter().enumerate() {
                    b.expr_as(expr.clone(), key(i));
                }
                b.from(res.table()).cond_where(part.clone());
                b
            });
            let mut page = branches.next().unwrap_or_else(Query::select);
            for b in branches {
                page.union(UnionType::All, b);
            }
            // A compound's order names its result columns.
            let by: Vec<OrderKey> = keys
                .iter()
                .enumerate()
                .map(|(i, (_, dir, nulls))| (Expr::col(key(i)), dir.clone(), *nulls))
                .chain([(Expr::col(PAGE_ID), Order::Asc, None)])
                .collect();
            sort(&mut page, &by);
            page
        };
        page.limit(q.page_size).offset(offset);
        page
    }
}

/// A page of `res` as a collection document; `path` is the request path,
/// for pagination links.
pub async fn list_document<C: ConnectionTrait>(
    db: &C,
    cx: &Cx<'_>,
    res: &dyn DynResource,
    q: &JsonApiQuery,
    scope: ListScope,
    path: &str,
) -> Result<Json, ApiError> {
    let reached = Reached::of(db, cx, res, q, &scope);
    // Nulls sort as the largest value on every backend (last ascending,
    // first descending; SQLite's own order is the opposite); ties are
    // broken by id, ascending.
    let mut order: Vec<OrderKey> = Vec::with_capacity(q.sort.len() + 1);
    for key in &q.sort {
        let (dir, nulls) = if key.desc {
            (Order::Desc, NullOrdering::First)
        } else {
            (Order::Asc, NullOrdering::Last)
        };
        order.push((sort_expr(res, key)?, dir, Some(nulls)));
    }
    order.push((Expr::col((res.table(), "id")), Order::Asc, None));
    let mut stmt = if q.page_size > 0 {
        // The page is cut over ids alone, then its rows are read whole:
        // when the order needs a sort (a sort key other than the id) the
        // sort holds ids, not every column of every matching row. The
        // outer query sorts the page's rows again by the same keys.
        let page = reached.page_ids(res, &order, q);
        let page_alias = "oe_page";
        Query::select()
            .column((res.table(), Asterisk))
            .from_subquery(page, page_alias)
            .cross_join(res.table())
            .and_where(Expr::col((res.table(), "id")).equals((page_alias, PAGE_ID)))
            .to_owned()
    } else {
        let mut stmt = load::base(res);
        stmt.cond_where(reached.all());
        stmt
    };
    sort(&mut stmt, &order);
    let checks = Checks {
        action: None,
        total: Some(reached.parts),
        render: Some(Fieldset::of(res, &q.fields)),
    };
    let (rows, total) = load::rows(db, res, cx.caller, stmt, checks).await?;
    let count = match total {
        Some(n) => n,
        // An empty page: the count came with no row; it is 0 on page 1.
        None if q.page_number <= 1 || q.page_size == 0 => 0,
        // Past the end: the count alone (what was reached, again).
        None => count(db, res, Reached::of(db, cx, res, q, &scope).parts).await?,
    };
    let mut included = Included::excluding(res, &rows);
    let links = include(db, cx, res, &rows, &q.include, &q.fields, &mut included).await?;
    let mut w = Writer::new();
    w.raw("{").key("data").raw("[");
    for (i, (row, links)) in rows.iter().zip(&links).enumerate() {
        if i > 0 {
            w.raw(",");
        }
        let before = w.len();
        let extra = included.extra(res, row);
        write_resource(
            &mut w,
            res,
            &row.row,
            &row.hidden,
            &q.fields,
            &[links, extra],
        );
        if i == 0 {
            // The first object's size, times the rest and some slack.
            w.reserve((w.len() - before + 64) * (rows.len() - 1) + 512);
        }
    }
    w.raw("],").key("meta").value(&json!({"count": count}));
    w.raw(",")
        .key("links")
        .value(&pagination_links(path, q, count));
    w.raw(",").key("jsonapi").value(&jsonapi_member());
    if !q.include.0.is_empty() {
        w.raw(",").key("included");
        included.write(&mut w, &q.fields);
    }
    w.raw("}");
    Ok(w.finish())
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

async fn count<C: ConnectionTrait>(
    db: &C,
    res: &dyn DynResource,
    parts: Vec<Condition>,
) -> Result<u64, ApiError> {
    let stmt = Query::select()
        .expr_as(load::count(res, parts), "n")
        .to_owned();
    let n = <Count as sea_orm::FromQueryResult>::find_by_statement(
        db.get_database_backend().build(&stmt),
    )
    .one(db)
    .await?
    .map(|c| c.n)
    .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A single-resource document for a loaded object.
pub async fn single_document<C: ConnectionTrait>(
    db: &C,
    cx: &Cx<'_>,
    res: &dyn DynResource,
    loaded: Loaded,
    q: &JsonApiQuery,
) -> Result<Json, ApiError> {
    let rows = [loaded];
    let mut included = Included::excluding(res, &rows);
    let links = include(db, cx, res, &rows, &q.include, &q.fields, &mut included).await?;
    let row = &rows[0];
    let own = links.first().map(Vec::as_slice).unwrap_or_default();
    let extra = included.extra(res, row);
    let mut w = Writer::new();
    w.raw("{").key("data");
    write_resource(&mut w, res, &row.row, &row.hidden, &q.fields, &[own, extra]);
    w.raw(",").key("links").raw("{").key("self");
    w.string(&self_link(res, &row.id.to_string())).raw("}");
    w.raw(",").key("jsonapi").value(&jsonapi_member());
    if !q.include.0.is_empty() {
        w.raw(",").key("included");
        included.write(&mut w, &q.fields);
    }
    w.raw("}");
    Ok(w.finish())
}

/// The linkage document of relationship `rel` of a loaded row.
pub async fn linkage_document<C: ConnectionTrait>(
    db: &C,
    cx: &Cx<'_>,
    res: &dyn DynResource,
    loaded: &Loaded,
    rel: &str,
) -> Result<Json, ApiError> {
    let r = res.relationship(rel).ok_or_else(|| {
        ApiError::not_found(format!(
            "`{}` has no relationship `{rel}`.",
            res.type_name()
        ))
    })?;
    let target = r.target();
    // Linkage needs ids only: no attributes.
    let none = Fieldset {
        names: Some(Vec::new()),
    };
    let rows = related_rows(db, cx, std::slice::from_ref(loaded), r.kind, target, none).await?;
    let data = linkage(loaded, r, &rows).to_value();
    let base = self_link(res, &loaded.id.to_string());
    Ok(Json::from_value(&json!({
        "links": {"self": format!("{base}/relationships/{rel}"), "related": format!("{base}/{rel}")},
        "data": data,
        "jsonapi": jsonapi_member(),
    })))
}

/// The condition selecting the targets of relationship `kind` for `rows`.
pub fn related_condition(rows: &[Loaded], kind: RelKind, target: &dyn DynResource) -> Condition {
    match kind {
        RelKind::BelongsTo { fk } => {
            let ids: Vec<i64> = rows.iter().filter_map(|r| r.row.fk(fk)).collect();
            Condition::all().add(Expr::col((target.table(), "id")).is_in(ids))
        }
        RelKind::HasMany { fk } => {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            Condition::all().add(Expr::col((target.table(), fk)).is_in(ids))
        }
    }
}

async fn related_rows<C: ConnectionTrait>(
    db: &C,
    cx: &Cx<'_>,
    rows: &[Loaded],
    kind: RelKind,
    target: &dyn DynResource,
    fields: Fieldset,
) -> Result<Vec<Loaded>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let cond = Condition::all()
        .add(target.scope(cx.caller))
        .add(related_condition(rows, kind, target));
    let mut stmt = load::base(target);
    stmt.cond_where(cond)
        .order_by((target.table(), "id"), Order::Asc);
    let checks = Checks {
        render: Some(fields),
        ..Checks::default()
    };
    Ok(load::rows(db, target, cx.caller, stmt, checks).await?.0)
}

/// The linkage of `row`'s relationship `rel` from the loaded targets
/// (only targets the caller may see appear). A to-many target declares the
/// inverse to-one on the same key (checked with the declarations), so its
/// rows carry that key.
fn linkage(row: &Loaded, rel: &Relationship, trows: &[Loaded]) -> Linked {
    let targets = match rel.kind {
        RelKind::BelongsTo { fk } => Targets::One(
            row.row
                .fk(fk)
                .filter(|id| trows.iter().any(|t| t.id == *id)),
        ),
        RelKind::HasMany { fk } => Targets::Many(
            trows
                .iter()
                .filter(|t| t.row.fk(fk) == Some(row.id))
                .map(|t| t.id)
                .collect(),
        ),
    };
    Linked {
        rel: rel.name,
        type_name: rel.target().type_name(),
        targets,
    }
}

/// The linkage of the included relationships of one row.
type Links = Vec<Linked>;

/// The compound document's `included` objects, each once, with the
/// linkage of every path that reached them (an object two paths reach
/// carries the relationships both request); never the primary data
/// (JSON:API: one resource object per type and id in a compound document),
/// whose linkage deeper paths extend instead.
#[derive(Default)]
struct Included {
    /// Linkage include paths add to primary objects.
    primary: HashMap<(&'static str, i64), Links>,
    index: HashMap<(&'static str, i64), usize>,
    objects: Vec<(&'static dyn DynResource, Loaded, Links)>,
}

/// Adds to `into` the relationships of `more` it does not carry yet.
fn merge(into: &mut Links, more: Links) {
    for linked in more {
        if !into.iter().any(|l| l.rel == linked.rel) {
            into.push(linked);
        }
    }
}

impl Included {
    /// An empty `included` for the primary objects `primary` of `res`.
    fn excluding(res: &dyn DynResource, primary: &[Loaded]) -> Self {
        Included {
            primary: primary
                .iter()
                .map(|r| ((res.type_name(), r.id), Vec::new()))
                .collect(),
            ..Included::default()
        }
    }

    fn add(&mut self, res: &'static dyn DynResource, row: Loaded, links: Links) {
        let key = (res.type_name(), row.id);
        if let Some(extra) = self.primary.get_mut(&key) {
            merge(extra, links);
            return;
        }
        match self.index.get(&key) {
            Some(&i) => merge(&mut self.objects[i].2, links),
            None => {
                self.index.insert(key, self.objects.len());
                self.objects.push((res, row, links));
            }
        }
    }

    /// The linkage deeper include paths add to primary object `row` of
    /// `res` (written after its own).
    fn extra(&self, res: &dyn DynResource, row: &Loaded) -> &[Linked] {
        self.primary
            .get(&(res.type_name(), row.id))
            .map_or(&[], Vec::as_slice)
    }

    fn write(&self, w: &mut Writer, fields: &Sparse) {
        w.raw("[");
        for (i, (res, row, links)) in self.objects.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            write_resource(w, *res, &row.row, &row.hidden, fields, &[links]);
        }
        w.raw("]");
    }
}

/// Loads the include tree below `rows`: adds the related objects to
/// `included` and returns, per row, the linkage of its included
/// relationships. One statement per include path.
fn include<'a, C: ConnectionTrait>(
    db: &'a C,
    cx: &'a Cx<'a>,
    res: &'a dyn DynResource,
    rows: &'a [Loaded],
    tree: &'a IncludeTree,
    fields: &'a Sparse,
    included: &'a mut Included,
) -> BoxFuture<'a, Result<Vec<Links>, ApiError>> {
    Box::pin(async move {
        let mut links: Vec<Links> = vec![Vec::new(); rows.len()];
        for (rel_name, subtree) in &tree.0 {
            let Some(rel) = res.relationship(rel_name) else {
                continue;
            };
            let target = rel.target();
            let set = Fieldset::of(target, fields);
            let trows = related_rows(db, cx, rows, rel.kind, target, set).await?;
            for (row, row_links) in rows.iter().zip(links.iter_mut()) {
                row_links.push(linkage(row, rel, &trows));
            }
            let nested = include(db, cx, target, &trows, subtree, fields, included).await?;
            for (t, t_links) in trows.into_iter().zip(nested) {
                included.add(target, t, t_links);
            }
        }
        Ok(links)
    })
}

fn pagination_links(path: &str, q: &JsonApiQuery, count: u64) -> Value {
    let link = |number: Option<u64>| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &q.pairs {
            if k != "page[number]" {
                ser.append_pair(k, v);
            }
        }
        if let Some(n) = number {
            ser.append_pair("page[number]", &n.to_string());
        }
        let qs = ser.finish();
        if qs.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{qs}")
        }
    };
    let mut links = Map::new();
    links.insert(
        "self".into(),
        Value::String(link(if q.page_size > 0 {
            Some(q.page_number)
        } else {
            None
        })),
    );
    if q.page_size > 0 {
        let last = Ord::max(count.div_ceil(q.page_size), 1);
        links.insert("first".into(), Value::String(link(Some(1))));
        links.insert("last".into(), Value::String(link(Some(last))));
        if q.page_number > 1 {
            links.insert(
                "prev".into(),
                Value::String(link(Some(Ord::min(q.page_number - 1, last)))),
            );
        }
        if q.page_number < last {
            links.insert("next".into(), Value::String(link(Some(q.page_number + 1))));
        }
    }
    Value::Object(links)
}
