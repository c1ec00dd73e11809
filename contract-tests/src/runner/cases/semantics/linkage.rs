//! Relationship linkage: for objects of the world (some the caller may
//! see, some not), `GET …/relationships/<rel>` must name exactly the
//! related objects the caller may view (none for a parent they may not
//! see: 404), and the related endpoint `GET …/<rel>` must return the same
//! objects (a to-one: the one the linkage names, or 404 when it names
//! none).

use serde_json::Value;

use super::{
    oracle::id,
    route::Route,
    session::{Session, ident, show},
};
use crate::runner::{RunnerError, kinds::Row};
use open_event_server::jsonapi::RelKind;

/// The objects checked: one the caller may see (naming a related object
/// they may view, when one does) and one they may not.
fn parents<'a>(
    s: &mut Session<'a>,
    parent: &'static dyn open_event_server::jsonapi::DynResource,
    rel: &open_event_server::jsonapi::Relationship,
) -> Vec<&'a Row> {
    let all = s.u().all(parent.type_name());
    let (mut seen, mut hidden): (Vec<&Row>, Vec<&Row>) =
        all.iter().partition(|p| s.parent_visible(parent, p));
    let naming: Vec<&Row> = seen
        .iter()
        .copied()
        .filter(|p| !s.o.related_visible(&s.caller, p, rel).is_empty())
        .collect();
    if !naming.is_empty() {
        seen = naming;
    }
    let mut out = Vec::new();
    for (pool, n) in [(&mut seen, 1), (&mut hidden, 1)] {
        for _ in 0..n {
            if pool.is_empty() {
                break;
            }
            let i = s.draw(pool.len());
            out.push(pool.remove(i));
        }
    }
    out
}

/// Runs the linkage check.
pub async fn run(s: &mut Session<'_>) -> Result<(), RunnerError> {
    let Route::Linkage { parent, rel } = s.route else {
        return Ok(());
    };
    let target = rel.target();
    let related_op = s
        .env
        .spec
        .operations
        .iter()
        .find(|o| o.method == "GET" && s.op.path.replace("/relationships/", "/") == o.path);
    let related_rows = related_op
        .map(|o| o.permissions.clone())
        .unwrap_or_default();
    // An anonymous caller may read a linkage whose related endpoint needs
    // a token (its rows say so): that one answers 401.
    let related_needs_token = s.caller.id.is_none() && related_op.is_some_and(|o| o.requires_auth);
    for p in parents(s, parent, rel) {
        let pid = id(p);
        let path = s.path_for(pid);
        let r = s.get(&path).await;
        let label = format!("{} {pid} `{}`", parent.type_name(), rel.name);
        if !s.parent_visible(parent, p) {
            s.status(
                &r,
                404,
                &format!("{label} (a parent the caller may not see)"),
            );
            continue;
        }
        if !s.status(&r, 200, &label) {
            continue;
        }
        let want = s.o.related_visible(&s.caller, p, rel);
        let linked: Option<Vec<i64>> = match r.doc.get("data") {
            Some(Value::Null) => Some(Vec::new()),
            Some(o @ Value::Object(_)) => Some(vec![ident(o).1.parse().unwrap_or(-1)]),
            Some(Value::Array(items)) => {
                let mut v: Vec<i64> = items
                    .iter()
                    .map(|i| ident(i).1.parse().unwrap_or(-1))
                    .collect();
                v.sort_unstable();
                Some(v)
            }
            _ => None,
        };
        let linked = linked.unwrap_or_default();
        if linked != want {
            s.fail(
                r.at,
                format!("{label}: the linkage is not the related objects the caller may view"),
                show(&want),
                show(&linked),
            );
        }
        // The related endpoint.
        let related_path = path.replace("/relationships/", "/");
        if related_needs_token {
            let rr = s.get(&related_path).await;
            s.status(
                &rr,
                401,
                &format!("{label} (the related endpoint needs a token)"),
            );
            continue;
        }
        match rel.kind {
            RelKind::HasMany { .. } => {
                let rows = related_rows.clone();
                let mut listed_want: Vec<i64> =
                    s.o.related(p, rel)
                        .into_iter()
                        .filter(|t| s.o.allowed(&s.caller, target, t, &rows))
                        .map(id)
                        .collect();
                listed_want.sort_unstable();
                let rr = s.get(&format!("{related_path}?page%5Bsize%5D=0")).await;
                if !s.status(&rr, 200, &format!("{label} (the related list)")) {
                    continue;
                }
                let mut got: Vec<i64> = rr
                    .data()
                    .iter()
                    .map(|o| ident(o).1.parse().unwrap_or(-1))
                    .collect();
                got.sort_unstable();
                if got != linked || got != listed_want {
                    s.fail(
                        rr.at,
                        format!("{label}: the related list and the linkage name different objects"),
                        format!("{} (linkage {})", show(&listed_want), show(&linked)),
                        show(&got),
                    );
                }
            }
            RelKind::BelongsTo { .. } => {
                let rr = s.get(&related_path).await;
                match want.first() {
                    None => {
                        s.status(
                            &rr,
                            404,
                            &format!("{label} (the related object: none the caller may view)"),
                        );
                    }
                    Some(t) => {
                        if s.status(&rr, 200, &format!("{label} (the related object)")) {
                            let got = rr.data().first().map(|o| ident(o).1).unwrap_or_default();
                            if got != t.to_string() || linked.first() != Some(t) {
                                s.fail(
                                    rr.at,
                                    format!("{label}: the related object is not the one the linkage names"),
                                    format!("{} {t} (linkage {})", target.type_name(), show(&linked)),
                                    got,
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
