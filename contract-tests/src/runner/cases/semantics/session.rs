//! One semantic check's session: the caller and their token, the requests
//! it sends (each recorded, for the report's repros), and what a list of
//! the operation ranges over in the seeded world (its parent, the filter
//! narrowing a top-level list to the world, and the objects it may show).

use std::collections::BTreeSet;

use open_event_server::jsonapi::{DynResource, RelKind, Relationship};
use serde_json::{Value, json};

use super::{
    mix,
    oracle::{Caller, Oracle, id},
    route::Route,
    universe::Universe,
};
use crate::runner::{
    RunnerError,
    check::Recorder,
    env::Env,
    http::HttpRequest,
    kinds::{self, Row},
    permissions::PermissionRow,
    spec::Operation,
};

/// A response, parsed.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The body as JSON (`Null` when not JSON).
    pub doc: Value,
    /// The exchange's index in the recorder.
    pub at: usize,
}

impl Reply {
    /// `data` as a list of resource objects (one object for a single
    /// document; none for `null`).
    pub fn data(&self) -> Vec<&Value> {
        match self.doc.get("data") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(o @ Value::Object(_)) => vec![o],
            _ => Vec::new(),
        }
    }

    /// `included`, in order.
    pub fn included(&self) -> Vec<&Value> {
        self.doc
            .get("included")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }
}

/// `(type, id)` of a resource object.
pub fn ident(o: &Value) -> (String, String) {
    let s = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (s("type"), s("id"))
}

/// The ids of the objects, in order.
pub fn ids(objects: &[&Value]) -> Vec<String> {
    objects.iter().map(|o| ident(o).1).collect()
}

/// A list of ids for a message (`[3, 5, 9]`), cut after 30.
pub fn show(ids: &[impl ToString]) -> String {
    let mut s: Vec<String> = ids.iter().take(30).map(ToString::to_string).collect();
    if ids.len() > 30 {
        s.push(format!("… ({} in all)", ids.len()));
    }
    format!("[{}]", s.join(", "))
}

/// A query string from pairs.
pub fn query(pairs: &[(String, String)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// The pairs of a query fragment (`a=1&b=2`).
pub fn pairs(fragment: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(fragment.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A list the check reads: its path, its query so far, and the world's
/// objects it ranges over.
pub struct ListCtx<'a> {
    /// The listed type.
    pub ty: &'static dyn DynResource,
    /// The path (the parent filled in).
    pub path: String,
    /// The narrowing filter of a top-level list (a JSON filter node).
    pub narrow: Option<Value>,
    /// The world's objects the list ranges over (before visibility).
    pub candidates: Vec<&'a Row>,
    /// Those the caller finds in it.
    pub visible: Vec<&'a Row>,
}

impl ListCtx<'_> {
    /// The URL with `extra` pairs, the narrowing (ANDed into `filter`, as
    /// its first node, when `filter` is among them) first.
    pub fn url(&self, extra: &[(String, String)]) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut filter_given = false;
        for (k, v) in extra {
            if k == "filter" {
                filter_given = true;
                let mut nodes = match &self.narrow {
                    Some(n) => vec![n.clone()],
                    None => Vec::new(),
                };
                match serde_json::from_str::<Value>(v) {
                    Ok(Value::Array(items)) => nodes.extend(items),
                    Ok(other) => nodes.push(other),
                    Err(_) => {}
                }
                pairs.push((k.clone(), Value::Array(nodes).to_string()));
            } else {
                pairs.push((k.clone(), v.clone()));
            }
        }
        if !filter_given && let Some(n) = &self.narrow {
            pairs.insert(0, ("filter".into(), json!([n]).to_string()));
        }
        if pairs.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query(&pairs))
        }
    }
}

/// A semantic check in progress.
pub struct Session<'a> {
    /// The run's context.
    pub env: &'a Env,
    /// The operation.
    pub op: &'a Operation,
    /// What it reads.
    pub route: Route,
    /// The oracle over the world.
    pub o: Oracle<'a>,
    /// Who asks.
    pub caller: Caller,
    /// Their token.
    token: Option<String>,
    /// The check's exchanges and failures.
    pub rec: &'a mut Recorder,
    /// The check's generator (runtime choices: values, objects).
    pub rng: u64,
}

impl<'a> Session<'a> {
    /// A session of `op` as `caller` on world `u`.
    pub async fn new(
        env: &'a Env,
        op: &'a Operation,
        route: Route,
        u: &'a Universe,
        caller: Caller,
        rec: &'a mut Recorder,
        seed: u64,
    ) -> Result<Session<'a>, RunnerError> {
        let token = match u.person(caller.actor) {
            Some(p) if caller.id.is_some() => Some(env.target.access_token(&p.user, true).await?),
            _ => None,
        };
        Ok(Session {
            env,
            op,
            route,
            o: Oracle::new(u, &env.spec),
            caller,
            token,
            rec,
            rng: seed,
        })
    }

    /// The world.
    pub fn u(&self) -> &'a Universe {
        self.o.u
    }

    /// A number from the check's generator.
    pub fn draw(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (mix(&mut self.rng) % n as u64) as usize
    }

    /// Sends `GET path` as the caller and records it.
    pub async fn get(&mut self, path: &str) -> Reply {
        let mut req = HttpRequest::new("GET", path);
        req.set_header("Accept", self.op.accept());
        if let Some(t) = &self.token {
            req.set_header("Authorization", format!("JWT {t}"));
        }
        let ex = self.env.send(&req).await;
        let status = ex.response.status;
        let doc = ex.response.json();
        let at = self.rec.push(ex);
        Reply { status, doc, at }
    }

    /// Records a failure about exchange `at`.
    pub fn fail(
        &mut self,
        at: usize,
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.rec.fail(at, message, expected, actual);
    }

    /// Whether `r` has status `want` (a failure is recorded if not).
    pub fn status(&mut self, r: &Reply, want: u16, what: &str) -> bool {
        if r.status == want {
            return true;
        }
        let body: String = r.doc.to_string().chars().take(300).collect();
        self.fail(
            r.at,
            format!("{what}: unexpected status"),
            want.to_string(),
            format!("{} {body}", r.status),
        );
        false
    }

    /// Records a failure when `r` shows none of the world's objects of `ty`
    /// although the caller may see `visible` of them (a check never passes
    /// on an empty answer).
    pub fn not_empty(&mut self, r: &Reply, ty: &dyn DynResource, visible: usize, what: &str) {
        let shown = self.known(ty, &ids(&r.data())).len();
        if shown == 0 && visible > 0 {
            self.fail(
                r.at,
                format!("{what}: the answer shows none of the objects the caller may see"),
                format!("{visible} objects"),
                "none",
            );
        }
    }

    /// The path of the operation with its parameter set to `id`.
    pub fn path_for(&self, id: i64) -> String {
        let mut out = String::new();
        for (i, seg) in self.op.path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            if seg.starts_with('{') {
                out.push_str(&id.to_string());
            } else {
                out.push_str(seg);
            }
        }
        out
    }

    /// The rows of the operation's own rules (a list's `list` rows).
    pub fn rows(&self) -> &'a [PermissionRow] {
        &self.op.permissions
    }

    /// Whether the caller may view the parent `row` a path names (a related
    /// endpoint's `via` rows, else the parent's view rules).
    pub fn parent_visible(&self, parent: &dyn DynResource, row: &Row) -> bool {
        match &self.op.via {
            Some((via, _)) => self.o.allowed(&self.caller, parent, row, via),
            None => self.o.visible(&self.caller, parent, row),
        }
    }

    /// The children of `parent` a related list ranges over.
    pub fn children(&self, rel: &Relationship, parent: &Row) -> Vec<&'a Row> {
        self.o.related(parent, rel)
    }

    /// The narrowing of a top-level list of `ty` to the world: by event
    /// for types that belong to one, else by the world's tag, which starts
    /// the attribute the type's kind narrows by (`like '<tag>%'`: an index
    /// range, not a scan).
    pub fn narrowing(&self, ty: &dyn DynResource) -> Option<Value> {
        let u = self.u();
        if let Some(col) = kinds::event_column(ty) {
            let rel = ty
                .relationships()
                .iter()
                .find(|r| matches!(r.kind, RelKind::BelongsTo { fk } if fk == col))?;
            let events: Vec<String> = u.events.iter().map(ToString::to_string).collect();
            return Some(json!({"name": rel.name, "op": "in_", "val": events}));
        }
        match kinds::get(ty.type_name())?.narrow() {
            kinds::Narrow::Attribute(name) => {
                Some(json!({"name": name, "op": "like", "val": format!("{}%", u.tag)}))
            }
            kinds::Narrow::Event => None,
        }
    }

    /// The list the check reads: a top-level list narrowed to the world,
    /// or a related list under the parent whose list shows the caller the
    /// most objects (ties: the lowest id).
    pub fn list(&self) -> Result<ListCtx<'a>, RunnerError> {
        let Route::List { ty, parent } = self.route else {
            return Err(RunnerError::Spec(format!("{} is not a list", self.op.id)));
        };
        let u = self.u();
        let rows = self.rows();
        match parent {
            None => {
                let narrow = self.narrowing(ty).ok_or_else(|| {
                    RunnerError::Seed(format!(
                        "no way to narrow a list of `{}` to the world",
                        ty.type_name()
                    ))
                })?;
                let mut candidates = Vec::new();
                for row in u.all(ty.type_name()) {
                    if self
                        .o
                        .satisfies(&self.caller, ty, row, &narrow)
                        .map_err(RunnerError::Spec)?
                        == Some(true)
                    {
                        candidates.push(row);
                    }
                }
                let visible = candidates
                    .iter()
                    .copied()
                    .filter(|r| self.o.allowed(&self.caller, ty, r, rows))
                    .collect();
                Ok(ListCtx {
                    ty,
                    path: self.op.path.clone(),
                    narrow: Some(narrow),
                    candidates,
                    visible,
                })
            }
            Some((pty, rel)) => {
                let mut best: Option<(usize, i64, ListCtx<'a>)> = None;
                for p in u.all(pty.type_name()) {
                    if !self.parent_visible(pty, p) {
                        continue;
                    }
                    let candidates = self.children(rel, p);
                    let visible: Vec<&Row> = candidates
                        .iter()
                        .copied()
                        .filter(|r| self.o.allowed(&self.caller, ty, r, rows))
                        .collect();
                    let better = best.as_ref().is_none_or(|(n, i, _)| {
                        visible.len() > *n || (visible.len() == *n && id(p) < *i)
                    });
                    if better {
                        best = Some((
                            visible.len(),
                            id(p),
                            ListCtx {
                                ty,
                                path: self.path_for(id(p)),
                                narrow: None,
                                candidates,
                                visible,
                            },
                        ));
                    }
                }
                best.map(|(_, _, l)| l).ok_or_else(|| {
                    RunnerError::Seed(format!(
                        "no `{}` of the world is visible to {}",
                        pty.type_name(),
                        self.caller.actor.name()
                    ))
                })
            }
        }
    }

    /// Up to `n` objects of `ty` the caller may view, drawn by the check's
    /// generator (those with the most related objects first when `rich`).
    pub fn sample_visible(&mut self, ty: &'static dyn DynResource, n: usize) -> Vec<&'a Row> {
        let u = self.u();
        let mut pool: Vec<&'a Row> = u
            .all(ty.type_name())
            .iter()
            .filter(|r| self.o.visible(&self.caller, ty, r))
            .collect();
        let mut out = Vec::new();
        while out.len() < n && !pool.is_empty() {
            let i = self.draw(pool.len());
            out.push(pool.remove(i));
        }
        out
    }

    /// The known ids of type `ty` among `ids` (the world's objects).
    pub fn known(&self, ty: &dyn DynResource, ids: &[String]) -> Vec<i64> {
        let world: BTreeSet<i64> = self.u().all(ty.type_name()).iter().map(id).collect();
        ids.iter()
            .filter_map(|s| s.parse::<i64>().ok())
            .filter(|i| world.contains(i))
            .collect()
    }
}
