//! The happy request of an operation, with the state it needs: the actor's
//! account, the objects its path names (owned by the actor) and a valid
//! body built from factory data. Every other case edits this request.

use open_event_factories::FactoryContext;
use open_event_server::auth::jwt::TokenType;
use serde_json::{Map, Value, json};

use super::{Caps, body, recipes, relations};
use crate::runner::{
    RunnerError,
    env::Env,
    http::HttpRequest,
    model::{Actor, Check},
    seed::{ObjectState, SeededUser, UserKind},
    spec::{Operation, Security, Spec, media_essence},
};

/// Which token the happy request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// None.
    None,
    /// An access token.
    Access {
        /// From a password login.
        fresh: bool,
    },
    /// A refresh token (the refresh endpoint).
    Refresh,
}

impl TokenUse {
    /// The JWT type, when a token is sent.
    pub fn token_type(self) -> Option<TokenType> {
        match self {
            TokenUse::None => None,
            TokenUse::Access { .. } => Some(TokenType::Access),
            TokenUse::Refresh => Some(TokenType::Refresh),
        }
    }
}

/// What the happy request of an operation needs (decided at plan time).
#[derive(Debug, Clone, PartialEq)]
pub struct BasePlan {
    /// The default actor.
    pub actor: Actor,
    /// The token it sends.
    pub token: TokenUse,
    /// Path parameters and the resource type each names.
    pub params: Vec<(String, String)>,
    /// The JSON:API `data.type` of the body, for JSON:API bodies.
    pub body_type: Option<String>,
    /// For relationship endpoints taking a body: the type of the resource
    /// identifier sent.
    pub linkage: Option<String>,
    /// The recipe building it, if not generic.
    pub recipe: Option<&'static str>,
    /// The objects must be the actor's own (the rules allow a registered
    /// caller only through `self`).
    pub own: bool,
}

/// A built happy request and its state.
#[derive(Debug, Clone)]
pub struct Base {
    /// The request.
    pub request: HttpRequest,
    /// The actor's account (or the account a bad token is made for).
    pub user: Option<SeededUser>,
    /// Path parameters → ids.
    pub ids: Vec<(String, String)>,
    /// The check's factory context.
    pub ctx: FactoryContext,
    /// The type of the token in `Authorization`.
    pub token_type: Option<TokenType>,
}

impl Base {
    /// The body as JSON.
    pub fn body_json(&self) -> Option<Value> {
        self.request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
    }

    /// Replaces the body.
    pub fn set_body(&mut self, v: &Value) {
        self.request.body = Some(v.to_string());
    }
}

/// The happy request plan of `op`, or why the runner cannot build it.
pub fn plan_base(op: &Operation, spec: &Spec, caps: &Caps) -> Result<BasePlan, String> {
    if let Some(recipe) = recipes::plan(op, caps) {
        return recipe;
    }
    let params: Vec<(String, String)> = op
        .path_params()
        .into_iter()
        .map(|p| {
            let k = op.param_kind(spec, &p);
            (p, k)
        })
        .collect();
    if let Some((param, kind)) = params.iter().find(|(_, k)| !caps.seeds(k)) {
        return Err(if caps.seeding() {
            format!("no factory seeds `{kind}` (path parameter `{param}`)")
        } else {
            "no database to seed the objects its path names (pass --database-url)".into()
        });
    }
    let linkage = relations::linkage_target(op, spec);
    if let Some(target) = &linkage
        && !caps.seeds(target)
    {
        return Err(format!(
            "no factory seeds `{target}` (its relationship body)"
        ));
    }
    let body_type = match &op.request_body {
        _ if linkage.is_some() => None,
        Some(b) if media_essence(&b.media_type) == crate::runner::spec::JSONAPI => Some(
            body::data_type(&b.schema).ok_or("its JSON:API request body names no `data.type`")?,
        ),
        Some(b) => {
            return Err(format!(
                "no recipe builds its `{}` request body",
                media_essence(&b.media_type)
            ));
        }
        None => None,
    };
    let actor = happy_actor(op, !params.is_empty());
    if actor != Actor::Anyone && !caps.seeding() {
        return Err("no database to seed the account it needs (pass --database-url)".into());
    }
    Ok(BasePlan {
        token: if actor == Actor::Anyone {
            TokenUse::None
        } else {
            TokenUse::Access { fresh: true }
        },
        actor,
        params,
        body_type,
        linkage,
        recipe: None,
        own: own_only(op),
    })
}

const EVENT_ROLES: [&str; 6] = [
    "owner",
    "organizer",
    "coorganizer",
    "track-organizer",
    "moderator",
    "registrar",
];

/// The actor of the happy request. With `x-permissions`: anyone when an
/// `anyone` rule holds on the state the runner builds (published events),
/// else a registered user (who owns that state, so every event role and
/// `self` hold), else the staff role a rule names. Without it: from the
/// security requirement.
pub fn happy_actor(op: &Operation, has_params: bool) -> Actor {
    let rules = op.allowed_roles();
    if rules.is_empty() {
        return match op.security {
            Security::None => Actor::Anyone,
            _ if op.requires_auth => Actor::Registered,
            Security::Required => Actor::Registered,
            Security::Optional if op.method == "POST" => Actor::Anyone,
            Security::Optional if has_params => Actor::Registered,
            Security::Optional => Actor::Anyone,
        };
    }
    // The happy path's objects are public: the column conditions of the
    // `anyone` view rules hold on them (a published event).
    let cat = crate::runner::world::catalogue();
    let holds = |conds: &[String]| conds.iter().all(|c| cat.holds_when_public(c));
    if !op.requires_auth && rules.iter().any(|(r, c)| r == "anyone" && holds(c)) {
        return Actor::Anyone;
    }
    if rules
        .iter()
        .any(|(r, _)| r == "registered" || EVENT_ROLES.contains(&r.as_str()))
    {
        return Actor::Registered;
    }
    if rules.iter().any(|(r, _)| r == "admin") {
        return Actor::Admin;
    }
    if rules.iter().any(|(r, _)| r == "super-admin") {
        return Actor::SuperAdmin;
    }
    Actor::Registered
}

/// Whether a registered caller passes only through rules making the
/// object their own (`self`).
pub fn own_only(op: &Operation) -> bool {
    let cat = crate::runner::world::catalogue();
    let rules = op.allowed_roles();
    rules
        .iter()
        .any(|(r, c)| r == "registered" && c.iter().any(|c| cat.is_ownership(c)))
        && !rules.iter().any(|(r, _)| EVENT_ROLES.contains(&r.as_str()))
}

fn user_kind(actor: Actor) -> Option<UserKind> {
    match actor {
        Actor::Anyone => None,
        Actor::Admin => Some(UserKind::Admin),
        Actor::SuperAdmin => Some(UserKind::SuperAdmin),
        // Event roles need a world (permission checks build their own).
        _ => Some(UserKind::Regular),
    }
}

/// Creates the actor's account, if the actor has one.
pub async fn actor_user(
    env: &Env,
    ctx: &FactoryContext,
    actor: Actor,
) -> Result<Option<SeededUser>, RunnerError> {
    match user_kind(actor) {
        Some(kind) => Ok(Some(env.seeder()?.user(ctx, kind).await?)),
        None => Ok(None),
    }
}

/// Puts ids into a path template.
pub fn fill_path(template: &str, ids: &[(String, String)]) -> String {
    let mut path = template.to_owned();
    for (param, id) in ids {
        path = path.replace(&format!("{{{param}}}"), id);
    }
    path
}

/// Builds the happy request of `op` for `check` (its actor and seed);
/// `deleted` names a path parameter whose object is created soft-deleted.
pub async fn build(
    env: &Env,
    op: &Operation,
    plan: &BasePlan,
    check: &Check,
    deleted: Option<&str>,
) -> Result<Base, RunnerError> {
    let ctx = env.factory(check.seed);
    if let Some(recipe) = plan.recipe {
        return recipes::build(env, op, recipe, check, ctx).await;
    }
    let user = actor_user(env, &ctx, check.actor).await?;
    let mut ids = Vec::new();
    for (param, kind) in &plan.params {
        let is_deleted = deleted == Some(param.as_str());
        let id = match (&user, kind.as_str()) {
            (Some(u), "user") if !is_deleted => u.id.to_string(),
            _ => {
                let owner = match &user {
                    Some(u) => u.clone(),
                    None => env.seeder()?.user(&ctx, UserKind::Regular).await?,
                };
                let state = if is_deleted {
                    ObjectState::Deleted
                } else if plan.own {
                    ObjectState::Own
                } else {
                    ObjectState::Public
                };
                env.seeder()?.object(&ctx, kind, &owner, state).await?
            }
        };
        ids.push((param.clone(), id));
    }
    let mut request = HttpRequest::new(&op.method, fill_path(&op.path, &ids));
    request.set_header("Accept", op.accept());
    let token_type = match (&user, plan.token) {
        (Some(u), TokenUse::Access { fresh }) => {
            let t = env.target.access_token(u, fresh).await?;
            request.set_header("Authorization", format!("JWT {t}"));
            Some(TokenType::Access)
        }
        (Some(u), TokenUse::None) if check.actor != Actor::Anyone => {
            let t = env.target.access_token(u, true).await?;
            request.set_header("Authorization", format!("JWT {t}"));
            Some(TokenType::Access)
        }
        _ => None,
    };
    if let (Some(body_type), Some(rb)) = (&plan.body_type, &op.request_body) {
        let create = op.method == "POST";
        let attributes: Map<String, Value> =
            body::happy_attributes(env, &ctx, op, body_type, create)?;
        let mut data = json!({"type": body_type, "attributes": attributes});
        if !create && let Some((_, id)) = ids.last() {
            data["id"] = Value::String(id.clone());
        }
        if create {
            relations::fill(env, &ctx, op, body_type, &mut data, user.as_ref()).await?;
        }
        request.set_header("Content-Type", media_essence(&rb.media_type));
        request.body = Some(json!({"data": data}).to_string());
    }
    if let (Some(target), Some(rb)) = (&plan.linkage, &op.request_body) {
        let owner = match &user {
            Some(u) => u.clone(),
            None => env.seeder()?.user(&ctx, UserKind::Regular).await?,
        };
        let id = env
            .seeder()?
            .object(&ctx, target, &owner, ObjectState::Public)
            .await?;
        request.set_header("Content-Type", media_essence(&rb.media_type));
        request.body = Some(json!({"data": {"type": target, "id": id}}).to_string());
    }
    Ok(Base {
        request,
        user,
        ids,
        ctx,
        token_type,
    })
}
