//! The OAuth recipes (`/v1/auth/oauth/…`): happy paths that play a real
//! round trip through the provider stand-ins the runner runs (the server's
//! authorization URL, the stand-in's consent redirect with a code, the
//! server's login or connect), and their faults. Each check logs in as its
//! own provider account (`login_hint` of a unique email), so checks running
//! in parallel never share one; provider failures are scoped to the check's
//! own code (a wiremock stub matching it), never a stand-in-wide mode.

use open_event_factories::FactoryContext;
use open_event_mocks::{FakeUser, MockServer};
use open_event_server::auth::oauth_state::{self, Purpose};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockBuilder, ResponseTemplate,
    matchers::{body_string_contains, method, path, path_regex, query_param},
};

use super::base::{Base, fill_path};
use crate::{
    providers::{Callback, Providers, consent},
    runner::{
        RunnerError,
        env::Env,
        http::HttpRequest,
        seed::{SeededUser, UserKind},
    },
};

/// The provider of every happy request.
pub const PROVIDER: &str = "google";
/// A provider name the server does not know.
pub const UNKNOWN_PROVIDER: &str = "myspace";

fn setup(why: impl Into<String>) -> RunnerError {
    RunnerError::Seed(why.into())
}

fn providers(env: &Env) -> Result<&Providers, RunnerError> {
    env.target
        .providers
        .as_deref()
        .ok_or_else(|| setup("no provider stand-ins (pass --google-mock-addr …)"))
}

/// A provider account of its own for this check: a unique email the
/// stand-in turns into a new account.
fn hint(ctx: &FactoryContext) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "oauth.{:08x}.{}@example.test",
        ctx.seed() as u32,
        &nonce[..8]
    )
}

/// `GET /v1/auth/oauth/{provider}` (with `token`: a connect state): the URL.
async fn authorization_url(
    env: &Env,
    provider: &str,
    token: Option<&str>,
) -> Result<String, RunnerError> {
    let mut req = HttpRequest::new("GET", format!("/v1/auth/oauth/{provider}"));
    if let Some(t) = token {
        req.set_header("Authorization", format!("JWT {t}"));
    }
    let ex = env.send(&req).await;
    match ex.response.json().get("url").and_then(Value::as_str) {
        Some(url) if ex.response.status == 200 => Ok(url.to_owned()),
        _ => Err(setup(format!(
            "GET /v1/auth/oauth/{provider} answered {} {}",
            ex.response.status, ex.response.body
        ))),
    }
}

/// A whole round trip up to the callback, as `hint`'s provider account.
async fn callback(
    env: &Env,
    provider: &str,
    token: Option<&str>,
    hint: &str,
) -> Result<Callback, RunnerError> {
    let url = authorization_url(env, provider, token).await?;
    consent(&env.target.client, &url, Some(hint))
        .await
        .map_err(setup)
}

fn body(cb: &Callback) -> Value {
    json!({"code": cb.code, "state": cb.state})
}

fn state_in(url: &str) -> Result<String, RunnerError> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
        })
        .ok_or_else(|| setup(format!("no state in {url}")))
}

fn bearer(base: &Base) -> Result<String, RunnerError> {
    base.request
        .header("Authorization")
        .and_then(|h| h.strip_prefix("JWT "))
        .map(str::to_owned)
        .ok_or_else(|| setup("the happy request carries no token"))
}

async fn token_of(env: &Env, user: &SeededUser) -> Result<String, RunnerError> {
    env.target.access_token(user, true).await
}

/// Sends `req` and requires `status`.
async fn expect(env: &Env, req: &HttpRequest, status: u16) -> Result<Value, RunnerError> {
    let ex = env.send(req).await;
    if ex.response.status != status {
        return Err(setup(format!(
            "{} {} answered {} (wanted {status}): {}",
            req.method, req.path, ex.response.status, ex.response.body
        )));
    }
    Ok(ex.response.json())
}

fn post(op: &str, provider: &str, token: Option<&str>, body: &Value) -> HttpRequest {
    let mut req = HttpRequest::new("POST", format!("/v1/auth/oauth/{op}/{provider}"));
    req.set_header("Content-Type", "application/json");
    req.body = Some(body.to_string());
    if let Some(t) = token {
        req.set_header("Authorization", format!("JWT {t}"));
    }
    req
}

/// Our tokens for a new account made by a provider login.
async fn oauth_only_account(env: &Env, ctx: &FactoryContext) -> Result<String, RunnerError> {
    let cb = callback(env, PROVIDER, None, &hint(ctx)).await?;
    let tokens = expect(env, &post("login", PROVIDER, None, &body(&cb)), 200).await?;
    tokens
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| setup("no access_token"))
}

/// Sets the path parameter `provider` of the happy request.
fn set_provider(base: &mut Base, op_path: &str, provider: &str) {
    base.ids = vec![("provider".to_owned(), provider.to_owned())];
    base.request.path = fill_path(op_path, &base.ids);
}

/// Builds the happy request of an OAuth recipe (`None`: not one).
pub async fn build(
    env: &Env,
    op_path: &str,
    name: &str,
    ctx: &FactoryContext,
    user: Option<&SeededUser>,
) -> Result<Option<(Vec<(String, String)>, Option<Value>)>, RunnerError> {
    let ids = vec![("provider".to_owned(), PROVIDER.to_owned())];
    let body = match name {
        "oauth_authorization_url" | "list_oauth_connections" => None,
        "oauth_login" => Some(body(&callback(env, PROVIDER, None, &hint(ctx)).await?)),
        "oauth_connect" => {
            let u = user.ok_or_else(|| setup("no account to connect to"))?;
            let t = token_of(env, u).await?;
            Some(body(&callback(env, PROVIDER, Some(&t), &hint(ctx)).await?))
        }
        "delete_oauth_connection" => {
            let u = user.ok_or_else(|| setup("no account to disconnect from"))?;
            let t = token_of(env, u).await?;
            let cb = callback(env, PROVIDER, Some(&t), &hint(ctx)).await?;
            expect(env, &post("connect", PROVIDER, Some(&t), &body(&cb)), 200).await?;
            None
        }
        _ => return Ok(None),
    };
    let _ = op_path;
    Ok(Some((ids, body)))
}

/// The names of the OAuth faults, for [`apply`].
pub const FAULTS: [&str; 18] = [
    "not-connected",
    "facebook",
    "connect-state",
    "unknown-provider",
    "query-parameters",
    "tampered-state",
    "expired-state",
    "replayed-state",
    "other-provider-state",
    "missing-code",
    "blocked-account",
    "access-denied",
    "unverified-email",
    "provider-down",
    "login-state",
    "other-user-state",
    "linked-to-another-user",
    "last-login-method",
];

fn edit(base: &mut Base, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    if let Some(Value::Object(mut doc)) = base.body_json() {
        f(&mut doc);
        base.set_body(&Value::Object(doc));
    }
}

fn body_state(base: &Base) -> Result<String, RunnerError> {
    base.body_json()
        .and_then(|b| b.get("state").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| setup("the happy body has no state"))
}

fn body_code(base: &Base) -> Result<String, RunnerError> {
    base.body_json()
        .and_then(|b| b.get("code").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| setup("the happy body has no code"))
}

/// Makes the provider answer 503 to the exchange of `code` (and only it).
async fn fail_exchange(p: &Providers, provider: &str, code: &str) {
    let down = ResponseTemplate::new(503).set_body_json(
        json!({"error": "server_error", "error_description": "The service is currently unavailable."}),
    );
    let (server, mock): (&MockServer, MockBuilder) = if provider == "facebook" {
        (
            p.facebook.graph_server(),
            Mock::given(method("GET"))
                .and(path_regex(r"/oauth/access_token$"))
                .and(query_param("code", code)),
        )
    } else {
        let encoded: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
        (
            p.google.server(),
            Mock::given(method("POST"))
                .and(path("/token"))
                .and(body_string_contains(format!("code={encoded}"))),
        )
    };
    mock.respond_with(down).mount(server).await;
}

/// Applies an OAuth fault to the happy request of `op_id`.
pub async fn apply(
    env: &Env,
    op_id: &str,
    op_path: &str,
    name: &str,
    base: &mut Base,
) -> Result<(), RunnerError> {
    let ctx = base.ctx.clone();
    match (op_id, name) {
        (_, "unknown-provider") => set_provider(base, op_path, UNKNOWN_PROVIDER),
        ("oauth_authorization_url", "facebook") => set_provider(base, op_path, "facebook"),
        ("oauth_authorization_url", "connect-state") => {
            let u = env.seeder()?.user(&ctx, UserKind::Regular).await?;
            let t = token_of(env, &u).await?;
            base.request.set_header("Authorization", format!("JWT {t}"));
            base.user = Some(u);
        }
        ("oauth_login", "facebook") => {
            let cb = callback(env, "facebook", None, &hint(&ctx)).await?;
            set_provider(base, op_path, "facebook");
            base.set_body(&body(&cb));
        }
        ("oauth_connect", "facebook") => {
            let t = bearer(base)?;
            let cb = callback(env, "facebook", Some(&t), &hint(&ctx)).await?;
            set_provider(base, op_path, "facebook");
            base.set_body(&body(&cb));
        }
        (_, "query-parameters") => {
            let (code, state) = (body_code(base)?, body_state(base)?);
            base.request.add_query("code", &code);
            base.request.add_query("state", &state);
            base.request.body = None;
            base.request.remove_header("Content-Type");
        }
        (_, "tampered-state") => {
            let mut state = body_state(base)?;
            let at = state.find('.').map_or(0, |i| i + 6);
            let flipped = if state.get(at..=at) == Some("A") {
                "B"
            } else {
                "A"
            };
            state.replace_range(at..=at, flipped);
            edit(base, |b| {
                b.insert("state".into(), json!(state));
            });
        }
        (_, "expired-state") => {
            let secret = env
                .target
                .secret
                .as_deref()
                .ok_or_else(|| setup("signing a state needs the server's secret"))?;
            let expired = oauth_state::issue(PROVIDER, Purpose::Login, None, -1)
                .encode(secret)
                .map_err(|e| setup(format!("signing a state: {e:?}")))?;
            edit(base, |b| {
                b.insert("state".into(), json!(expired));
            });
        }
        (_, "replayed-state") => {
            expect(env, &base.request, 200).await?;
        }
        (_, "other-provider-state") => {
            let other = state_in(&authorization_url(env, "facebook", None).await?)?;
            edit(base, |b| {
                b.insert("state".into(), json!(other));
            });
        }
        (_, "missing-code") => edit(base, |b| {
            b.remove("code");
        }),
        (_, "access-denied") => edit(base, |b| {
            b.remove("code");
            b.insert("error".into(), json!("access_denied"));
        }),
        ("oauth_login", "blocked-account") => {
            // Log in once (the account is made), block it, log in again.
            let who = hint(&ctx);
            let cb = callback(env, PROVIDER, None, &who).await?;
            let tokens = expect(env, &post("login", PROVIDER, None, &body(&cb)), 200).await?;
            let access = tokens
                .get("access_token")
                .and_then(Value::as_str)
                .ok_or_else(|| setup("no access_token"))?;
            let id = claims_identity(access)?;
            let admin = env.seeder()?.user(&ctx, UserKind::SuperAdmin).await?;
            let admin_token = token_of(env, &admin).await?;
            let mut block = HttpRequest::new("PATCH", format!("/v1/users/{id}"));
            block.set_header("Content-Type", "application/vnd.api+json");
            block.set_header("Authorization", format!("JWT {admin_token}"));
            block.body = Some(
                json!({"data": {"type": "user", "id": id.to_string(),
                    "attributes": {"is-blocked": true}}})
                .to_string(),
            );
            expect(env, &block, 200).await?;
            let again = callback(env, PROVIDER, None, &who).await?;
            base.set_body(&body(&again));
        }
        ("oauth_login", "unverified-email") => {
            // An account has the email; the provider does not vouch for it.
            let owner = env.seeder()?.user(&ctx, UserKind::Regular).await?;
            providers(env)?
                .google
                .add_user(FakeUser::new(owner.email.clone()).unverified());
            let cb = callback(env, PROVIDER, None, &owner.email).await?;
            base.set_body(&body(&cb));
        }
        (_, "provider-down") => {
            let code = body_code(base)?;
            fail_exchange(providers(env)?, PROVIDER, &code).await;
        }
        ("oauth_connect", "login-state") => {
            let cb = callback(env, PROVIDER, None, &hint(&ctx)).await?;
            base.set_body(&body(&cb));
        }
        ("oauth_connect", "other-user-state") => {
            let other = env.seeder()?.user(&ctx, UserKind::Regular).await?;
            let t = token_of(env, &other).await?;
            let cb = callback(env, PROVIDER, Some(&t), &hint(&ctx)).await?;
            base.set_body(&body(&cb));
        }
        ("oauth_connect", "linked-to-another-user") => {
            let who = hint(&ctx);
            let other = env.seeder()?.user(&ctx, UserKind::Regular).await?;
            let t = token_of(env, &other).await?;
            let cb = callback(env, PROVIDER, Some(&t), &who).await?;
            expect(env, &post("connect", PROVIDER, Some(&t), &body(&cb)), 200).await?;
            let mine = bearer(base)?;
            let cb = callback(env, PROVIDER, Some(&mine), &who).await?;
            base.set_body(&body(&cb));
        }
        ("delete_oauth_connection", "not-connected") => set_provider(base, op_path, "facebook"),
        ("delete_oauth_connection", "last-login-method") => {
            let t = oauth_only_account(env, &ctx).await?;
            base.request.set_header("Authorization", format!("JWT {t}"));
        }
        (op, fault) => return Err(setup(format!("no OAuth fault `{fault}` for `{op}`"))),
    }
    Ok(())
}

fn claims_identity(token: &str) -> Result<i64, RunnerError> {
    use base64::Engine;
    let bad = || setup("our access token is not a JWT");
    let payload = token.split('.').nth(1).ok_or_else(bad)?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| bad())?;
    let claims: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    claims
        .get("identity")
        .and_then(Value::as_i64)
        .ok_or_else(bad)
}
