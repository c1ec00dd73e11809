//! `/v1/auth/oauth`: log in with Google or Facebook, and connect those
//! accounts to your own.
//!
//! 1. `GET /v1/auth/oauth/{provider}` answers the provider's authorization
//!    URL with a signed, expiring, single-use `state` (a connect state when
//!    called with a token) and, for Google, a PKCE S256 challenge.
//! 2. The provider sends the browser back to the frontend's callback
//!    (`oauth_redirect_uri`) with `code` and `state`.
//! 3. The frontend posts them (query or JSON body) to
//!    `POST /v1/auth/oauth/login/{provider}` for our tokens, or, logged in,
//!    to `POST /v1/auth/oauth/connect/{provider}`.
//!
//! See `auth::oauth_state` (the state and PKCE), `oauth` (the providers)
//! and `auth::social` (whose account a login is).

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags,
    auth::{Message, TokenPair, message, token_pair},
    optional_body::OptionalJson,
    strict::Text,
};
use crate::{
    auth::{
        Authenticated, Caller,
        oauth_state::{self, ConsumeError, Purpose, Refusal},
        password, social,
    },
    db::{self, entities::oauth_account},
    error::{ApiError, Errs, status::*},
    oauth::{Profile, Provider},
    state::AppState,
};

/// The OAuth endpoints.
pub struct OAuthApi;

/// Where to send the browser.
#[derive(Debug, Object)]
pub struct AuthorizationUrl {
    /// The provider's authorization URL (client id, redirect URI, scope,
    /// `response_type=code`, `state`; for Google also the PKCE challenge).
    #[oai(validator(max_length = 4096))]
    pub url: String,
}

/// What the provider put on the callback URL, as a JSON body (the same
/// members are also read from the query string).
#[derive(Debug, Object)]
pub struct OAuthCallback {
    /// The authorization code.
    pub code: Option<Text>,
    /// The `state` the authorization URL carried.
    pub state: Option<Text>,
    /// The provider's error, e.g. `access_denied` when consent was refused.
    pub error: Option<Text>,
    /// The provider's explanation of `error`.
    pub error_description: Option<Text>,
}

/// A provider account connected to yours.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Connection {
    /// `google` or `facebook`.
    pub provider: String,
    /// The provider account's email when it was connected.
    pub email: Option<String>,
    /// The provider account's name when it was connected.
    pub name: Option<String>,
    /// When it was connected.
    #[oai(rename = "connected-at")]
    pub connected_at: DateTime<Utc>,
}

impl From<oauth_account::Model> for Connection {
    fn from(m: oauth_account::Model) -> Self {
        Connection {
            provider: m.provider,
            email: m.email,
            name: m.name,
            connected_at: m.created_at,
        }
    }
}

/// Your ways to log in.
#[derive(Debug, Object)]
pub struct Connections {
    /// The provider accounts connected to yours.
    pub connections: Vec<Connection>,
    /// Whether the account has a password (accounts made by a provider
    /// login have none until a password reset sets one).
    #[oai(rename = "has-password")]
    pub has_password: bool,
}

/// Query parameters the callback may carry besides ours: providers add them
/// to the redirect, and frontends forward the whole query string.
const PROVIDER_EXTRAS: [&str; 6] = [
    "scope",
    "authuser",
    "prompt",
    "hd",
    "error_reason",
    "error_code",
];
const CALLBACK_PARAMS: [&str; 4] = ["code", "state", "error", "error_description"];

fn check_query(req: &Request) -> Result<(), ApiError> {
    let Some(query) = req.uri().query() else {
        return Ok(());
    };
    for (name, _) in url::form_urlencoded::parse(query.as_bytes()) {
        if !CALLBACK_PARAMS.contains(&name.as_ref()) && !PROVIDER_EXTRAS.contains(&name.as_ref()) {
            return Err(ApiError::bad_parameter(
                &name,
                format!(
                    "Unknown query parameter `{name}`: this operation reads code, state, error \
                     and error_description (and ignores {}).",
                    PROVIDER_EXTRAS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// One callback member from the query or the body (both: they must agree).
fn member(
    name: &str,
    query: Option<String>,
    body: Option<&Text>,
) -> Result<Option<String>, ApiError> {
    let body = body.map(|t| t.0.clone());
    match (query, body) {
        (Some(q), Some(b)) if q != b => Err(ApiError::bad_request(format!(
            "`{name}` differs between the query string and the body; send it once."
        ))
        .at_parameter(name)),
        (q, b) => Ok(q.or(b).filter(|v| !v.trim().is_empty())),
    }
}

/// The callback's members, merged from query and body.
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// Where `state` came from, for the error's `source`.
    state_in_body: bool,
}

struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The callback's members, from the query string (unknown parameters
/// refused) and the JSON body, as the login and the connect read them.
fn callback(
    req: &Request,
    code: Query<Option<String>>,
    state: Query<Option<String>>,
    error: Query<Option<String>>,
    error_description: Query<Option<String>>,
    body: &OptionalJson<OAuthCallback>,
) -> Result<Callback, ApiError> {
    check_query(req)?;
    let query = CallbackQuery {
        code: code.0,
        state: state.0,
        error: error.0,
        error_description: error_description.0,
    };
    merge(query, body.0.as_ref())
}

fn merge(query: CallbackQuery, body: Option<&OAuthCallback>) -> Result<Callback, ApiError> {
    let state_in_body = query.state.is_none() && body.is_some_and(|b| b.state.is_some());
    let _ = member(
        "error_description",
        query.error_description,
        body.and_then(|b| b.error_description.as_ref()),
    )?;
    Ok(Callback {
        code: member("code", query.code, body.and_then(|b| b.code.as_ref()))?,
        state: member("state", query.state, body.and_then(|b| b.state.as_ref()))?,
        error: member("error", query.error, body.and_then(|b| b.error.as_ref()))?,
        state_in_body,
    })
}

fn invalid_state(cb: &Callback, detail: impl Into<String>) -> ApiError {
    let e = ApiError::new(poem::http::StatusCode::BAD_REQUEST, "invalid-state", detail);
    if cb.state_in_body {
        e.at_pointer("/state")
    } else {
        e.at_parameter("state")
    }
}

/// Checks and consumes the state, reads the provider's verdict, exchanges
/// the code: the profile of who logged in at the provider.
async fn finish(
    state: &AppState,
    provider: Provider,
    purpose: Purpose,
    caller: Option<i64>,
    cb: Callback,
) -> Result<Profile, ApiError> {
    let secret = &state.settings.jwt_secret;
    let Some(token) = cb.state.as_deref() else {
        return Err(invalid_state(
            &cb,
            "The `state` is missing: send back the state the provider returned.",
        ));
    };
    let restart = "start the login again";
    let claims = oauth_state::verify(secret, token).map_err(|r| {
        invalid_state(
            &cb,
            match r {
                Refusal::Expired => format!("The `state` has expired; {restart}."),
                _ => format!("The `state` is not one this server issued; {restart}."),
            },
        )
    })?;
    if claims.prv != provider.name() {
        return Err(invalid_state(
            &cb,
            format!(
                "The `state` was issued for `{}`, not `{}`; {restart}.",
                claims.prv,
                provider.name()
            ),
        ));
    }
    match (purpose, claims.pur) {
        (Purpose::Login, Purpose::Connect) => {
            return Err(invalid_state(
                &cb,
                "The `state` was issued to connect an account (the authorization URL was \
                 requested with a token), not to log in; request it without a token.",
            ));
        }
        (Purpose::Connect, Purpose::Login) => {
            return Err(invalid_state(
                &cb,
                "The `state` was issued to log in, not to connect an account; request the \
                 authorization URL with your token.",
            ));
        }
        (Purpose::Connect, Purpose::Connect) if claims.uid != caller => {
            return Err(invalid_state(
                &cb,
                "The `state` was issued to another account; request a new authorization URL.",
            ));
        }
        _ => {}
    }
    oauth_state::consume(&state.writer, &claims)
        .await
        .map_err(|e| match e {
            ConsumeError::Used => {
                invalid_state(&cb, format!("The `state` was already used; {restart}."))
            }
            ConsumeError::Db(e) => e,
        })?;
    if let Some(error) = cb.error.as_deref() {
        let title = provider.title();
        if error == "access_denied" {
            return Err(ApiError::new(
                poem::http::StatusCode::FORBIDDEN,
                "access-denied",
                format!(
                    "You declined to share your {title} account, so nothing was logged in or \
                     connected."
                ),
            ));
        }
        let shown: String = error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        return Err(ApiError::new(
            poem::http::StatusCode::BAD_GATEWAY,
            "provider-error",
            format!("{title} refused the authorization ({shown}). Start the login again."),
        ));
    }
    let Some(code) = cb.code.as_deref() else {
        return Err(ApiError::bad_request(
            "The authorization `code` is missing: send back the code the provider returned.",
        )
        .at_parameter("code"));
    };
    let verifier = claims.code_verifier(secret)?;
    state.oauth.profile(provider, code, &verifier).await
}

#[OpenApi(prefix_path = "/v1/auth/oauth", tag = "ApiTags::Auth")]
impl OAuthApi {
    /// Start a Google or Facebook login
    ///
    /// Answers the provider's authorization URL: send the browser there. It
    /// carries a signed `state` valid for 10 minutes and usable once (and for
    /// Google a PKCE challenge whose verifier never leaves the server). The
    /// provider sends the browser back to the frontend's callback
    /// (`--oauth-redirect-uri`, default `<frontend-url>/oauth/callback`) with
    /// `code` and `state`. Called with a token, the state is for connecting
    /// the provider account to the caller's (`POST
    /// /v1/auth/oauth/connect/{provider}`); without, for logging in. 404 for
    /// an unknown provider or one without a configured client.
    #[oai(
        path = "/:provider",
        method = "get",
        operation_id = "oauth_authorization_url"
    )]
    async fn authorization_url(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        /// `google` or `facebook`.
        provider: Path<String>,
    ) -> Result<Json<AuthorizationUrl>, Errs<{ UNAUTHORIZED | NOT_FOUND | NOT_ACCEPTABLE }>> {
        let provider = state.oauth.configured(&provider)?;
        let (purpose, uid) = match caller.user_id() {
            Some(id) => (Purpose::Connect, Some(id)),
            None => (Purpose::Login, None),
        };
        let claims = oauth_state::issue(provider.name(), purpose, uid, oauth_state::TTL);
        let secret = &state.settings.jwt_secret;
        let url = state.oauth.authorization_url(
            provider,
            &claims.encode(secret)?,
            &claims.code_challenge(secret)?,
        )?;
        Ok(Json(AuthorizationUrl { url }))
    }

    /// Log in with Google or Facebook
    ///
    /// With the `code` and `state` the provider put on the callback URL, as
    /// query parameters (as Open Event's frontend sends them) or a JSON body.
    /// Answers our tokens, like a password login. The linked account logs
    /// in; else an account with the provider's email is linked when the
    /// provider verified that email (else 409: log in with your password and
    /// connect the provider instead); else a new verified account without a
    /// password is made (409 when the provider shares no verified email).
    /// A bad, expired, used or foreign `state` is a 400; `error=access_denied`
    /// (consent refused) a 403; a provider that fails, times out or answers
    /// nonsense a 502. The provider's extra callback parameters (`scope`,
    /// `authuser`, `prompt`, `hd`, `error_reason`, `error_code`) are ignored.
    #[allow(clippy::too_many_arguments)]
    #[oai(
        path = "/login/:provider",
        method = "post",
        operation_id = "oauth_login"
    )]
    async fn login(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// `google` or `facebook`.
        provider: Path<String>,
        /// The authorization code from the callback URL.
        code: Query<Option<String>>,
        /// The `state` from the callback URL.
        #[oai(name = "state")]
        state_param: Query<Option<String>>,
        /// The provider's error from the callback URL (`access_denied`).
        error: Query<Option<String>>,
        /// The provider's explanation of `error` (ignored).
        error_description: Query<Option<String>>,
        body: OptionalJson<OAuthCallback>,
    ) -> Result<
        Json<TokenPair>,
        Errs<
            {
                BAD_REQUEST
                    | UNAUTHORIZED
                    | FORBIDDEN
                    | NOT_FOUND
                    | NOT_ACCEPTABLE
                    | CONFLICT
                    | UNSUPPORTED_MEDIA_TYPE
                    | BAD_GATEWAY
            },
        >,
    > {
        let provider = state.oauth.configured(&provider)?;
        let cb = callback(req, code, state_param, error, error_description, &body)?;
        let profile = finish(&state, provider, Purpose::Login, None, cb).await?;
        let txn = db::write::begin(&state.writer).await?;
        let user = social::login(&txn, provider, &profile).await?;
        txn.commit().await?;
        Ok(Json(token_pair(&state, &user)?))
    }

    /// Connect a Google or Facebook account to yours
    ///
    /// Logged in, with the `code` and `state` of a round trip started by
    /// `GET /v1/auth/oauth/{provider}` **with your token** (the state names
    /// your account). A provider account connected to another user, or a
    /// second account of the same provider, is a 409; connecting the same
    /// account again changes nothing. Only the provider's user id is kept,
    /// never its tokens. Other answers as for the login.
    #[allow(clippy::too_many_arguments)]
    #[oai(
        path = "/connect/:provider",
        method = "post",
        operation_id = "oauth_connect"
    )]
    async fn connect(
        &self,
        state: Data<&AppState>,
        auth: Authenticated,
        req: &Request,
        /// `google` or `facebook`.
        provider: Path<String>,
        /// The authorization code from the callback URL.
        code: Query<Option<String>>,
        /// The `state` from the callback URL.
        #[oai(name = "state")]
        state_param: Query<Option<String>>,
        /// The provider's error from the callback URL (`access_denied`).
        error: Query<Option<String>>,
        /// The provider's explanation of `error` (ignored).
        error_description: Query<Option<String>>,
        body: OptionalJson<OAuthCallback>,
    ) -> Result<
        Json<Connection>,
        Errs<
            {
                BAD_REQUEST
                    | UNAUTHORIZED
                    | FORBIDDEN
                    | NOT_FOUND
                    | NOT_ACCEPTABLE
                    | CONFLICT
                    | UNSUPPORTED_MEDIA_TYPE
                    | BAD_GATEWAY
            },
        >,
    > {
        let provider = state.oauth.configured(&provider)?;
        let cb = callback(req, code, state_param, error, error_description, &body)?;
        let me = auth.user();
        let profile = finish(&state, provider, Purpose::Connect, Some(me.id), cb).await?;
        let txn = db::write::begin(&state.writer).await?;
        let link = social::connect(&txn, me, provider, &profile).await?;
        txn.commit().await?;
        Ok(Json(link.into()))
    }

    /// List your connected provider accounts
    ///
    /// The Google and Facebook accounts connected to yours, and whether your
    /// account has a password: together, your ways to log in.
    #[oai(
        path = "/connections",
        method = "get",
        operation_id = "list_oauth_connections"
    )]
    async fn connections(
        &self,
        state: Data<&AppState>,
        auth: Authenticated,
    ) -> Result<Json<Connections>, Errs<{ UNAUTHORIZED | NOT_ACCEPTABLE }>> {
        let me = auth.user();
        let links = db::oauth_accounts::all_of_user(&state.db, me.id).await?;
        Ok(Json(Connections {
            connections: links.into_iter().map(Connection::from).collect(),
            has_password: password::is_set(&me.password_hash),
        }))
    }

    /// Disconnect a provider account from yours
    ///
    /// 404 when your account is not connected to that provider; 409 when it
    /// is your last way to log in (no password and no other provider).
    #[oai(
        path = "/connections/:provider",
        method = "delete",
        operation_id = "delete_oauth_connection"
    )]
    async fn disconnect(
        &self,
        state: Data<&AppState>,
        auth: Authenticated,
        /// `google` or `facebook`.
        provider: Path<String>,
    ) -> Result<Json<Message>, Errs<{ UNAUTHORIZED | NOT_FOUND | NOT_ACCEPTABLE | CONFLICT }>> {
        let provider = Provider::from_name(&provider).ok_or_else(|| {
            ApiError::not_found(format!(
                "No provider `{}`: the providers are google and facebook.",
                provider.0
            ))
            .at_parameter("provider")
        })?;
        let txn = db::write::begin(&state.writer).await?;
        social::disconnect(&txn, auth.user(), provider).await?;
        txn.commit().await?;
        Ok(message(&format!("{} disconnected", provider.title())))
    }
}
