//! `sort`: each probe (`sort=-name,level`, `sort=event.name`) lists the
//! world unpaginated; the objects of the world must come back in the order
//! the oracle computes: key by key, nulls as the largest value (last
//! ascending, first descending), ties broken by id ascending. Objects
//! outside the world are left to the visibility checks.

use open_event_server::jsonapi::DynResource;

use super::{
    oracle::{Key, parse_sort},
    session::{Session, ids},
};
use crate::runner::{RunnerError, kinds::Row};

/// Keys and their values for a message: `3 (amber, 2)`.
fn explain(s: &Session<'_>, ty: &dyn DynResource, order: &[i64], keys: &[Key]) -> String {
    let rows: Vec<String> = order
        .iter()
        .take(12)
        .map(|i| {
            let row = s.u().get(ty.type_name(), *i);
            let values: Vec<String> = keys
                .iter()
                .map(|k| {
                    let source: Option<&Row> = match k.rel {
                        None => row,
                        Some(rel) => row.and_then(|r| s.o.related(r, rel).into_iter().next()),
                    };
                    source
                        .and_then(|r| r.get(k.field.column))
                        .map_or("?".into(), ToString::to_string)
                })
                .collect();
            format!("{i} ({})", values.join(", "))
        })
        .collect();
    format!(
        "[{}{}]",
        rows.join(", "),
        if order.len() > 12 { ", …" } else { "" }
    )
}

/// Runs the sort probes.
pub async fn run(s: &mut Session<'_>, probes: &[String]) -> Result<(), RunnerError> {
    let list = s.list()?;
    let ty = list.ty;
    for probe in probes {
        let value = probe.strip_prefix("sort=").unwrap_or(probe);
        let keys = parse_sort(ty, value).map_err(RunnerError::Spec)?;
        let want = s.o.sorted(&list.visible, &keys);
        let url = list.url(&[
            ("sort".into(), value.to_owned()),
            ("page[size]".into(), "0".into()),
        ]);
        let r = s.get(&url).await;
        if !s.status(&r, 200, &format!("sort={value}")) {
            continue;
        }
        let mut got: Vec<i64> = Vec::new();
        for i in s.known(ty, &ids(&r.data())) {
            if !got.contains(&i) {
                got.push(i);
            }
        }
        if got != want {
            let expected = explain(s, ty, &want, &keys);
            let actual = explain(s, ty, &got, &keys);
            s.fail(
                r.at,
                format!(
                    "sort={value}: the world's objects come back in another order (or another set) than the sort keys give",
                ),
                expected,
                actual,
            );
        }
    }
    Ok(())
}
