//! Stateful chains, one per resource type with a full CRUD set (create,
//! view, update, list and delete on `/<plural>` and `/<plural>/{id}`):
//! create → view (shows what was sent) → update (shows the change) → list
//! (contains it, following `links.next` page by page) → delete → view is
//! 404. Every step's response goes through all the response checks. The
//! create names the required relationships' objects (seeded for the
//! chain's user, like a happy create).
//!
//! The actor is the create operation's happy actor (a registered user
//! becomes the owner; staff for staff-only resources), or a super admin
//! when anyone may create (who may then see and change the new object).

use serde_json::{Map, Value, json};

use super::{Caps, base, body, relations};
use crate::runner::{
    RunnerError,
    check::{self, Expect, Recorder},
    env::Env,
    http::HttpRequest,
    model::{Actor, Check, Scenario},
    spec::{Operation, Spec, media_essence},
};

/// A planned chain.
#[derive(Debug, Clone)]
pub struct ChainCase {
    /// The create status.
    pub status: u16,
    /// Who runs it.
    pub actor: Actor,
    /// The chain scenario.
    pub scenario: Scenario,
    /// Its operation ids (create, view, update, list, delete).
    pub ops: Vec<String>,
}

fn find<'a>(spec: &'a Spec, method: &str, path: &str) -> Option<&'a Operation> {
    spec.operations
        .iter()
        .find(|o| o.method == method && o.path == path)
}

/// The chains of `spec`.
pub fn chains(spec: &Spec, caps: &Caps) -> Vec<ChainCase> {
    if !caps.seeding() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for create in spec.operations.iter().filter(|o| o.method == "POST") {
        let Some(ty) = create
            .request_body
            .as_ref()
            .and_then(|b| body::data_type(&b.schema))
        else {
            continue;
        };
        let item = spec.operations.iter().find(|o| {
            o.method == "GET"
                && o.path.starts_with(&format!("{}/{{", create.path))
                && o.path_params().len() == 1
                && o.path.matches('/').count() == create.path.matches('/').count() + 1
        });
        let Some(view) = item else { continue };
        let (Some(update), Some(list), Some(delete)) = (
            find(spec, "PATCH", &view.path),
            find(spec, "GET", &create.path),
            find(spec, "DELETE", &view.path),
        ) else {
            continue;
        };
        let Some(status) = create.success_status() else {
            continue;
        };
        // The create operation's own actor; anyone (registration) becomes a
        // super admin, who may then view, change and delete the new object.
        let actor = match base::happy_actor(create, false) {
            Actor::Anyone => Actor::SuperAdmin,
            other => other,
        };
        let ops = [create, view, update, list, delete].map(|o| o.id.clone());
        out.push(ChainCase {
            status,
            actor,
            ops: ops.to_vec(),
            scenario: Scenario::Chain { resource: ty, ops },
        });
    }
    out
}

fn normal(v: &Value) -> Value {
    match v {
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => json!(t.timestamp_millis()),
            Err(_) => Value::String(s.trim().to_owned()),
        },
        Value::Number(n) => json!(n.as_f64()),
        other => other.clone(),
    }
}

/// Attributes sent that the response shows differently.
fn differences(sent: &Map<String, Value>, doc: &Value) -> Vec<String> {
    let shown = doc.pointer("/data/attributes");
    sent.iter()
        .filter_map(|(k, v)| {
            let got = shown.and_then(|s| s.get(k))?;
            (normal(got) != normal(v)).then(|| format!("{k}: sent {v}, shown {got}"))
        })
        .collect()
}

struct Step<'a> {
    env: &'a Env,
    rec: &'a mut Recorder,
    auth: String,
}

impl Step<'_> {
    async fn send(
        &mut self,
        op: &Operation,
        path: &str,
        body: Option<Value>,
        expected: u16,
        follow_links: bool,
    ) -> Option<Value> {
        let mut req = HttpRequest::new(&op.method, path);
        req.set_header("Accept", op.accept());
        req.set_header("Authorization", self.auth.clone());
        if let (Some(b), Some(rb)) = (body, &op.request_body) {
            req.set_header("Content-Type", media_essence(&rb.media_type));
            req.body = Some(b.to_string());
        }
        let ex = self.env.send(&req).await;
        let status = ex.response.status;
        let json = ex.response.json();
        let at = self.rec.push(ex);
        let expect = Expect {
            follow_links,
            ..Expect::default()
        };
        check::response(self.env, op, expected, at, self.rec, &expect).await;
        (status == expected).then_some(json)
    }
}

fn op<'a>(env: &'a Env, id: &str) -> Result<&'a Operation, RunnerError> {
    env.spec
        .operation(id)
        .ok_or_else(|| RunnerError::Spec(format!("no operation `{id}`")))
}

/// Runs a chain check.
pub async fn run(env: &Env, check: &Check, rec: &mut Recorder) -> Result<(), RunnerError> {
    let Scenario::Chain { resource, ops } = &check.scenario else {
        return Err(RunnerError::Spec("not a chain".into()));
    };
    let [create, view, update, list, delete] = [0, 1, 2, 3, 4].map(|i| op(env, &ops[i]));
    let (create, view, update, list, delete) = (create?, view?, update?, list?, delete?);
    let ctx = env.factory(check.seed);
    let user = base::actor_user(env, &ctx, check.actor)
        .await?
        .ok_or_else(|| RunnerError::Seed("a chain needs an account".into()))?;
    let token = env.target.access_token(&user, true).await?;
    let mut step = Step {
        env,
        rec,
        auth: format!("JWT {token}"),
    };

    let attrs = body::happy_attributes(env, &ctx, create, resource, true)?;
    let mut data = json!({"type": resource, "attributes": attrs});
    relations::fill(env, &ctx, create, resource, &mut data, Some(&user)).await?;
    let doc = json!({ "data": data });
    let Some(created) = step
        .send(create, &create.path, Some(doc), check.expected, true)
        .await
    else {
        return Ok(());
    };
    let Some(id) = created
        .pointer("/data/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        let at = step.rec.exchanges.len() - 1;
        step.rec.fail(
            at,
            "the created document has no data.id",
            "data.id",
            "(absent)",
        );
        return Ok(());
    };
    let param = view.path_params().first().cloned().unwrap_or_default();
    let item = base::fill_path(&view.path, &[(param, id.clone())]);
    let at = step.rec.exchanges.len() - 1;
    for d in differences(&attrs, &created) {
        step.rec.fail(
            at,
            "create response does not show what was sent",
            "the sent value",
            d,
        );
    }

    let Some(viewed) = step.send(view, &item, None, 200, false).await else {
        return Ok(());
    };
    let at = step.rec.exchanges.len() - 1;
    for d in differences(&attrs, &viewed) {
        step.rec.fail(
            at,
            "view does not show what was created",
            "the created value",
            d,
        );
    }

    let changes = body::happy_attributes(env, &ctx, update, resource, false)?;
    let doc = json!({"data": {"type": resource, "id": id, "attributes": changes}});
    let Some(updated) = step.send(update, &item, Some(doc), 200, false).await else {
        return Ok(());
    };
    let at = step.rec.exchanges.len() - 1;
    for d in differences(&changes, &updated) {
        step.rec.fail(
            at,
            "update response does not show the change",
            "the new value",
            d,
        );
    }

    // The largest page the API allows, so a long-lived database (an
    // external server that many runs seeded) is walked in few requests.
    let sep = if list.path.contains('?') { '&' } else { '?' };
    let mut page = Some(format!("{}{sep}page%5Bsize%5D=1000", list.path));
    let mut found = false;
    let mut pages = 0;
    while let Some(path) = page.take() {
        pages += 1;
        let Some(doc) = step.send(list, &path, None, 200, false).await else {
            return Ok(());
        };
        let ids: Vec<&str> = doc
            .get("data")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if ids.contains(&id.as_str()) {
            found = true;
            break;
        }
        if pages < 200 {
            page = doc
                .pointer("/links/next")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
    }
    if !found {
        let at = step.rec.exchanges.len() - 1;
        step.rec.fail(
            at,
            format!("the list does not contain the created {resource}"),
            format!("id {id} on some page"),
            format!("absent after {pages} page(s)"),
        );
    }

    if step.send(delete, &item, None, 200, false).await.is_none() {
        return Ok(());
    }
    step.send(view, &item, None, 404, false).await;
    Ok(())
}
