//! Sparse fieldsets: each probe is a query fragment
//! (`fields[sponsor]=name,event&include=event&fields[event]=name`). Every
//! resource object of the answer, in `data` and in `included`, must carry
//! exactly the requested attributes its caller may see (the view rules'
//! field limits apply) and exactly the requested relationships; a type
//! without `fields[…]` carries all of them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{
    oracle::id,
    route::Route,
    session::{Reply, Session, ident, pairs},
};
use crate::runner::{RunnerError, kinds};

/// The objects a one-object operation is read for: up to `n` the caller
/// may view (for a related endpoint, parents whose related object they
/// may view too), by the id the path takes.
pub fn one_objects(s: &mut Session<'_>, n: usize) -> Vec<i64> {
    match s.route {
        Route::One { ty } => s.sample_visible(ty, n).into_iter().map(id).collect(),
        Route::RelatedOne { parent, rel } => {
            let candidates: Vec<i64> = s
                .sample_visible(parent, usize::MAX)
                .into_iter()
                .filter(|p| !s.o.related_visible(&s.caller, p, rel).is_empty())
                .map(id)
                .collect();
            candidates.into_iter().take(n).collect()
        }
        _ => Vec::new(),
    }
}

/// The set-up error of a one-object check with nothing to read.
pub fn nothing(s: &Session<'_>) -> RunnerError {
    RunnerError::Seed(format!(
        "the world holds nothing {} may read through {}",
        s.caller.actor.name(),
        s.op.id
    ))
}

/// Checks the fieldsets of every object of `r`.
fn check(s: &mut Session<'_>, r: &Reply, sets: &BTreeMap<String, BTreeSet<String>>, label: &str) {
    let objects: Vec<Value> = r.data().into_iter().chain(r.included()).cloned().collect();
    for o in objects {
        let (ty_name, raw_id) = ident(&o);
        let Some(res) = kinds::resource(&ty_name) else {
            continue;
        };
        let Some(row) = raw_id.parse().ok().and_then(|i| s.u().get(&ty_name, i)) else {
            continue;
        };
        let wanted = sets.get(&ty_name);
        let keep = |name: &str| wanted.is_none_or(|w| w.contains(name));
        let want_attrs: BTreeSet<String> =
            s.o.attributes(&s.caller, res, row)
                .into_iter()
                .filter(|a| keep(a))
                .map(str::to_owned)
                .collect();
        let want_rels: BTreeSet<String> = res
            .relationships()
            .iter()
            .map(|r| r.name.to_owned())
            .filter(|n| keep(n))
            .collect();
        let keys = |member: &str| -> BTreeSet<String> {
            o.get(member)
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (attrs, rels) = (keys("attributes"), keys("relationships"));
        if attrs != want_attrs {
            s.fail(
                r.at,
                format!("{label}: {ty_name} {raw_id} does not carry exactly the requested attributes it may show"),
                format!("{want_attrs:?}"),
                format!("{attrs:?}"),
            );
        }
        if rels != want_rels {
            s.fail(
                r.at,
                format!(
                    "{label}: {ty_name} {raw_id} does not carry exactly the requested relationships"
                ),
                format!("{want_rels:?}"),
                format!("{rels:?}"),
            );
        }
    }
}

/// Runs the fieldset probes.
pub async fn run(s: &mut Session<'_>, probes: &[String]) -> Result<(), RunnerError> {
    for probe in probes {
        let extra = pairs(probe);
        let sets: BTreeMap<String, BTreeSet<String>> = extra
            .iter()
            .filter_map(|(k, v)| {
                let ty = k.strip_prefix("fields[")?.strip_suffix(']')?;
                Some((
                    ty.to_owned(),
                    v.split(',')
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ))
            })
            .collect();
        let label = probe.clone();
        match s.route {
            Route::List { .. } => {
                let list = s.list()?;
                let mut q = extra.clone();
                q.push(("page[size]".into(), "0".into()));
                let r = s.get(&list.url(&q)).await;
                if s.status(&r, 200, &label) {
                    check(s, &r, &sets, &label);
                    s.not_empty(&r, list.ty, list.visible.len(), &label);
                }
            }
            _ => {
                let targets = one_objects(s, 1);
                if targets.is_empty() {
                    return Err(nothing(s));
                }
                for target in targets {
                    let url = format!("{}?{}", s.path_for(target), super::session::query(&extra));
                    let r = s.get(&url).await;
                    if s.status(&r, 200, &label) {
                        check(s, &r, &sets, &label);
                        s.not_empty(&r, s.route.data_type(), 1, &label);
                    }
                }
            }
        }
    }
    Ok(())
}
