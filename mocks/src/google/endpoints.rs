//! The responders behind each Google endpoint.

use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use super::{AUTH_PATH, CERTS_PATH, Client, DISCOVERY_PATH, TOKEN_PATH, USERINFO_PATH};
use crate::endpoint::mock;
use crate::failure::{Failure, Failures};
use crate::reply::{self, basic, bearer, form, page, query, redirect};
use crate::state::{Grant, Shared, now};

const TOKEN_LIFETIME: u64 = 3599;
const EMAIL: &[&str] = &["email", "https://www.googleapis.com/auth/userinfo.email"];
const PROFILE: &[&str] = &[
    "profile",
    "https://www.googleapis.com/auth/userinfo.profile",
];
const OPENID: &[&str] = &["openid"];

pub(super) fn authorize(state: &Shared, client: &Client) -> Mock {
    mock("GET", path(AUTH_PATH), state, client, handle_authorize)
}

pub(super) fn token(state: &Shared, client: &Client) -> Mock {
    mock("POST", path(TOKEN_PATH), state, client, handle_token)
}

pub(super) fn userinfo(state: &Shared, client: &Client) -> Mock {
    mock("GET", path(USERINFO_PATH), state, client, handle_userinfo)
}

pub(super) fn discovery(state: &Shared, client: &Client) -> Mock {
    mock("GET", path(DISCOVERY_PATH), state, client, handle_discovery)
}

pub(super) fn certs(state: &Shared) -> Mock {
    let state = state.clone();
    Mock::given(method("GET"))
        .and(path(CERTS_PATH))
        .respond_with(move |_: &Request| {
            let failures = state.with(|s| s.failures.clone());
            reply::delayed(
                ResponseTemplate::new(200).set_body_json(json!({"keys": []})),
                &failures,
            )
        })
}

fn handle_authorize(shared: &Shared, client: &Client, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let get = |name: &str| params.get(name).map(String::as_str);
    shared.with(|s| {
        let failures = s.failures.clone();
        if get("client_id") != Some(client.id.as_str()) {
            return page(
                401,
                "Error 401: invalid_client\n\nThe OAuth client was not found.",
                &failures,
            );
        }
        let Some(redirect_uri) = get("redirect_uri") else {
            let text = "Error 400: invalid_request\n\nMissing required parameter: redirect_uri";
            return page(400, text, &failures);
        };
        if !s.redirect_uri_allowed(redirect_uri) {
            let text =
                format!("Error 400: redirect_uri_mismatch\n\n{redirect_uri} is not registered.");
            return page(400, &text, &failures);
        }
        let state = get("state");
        let fail = |error: &str, description: &str| {
            let params = [
                ("error", Some(error)),
                ("error_description", Some(description)),
                ("state", state),
            ];
            redirect(redirect_uri, &params, &failures)
        };
        if get("response_type") != Some("code") {
            return fail(
                "unsupported_response_type",
                "Only response_type=code is supported.",
            );
        }
        let scope = get("scope").unwrap_or_default();
        let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        if scopes.is_empty() {
            return fail("invalid_request", "Missing required parameter: scope");
        }
        let known = |s: &&String| [EMAIL, PROFILE, OPENID].concat().contains(&s.as_str());
        if let Some(unknown) = scopes.iter().find(|s| !known(s)) {
            return fail(
                "invalid_scope",
                &format!("Some requested scopes were invalid: {unknown}"),
            );
        }
        if failures.has(Failure::ConsentDenied) {
            return redirect(
                redirect_uri,
                &[("error", Some("access_denied")), ("state", state)],
                &failures,
            );
        }
        let code_challenge = match (get("code_challenge"), get("code_challenge_method")) {
            (None, None) => None,
            (Some(challenge), Some("S256")) => Some(challenge.to_owned()),
            (Some(challenge), None | Some("plain")) => Some(crate::pkce::s256(challenge)),
            (None, Some(_)) => {
                return fail("invalid_request", "Missing code_challenge.");
            }
            (Some(_), Some(_)) => {
                return fail("invalid_request", "Invalid code_challenge_method.");
            }
        };
        let grant = Grant {
            user: s.user_for_hint(get("login_hint")),
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            nonce: get("nonce").map(str::to_owned),
            code_challenge,
            issued_at: 0,
        };
        let code = s.issue_code("4/0mock-", grant);
        let params = [
            ("code", Some(code.as_str())),
            ("scope", Some(scope)),
            ("state", state),
        ];
        redirect(redirect_uri, &params, &failures)
    })
}

fn oauth_error(
    status: u16,
    error: &str,
    description: &str,
    failures: &Failures,
) -> ResponseTemplate {
    reply::json(
        status,
        &json!({"error": error, "error_description": description}),
        failures,
    )
}

fn handle_token(shared: &Shared, client: &Client, request: &Request) -> ResponseTemplate {
    let params = form(request);
    let get = |name: &str| params.get(name).map(String::as_str);
    shared.with(|s| {
        let failures = s.failures.clone();
        let error = |status: u16, error: &str, description: &str| {
            oauth_error(status, error, description, &failures)
        };
        if failures.has(Failure::ServerError) {
            return error(503, "server_error", "The service is currently unavailable.");
        }
        match get("grant_type") {
            None => {
                return error(
                    400,
                    "invalid_request",
                    "Missing required parameter: grant_type",
                );
            }
            Some("authorization_code") => {}
            Some(_) => return error(400, "unsupported_grant_type", "Invalid grant_type."),
        }
        let credentials = basic(request).or_else(|| {
            let id = get("client_id")?;
            Some((
                id.to_owned(),
                get("client_secret").unwrap_or_default().to_owned(),
            ))
        });
        let Some((id, secret)) = credentials else {
            return error(
                400,
                "invalid_request",
                "Could not determine client ID from request.",
            );
        };
        if id != client.id {
            return error(401, "invalid_client", "The OAuth client was not found.");
        }
        if secret != client.secret {
            return error(401, "invalid_client", "Unauthorized");
        }
        let Some(code) = get("code") else {
            return error(400, "invalid_request", "Missing required parameter: code");
        };
        if failures.has(Failure::InvalidCode) {
            return error(400, "invalid_grant", "Malformed auth code.");
        }
        let Ok(grant) = s.redeem_code(code) else {
            return error(400, "invalid_grant", "Bad Request");
        };
        if get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
            return error(400, "redirect_uri_mismatch", "Bad Request");
        }
        if let Some(challenge) = &grant.code_challenge {
            match get("code_verifier") {
                None => return error(400, "invalid_grant", "Missing code verifier."),
                Some(v) if crate::pkce::s256(v) != *challenge => {
                    return error(400, "invalid_grant", "Invalid code verifier.");
                }
                Some(_) => {}
            }
        }
        let (access_token, grant) = s.issue_token("ya29.mock-", grant);
        let mut body = json!({
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME,
            "scope": grant.scopes.join(" "),
            "token_type": "Bearer",
        });
        if grant.has_scope(OPENID) {
            let mut claims = user_claims(&grant, &client.base_url, &failures);
            claims.extend([
                ("iss".to_owned(), json!(client.base_url)),
                ("azp".to_owned(), json!(client.id)),
                ("aud".to_owned(), json!(client.id)),
                ("iat".to_owned(), json!(grant.issued_at)),
                ("exp".to_owned(), json!(grant.issued_at + TOKEN_LIFETIME)),
            ]);
            if let Some(nonce) = &grant.nonce {
                claims.insert("nonce".to_owned(), json!(nonce));
            }
            body["id_token"] = json!(crate::id_token::sign(
                &Value::Object(claims),
                &client.secret
            ));
        }
        reply::json(200, &body, &failures)
    })
}

fn handle_userinfo(shared: &Shared, client: &Client, request: &Request) -> ResponseTemplate {
    let token = bearer(request).or_else(|| query(request).remove("access_token"));
    shared.with(|s| {
        let failures = s.failures.clone();
        if failures.has(Failure::ServerError) {
            return oauth_error(
                503,
                "server_error",
                "The service is currently unavailable.",
                &failures,
            );
        }
        let grant = token
            .and_then(|t| s.grant_for_token(&t))
            .filter(|g| now() < g.issued_at + TOKEN_LIFETIME);
        let Some(grant) = grant else {
            return oauth_error(401, "invalid_request", "Invalid Credentials", &failures)
                .insert_header(
                    "www-authenticate",
                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
                );
        };
        let claims = user_claims(grant, &client.base_url, &failures);
        reply::json(200, &Value::Object(claims), &failures)
    })
}

/// `sub`, plus the email claims with the email scope and the profile claims with the
/// profile scope.
fn user_claims(grant: &Grant, base_url: &str, failures: &Failures) -> Map<String, Value> {
    let user = &grant.user;
    let mut claims = Map::new();
    claims.insert("sub".to_owned(), json!(user.id));
    if let Some(email) = user.email.as_ref().filter(|_| grant.has_scope(EMAIL)) {
        let verified = user.email_verified && !failures.has(Failure::UnverifiedEmail);
        claims.insert("email".to_owned(), json!(email));
        claims.insert("email_verified".to_owned(), json!(verified));
    }
    if grant.has_scope(PROFILE) {
        claims.insert("name".to_owned(), json!(user.name));
        claims.insert("given_name".to_owned(), json!(user.given_name));
        claims.insert("family_name".to_owned(), json!(user.family_name));
        claims.insert(
            "picture".to_owned(),
            json!(crate::avatar::picture_url(base_url, user)),
        );
    }
    claims
}

fn handle_discovery(shared: &Shared, client: &Client, _: &Request) -> ResponseTemplate {
    let base = &client.base_url;
    let document = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}{AUTH_PATH}"),
        "token_endpoint": format!("{base}{TOKEN_PATH}"),
        "userinfo_endpoint": format!("{base}{USERINFO_PATH}"),
        "jwks_uri": format!("{base}{CERTS_PATH}"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name",
            "iat", "iss", "name", "nonce", "picture", "sub"],
    });
    let failures = shared.with(|s| s.failures.clone());
    reply::delayed(
        ResponseTemplate::new(200).set_body_json(document),
        &failures,
    )
}
