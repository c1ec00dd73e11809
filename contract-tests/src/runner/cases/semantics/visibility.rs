//! Visibility of every item: the check reads one list of each kind the
//! world holds for the caller (a related list under a parent they may not
//! see, which answers 404, and lists showing none, some or all of their
//! objects, or holding none), among the related lists under each of the
//! world's parents, or the top-level list narrowed by each event (by each
//! object, with the attribute its kind narrows by, for types without one).
//! Each list must show exactly the world's objects the caller may see,
//! none twice, and every object it shows must be one the caller can `GET`
//! with the same attributes and relationships (read one by one: every
//! object it must not show, and one drawn by the check).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{
    oracle::id,
    route::Route,
    session::{Session, ident, query, show},
};
use crate::runner::{
    RunnerError,
    kinds::{self, Row},
};

/// How many listed objects (beside those the lists must not show) a check
/// reads one by one.
const GETS: usize = 1;

/// One read of the list: its URL and what it must show (`None`: 404).
struct Group {
    url: String,
    label: String,
    expected: Option<Vec<i64>>,
    /// The world's objects the list ranges over.
    of: usize,
}

impl Group {
    /// What kind of list it is for the caller: under a parent they may not
    /// see (404), showing none, some or all of its objects, or holding none.
    fn kind(&self) -> u8 {
        match &self.expected {
            None => 0,
            Some(_) if self.of == 0 => 1,
            Some(v) if v.is_empty() => 2,
            Some(v) if v.len() < self.of => 3,
            Some(_) => 4,
        }
    }
}

fn groups(s: &Session<'_>) -> Result<Vec<Group>, RunnerError> {
    let Route::List { ty, parent } = s.route else {
        return Ok(Vec::new());
    };
    let u = s.u();
    let rows = s.rows();
    let visible_ids = |candidates: Vec<&Row>| -> Vec<i64> {
        let mut v: Vec<i64> = candidates
            .into_iter()
            .filter(|r| s.o.allowed(&s.caller, ty, r, rows))
            .map(id)
            .collect();
        v.sort_unstable();
        v
    };
    let size = [("page[size]".to_owned(), "0".to_owned())];
    let mut out = Vec::new();
    match parent {
        Some((pty, rel)) => {
            for p in u.all(pty.type_name()) {
                let expected = s
                    .parent_visible(pty, p)
                    .then(|| visible_ids(s.children(rel, p)));
                out.push(Group {
                    url: format!("{}?{}", s.path_for(id(p)), query(&size)),
                    label: format!("under {} {}", pty.type_name(), id(p)),
                    expected,
                    of: s.children(rel, p).len(),
                });
            }
        }
        None => {
            // By event, or object by object.
            if let Some(col) = kinds::event_column(ty) {
                let rel = ty
                    .relationships()
                    .iter()
                    .find(|r| matches!(r.kind, open_event_server::jsonapi::RelKind::BelongsTo { fk } if fk == col))
                    .ok_or_else(|| RunnerError::Spec(format!("`{}` has no event relationship", ty.type_name())))?;
                for e in &u.events {
                    let candidates: Vec<&Row> = u
                        .all(ty.type_name())
                        .iter()
                        .filter(|r| kinds::int(r, col) == Some(*e))
                        .collect();
                    if candidates.is_empty() {
                        continue;
                    }
                    let pairs = [
                        (format!("filter[{}]", rel.name), e.to_string()),
                        size[0].clone(),
                    ];
                    out.push(Group {
                        url: format!("{}?{}", s.op.path, query(&pairs)),
                        label: format!("filter[{}]={e}", rel.name),
                        of: candidates.len(),
                        expected: Some(visible_ids(candidates)),
                    });
                }
            } else {
                for row in u.all(ty.type_name()) {
                    let Some((param, value)) = kinds::narrow(ty.type_name(), row) else {
                        continue;
                    };
                    let name = param
                        .trim_start_matches("filter[")
                        .trim_end_matches(']')
                        .to_owned();
                    let mut candidates = Vec::new();
                    for r in u.all(ty.type_name()) {
                        if s.o
                            .satisfies_simple(ty, r, &name, &value)
                            .map_err(RunnerError::Spec)?
                            == Some(true)
                        {
                            candidates.push(r);
                        }
                    }
                    let pairs = [(param.clone(), value.clone()), size[0].clone()];
                    out.push(Group {
                        url: format!("{}?{}", s.op.path, query(&pairs)),
                        label: format!("{param}={value}"),
                        of: candidates.len(),
                        expected: Some(visible_ids(candidates)),
                    });
                }
            }
        }
    }
    // One list of each kind, the first the world holds.
    let mut kinds_seen = BTreeSet::new();
    out.retain(|g| kinds_seen.insert(g.kind()));
    Ok(out)
}

/// Runs the visibility check of a list.
pub async fn run(s: &mut Session<'_>) -> Result<(), RunnerError> {
    let ty = s.route.data_type();
    let mut fetched: BTreeSet<String> = BTreeSet::new();
    let mut sampled = 0;
    for g in groups(s)? {
        let r = s.get(&g.url).await;
        let Some(expected) = g.expected else {
            s.status(
                &r,
                404,
                &format!("{} (a parent the caller may not see)", g.label),
            );
            continue;
        };
        if !s.status(&r, 200, &g.label) {
            continue;
        }
        let data: Vec<Value> = r.data().into_iter().cloned().collect();
        let listed: Vec<String> = data.iter().map(|o| ident(o).1).collect();
        let mut once = BTreeSet::new();
        let twice: Vec<&String> = listed.iter().filter(|i| !once.insert(*i)).collect();
        if !twice.is_empty() {
            s.fail(
                r.at,
                format!("{}: the list shows objects twice", g.label),
                "each object once",
                show(&twice),
            );
        }
        let want: BTreeSet<String> = expected.iter().map(ToString::to_string).collect();
        let unseen: Vec<&String> = once
            .iter()
            .filter(|i| !want.contains(**i))
            .copied()
            .collect();
        if !unseen.is_empty() {
            s.fail(
                r.at,
                format!("{}: the list shows objects the caller may not see (or that are not the world's)", g.label),
                show(&want.iter().collect::<Vec<_>>()),
                show(&unseen),
            );
        }
        let omitted: Vec<&String> = want.iter().filter(|i| !once.contains(i)).collect();
        if !omitted.is_empty() {
            s.fail(
                r.at,
                format!("{}: the list omits objects the caller may see", g.label),
                show(&want.iter().collect::<Vec<_>>()),
                format!("missing {}", show(&omitted)),
            );
        }
        // Every listed object the caller may not see, and up to
        // `GETS` others, is one the caller can GET, with the same
        // attributes and relationships.
        for o in &data {
            let (t, i) = ident(o);
            if t != ty.type_name() || fetched.contains(&i) {
                continue;
            }
            if want.contains(&i) {
                if sampled >= GETS || s.draw(2) == 0 {
                    continue;
                }
                sampled += 1;
            }
            fetched.insert(i.clone());
            let link = o
                .pointer("/links/self")
                .and_then(Value::as_str)
                .map_or_else(|| format!("/v1/{}/{i}", ty.plural()), str::to_owned);
            let one = s.get(&link).await;
            if one.status != 200 {
                s.fail(
                    one.at,
                    format!(
                        "{}: the list shows {t} {i}, which the caller cannot GET",
                        g.label
                    ),
                    "200",
                    one.status.to_string(),
                );
                continue;
            }
            let single = one.doc.get("data").cloned().unwrap_or(Value::Null);
            let names = |v: &Value, member: &str| -> BTreeSet<String> {
                v.get(member)
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            };
            if o.get("attributes") != single.get("attributes")
                || names(o, "relationships") != names(&single, "relationships")
            {
                s.fail(
                    one.at,
                    format!("{}: {t} {i} differs between the list and its GET", g.label),
                    o.to_string(),
                    single.to_string(),
                );
            }
        }
    }
    Ok(())
}
