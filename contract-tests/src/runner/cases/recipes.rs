//! Operation-specific happy paths and faults: the typed analogue of Dredd
//! hooks and Pact provider states, for the operations whose success needs
//! more than generic state (credentials, a refresh token, a token from a
//! mail). Keyed by `operationId`; an operation with no recipe and no
//! generic builder has its 2xx reported as uncovered.

use open_event_factories::FactoryContext;
use serde_json::{Value, json};

use super::{
    Caps, Derived,
    base::{Base, BasePlan, TokenUse},
    body,
};
use crate::harness::TestApp;
use crate::runner::{
    RunnerError,
    env::Env,
    http::HttpRequest,
    model::{Actor, BodyEdit, Check, Scenario},
    seed::UserKind,
    spec::{Operation, media_essence},
};

struct Recipe {
    op: &'static str,
    needs_seeding: bool,
    /// Plays a round trip through the OAuth provider stand-ins.
    needs_providers: bool,
    token: TokenUse,
    faults: &'static [(u16, &'static str)],
}

const RECIPES: &[Recipe] = &[
    Recipe {
        op: "health",
        needs_seeding: false,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[(503, DATABASE_DOWN)],
    },
    Recipe {
        op: "accept_role_invite",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::Access { fresh: true },
        faults: &[
            (200, "jsonapi-media-type"),
            (404, "invite-to-someone-else"),
            (403, "invite-already-accepted"),
        ],
    },
    Recipe {
        op: "login",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[(401, "wrong-password"), (401, "unknown-email")],
    },
    Recipe {
        op: "refresh_token",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::Refresh,
        faults: &[],
    },
    Recipe {
        op: "change_password",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::Access { fresh: true },
        faults: &[
            (401, "not-fresh-token"),
            (422, "wrong-old-password"),
            (422, "short-new-password"),
            (422, "same-password"),
        ],
    },
    Recipe {
        op: "verify_email",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[(400, "invalid-mail-token")],
    },
    Recipe {
        op: "resend_verification_email",
        needs_seeding: false,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[],
    },
    Recipe {
        op: "request_password_reset",
        needs_seeding: false,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[],
    },
    Recipe {
        op: "reset_password",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::None,
        faults: &[(400, "invalid-mail-token"), (422, "short-password")],
    },
    Recipe {
        op: "oauth_authorization_url",
        needs_seeding: false,
        needs_providers: true,
        token: TokenUse::None,
        faults: &[
            (200, "facebook"),
            (200, "connect-state"),
            (404, "unknown-provider"),
        ],
    },
    Recipe {
        op: "oauth_login",
        needs_seeding: true,
        needs_providers: true,
        token: TokenUse::None,
        faults: &[
            (200, "facebook"),
            (200, "query-parameters"),
            (400, "tampered-state"),
            (400, "expired-state"),
            (400, "replayed-state"),
            (400, "other-provider-state"),
            (400, "missing-code"),
            (401, "blocked-account"),
            (403, "access-denied"),
            (404, "unknown-provider"),
            (409, "unverified-email"),
            (502, "provider-down"),
        ],
    },
    Recipe {
        op: "oauth_connect",
        needs_seeding: true,
        needs_providers: true,
        token: TokenUse::Access { fresh: true },
        faults: &[
            (200, "facebook"),
            (400, "login-state"),
            (400, "other-user-state"),
            (403, "access-denied"),
            (404, "unknown-provider"),
            (409, "linked-to-another-user"),
            (502, "provider-down"),
        ],
    },
    Recipe {
        op: "list_oauth_connections",
        needs_seeding: true,
        needs_providers: false,
        token: TokenUse::Access { fresh: true },
        faults: &[],
    },
    Recipe {
        op: "delete_oauth_connection",
        needs_seeding: true,
        needs_providers: true,
        token: TokenUse::Access { fresh: true },
        faults: &[(404, "not-connected"), (409, "last-login-method")],
    },
];

/// The fault that needs the server's database down: run against a
/// dedicated in-process server whose pool is closed.
pub const DATABASE_DOWN: &str = "database-down";

/// Operation-specific faults on an operation's *generic* happy request:
/// `(operationId, status, name)`.
const FAULTS: &[(&str, u16, &str)] = &[
    // The owner's grant is never changed; nobody becomes owner by PATCH.
    (
        "update_users_events_role_role_relationship",
        403,
        "owner-grant",
    ),
    (
        "update_users_events_role_role_relationship",
        403,
        "to-owner-role",
    ),
];

/// The fault of a hard `DELETE` documenting 409: the object is still
/// referenced (its kind makes it so: [`Kind::reference`](crate::runner::kinds::Kind::reference)).
pub const REFERENCED: &str = "referenced";

/// The permission shape of a recipe operation whose rules are about a
/// stored object (accepting an invite finds the invite by its token).
pub fn permission_shape(op_id: &str) -> Option<crate::runner::oracle::Shape> {
    if op_id != "accept_role_invite" {
        return None;
    }
    Some(crate::runner::oracle::Shape::Token {
        obj: crate::runner::world::Obj::primary("role-invite")?,
        secret: "hash",
    })
}

/// Whether the rows of `op_id` are covered by its recipe's own cases (the
/// `/v1/auth` helpers: their rules are about the caller only).
pub fn covers_rows(op_id: &str) -> bool {
    recipe(op_id).is_some() && !has_permission_shape(op_id)
}

fn recipe(op_id: &str) -> Option<&'static Recipe> {
    RECIPES.iter().find(|r| r.op == op_id)
}

/// Whether the operation's rows are about a stored object a recipe finds
/// (see [`permission_shape`]), even when no kind seeds it.
fn has_permission_shape(op_id: &str) -> bool {
    op_id == "accept_role_invite"
}

/// `Some(plan)` when `op` has a recipe (`Some(Err(why))`: it cannot run here).
pub fn plan(op: &Operation, caps: &Caps) -> Option<Result<BasePlan, String>> {
    let r = recipe(&op.id)?;
    if r.needs_seeding && !caps.seeding() {
        return Some(Err(
            "its recipe needs a seeded account (pass --database-url)".into(),
        ));
    }
    if r.needs_providers && !caps.providers {
        return Some(Err(
            "its recipe plays a login through the OAuth provider stand-ins \
             (in-process, or pass --google-mock-addr, --facebook-mock-addr and \
             --graph-mock-addr and start the server pointing at them)"
                .into(),
        ));
    }
    Some(Ok(BasePlan {
        actor: if r.token == TokenUse::None {
            Actor::Anyone
        } else {
            Actor::Registered
        },
        token: r.token,
        params: Vec::new(),
        body_type: None,
        linkage: None,
        recipe: Some(r.op),
        own: false,
    }))
}

/// Plans the recipe's own faults, and the operation-specific faults on a
/// generic happy request.
pub fn derive(op: &Operation, base: &BasePlan, caps: &Caps, out: &mut Derived) {
    let Some(r) = base.recipe.and_then(recipe) else {
        if op.method == "DELETE"
            && op.documents(409)
            && base
                .params
                .last()
                .is_some_and(|(_, kind)| caps.referable.iter().any(|k| k == kind))
        {
            out.push(
                409,
                base.actor,
                Scenario::Recipe {
                    name: REFERENCED.to_owned(),
                },
            );
        }
        for (id, status, name) in FAULTS {
            if *id == op.id && op.documents(*status) {
                out.push(
                    *status,
                    base.actor,
                    Scenario::Recipe {
                        name: (*name).to_owned(),
                    },
                );
            }
        }
        return;
    };
    for (status, name) in r.faults {
        if *name == "expired-state" && !caps.can_sign {
            out.skipped.push(format!(
                "{}: {name} — needs the server's JWT secret (--jwt-secret)",
                op.id
            ));
            continue;
        }
        if *name == DATABASE_DOWN && !caps.can_break_database {
            out.skipped.push(format!(
                "{}: {name} — needs the server's database down (in-process target only)",
                op.id
            ));
            out.skipped_statuses.push(*status);
            continue;
        }
        if op.documents(*status) {
            out.push(
                *status,
                base.actor,
                Scenario::Recipe {
                    name: (*name).to_owned(),
                },
            );
        }
    }
}

fn salt(ctx: &FactoryContext) -> String {
    format!("{:08x}", ctx.seed() as u32)
}

/// Asks the server to mail `email` (through operation `trigger`) and reads
/// the token of mail kind `kind` from the outbox.
async fn mailed_token(
    env: &Env,
    trigger: &str,
    email: &str,
    kind: &str,
) -> Result<String, RunnerError> {
    let op = env
        .spec
        .operation(trigger)
        .ok_or_else(|| RunnerError::Seed(format!("the spec has no `{trigger}` operation")))?;
    let mut req = HttpRequest::new(&op.method, op.path.clone());
    req.set_header("Content-Type", "application/json");
    req.body = Some(json!({"data": {"email": email}}).to_string());
    let ex = env.send(&req).await;
    if ex.response.status != 200 {
        return Err(RunnerError::Seed(format!(
            "{trigger} answered {} {}",
            ex.response.status, ex.response.body
        )));
    }
    env.seeder()?
        .mail_token(email, kind)
        .await?
        .ok_or_else(|| RunnerError::Seed(format!("no `{kind}` mail to {email}")))
}

/// Builds the happy request of a recipe operation.
pub async fn build(
    env: &Env,
    op: &Operation,
    name: &'static str,
    check: &Check,
    ctx: FactoryContext,
) -> Result<Base, RunnerError> {
    let mut request = HttpRequest::new(&op.method, op.path.clone());
    request.set_header("Accept", op.accept());
    let seeding = env.target.seeder.is_some();
    let kind = if name == "verify_email" || name == "resend_verification_email" {
        UserKind::Unverified
    } else {
        UserKind::Regular
    };
    let user = if seeding {
        Some(env.seeder()?.user(&ctx, kind).await?)
    } else {
        None
    };
    let email = user
        .as_ref()
        .map(|u| u.email.clone())
        .unwrap_or_else(|| format!("nobody.{}@example.test", salt(&ctx)));
    let mut ids = Vec::new();
    let oauth = super::oauth::build(env, &op.path, name, &ctx, user.as_ref()).await?;
    let body: Option<Value> = match name {
        _ if oauth.is_some() => {
            let (oauth_ids, body) = oauth.unwrap_or_default();
            ids = oauth_ids;
            request.path = super::base::fill_path(&op.path, &ids);
            body
        }
        "login" => {
            let u = user.as_ref().ok_or_else(no_user)?;
            Some(json!({"email": u.email, "password": u.password}))
        }
        "change_password" => {
            let u = user.as_ref().ok_or_else(no_user)?;
            Some(json!({"data": {
                "old-password": u.password,
                "new-password": format!("contract-new-{}", salt(&ctx)),
            }}))
        }
        "verify_email" => {
            let token =
                mailed_token(env, "resend_verification_email", &email, "verify-email").await?;
            Some(json!({"data": {"token": token}}))
        }
        "resend_verification_email" | "request_password_reset" => {
            Some(json!({"data": {"email": email}}))
        }
        "accept_role_invite" => {
            let u = user.as_ref().ok_or_else(no_user)?;
            let invite = env.seeder()?.invite(&ctx, Some(u), false).await?;
            Some(json!({"data": {"token": invite.hash}}))
        }
        "reset_password" => {
            let token =
                mailed_token(env, "request_password_reset", &email, "reset-password").await?;
            Some(
                json!({"data": {"token": token, "password": format!("contract-reset-{}", salt(&ctx))}}),
            )
        }
        _ => None,
    };
    let token_type = match (recipe(name).map(|r| r.token), &user) {
        (Some(TokenUse::Access { fresh }), Some(u)) => {
            let t = env.target.access_token(u, fresh).await?;
            request.set_header("Authorization", format!("JWT {t}"));
            Some(open_event_server::auth::jwt::TokenType::Access)
        }
        (Some(TokenUse::Refresh), Some(u)) => {
            let t = env.target.refresh_token(u).await?;
            request.set_header("Authorization", format!("JWT {t}"));
            Some(open_event_server::auth::jwt::TokenType::Refresh)
        }
        _ => None,
    };
    if let Some(b) = body {
        let media = op
            .request_body
            .as_ref()
            .map(|rb| media_essence(&rb.media_type))
            .unwrap_or_else(|| "application/json".into());
        request.set_header("Content-Type", media);
        request.body = Some(b.to_string());
    }
    let _ = check;
    Ok(Base {
        request,
        user,
        ids,
        ctx,
        token_type,
    })
}

fn no_user() -> RunnerError {
    RunnerError::Seed("this recipe needs a seeded user".into())
}

fn set(base: &mut Base, path: &[&str], value: Value) {
    if let Some(mut doc) = base.body_json() {
        body::apply(
            &mut doc,
            &BodyEdit {
                path: path.iter().map(|s| (*s).to_owned()).collect(),
                value: Some(value),
            },
        );
        base.set_body(&doc);
    }
}

/// Applies a recipe fault to the happy request of `op`.
pub async fn apply(
    env: &Env,
    op: &Operation,
    name: &str,
    base: &mut Base,
) -> Result<(), RunnerError> {
    match name {
        "jsonapi-media-type" => base
            .request
            .set_header("Content-Type", crate::runner::spec::JSONAPI),
        "invite-to-someone-else" => {
            let other = env.seeder()?.invite(&base.ctx, None, false).await?;
            set(base, &["data", "token"], json!(other.hash));
        }
        "invite-already-accepted" => {
            let u = base.user.clone().ok_or_else(no_user)?;
            let done = env.seeder()?.invite(&base.ctx, Some(&u), true).await?;
            set(base, &["data", "token"], json!(done.hash));
        }
        "owner-grant" => {
            let u = base.user.clone().ok_or_else(no_user)?;
            let grant = env.seeder()?.owner_grant(&base.ctx, &u).await?;
            if let Some((_, id)) = base.ids.last_mut() {
                *id = grant;
            }
            base.request.path = super::base::fill_path(&op.path, &base.ids);
        }
        "to-owner-role" => {
            let owner = env.seeder()?.role_id("owner").await?;
            set(base, &["data", "id"], json!(owner.to_string()));
        }
        REFERENCED => {
            let (_, id) = base.ids.last().cloned().ok_or_else(no_user)?;
            let kind = op
                .path_params()
                .last()
                .map(|p| op.param_kind(&env.spec, p))
                .unwrap_or_default();
            if !env.seeder()?.reference(&base.ctx, &kind, &id).await? {
                return Err(RunnerError::Seed(format!("cannot reference a `{kind}`")));
            }
        }
        DATABASE_DOWN => {}
        "wrong-password" => set(base, &["password"], json!("not-the-password")),
        "unknown-email" => set(
            base,
            &["email"],
            json!(format!("nobody.{}@example.test", salt(&base.ctx))),
        ),
        "not-fresh-token" => {
            let u = base.user.as_ref().ok_or_else(no_user)?;
            let t = env.target.access_token(u, false).await?;
            base.request.set_header("Authorization", format!("JWT {t}"));
        }
        "wrong-old-password" => set(base, &["data", "old-password"], json!("not-the-password")),
        "short-new-password" => set(base, &["data", "new-password"], json!("short")),
        "same-password" => {
            let u = base.user.as_ref().ok_or_else(no_user)?;
            let old = u.password.clone();
            set(base, &["data", "new-password"], json!(old));
        }
        "invalid-mail-token" => set(base, &["data", "token"], json!("not-a-valid-token")),
        "short-password" => set(base, &["data", "password"], json!("short")),
        oauth if super::oauth::FAULTS.contains(&oauth) => {
            super::oauth::apply(env, &op.id, &op.path, oauth, base).await?;
        }
        other => {
            return Err(RunnerError::Seed(format!("unknown recipe fault `{other}`")));
        }
    }
    Ok(())
}

/// Sends `req` to a dedicated in-process server whose database pool is
/// closed (the `database-down` fault): the target itself stays healthy.
pub async fn send_database_down(
    env: &Env,
    req: &HttpRequest,
) -> Result<crate::runner::http::Exchange, RunnerError> {
    let app = TestApp::spawn()
        .await
        .map_err(|e| RunnerError::Target(e.to_string()))?;
    app.state
        .db
        .clone()
        .close()
        .await
        .map_err(|e| RunnerError::Target(format!("closing the pool: {e}")))?;
    Ok(req.send(&env.target.client, &app.base).await)
}
