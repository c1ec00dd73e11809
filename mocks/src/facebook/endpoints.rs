//! The responders behind the Login dialog and the Graph API.

use serde_json::{Map, Value, json};
use wiremock::matchers::path_regex;
use wiremock::{Mock, Request, ResponseTemplate};

use super::App;
use crate::endpoint::mock;
use crate::failure::{Failure, Failures};
use crate::reply::{self, bearer, page, query, redirect};
use crate::state::{CodeError, Grant, Shared, now};

const TOKEN_LIFETIME: u64 = 5_183_944;
const DATA_ACCESS_LIFETIME: u64 = 90 * 24 * 3600;
const PROFILE_FIELDS: &[&str] = &[
    "id",
    "name",
    "email",
    "first_name",
    "last_name",
    "picture",
    "link",
];

pub(super) fn dialog(state: &Shared, app: &App) -> Mock {
    let at = path_regex(r"^(/v\d+\.\d+)?/dialog/oauth/?$");
    mock("GET", at, state, app, handle_dialog)
}

pub(super) fn access_token(state: &Shared, app: &App) -> Mock {
    let at = path_regex(r"^(/v\d+\.\d+)?/oauth/access_token$");
    mock("GET", at, state, app, handle_access_token)
}

pub(super) fn debug_token(state: &Shared, app: &App) -> Mock {
    let at = path_regex(r"^(/v\d+\.\d+)?/debug_token$");
    mock("GET", at, state, app, handle_debug_token)
}

pub(super) fn me(state: &Shared, app: &App) -> Mock {
    let at = path_regex(r"^(/v\d+\.\d+)?/(me|[0-9]+)$");
    mock("GET", at, state, app, handle_me)
}

/// A Graph error object, the shape of every Graph API error.
fn graph_error(
    status: u16,
    code: u32,
    subcode: Option<u32>,
    message: &str,
    failures: &Failures,
) -> ResponseTemplate {
    let trace: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(11)
        .collect();
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": trace,
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    if code == 2 {
        error["is_transient"] = json!(true);
    }
    reply::json(status, &json!({"error": error}), failures)
}

fn unavailable(failures: &Failures) -> ResponseTemplate {
    let message = "An unexpected error has occurred. Please retry your request later.";
    graph_error(500, 2, None, message, failures)
}

fn invalid_token(failures: &Failures) -> ResponseTemplate {
    let message = "Invalid OAuth access token - Cannot parse access token";
    graph_error(400, 190, None, message, failures)
}

fn expired(grant: &Grant) -> bool {
    now() >= grant.issued_at + TOKEN_LIFETIME
}

fn handle_dialog(shared: &Shared, app: &App, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let get = |name: &str| params.get(name).map(String::as_str);
    shared.with(|s| {
        let failures = s.failures.clone();
        if get("client_id") != Some(app.id.as_str()) {
            let text = "Invalid App ID: The provided app ID does not look like a valid app ID.";
            return page(400, text, &failures);
        }
        let Some(redirect_uri) = get("redirect_uri").filter(|u| s.redirect_uri_allowed(u)) else {
            let text = "URL blocked: This redirect failed because the redirect URI is not \
                        whitelisted in the app's Client OAuth Settings.";
            return page(400, text, &failures);
        };
        if get("response_type").is_some_and(|t| t != "code") {
            return page(
                400,
                "Unsupported response_type: only code is supported.",
                &failures,
            );
        }
        let state = get("state");
        if failures.has(Failure::ConsentDenied) {
            let params = [
                ("error", Some("access_denied")),
                ("error_code", Some("200")),
                ("error_description", Some("Permissions error")),
                ("error_reason", Some("user_denied")),
                ("state", state),
            ];
            return redirect(redirect_uri, &params, &failures);
        }
        let mut scopes = vec!["public_profile".to_owned()];
        let requested = get("scope").unwrap_or_default().split([',', ' ']);
        for scope in requested.map(str::trim).filter(|s| !s.is_empty()) {
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        let grant = Grant {
            user: s.user_for_hint(get("login_hint")),
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            nonce: None,
            code_challenge: None,
            issued_at: 0,
        };
        let code = s.issue_code("AQmock-", grant);
        redirect(
            redirect_uri,
            &[("code", Some(&code)), ("state", state)],
            &failures,
        )
    })
}

fn handle_access_token(shared: &Shared, app: &App, request: &Request) -> ResponseTemplate {
    let params = query(request);
    shared.with(|s| {
        let failures = s.failures.clone();
        let error = |code: u32, subcode: Option<u32>, message: &str| {
            graph_error(400, code, subcode, message, &failures)
        };
        if failures.has(Failure::ServerError) {
            return unavailable(&failures);
        }
        let names = ["client_id", "redirect_uri", "client_secret", "code"];
        if let Some(missing) = names.iter().find(|name| !params.contains_key(**name)) {
            return error(100, None, &format!("Missing {missing} parameter."));
        }
        let get = |name: &str| params.get(name).map_or("", String::as_str);
        let (client_id, client_secret) = (get("client_id"), get("client_secret"));
        let (redirect_uri, code) = (get("redirect_uri"), get("code"));
        if client_id != app.id {
            return error(101, None, "Error validating application. Invalid application ID.");
        }
        if client_secret != app.secret {
            return error(1, None, "Error validating client secret.");
        }
        if failures.has(Failure::InvalidCode) {
            return error(100, None, "Invalid verification code format.");
        }
        let grant = match s.redeem_code(code) {
            Ok(grant) => grant,
            Err(CodeError::Used) => {
                return error(100, Some(36009), "This authorization code has been used.");
            }
            Err(CodeError::Unknown) => return error(100, None, "Invalid verification code format."),
        };
        if redirect_uri != grant.redirect_uri {
            let message = "Error validating verification code. Please make sure your \
                           redirect_uri is identical to the one you used in the OAuth dialog request";
            return error(100, Some(36008), message);
        }
        let (access_token, _) = s.issue_token("EAAmock", grant);
        let body = json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME,
        });
        reply::json(200, &body, &failures)
    })
}

fn handle_debug_token(shared: &Shared, app: &App, request: &Request) -> ResponseTemplate {
    let params = query(request);
    shared.with(|s| {
        let failures = s.failures.clone();
        if failures.has(Failure::ServerError) {
            return unavailable(&failures);
        }
        let Some(app_token) = params.get("access_token") else {
            let message = "An access token is required to request this resource.";
            return graph_error(400, 104, None, message, &failures);
        };
        if *app_token != format!("{}|{}", app.id, app.secret) {
            return invalid_token(&failures);
        }
        let Some(input) = params.get("input_token") else {
            let message = "(#100) The parameter input_token is required";
            return graph_error(400, 100, None, message, &failures);
        };
        let data = match s.grant_for_token(input) {
            None => json!({
                "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
                "is_valid": false,
                "scopes": [],
            }),
            Some(grant) => json!({
                "app_id": app.id,
                "type": "USER",
                "application": "Open Event (mock)",
                "data_access_expires_at": grant.issued_at + DATA_ACCESS_LIFETIME,
                "expires_at": grant.issued_at + TOKEN_LIFETIME,
                "is_valid": !expired(grant),
                "issued_at": grant.issued_at,
                "scopes": grant.scopes,
                "user_id": grant.user.id,
            }),
        };
        reply::json(200, &json!({"data": data}), &failures)
    })
}

fn handle_me(shared: &Shared, app: &App, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let token = params
        .get("access_token")
        .cloned()
        .or_else(|| bearer(request));
    let node = request
        .url
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    shared.with(|s| {
        let failures = s.failures.clone();
        if failures.has(Failure::ServerError) {
            return unavailable(&failures);
        }
        let Some(token) = token else {
            let message = "An active access token must be used to query information about \
                           the current user.";
            return graph_error(400, 2500, None, message, &failures);
        };
        let Some(grant) = s.grant_for_token(&token).filter(|g| !expired(g)) else {
            return invalid_token(&failures);
        };
        if node != "me" && node != grant.user.id {
            let message = format!(
                "Unsupported get request. Object with ID '{node}' does not exist, cannot be \
                 loaded due to missing permissions, or does not support this operation."
            );
            return graph_error(400, 100, Some(33), &message, &failures);
        }
        let requested = params.get("fields").map_or("id,name", String::as_str);
        match profile(grant, requested, &app.graph_url, &failures) {
            Ok(body) => reply::json(200, &Value::Object(body), &failures),
            Err(field) => {
                let message = format!(
                    "(#100) Tried accessing nonexisting field ({field}) on node type (User)"
                );
                graph_error(400, 100, None, &message, &failures)
            }
        }
    })
}

/// The requested fields of the grant's user, in request order; `Err` names an unknown
/// field. Field modifiers (`picture.type(large)`) are accepted and ignored.
fn profile(
    grant: &Grant,
    fields: &str,
    graph_url: &str,
    failures: &Failures,
) -> Result<Map<String, Value>, String> {
    let user = &grant.user;
    let mut body = Map::new();
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let name = field.split(['.', '{']).next().unwrap_or_default();
        if !PROFILE_FIELDS.contains(&name) {
            return Err(name.to_owned());
        }
        let value = match name {
            "id" => json!(user.id),
            "name" => json!(user.name),
            "first_name" => json!(user.given_name),
            "last_name" => json!(user.family_name),
            "link" => json!(user.facebook_link()),
            "picture" => json!({"data": {
                "height": 50,
                "is_silhouette": user.picture.is_none(),
                "url": crate::avatar::picture_url(graph_url, user),
                "width": 50,
            }}),
            _ => {
                // Facebook shows only confirmed emails, and only with the email permission.
                let shown = grant.has_scope(&["email"])
                    && user.email_verified
                    && !failures.has(Failure::UnverifiedEmail);
                match user.email.as_ref().filter(|_| shown) {
                    Some(email) => json!(email),
                    None => continue,
                }
            }
        };
        body.insert(name.to_owned(), value);
    }
    Ok(body)
}
