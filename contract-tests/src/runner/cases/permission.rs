//! Permission checks: every `x-permissions` row of an operation, live.
//!
//! For each operation with rules the plan derives the worlds that matter
//! ([`Given`]s): the neutral world, and for every rule in scope (the
//! operation's rules, the `via` rules of its parent, the view rules of the
//! objects it addresses) the world where the rule's conditions hold and the
//! worlds where exactly one of them fails. In each world every role of the
//! hierarchy sends the operation's request; the [oracle](crate::runner::oracle)
//! predicts the status from the rules (401, 404, 403 or success; for lists
//! whether the object is listed; for rules with field limits, a 403 with
//! the attribute's pointer, or which attributes the caller must not see).
//!
//! A row is **covered** when some role passes through it in the row's own
//! world (its allowed case); its checks are that world and the worlds that
//! break one of its conditions, for every role (its denied cases). A row
//! with a condition whose world recipe the runner cannot build (see
//! [`Catalogue::interpret`]), or that no role can pass, is uncovered. Operations whose state comes from a
//! recipe (the `/v1/auth` helpers) have their rows covered by the recipe's
//! happy path and its missing-token case.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use serde_json::{Map, Value, json};

use super::{Caps, Case, Derived, body, case_id, recipes, relations};
use crate::runner::{
    RunnerError,
    check::{self, Expect, Recorder},
    env::Env,
    http::HttpRequest,
    model::{Actor, Check, Scenario},
    oracle::{self, Shape, Tables},
    permissions::{PermissionRow, fields_allow},
    seed::{ObjectState, UserKind},
    spec::{JSONAPI, Operation, Spec, media_essence},
    world::{self, Catalogue, Given, Layout, Obj, World, catalogue},
};

/// What a permission check of `op` addresses, or why it cannot be built.
pub fn shape(op: &Operation, spec: &Spec) -> Result<Shape, String> {
    if let Some(s) = recipes::permission_shape(&op.id) {
        return Ok(s);
    }
    let first = op
        .permissions
        .first()
        .ok_or("the operation has no permission rows")?;
    let resource = first.resource.clone().unwrap_or_default();
    let action = first.action.clone().unwrap_or_default();
    let params = op.path_params();
    match (params.as_slice(), op.method.as_str(), action.as_str()) {
        ([], "GET", "list") => Obj::primary(&resource)
            .map(|obj| Shape::List { obj })
            .ok_or_else(|| format!("no world builds a `{resource}`")),
        ([], "POST", "create") => {
            let body_type = op
                .request_body
                .as_ref()
                .and_then(|b| body::data_type(&b.schema))
                .ok_or("a create without a JSON:API body")?;
            let mut rels = Vec::new();
            for (rel, target) in relations::required(op, spec, &body_type) {
                if relations::HOOKS
                    .iter()
                    .any(|(t, r, _)| *t == body_type && *r == rel)
                {
                    continue;
                }
                let obj = Obj::primary(&target)
                    .ok_or_else(|| format!("no world builds the `{rel}` ({target})"))?;
                rels.push((rel, obj));
            }
            Ok(Shape::Create { rels })
        }
        ([param], _, _) => {
            let parent = op.param_kind(spec, param);
            if op.via.is_some() {
                let rel = op.path.rsplit('/').next().unwrap_or_default();
                let (parent, target) = Obj::related(&parent, rel)
                    .ok_or_else(|| format!("no world relates `{parent}` to its `{rel}`"))?;
                Ok(Shape::Related {
                    parent,
                    target,
                    many: action == "list",
                })
            } else if parent == resource {
                Obj::primary(&parent)
                    .map(|obj| Shape::Object { obj })
                    .ok_or_else(|| format!("no world builds a `{parent}`"))
            } else {
                Err(format!(
                    "the rules are about `{resource}` but the path names a `{parent}` (no `via`)"
                ))
            }
        }
        _ => Err("no permission check for this kind of operation".into()),
    }
}

/// The rows whose conditions shape the worlds of `op`.
fn scope_rows(op: &Operation, shape: &Shape, tables: &Tables) -> Vec<PermissionRow> {
    let mut rows = op.permissions.clone();
    if let Some((via, _)) = &op.via {
        rows.extend(via.iter().cloned());
    }
    let viewed: Vec<Obj> = match shape {
        Shape::Object { obj } | Shape::Token { obj, .. } => vec![*obj],
        Shape::Create { rels } => rels.iter().map(|(_, o)| *o).collect(),
        _ => Vec::new(),
    };
    for obj in viewed {
        if let Some(v) = tables.view(obj.kind()) {
            rows.extend(v.iter().cloned());
        }
    }
    rows
}

/// The world of a row (its conditions hold, the rest of `names` neutral)
/// and the worlds breaking exactly one of its conditions.
fn given_for(row: &PermissionRow, names: &[String]) -> (Given, Vec<Given>) {
    let mut g = Given::neutral(names.iter().map(String::as_str));
    for c in &row.conditions {
        g.set(c, true);
    }
    let broken = row
        .conditions
        .iter()
        .map(|c| g.clone().with(c, false))
        .collect();
    (g, broken)
}

/// The object the operation's own rules are about.
fn ruled(shape: &Shape) -> Option<Obj> {
    match shape {
        Shape::Object { obj } | Shape::List { obj } | Shape::Token { obj, .. } => Some(*obj),
        Shape::Related { target, .. } => Some(*target),
        Shape::Create { .. } => None,
    }
}

/// The JSON:API attribute names of `op`'s request body.
fn body_attributes(op: &Operation) -> Vec<String> {
    op.request_body
        .as_ref()
        .and_then(|b| b.schema.pointer("/properties/data"))
        .map(body::effective)
        .and_then(|d| d.pointer("/properties/attributes").map(body::effective))
        .and_then(|a| a.get("properties").and_then(Value::as_object).cloned())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Attributes some view rule of `op` limits.
fn limited_view_fields(op: &Operation) -> Vec<String> {
    let mut out = BTreeSet::new();
    for r in &op.permissions {
        if let Some(list) = r
            .fields
            .as_ref()
            .and_then(|f| f.get("except"))
            .and_then(Value::as_array)
        {
            out.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    out.into_iter().collect()
}

/// Plans the permission cases of `op` into `out`; returns, per row of
/// `op.permissions`, the ids of its checks or why it is uncovered.
pub fn derive(
    op: &Operation,
    spec: &Spec,
    tables: &Tables,
    caps: &Caps,
    out: &mut Derived,
) -> Vec<Result<Vec<String>, String>> {
    let n = op.permissions.len();
    if n == 0 {
        return Vec::new();
    }
    if recipes::covers_rows(&op.id) {
        return recipe_rows(op, out);
    }
    if !caps.seeding() {
        return vec![Err("no database to seed permission worlds (pass --database-url)".into()); n];
    }
    let shape = match shape(op, spec) {
        Ok(s) => s,
        Err(why) => return vec![Err(why); n],
    };
    for obj in shape.objects() {
        if !caps.seeds(obj.of) {
            return vec![Err(format!("no factory seeds `{}`", obj.of)); n];
        }
    }
    let scope = scope_rows(op, &shape, tables);
    let names: Vec<String> = scope
        .iter()
        .flat_map(|r| r.conditions.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if let Err(why) = interpretable(catalogue(), op, &names) {
        return vec![Err(why); n];
    }
    let mut givens = BTreeSet::from([Given::neutral(names.iter().map(String::as_str))]);
    for row in &scope {
        let (g, broken) = given_for(row, &names);
        givens.insert(g);
        givens.extend(broken);
    }
    let create_like = matches!(op.method.as_str(), "POST" | "PATCH" | "PUT");
    let attributes = if create_like {
        body_attributes(op)
    } else {
        Vec::new()
    };
    let view_limited = if op.method == "GET" {
        limited_view_fields(op)
    } else {
        Vec::new()
    };
    let success = op.success_status().unwrap_or(200);
    let ruled = ruled(&shape);
    // Case ids per Given, and per row the cases whose role passes through it.
    let mut by_given: BTreeMap<Given, Vec<String>> = BTreeMap::new();
    let mut by_row: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut push = |given: &Given, through: &[usize], case: Case, out: &mut Derived| {
        let id = case_id(&op.id, &case);
        for i in through {
            by_row[*i].push(id.clone());
        }
        by_given.entry(given.clone()).or_default().push(id);
        out.cases.push(case);
    };
    for given in &givens {
        let base_label = format!("perm:{}", world::label(given, &names));
        for role in Actor::ALL {
            let layout = Layout::new(role, given);
            let exp = match oracle::expect(op, &shape, tables, &layout) {
                Ok(e) => e,
                Err(why) => return vec![Err(why); n],
            };
            let facts = ruled.map_or_else(|| layout.create_facts(), |o| layout.facts(o));
            let through: Vec<usize> = op
                .permissions
                .iter()
                .enumerate()
                .filter(|(_, r)| oracle::holds(r, role, &facts) == Some(true))
                .map(|(i, _)| i)
                .collect();
            let holding: Vec<&PermissionRow> =
                through.iter().map(|i| &op.permissions[*i]).collect();
            let mut label = base_label.clone();
            if let Some(p) = exp.present {
                label.push_str(if p { ":listed" } else { ":absent" });
            }
            let (mut hidden, mut shown) = (Vec::new(), Vec::new());
            if exp.status == success && exp.present != Some(false) {
                for f in &view_limited {
                    if holding.iter().any(|r| fields_allow(r.fields.as_ref(), f)) {
                        shown.push(f.clone());
                    } else {
                        hidden.push(f.clone());
                    }
                }
            }
            let pointer = match (&shape, exp.hidden_rel) {
                (Shape::Create { rels }, Some(i)) => rels
                    .get(i)
                    .map(|(rel, _)| format!("/data/relationships/{rel}")),
                _ => None,
            };
            push(
                given,
                &through,
                Case {
                    status: exp.status,
                    actor: role,
                    scenario: Scenario::Permission {
                        label: label.clone(),
                        given: given.clone(),
                        present: exp.present,
                        field: None,
                        pointer,
                        hidden,
                        shown,
                    },
                },
                out,
            );
            // Field limits: each attribute some rule of this world limits.
            for f in &attributes {
                let limited = op
                    .permissions
                    .iter()
                    .any(|r| !fields_allow(r.fields.as_ref(), f));
                if !limited {
                    continue;
                }
                let (status, pointer) = if exp.status != success {
                    (exp.status, None)
                } else if holding.iter().any(|r| fields_allow(r.fields.as_ref(), f)) {
                    (success, None)
                } else {
                    (403, Some(format!("/data/attributes/{f}")))
                };
                push(
                    given,
                    &through,
                    Case {
                        status,
                        actor: role,
                        scenario: Scenario::Permission {
                            label: format!("{label}:field:{f}"),
                            given: given.clone(),
                            present: None,
                            field: Some(f.clone()),
                            pointer,
                            hidden: Vec::new(),
                            shown: Vec::new(),
                        },
                    },
                    out,
                );
            }
        }
    }
    // Rows: covered when a role passes through the row in its own world;
    // its checks: its worlds, and every check whose role passes through it.
    op.permissions
        .iter()
        .zip(by_row)
        .map(|(row, through)| {
            let (g, broken) = given_for(row, &names);
            let passes = Actor::ALL.into_iter().any(|role| {
                let layout = Layout::new(role, &g);
                let facts = ruled.map_or_else(|| layout.create_facts(), |o| layout.facts(o));
                oracle::holds(row, role, &facts) == Some(true)
                    && oracle::expect(op, &shape, tables, &layout)
                        .is_ok_and(|e| e.status == success && e.present != Some(false))
            });
            if !passes {
                return Err(format!(
                    "no role in any world the runner builds passes through `{}` \
                     (the row is unreachable, or its world is hidden by another rule)",
                    row.label()
                ));
            }
            let mut ids: Vec<String> = std::iter::once(g)
                .chain(broken)
                .flat_map(|g| by_given.get(&g).cloned().unwrap_or_default())
                .chain(through)
                .collect();
            ids.sort();
            ids.dedup();
            Ok(ids)
        })
        .collect()
}

/// Whether the runner can build the worlds of every condition in `names`
/// for `op`: the server declares each with a recipe its kinds can apply,
/// and a condition reading the request reads an attribute of its body.
fn interpretable(cat: &Catalogue, op: &Operation, names: &[String]) -> Result<(), String> {
    let body = body_attributes(op);
    for name in names {
        cat.interpret(name)?;
        for attr in cat.request_attributes(name) {
            if !body.iter().any(|a| a == attr) {
                return Err(format!(
                    "condition `{name}` reads the request attribute `{attr}`, \
                     which this operation's body does not have"
                ));
            }
        }
    }
    Ok(())
}

/// Rows of recipe operations: a rule without conditions is exercised by
/// the recipe's happy path (its actor passes) and, when it needs an
/// account, by the missing-token case.
fn recipe_rows(op: &Operation, out: &Derived) -> Vec<Result<Vec<String>, String>> {
    op.permissions
        .iter()
        .map(|row| {
            if !row.conditions.is_empty() {
                return Err("a recipe operation with row conditions".into());
            }
            let role = Actor::from_name(&row.role).ok_or("an unknown role")?;
            let happy: Vec<String> = out
                .cases
                .iter()
                .filter(|c| {
                    matches!(c.scenario, Scenario::Happy) && c.actor.includes(role) && {
                        (200..300).contains(&c.status)
                    }
                })
                .map(|c| case_id(&op.id, c))
                .collect();
            if happy.is_empty() {
                return Err(format!(
                    "the recipe's happy path does not pass through `{}`",
                    row.label()
                ));
            }
            let denied: Vec<String> = out
                .cases
                .iter()
                .filter(|c| role != Actor::Anyone && matches!(c.scenario, Scenario::NoToken))
                .map(|c| case_id(&op.id, c))
                .collect();
            if role != Actor::Anyone && denied.is_empty() {
                return Err("no missing-token case denies anonymous callers".into());
            }
            Ok(happy.into_iter().chain(denied).collect())
        })
        .collect()
}

/// The request schema of attribute `name` (`null` when undocumented).
fn attribute_schema(op: &Operation, name: &str) -> Value {
    op.request_body
        .as_ref()
        .and_then(|b| b.schema.pointer("/properties/data"))
        .map(body::effective)
        .and_then(|d| d.pointer("/properties/attributes").map(body::effective))
        .and_then(|a| a.pointer(&format!("/properties/{name}")).cloned())
        .unwrap_or(Value::Null)
}

/// The request attributes of a permission check's body.
async fn attributes(
    env: &Env,
    ctx: &open_event_factories::FactoryContext,
    op: &Operation,
    body_type: &str,
    create: bool,
    layout: &Layout,
    field: Option<&str>,
) -> Result<Map<String, Value>, RunnerError> {
    let mut attrs = body::happy_attributes(env, ctx, op, body_type, create)?;
    // The request facts of the world: an attribute carrying a value, or
    // any other allowed value.
    for (attr, (value, is)) in &layout.request {
        let sent = attrs.get(*attr).and_then(Value::as_str) == Some(*value);
        if *is && !sent {
            attrs.insert((*attr).to_owned(), json!(value));
        } else if !*is && sent {
            let schema = attribute_schema(op, attr);
            let other = schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.iter().find(|v| v.as_str() != Some(*value)).cloned())
                .unwrap_or_else(|| json!(format!("not-{value}")));
            attrs.insert((*attr).to_owned(), other);
        }
    }
    if let Some(f) = field {
        let schema = attribute_schema(op, f);
        attrs.insert(f.to_owned(), body::generate(&schema, ctx.seed()));
    }
    Ok(attrs)
}

/// The world of a read: reads change nothing, so every read check of the
/// run with the same role, conditions and objects shares one world (built
/// by the first to ask, from a seed of the run seed and that key). Writes
/// build their own.
async fn shared_world(
    env: &Env,
    role: Actor,
    given: &Given,
    layout: &Layout,
    objects: &[Obj],
) -> Result<Arc<World>, RunnerError> {
    let objs: Vec<String> = objects.iter().map(ToString::to_string).collect();
    let given_key = serde_json::to_string(given).map_err(|e| RunnerError::Seed(e.to_string()))?;
    let key = format!(
        "permission-world:{:016x}:{}:{given_key}:{}",
        env.seed,
        role.name(),
        objs.join(",")
    );
    let ctx = env.factory(super::semantics::seed_of(env.seed, &key));
    env.memo
        .get_or_build(&key, || async {
            let seeder = env.seeder().map_err(|e| e.to_string())?;
            seeder
                .world(&ctx, layout, objects)
                .await
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(RunnerError::Seed)
}

/// Runs a permission check.
pub async fn run(env: &Env, check: &Check, rec: &mut Recorder) -> Result<(), RunnerError> {
    let Scenario::Permission {
        given,
        present,
        field,
        pointer,
        hidden,
        shown,
        ..
    } = &check.scenario
    else {
        return Err(RunnerError::Spec("not a permission check".into()));
    };
    let op = env
        .spec
        .operation(&check.operation_id)
        .ok_or_else(|| RunnerError::Spec(format!("no operation `{}`", check.operation_id)))?;
    let shape = shape(op, &env.spec).map_err(RunnerError::Spec)?;
    let layout = Layout::new(check.actor, given);
    let ctx = env.factory(check.seed);
    let objects = shape.objects();
    let world = if op.method == "GET" {
        shared_world(env, check.actor, given, &layout, &objects).await?
    } else {
        Arc::new(env.seeder()?.world(&ctx, &layout, &objects).await?)
    };
    for obj in &objects {
        let built = world.get(*obj)?;
        let planned = layout.object_facts(*obj);
        if built.facts != planned {
            return Err(RunnerError::Seed(format!(
                "the world does not hold the planned facts for {obj}: built {:?}, planned {planned:?}",
                built.facts
            )));
        }
    }
    let mut req = HttpRequest::new(&op.method, op.path.clone());
    req.set_header("Accept", op.accept());
    if let Some(actor) = &world.actor {
        let token = env.target.access_token(actor, true).await?;
        req.set_header("Authorization", format!("JWT {token}"));
    }
    let param = op.path_params().first().cloned();
    let body_type = op
        .request_body
        .as_ref()
        .and_then(|b| body::data_type(&b.schema));
    let mut target: Option<String> = None;
    match &shape {
        Shape::Object { obj } => {
            let built = world.get(*obj)?;
            if let Some(p) = &param {
                req.path = super::base::fill_path(&op.path, &[(p.clone(), built.id.clone())]);
            }
            if op.method == "PATCH" {
                let doc = if let Some(t) = relations::linkage_target(op, &env.spec) {
                    // A new public object of the relationship's type.
                    let owner = match &world.actor {
                        Some(u) => u.clone(),
                        None => env.seeder()?.user(&ctx, UserKind::Regular).await?,
                    };
                    let id = env
                        .seeder()?
                        .object(&ctx, &t, &owner, ObjectState::Public)
                        .await?;
                    json!({"data": {"type": t, "id": id}})
                } else {
                    let ty = body_type.clone().unwrap_or_else(|| obj.kind().to_owned());
                    let attrs =
                        attributes(env, &ctx, op, &ty, false, &layout, field.as_deref()).await?;
                    json!({"data": {"type": ty, "id": built.id, "attributes": attrs}})
                };
                set_body(op, &mut req, &doc);
            }
        }
        Shape::Related {
            parent, target: t, ..
        } => {
            let built = world.get(*parent)?;
            if let Some(p) = &param {
                req.path = super::base::fill_path(&op.path, &[(p.clone(), built.id.clone())]);
            }
            target = Some(world.get(*t)?.id.clone());
        }
        Shape::List { obj } => {
            let built = world.get(*obj)?;
            if let Some((name, value)) = &built.narrow {
                req.add_query(name, value);
            }
            target = Some(built.id.clone());
        }
        Shape::Create { rels } => {
            let ty = body_type
                .clone()
                .ok_or_else(|| RunnerError::Spec("a create without a body type".into()))?;
            let attrs = attributes(env, &ctx, op, &ty, true, &layout, field.as_deref()).await?;
            let mut data = json!({"type": ty, "attributes": attrs});
            relations::fill(env, &ctx, op, &ty, &mut data, world.actor.as_ref()).await?;
            for (rel, obj) in rels {
                data["relationships"][rel]["data"]["id"] = json!(world.get(*obj)?.id);
            }
            set_body(op, &mut req, &json!({"data": data}));
        }
        Shape::Token { obj, secret } => {
            let secret = world
                .get(*obj)?
                .row
                .get(*secret)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let media = op
                .request_body
                .as_ref()
                .map(|b| media_essence(&b.media_type))
                .unwrap_or_else(|| "application/json".into());
            req.set_header("Content-Type", media);
            req.body = Some(json!({"data": {"token": secret}}).to_string());
        }
    }
    let ex = env.send(&req).await;
    let status = ex.response.status;
    let doc = ex.response.json();
    let at = rec.push(ex);
    let expect = Expect {
        pointer: pointer.clone(),
        location_may_be_hidden: true,
        ..Expect::default()
    };
    check::response(env, op, check.expected, at, rec, &expect).await;
    if status != check.expected || !(200..300).contains(&status) {
        return Ok(());
    }
    if let (Some(want), Some(id)) = (present, &target) {
        let listed = doc.get("data").and_then(Value::as_array).is_some_and(|a| {
            a.iter()
                .any(|r| r.get("id").and_then(Value::as_str) == Some(id))
        });
        if listed != *want {
            rec.fail(
                at,
                format!(
                    "the list {} the {} the rules {}",
                    if listed { "shows" } else { "omits" },
                    shape_object_kind(&shape),
                    if *want {
                        "let this caller see"
                    } else {
                        "hide from this caller"
                    }
                ),
                format!("id {id} {}", if *want { "listed" } else { "absent" }),
                format!("id {id} {}", if listed { "listed" } else { "absent" }),
            );
        }
    }
    if !hidden.is_empty() || !shown.is_empty() {
        let object = match doc.get("data") {
            Some(Value::Array(items)) => target
                .as_deref()
                .and_then(|id| {
                    items
                        .iter()
                        .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
                })
                .cloned(),
            Some(o @ Value::Object(_)) => Some(o.clone()),
            _ => None,
        };
        if let Some(attrs) = object.as_ref().and_then(|o| o.get("attributes")) {
            for f in hidden {
                if attrs.get(f).is_some() {
                    rec.fail(
                        at,
                        format!("attribute `{f}` is shown to a caller whose rules leave it out"),
                        format!("no `{f}`"),
                        format!("`{f}`: {}", attrs[f]),
                    );
                }
            }
            for f in shown {
                if attrs.get(f).is_none() {
                    rec.fail(
                        at,
                        format!("attribute `{f}` is missing for a caller whose rules allow it"),
                        format!("`{f}`"),
                        "(absent)",
                    );
                }
            }
        }
    }
    Ok(())
}

fn shape_object_kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::List { obj } => obj.kind(),
        Shape::Related { target, .. } => target.kind(),
        _ => "object",
    }
}

fn set_body(op: &Operation, req: &mut HttpRequest, doc: &Value) {
    let media = op
        .request_body
        .as_ref()
        .map(|b| media_essence(&b.media_type))
        .unwrap_or_else(|| JSONAPI.to_owned());
    req.set_header("Content-Type", media);
    req.body = Some(doc.to_string());
}
