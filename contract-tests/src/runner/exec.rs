//! Running checks: one check builds its own state, sends its request(s) and
//! checks the responses; [`execute`] runs the plan on `--jobs` tokio tasks
//! in the seeded execution order and returns results in plan order.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use serde_json::json;

pub use super::check::CheckResult;
use super::{
    RunnerError,
    cases::{base, body, chain, lookup, permission, recipes, relations, semantics},
    check::{self, Expect, Recorder},
    env::Env,
    plan::{self, Check, Plan, Scenario},
    report::console::Progress,
    spec::Operation,
};

fn expect_for(scenario: &Scenario) -> Expect {
    match scenario {
        Scenario::Happy => Expect {
            follow_links: true,
            ..Expect::default()
        },
        Scenario::Body { pointer, .. } => Expect {
            pointer: pointer.clone(),
            ..Expect::default()
        },
        Scenario::WrongType => Expect {
            pointer: Some("/data/type".into()),
            ..Expect::default()
        },
        Scenario::IdMismatch | Scenario::ClientId => Expect {
            pointer: Some("/data/id".into()),
            ..Expect::default()
        },
        Scenario::UnknownQuery { name } => Expect {
            parameter: Some(name.clone()),
            ..Expect::default()
        },
        _ => Expect::default(),
    }
}

fn edit_body(b: &mut base::Base, path: &[&str], value: serde_json::Value) {
    if let Some(mut doc) = b.body_json() {
        body::apply(
            &mut doc,
            &plan::BodyEdit {
                path: path.iter().map(|s| (*s).to_owned()).collect(),
                value: Some(value),
            },
        );
        b.set_body(&doc);
    }
}

/// Turns the happy request into the check's request (one fault).
async fn apply(
    env: &Env,
    op: &Operation,
    scenario: &Scenario,
    b: &mut base::Base,
) -> Result<(), RunnerError> {
    let op_path = op.path.as_str();
    match scenario {
        Scenario::Happy
        | Scenario::DeletedObject { .. }
        | Scenario::Chain { .. }
        | Scenario::Permission { .. }
        | Scenario::Semantic { .. } => {}
        Scenario::BadAccept { accept } => b.request.set_header("Accept", accept.clone()),
        Scenario::WrongContentType { content_type } => {
            b.request.set_header("Content-Type", content_type.clone());
            if b.request.body.is_none() {
                b.request.body = Some("{}".into());
            }
        }
        Scenario::BadToken { fault } => {
            let user = match &b.user {
                Some(u) => u.clone(),
                None => {
                    env.seeder()?
                        .user(&b.ctx, super::seed::UserKind::Regular)
                        .await?
                }
            };
            let kind = b
                .token_type
                .unwrap_or(open_event_server::auth::jwt::TokenType::Access);
            let token = env
                .target
                .faulty_token(&user, *fault, kind)
                .await?
                .ok_or_else(|| RunnerError::Target(format!("cannot make a {}", fault.name())))?;
            b.request
                .set_header("Authorization", format!("JWT {token}"));
        }
        Scenario::NoToken => b.request.remove_header("Authorization"),
        Scenario::UnknownQuery { name } => b.request.add_query(name, "1"),
        Scenario::MalformedJson => b.request.body = Some(r#"{"data": "#.into()),
        Scenario::MissingObject { param } => {
            let mut old = None;
            for (p, id) in &mut b.ids {
                if p == param {
                    old = Some(std::mem::replace(id, lookup::MISSING_ID.to_owned()));
                }
            }
            b.request.path = base::fill_path(op_path, &b.ids);
            if let (Some(old), Some(doc)) = (old, b.body_json())
                && doc.pointer("/data/id").and_then(|v| v.as_str()) == Some(old.as_str())
            {
                edit_body(b, &["data", "id"], json!(lookup::MISSING_ID));
            }
        }
        Scenario::WrongType => edit_body(b, &["data", "type"], json!("no-such-type")),
        Scenario::IdMismatch => {
            let url_id = b.ids.last().map(|(_, id)| id.clone()).unwrap_or_default();
            let other = if url_id == lookup::MISSING_ID {
                "1"
            } else {
                lookup::MISSING_ID
            };
            edit_body(b, &["data", "id"], json!(other));
        }
        Scenario::ClientId => edit_body(b, &["data", "id"], json!("424242")),
        Scenario::Body { edit, .. } => {
            if let Some(mut doc) = b.body_json() {
                body::apply(&mut doc, edit);
                b.set_body(&doc);
            }
        }
        Scenario::Recipe { name } => recipes::apply(env, op, name, b).await?,
    }
    Ok(())
}

/// Whether a check may run on state other checks share: it must be refused
/// before anything changes (a 4xx for one fault of the request), and its
/// request is the generic happy request with that fault (recipes and
/// checks that need an object missing or deleted build their own).
fn shares_state(check: &Check, plan: &base::BasePlan) -> bool {
    plan.recipe.is_none()
        && (400..500).contains(&check.expected)
        && matches!(
            check.scenario,
            Scenario::BadAccept { .. }
                | Scenario::WrongContentType { .. }
                | Scenario::BadToken { .. }
                | Scenario::NoToken
                | Scenario::UnknownQuery { .. }
                | Scenario::MalformedJson
                | Scenario::WrongType
                | Scenario::IdMismatch
                | Scenario::ClientId
                | Scenario::Body { .. }
        )
}

/// The happy request of `op` for `check.actor` on state every refused
/// check of that operation and actor shares (its account, the objects its
/// path and relationships name: built once per run, from a seed of the run
/// seed and that key). The attributes of the body are the check's own,
/// drawn from its seed as before.
async fn shared_base(
    env: &Env,
    op: &Operation,
    plan: &base::BasePlan,
    check: &Check,
) -> Result<base::Base, RunnerError> {
    let key = format!(
        "refused-base:{:016x}:{}:{}",
        env.seed,
        op.id,
        check.actor.name()
    );
    let mut shared_check = check.clone();
    shared_check.seed = plan::check_seed(env.seed, &key);
    let shared = env
        .memo
        .get_or_build(&key, || async {
            base::build(env, op, plan, &shared_check, None)
                .await
                .map(|b| (b.request, b.user, b.ids, b.token_type))
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(RunnerError::Seed)?;
    let (request, user, ids, token_type) = (*shared).clone();
    let ctx = env.factory(check.seed);
    let mut b = base::Base {
        request,
        user,
        ids,
        ctx,
        token_type,
    };
    // The check's own attribute values (a relationship a body attribute
    // names keeps the shared ones: see `relations::HOOKS`).
    if let (Some(body_type), Some(mut doc)) = (&plan.body_type, b.body_json())
        && !relations::HOOKS.iter().any(|(t, _, _)| t == body_type)
        && doc.pointer("/data/attributes").is_some()
    {
        let create = op.method == "POST";
        let attributes = body::happy_attributes(env, &b.ctx, op, body_type, create)?;
        doc["data"]["attributes"] = serde_json::Value::Object(attributes);
        b.set_body(&doc);
    }
    Ok(b)
}

async fn single(env: &Env, check: &Check, rec: &mut Recorder) -> Result<(), RunnerError> {
    let op = env
        .spec
        .operation(&check.operation_id)
        .ok_or_else(|| RunnerError::Spec(format!("no operation `{}`", check.operation_id)))?;
    let plan = base::plan_base(op, &env.spec, &env.caps).map_err(RunnerError::Seed)?;
    let deleted = match &check.scenario {
        Scenario::DeletedObject { param } => Some(param.as_str()),
        _ => None,
    };
    let mut b = if shares_state(check, &plan) {
        shared_base(env, op, &plan, check).await?
    } else {
        base::build(env, op, &plan, check, deleted).await?
    };
    apply(env, op, &check.scenario, &mut b).await?;
    let ex = match &check.scenario {
        Scenario::Recipe { name } if name == recipes::DATABASE_DOWN => {
            recipes::send_database_down(env, &b.request).await?
        }
        _ => env.send(&b.request).await,
    };
    let at = rec.push(ex);
    check::response(
        env,
        op,
        check.expected,
        at,
        rec,
        &expect_for(&check.scenario),
    )
    .await;
    Ok(())
}

/// Runs one check.
pub async fn run_check(env: &Env, check: &Check) -> CheckResult {
    let started = Instant::now();
    let mut rec = Recorder::default();
    let outcome = match &check.scenario {
        Scenario::Chain { .. } => chain::run(env, check, &mut rec).await,
        Scenario::Permission { .. } => permission::run(env, check, &mut rec).await,
        Scenario::Semantic { .. } => semantics::run(env, check, &mut rec).await,
        _ => single(env, check, &mut rec).await,
    };
    if let Err(e) = outcome {
        let at = rec.exchanges.len().saturating_sub(1);
        rec.fail(
            at,
            format!("setting up the check failed: {e}"),
            "a runnable check",
            "error",
        );
    }
    let passed = rec.failures.is_empty();
    CheckResult {
        check: check.clone(),
        passed,
        failures: rec.failures,
        requests: rec.exchanges.len(),
        exchanges: if passed { Vec::new() } else { rec.exchanges },
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// The order checks start in: the plan shuffled by `seed`, with the
/// stateful chains first (they send a dozen requests or more in sequence
/// and page through lists that grow with every check: started last, they
/// would hold up the end of the run).
pub fn schedule(plan: &Plan, seed: u64) -> Vec<usize> {
    let mut order = plan::execution_order(plan.checks.len(), seed);
    order.sort_by_key(|i| !matches!(plan.checks[*i].scenario, Scenario::Chain { .. }));
    order
}

/// Runs the plan; results come back in plan order (checks not run after a
/// `--fail-fast` stop are left out).
pub async fn execute(
    env: Arc<Env>,
    plan: &Plan,
    jobs: usize,
    seed: u64,
    fail_fast: bool,
    progress: &Progress,
) -> Vec<CheckResult> {
    let order = schedule(plan, seed);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let stop = Arc::new(AtomicBool::new(false));
    let mut set = tokio::task::JoinSet::new();
    for index in order {
        let check = plan.checks[index].clone();
        let env = env.clone();
        let semaphore = semaphore.clone();
        let stop = stop.clone();
        set.spawn(async move {
            let _permit = semaphore.acquire_owned().await.ok()?;
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let result = run_check(&env, &check).await;
            if fail_fast && !result.passed {
                stop.store(true, Ordering::Relaxed);
            }
            Some((index, result))
        });
    }
    let mut results: Vec<Option<CheckResult>> = vec![None; plan.checks.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok(Some((index, result))) = joined {
            progress.record(&result);
            results[index] = Some(result);
        }
    }
    results.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::model::{Actor, TokenFault};

    fn check(expected: u16, scenario: Scenario) -> Check {
        Check {
            id: "op/x".into(),
            operation_id: "op".into(),
            label: "GET /v1/x".into(),
            expected,
            actor: Actor::Registered,
            scenario,
            seed: 1,
        }
    }

    fn plan(recipe: Option<&'static str>) -> base::BasePlan {
        base::BasePlan {
            actor: Actor::Registered,
            token: base::TokenUse::Access { fresh: true },
            params: Vec::new(),
            body_type: None,
            linkage: None,
            recipe,
            own: false,
        }
    }

    #[test]
    fn only_refused_generic_requests_share_their_state() {
        let bad_token = Scenario::BadToken {
            fault: TokenFault::Garbage,
        };
        assert!(shares_state(&check(401, bad_token.clone()), &plan(None)));
        assert!(shares_state(
            &check(400, Scenario::MalformedJson),
            &plan(None)
        ));
        // Successes, recipes and the checks needing an object of their own build their own.
        assert!(!shares_state(&check(200, Scenario::Happy), &plan(None)));
        assert!(!shares_state(&check(401, bad_token), &plan(Some("login"))));
        let missing = Scenario::MissingObject {
            param: "event_id".into(),
        };
        assert!(!shares_state(&check(404, missing), &plan(None)));
    }
}
