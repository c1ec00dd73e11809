//! Pagination: for each page size of the probes the check walks the list
//! from `page[number]=1` along `links.next`. `meta.count` is the number of
//! objects the caller may see (the oracle's count, the same on every
//! page, and the number reachable by following `next`); pages are
//! disjoint, complete and in the default order (by id), each holding
//! `page[size]` objects but the last; `self`, `first`, `last`, `prev` and
//! `next` name the right page numbers and keep the other parameters. A
//! `page[size]=0` returns everything at once (links: `self` only); a
//! page past the end is empty, with the count and a `prev` to the last.

use std::collections::BTreeSet;

use serde_json::Value;

use super::session::{ListCtx, Reply, Session, ids, pairs, show};
use crate::runner::RunnerError;

/// The most pages the walk follows.
const MAX_PAGES: usize = 50;

fn link(r: &Reply, name: &str) -> Option<String> {
    r.doc
        .pointer(&format!("/links/{name}"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The query pairs of a link.
fn link_pairs(link: &str) -> Vec<(String, String)> {
    link.split_once('?')
        .map(|(_, q)| pairs(q))
        .unwrap_or_default()
}

fn param(link: &str, name: &str) -> Option<String> {
    link_pairs(link)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn count(r: &Reply) -> Option<u64> {
    r.doc.pointer("/meta/count").and_then(Value::as_u64)
}

/// Checks the links of page `number` of size `size` with `total` objects;
/// `sent` are the parameters the request carried besides the page number.
fn check_links(
    s: &mut Session<'_>,
    r: &Reply,
    size: u64,
    number: u64,
    total: u64,
    sent: &[(String, String)],
) {
    let last = total.div_ceil(size).max(1);
    let label = format!("page[size]={size}&page[number]={number}");
    let want = |name: &str, n: Option<u64>| (name.to_owned(), n);
    let expected = [
        want("self", Some(number)),
        want("first", Some(1)),
        want("last", Some(last)),
        want("prev", (number > 1).then(|| (number - 1).min(last))),
        want("next", (number < last).then_some(number + 1)),
    ];
    for (name, n) in expected {
        let got = link(r, &name);
        let got_n = got.as_deref().and_then(|l| param(l, "page[number]"));
        let ok = match (&got, n) {
            (None, None) => true,
            (Some(_), Some(n)) => got_n.as_deref() == Some(n.to_string().as_str()),
            _ => false,
        };
        if !ok {
            s.fail(
                r.at,
                format!("{label}: links.{name} names the wrong page ({total} objects)"),
                n.map_or("no link".into(), |n| format!("page[number]={n}")),
                got.unwrap_or_else(|| "no link".into()),
            );
            continue;
        }
        if let Some(l) = &got {
            let mut kept: Vec<(String, String)> = link_pairs(l)
                .into_iter()
                .filter(|(k, _)| k != "page[number]")
                .collect();
            let mut want: Vec<(String, String)> = sent.to_vec();
            kept.sort();
            want.sort();
            if kept != want {
                s.fail(
                    r.at,
                    format!(
                        "{label}: links.{name} drops or changes the request's other parameters"
                    ),
                    format!("{want:?}"),
                    format!("{kept:?}"),
                );
            }
        }
    }
}

async fn walk(s: &mut Session<'_>, list: &ListCtx<'_>, size: u64, expected: &[i64]) {
    let total = expected.len() as u64;
    let first = list.url(&[
        ("page[size]".into(), size.to_string()),
        ("page[number]".into(), "1".into()),
    ]);
    let sent: Vec<(String, String)> = link_pairs(&first)
        .into_iter()
        .filter(|(k, _)| k != "page[number]")
        .collect();
    let mut next = Some(first);
    let mut seen: Vec<String> = Vec::new();
    let mut number = 0_u64;
    let mut last_reply = None;
    while let Some(url) = next.take() {
        number += 1;
        if number as usize > MAX_PAGES {
            break;
        }
        let r = s.get(&url).await;
        let label = format!("page[size]={size}&page[number]={number}");
        if !s.status(&r, 200, &label) {
            return;
        }
        if count(&r) != Some(total) {
            s.fail(
                r.at,
                format!("{label}: meta.count is not the number of objects the caller may see"),
                total.to_string(),
                format!("{:?}", count(&r)),
            );
        }
        check_links(s, &r, size, number, total, &sent);
        let page = ids(&r.data());
        let from = ((number - 1) * size) as usize;
        let want: Vec<String> = expected
            .iter()
            .skip(from)
            .take(size as usize)
            .map(ToString::to_string)
            .collect();
        if page != want {
            s.fail(
                r.at,
                format!("{label}: the page does not hold objects {}–{} of the list in its order (by id)", from + 1, from + want.len()),
                show(&want),
                show(&page),
            );
        }
        let repeated: Vec<&String> = page.iter().filter(|i| seen.contains(i)).collect();
        if !repeated.is_empty() {
            s.fail(
                r.at,
                format!("{label}: the page repeats objects of earlier pages"),
                "disjoint pages",
                show(&repeated),
            );
        }
        seen.extend(page);
        next = link(&r, "next");
        last_reply = Some(r);
    }
    let reached: BTreeSet<&String> = seen.iter().collect();
    if let Some(r) = last_reply
        && reached.len() as u64 != total
    {
        s.fail(
            r.at,
            format!("page[size]={size}: following `next` reaches another number of objects than meta.count"),
            format!("{total} objects"),
            format!("{} objects: {}", reached.len(), show(&seen)),
        );
    }
}

/// Runs the pagination probes.
pub async fn run(s: &mut Session<'_>, probes: &[String]) -> Result<(), RunnerError> {
    let list = s.list()?;
    let mut expected: Vec<i64> = list.visible.iter().map(|r| super::oracle::id(r)).collect();
    expected.sort_unstable();
    let total = expected.len() as u64;
    for probe in probes {
        match probe.as_str() {
            "page[size]=0" => {
                let url = list.url(&[
                    ("page[size]".into(), "0".into()),
                    ("page[number]".into(), "1".into()),
                ]);
                let r = s.get(&url).await;
                if !s.status(&r, 200, "page[size]=0") {
                    continue;
                }
                let got = ids(&r.data());
                let want: Vec<String> = expected.iter().map(ToString::to_string).collect();
                if got != want || count(&r) != Some(total) {
                    s.fail(
                        r.at,
                        "page[size]=0: not every object at once (with its count)",
                        format!("{} (count {total})", show(&want)),
                        format!("{} (count {:?})", show(&got), count(&r)),
                    );
                }
                for name in ["first", "last", "prev", "next"] {
                    if let Some(l) = link(&r, name) {
                        s.fail(
                            r.at,
                            format!("page[size]=0: an unpaginated list has links.{name}"),
                            "links.self only",
                            l,
                        );
                    }
                }
            }
            "page[number]=past" => {
                let size = 2_u64;
                let past = total.div_ceil(size).max(1) + 1;
                let url = list.url(&[
                    ("page[size]".into(), size.to_string()),
                    ("page[number]".into(), past.to_string()),
                ]);
                let r = s.get(&url).await;
                let label = format!("page[size]={size}&page[number]={past} (past the last page)");
                if !s.status(&r, 200, &label) {
                    continue;
                }
                if !r.data().is_empty() || count(&r) != Some(total) {
                    s.fail(
                        r.at,
                        format!("{label}: not an empty page with the count"),
                        format!("[] (count {total})"),
                        format!("{} (count {:?})", show(&ids(&r.data())), count(&r)),
                    );
                }
                let sent: Vec<(String, String)> = link_pairs(&url)
                    .into_iter()
                    .filter(|(k, _)| k != "page[number]")
                    .collect();
                check_links(s, &r, size, past, total, &sent);
            }
            size => {
                let size: u64 = size
                    .strip_prefix("page[size]=")
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| RunnerError::Spec(format!("a page probe `{probe}`")))?;
                walk(s, &list, size, &expected).await;
            }
        }
    }
    Ok(())
}
