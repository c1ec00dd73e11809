//! `include`: each probe is an `include` value (`event,event.sponsors`).
//! Along every requested path the oracle follows the relationships of the
//! world's objects to the related objects the caller may view. The answer
//! must carry, on every object a path passes through, the linkage of the
//! relationships the path requests (exactly the visible related objects:
//! a hidden one never appears, even as linkage); `included` must hold
//! exactly the objects the paths reach (nothing outside them, none twice,
//! none of the primary data), each with the attributes the caller may see
//! (field limits apply) and the world's values.

use std::collections::{BTreeMap, BTreeSet};

use open_event_server::jsonapi::DynResource;
use serde_json::Value;

use super::{
    fields::one_objects,
    oracle::{V, compare, id, typed},
    route::Route,
    session::{Reply, Session, ident, show},
};
use crate::runner::{
    RunnerError,
    kinds::{self, Row},
};

/// An include tree: relationship → what is included below it.
#[derive(Debug, Default, Clone)]
pub struct Tree(pub BTreeMap<String, Tree>);

/// The tree of an `include` value.
pub fn tree(value: &str) -> Tree {
    let mut t = Tree::default();
    for path in value.split(',').filter(|p| !p.is_empty()) {
        let mut node = &mut t;
        for seg in path.split('.') {
            node = node.0.entry(seg.to_owned()).or_default();
        }
    }
    t
}

type Ident = (String, i64);

/// What a compound document must hold.
#[derive(Default)]
struct Expect {
    /// Objects reached, with the relationships whose linkage they carry.
    reached: BTreeMap<Ident, BTreeMap<String, Vec<i64>>>,
}

impl Expect {
    fn walk(&mut self, s: &Session<'_>, res: &'static dyn DynResource, row: &Row, node: &Tree) {
        let me = (res.type_name().to_owned(), id(row));
        self.reached.entry(me.clone()).or_default();
        for (name, below) in &node.0 {
            let Some(rel) = res.relationship(name) else {
                continue;
            };
            let target = rel.target();
            let visible = s.o.related_visible(&s.caller, row, rel);
            self.reached
                .entry(me.clone())
                .or_default()
                .insert(name.clone(), visible.clone());
            for t in visible {
                if let Some(trow) = s.u().get(target.type_name(), t) {
                    self.walk(s, target, trow, below);
                }
            }
        }
    }
}

fn linkage_ids(o: &Value, rel: &str) -> Option<Vec<i64>> {
    let data = o.pointer(&format!("/relationships/{rel}/data"))?;
    Some(match data {
        Value::Null => Vec::new(),
        Value::Object(_) => vec![ident(data).1.parse().unwrap_or(-1)],
        Value::Array(items) => {
            let mut v: Vec<i64> = items
                .iter()
                .map(|i| ident(i).1.parse().unwrap_or(-1))
                .collect();
            v.sort_unstable();
            v
        }
        _ => return None,
    })
}

/// Checks a compound document of `res` objects against include tree `t`.
fn check(s: &mut Session<'_>, r: &Reply, res: &'static dyn DynResource, t: &Tree, label: &str) {
    let mut e = Expect::default();
    let data = r.data();
    let mut primary: BTreeSet<Ident> = BTreeSet::new();
    for o in &data {
        let (ty, raw) = ident(o);
        let Ok(i) = raw.parse::<i64>() else { continue };
        primary.insert((ty.clone(), i));
        if ty == res.type_name()
            && let Some(row) = s.u().get(&ty, i)
        {
            e.walk(s, res, row, t);
        }
    }
    let included = r.included();
    // No object twice, none of the primary data.
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for o in &included {
        let key = ident(o);
        let again = !seen.insert(key.clone());
        let is_primary = key
            .1
            .parse()
            .is_ok_and(|i| primary.contains(&(key.0.clone(), i)));
        if again || is_primary {
            s.fail(
                r.at,
                format!(
                    "{label}: `included` holds {} {} {}",
                    key.0,
                    key.1,
                    if again {
                        "twice"
                    } else {
                        "which is primary data"
                    }
                ),
                "each object once in the document",
                format!("{} {}", key.0, key.1),
            );
        }
    }
    let want: BTreeSet<(String, String)> = e
        .reached
        .keys()
        .filter(|k| !primary.contains(k))
        .map(|(t, i)| (t.clone(), i.to_string()))
        .collect();
    let missing: Vec<String> = want
        .difference(&seen)
        .map(|(t, i)| format!("{t} {i}"))
        .collect();
    let extra: Vec<String> = seen
        .difference(&want)
        .map(|(t, i)| format!("{t} {i}"))
        .collect();
    if !missing.is_empty() || !extra.is_empty() {
        s.fail(
            r.at,
            format!("{label}: `included` is not exactly what the paths reach among the objects the caller may view"),
            format!("{} objects", want.len()),
            format!("missing {}; outside the paths or hidden {}", show(&missing), show(&extra)),
        );
    }
    // Linkage on every object a path passes through.
    let objects: Vec<&Value> = data
        .iter()
        .copied()
        .chain(included.iter().copied())
        .collect();
    for ((ty, i), rels) in &e.reached {
        let Some(o) = objects
            .iter()
            .find(|o| ident(o) == (ty.clone(), i.to_string()))
        else {
            continue;
        };
        for (rel, want) in rels {
            match linkage_ids(o, rel) {
                Some(got) if &got == want => {}
                got => s.fail(
                    r.at,
                    format!("{label}: the linkage of {ty} {i}'s `{rel}` is not the related objects the caller may view"),
                    show(want),
                    got.map_or("no linkage".into(), |g| show(&g)),
                ),
            }
        }
    }
    // Included objects: the attributes the caller may see, the world's values.
    for o in &included {
        let (ty, raw) = ident(o);
        let (Some(tres), Some(row)) = (
            kinds::resource(&ty),
            raw.parse().ok().and_then(|i| s.u().get(&ty, i)),
        ) else {
            continue;
        };
        let attrs = o.get("attributes").and_then(Value::as_object);
        let allowed = s.o.attributes(&s.caller, tres, row);
        let got: BTreeSet<&str> = attrs
            .map(|a| a.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let want: BTreeSet<&str> = allowed.iter().copied().collect();
        if got != want {
            s.fail(
                r.at,
                format!(
                    "{label}: included {ty} {raw} does not carry the attributes the caller may see"
                ),
                format!("{want:?}"),
                format!("{got:?}"),
            );
            continue;
        }
        for f in tres.fields().iter().filter(|f| want.contains(f.name)) {
            let stored = row
                .get(f.column)
                .and_then(|v| typed(f, v))
                .unwrap_or(V::Null);
            let shown = attrs
                .and_then(|a| a.get(f.name))
                .and_then(|v| typed(f, v))
                .unwrap_or(V::Null);
            if !compare(&stored, &shown).is_eq() {
                s.fail(
                    r.at,
                    format!(
                        "{label}: included {ty} {raw} shows another `{}` than the world's",
                        f.name
                    ),
                    format!("{stored:?}"),
                    format!("{shown:?}"),
                );
            }
        }
    }
}

/// Runs the include probes.
pub async fn run(s: &mut Session<'_>, probes: &[String]) -> Result<(), RunnerError> {
    let res = s.route.data_type();
    for probe in probes {
        let value = probe.strip_prefix("include=").unwrap_or(probe).to_owned();
        let t = tree(&value);
        let label = format!("include={value}");
        match s.route {
            Route::List { .. } => {
                let list = s.list()?;
                let url = list.url(&[
                    ("include".into(), value.clone()),
                    ("page[size]".into(), "0".into()),
                ]);
                let r = s.get(&url).await;
                if s.status(&r, 200, &label) {
                    check(s, &r, res, &t, &label);
                    s.not_empty(&r, list.ty, list.visible.len(), &label);
                }
            }
            _ => {
                let targets = one_objects(s, 1);
                if targets.is_empty() {
                    return Err(super::fields::nothing(s));
                }
                for target in targets {
                    let url = format!(
                        "{}?{}",
                        s.path_for(target),
                        super::session::query(&[("include".into(), value.clone())])
                    );
                    let r = s.get(&url).await;
                    if s.status(&r, 200, &label) {
                        check(s, &r, res, &t, &label);
                        s.not_empty(&r, s.route.data_type(), 1, &label);
                    }
                }
            }
        }
    }
    Ok(())
}
