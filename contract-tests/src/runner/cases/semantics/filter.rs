//! `filter`: each probe names what to test (`level between`, `event has`,
//! `or`, `filter[name]`, `starts-at field ends-at`, `created-at like!`);
//! the values come from the world at run time, chosen so the condition
//! keeps some objects and drops others when it can (a filter the server
//! ignored then shows). The list, unpaginated, must hold exactly the
//! world's objects the caller may see that satisfy the filter (SQL's
//! three-valued logic: see [`predicate`](super::predicate)). A `like`
//! on an attribute that is not text is a 400 naming `filter`.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use open_event_server::jsonapi::{DynResource, Field, FieldKind, RelKind};
use serde_json::{Value, json};

use super::{
    oracle::{V, compare, id, typed},
    session::{ListCtx, Session, ids, show},
};
use crate::runner::{RunnerError, kinds::Row};

/// Whether `field` holds text (`like` applies).
pub fn is_text(field: &Field) -> bool {
    !matches!(
        field.kind,
        FieldKind::Bool | FieldKind::Int { .. } | FieldKind::Float { .. } | FieldKind::DateTime
    )
}

/// Whether `field` has an order worth comparing (`lt`, `between`, …).
pub fn is_ordered(field: &Field) -> bool {
    !matches!(field.kind, FieldKind::Bool)
}

/// The leaf operators of the dialect.
pub const LEAF_OPS: [&str; 13] = [
    "eq", "ne", "lt", "le", "gt", "ge", "like", "ilike", "in_", "notin_", "is_", "isnot", "between",
];

/// Whether leaf operator `op` applies to `field`.
pub fn applies(op: &str, field: &Field) -> bool {
    match op {
        "like" | "ilike" => is_text(field),
        "lt" | "le" | "gt" | "ge" | "between" => is_ordered(field),
        _ => true,
    }
}

/// The distinct non-null values of `field` among `rows`, ascending.
fn pool(rows: &[&Row], field: &Field) -> Vec<Value> {
    let mut out: Vec<(V, Value)> = Vec::new();
    for r in rows {
        let Some(v) = r.get(field.column) else {
            continue;
        };
        let Some(t) = typed(field, v) else { continue };
        if t.is_null() || out.iter().any(|(x, _)| compare(x, &t).is_eq()) {
            continue;
        }
        out.push((t, v.clone()));
    }
    out.sort_by(|a, b| compare(&a.0, &b.0));
    out.into_iter().map(|(_, v)| v).collect()
}

/// Values of `field` outside `pool`: below and above it.
fn outside(field: &Field, pool: &[Value]) -> Vec<Value> {
    let first = pool.first();
    let last = pool.last();
    match field.kind {
        FieldKind::Bool => Vec::new(),
        FieldKind::Int { .. } => vec![
            json!(first.and_then(Value::as_i64).unwrap_or(0) - 1),
            json!(last.and_then(Value::as_i64).unwrap_or(0) + 1),
        ],
        FieldKind::Float { .. } => vec![
            json!(first.and_then(Value::as_f64).unwrap_or(0.0) - 1.0),
            json!(last.and_then(Value::as_f64).unwrap_or(0.0) + 1.0),
        ],
        FieldKind::DateTime => {
            let t = |v: Option<&Value>| {
                v.and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|d| d.with_timezone(&Utc))
                    .unwrap_or_else(open_event_factories::context::reference_time)
            };
            vec![
                json!(t(first) - Duration::days(1)),
                json!(t(last) + Duration::days(1)),
            ]
        }
        _ => vec![json!("aaa"), json!("zzzz")],
    }
}

/// A pattern from a text value: a piece of it, between wildcards, maybe
/// in upper case (which `like` must not match, `ilike` must).
fn patterns(v: &Value) -> Vec<String> {
    let s = v.as_str().unwrap_or_default();
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return vec!["%".into()];
    }
    let mid: String = chars.iter().skip(1).take(3).collect();
    let head: String = chars.iter().take(2).collect();
    vec![
        format!("%{mid}%"),
        format!("{head}%"),
        format!("%{}%", mid.to_uppercase()),
        format!("{}%", head.to_uppercase()),
        format!("_{}%", chars.iter().skip(1).take(2).collect::<String>()),
    ]
}

/// Candidate leaves `field op value` on `rows`' values.
fn leaves(field: &Field, op: &str, rows: &[&Row]) -> Vec<Value> {
    let values = pool(rows, field);
    let out_of = outside(field, &values);
    let node = |val: Value| json!({"name": field.name, "op": op, "val": val});
    let mut all: Vec<Value> = values
        .iter()
        .cloned()
        .chain(out_of.iter().cloned())
        .collect();
    if matches!(field.kind, FieldKind::Bool) {
        all = vec![json!(true), json!(false)];
    }
    match op {
        "is_" | "isnot" => vec![node(Value::Null)],
        "like" | "ilike" => values
            .iter()
            .flat_map(patterns)
            .map(|p| {
                let p = if op == "ilike" {
                    // Mixed case: only a case-insensitive match finds it.
                    p.chars()
                        .enumerate()
                        .map(|(i, c)| {
                            if i % 2 == 0 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect()
                } else {
                    p
                };
                node(json!(p))
            })
            .collect(),
        "in_" | "notin_" => {
            let mut out = Vec::new();
            for (i, v) in all.iter().enumerate() {
                let other = all.get(i + 1).cloned();
                let mut set = vec![v.clone()];
                set.extend(other);
                set.extend(out_of.first().cloned());
                out.push(node(Value::Array(set)));
            }
            out
        }
        "between" => {
            let mut out = Vec::new();
            for (i, lo) in all.iter().enumerate() {
                for hi in all.iter().skip(i) {
                    out.push(node(json!([lo, hi])));
                }
            }
            out
        }
        _ => all.into_iter().map(node).collect(),
    }
}

/// The objects of `base` that satisfy `node`.
fn keep(
    s: &Session<'_>,
    ty: &dyn DynResource,
    base: &[&Row],
    node: &Value,
) -> Result<BTreeSet<i64>, RunnerError> {
    let mut out = BTreeSet::new();
    for r in base {
        if s.o
            .satisfies(&s.caller, ty, r, node)
            .map_err(RunnerError::Spec)?
            == Some(true)
        {
            out.insert(id(r));
        }
    }
    Ok(out)
}

/// Of `candidates`, in an order drawn by the check, the first that keeps
/// some visible objects and drops others; else one that drops some; else
/// the first.
fn choose(
    s: &mut Session<'_>,
    ty: &dyn DynResource,
    list: &ListCtx<'_>,
    mut candidates: Vec<Value>,
) -> Result<Option<Value>, RunnerError> {
    if candidates.is_empty() {
        return Ok(None);
    }
    let mut order = Vec::new();
    while !candidates.is_empty() {
        let i = s.draw(candidates.len());
        order.push(candidates.remove(i));
    }
    let all: BTreeSet<i64> = list.visible.iter().map(|r| id(r)).collect();
    let mut drops = None;
    for node in order.iter().take(40) {
        let kept = keep(s, ty, &list.visible, node)?;
        if kept != all {
            if !kept.is_empty() {
                return Ok(Some(node.clone()));
            }
            drops.get_or_insert_with(|| node.clone());
        }
    }
    Ok(drops.or_else(|| order.into_iter().next()))
}

/// Random leaves of `ty` on `rows` (for `and`, `or`, `not`, `has`, `any`).
fn some_leaves(s: &mut Session<'_>, ty: &dyn DynResource, rows: &[&Row]) -> Vec<Value> {
    let fields: Vec<&Field> = ty.fields().iter().filter(|f| f.queryable()).collect();
    let mut out = Vec::new();
    for _ in 0..6 {
        let Some(f) = fields.get(s.draw(fields.len())).copied() else {
            break;
        };
        let ops: Vec<&str> = ["eq", "ne", "lt", "gt", "le", "ge"]
            .into_iter()
            .filter(|op| applies(op, f))
            .collect();
        let op = ops[s.draw(ops.len())];
        out.extend(leaves(f, op, rows));
    }
    out
}

/// The JSON candidates of one probe.
fn candidates(
    s: &mut Session<'_>,
    list: &ListCtx<'_>,
    probe: &str,
) -> Result<Vec<Value>, RunnerError> {
    let ty = list.ty;
    let rows = list.candidates.clone();
    let words: Vec<&str> = probe.split(' ').collect();
    let bad = || RunnerError::Spec(format!("a filter probe `{probe}` for `{}`", ty.type_name()));
    Ok(match words.as_slice() {
        ["and"] => {
            let a = some_leaves(s, ty, &rows);
            let b = some_leaves(s, ty, &rows);
            a.into_iter()
                .zip(b)
                .map(|(x, y)| json!({"and": [x, y]}))
                .collect()
        }
        ["or"] => {
            let a = some_leaves(s, ty, &rows);
            let b = some_leaves(s, ty, &rows);
            a.into_iter()
                .zip(b)
                .map(|(x, y)| json!({"or": [x, y]}))
                .collect()
        }
        ["not"] => some_leaves(s, ty, &rows)
            .into_iter()
            .map(|x| json!({"not": x}))
            .collect(),
        [rel, "has" | "any"] => {
            let r = ty.relationship(rel).ok_or_else(bad)?;
            let targets: Vec<&Row> = rows.iter().flat_map(|row| s.o.related(row, r)).collect();
            let op = words[1];
            some_leaves(s, r.target(), &targets)
                .into_iter()
                .map(|inner| json!({"name": rel, "op": op, "val": inner}))
                .collect()
        }
        [rel, "id"] => {
            let r = ty.relationship(rel).ok_or_else(bad)?;
            let RelKind::BelongsTo { fk } = r.kind else {
                return Err(bad());
            };
            let mut fks: Vec<String> = rows
                .iter()
                .filter_map(|row| crate::runner::kinds::int(row, fk))
                .map(|i| i.to_string())
                .collect();
            fks.sort();
            fks.dedup();
            let mut out = Vec::new();
            for (i, v) in fks.iter().enumerate() {
                out.push(json!({"name": rel, "op": "eq", "val": v}));
                out.push(json!({"name": rel, "op": "ne", "val": v}));
                let pair: Vec<&String> = fks.iter().skip(i).take(2).collect();
                out.push(json!({"name": rel, "op": "in_", "val": pair}));
                out.push(json!({"name": rel, "op": "notin_", "val": pair}));
            }
            out
        }
        [attr, "field", other] => {
            let a = ty.field(attr).ok_or_else(bad)?;
            let _ = ty.field(other).ok_or_else(bad)?;
            ["lt", "le", "gt", "ge", "eq", "ne"]
                .iter()
                .filter(|op| applies(op, a))
                .map(|op| json!({"name": attr, "op": op, "field": other}))
                .collect()
        }
        [attr, op] => {
            let f = ty.field(attr).ok_or_else(bad)?;
            leaves(f, op, &rows)
        }
        _ => return Err(bad()),
    })
}

/// The `filter[name]` candidates: raw values of the world.
fn simple_values(list: &ListCtx<'_>, name: &str) -> Vec<String> {
    let ty = list.ty;
    if let Some(RelKind::BelongsTo { fk }) = ty.relationship(name).map(|r| r.kind) {
        let mut out: Vec<String> = list
            .candidates
            .iter()
            .filter_map(|r| crate::runner::kinds::int(r, fk))
            .map(|i| i.to_string())
            .collect();
        out.sort();
        out.dedup();
        return out;
    }
    let Some(f) = ty.field(name) else {
        return Vec::new();
    };
    let mut out: Vec<String> = pool(&list.candidates, f)
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    if f.nullable && !matches!(f.kind, FieldKind::Str { .. } | FieldKind::Text { .. }) {
        out.push("null".into());
    }
    out
}

/// Checks one filtered list against the oracle.
async fn compare_list(
    s: &mut Session<'_>,
    list: &ListCtx<'_>,
    pairs: Vec<(String, String)>,
    label: &str,
    expected: BTreeSet<i64>,
) {
    let mut pairs = pairs;
    pairs.push(("page[size]".into(), "0".into()));
    let r = s.get(&list.url(&pairs)).await;
    if !s.status(&r, 200, label) {
        return;
    }
    let got: Vec<String> = ids(&r.data());
    let got_set: BTreeSet<String> = got.iter().cloned().collect();
    let want: BTreeSet<String> = expected.iter().map(ToString::to_string).collect();
    let missing: Vec<&String> = want.difference(&got_set).collect();
    let extra: Vec<&String> = got_set.difference(&want).collect();
    if !missing.is_empty() || !extra.is_empty() {
        let mut what = Vec::new();
        if !missing.is_empty() {
            what.push(format!("missing {}", show(&missing)));
        }
        if !extra.is_empty() {
            what.push(format!(
                "not satisfying it, or not the caller's to see: {}",
                show(&extra)
            ));
        }
        s.fail(
            r.at,
            format!("{label}: the list is not exactly the objects satisfying the filter"),
            show(&want.iter().collect::<Vec<_>>()),
            format!("{} ({})", show(&got), what.join("; ")),
        );
    }
}

/// Runs the filter probes.
pub async fn run(s: &mut Session<'_>, probes: &[String]) -> Result<(), RunnerError> {
    let list = s.list()?;
    let ty = list.ty;
    for probe in probes {
        if let Some(name) = probe
            .strip_prefix("filter[")
            .and_then(|p| p.strip_suffix(']'))
        {
            // The simple form, ANDed with a JSON filter (the narrowing, or
            // an attribute that is never null).
            let values = simple_values(&list, name);
            if values.is_empty() {
                continue;
            }
            let raw = values[s.draw(values.len())].clone();
            let companion = if list.narrow.is_none() {
                let f = ty.fields().iter().find(|f| !f.nullable && f.queryable());
                f.map(|f| json!({"name": f.name, "op": "isnot", "val": null}))
            } else {
                None
            };
            let mut expected = BTreeSet::new();
            for r in &list.visible {
                let simple =
                    s.o.satisfies_simple(ty, r, name, &raw)
                        .map_err(RunnerError::Spec)?;
                let json_ok = match &companion {
                    Some(c) => {
                        s.o.satisfies(&s.caller, ty, r, c)
                            .map_err(RunnerError::Spec)?
                    }
                    None => Some(true),
                };
                if simple == Some(true) && json_ok == Some(true) {
                    expected.insert(id(r));
                }
            }
            let mut pairs = vec![(format!("filter[{name}]"), raw.clone())];
            let json_part = companion.map_or_else(|| json!([]), |c| json!([c]));
            pairs.push(("filter".into(), json_part.to_string()));
            let label = format!("filter[{name}]={raw} with filter={json_part}");
            compare_list(s, &list, pairs, &label, expected).await;
            continue;
        }
        if let Some(attr) = probe.strip_suffix(" like!") {
            // `like` on an attribute that is not text: a 400 naming `filter`.
            let node = json!([{"name": attr, "op": "like", "val": "1%"}]);
            let r = s
                .get(&list.url(&[("filter".into(), node.to_string())]))
                .await;
            let label = format!("filter={node} (`like` on an attribute that is not text)");
            if s.status(&r, 400, &label) {
                let named = r
                    .doc
                    .pointer("/errors/0/source/parameter")
                    .and_then(Value::as_str)
                    == Some("filter");
                if !named {
                    s.fail(
                        r.at,
                        format!("{label}: the error names another parameter"),
                        "source.parameter `filter`",
                        r.doc.to_string(),
                    );
                }
            }
            continue;
        }
        let nodes = candidates(s, &list, probe)?;
        let Some(node) = choose(s, ty, &list, nodes)? else {
            continue;
        };
        let expected = keep(s, ty, &list.visible, &node)?;
        let label = format!("filter={}", json!([node]));
        compare_list(
            s,
            &list,
            vec![("filter".into(), json!([node]).to_string())],
            &label,
            expected,
        )
        .await;
    }
    Ok(())
}
