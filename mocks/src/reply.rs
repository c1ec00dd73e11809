//! Reading requests and writing responses, shared by the stand-ins.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use url::Url;
use wiremock::{Request, ResponseTemplate};

use crate::failure::{Failure, Failures};

/// Query parameters; the first value wins when a name repeats.
pub(crate) fn query(request: &Request) -> HashMap<String, String> {
    collect(request.url.query_pairs())
}

/// An `application/x-www-form-urlencoded` body.
pub(crate) fn form(request: &Request) -> HashMap<String, String> {
    collect(url::form_urlencoded::parse(&request.body))
}

fn collect<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in pairs {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

fn authorization<'r>(request: &'r Request, scheme: &str) -> Option<&'r str> {
    let value = request.headers.get("authorization")?.to_str().ok()?;
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(request: &Request) -> Option<String> {
    authorization(request, "Bearer").map(str::to_owned)
}

/// The client id and secret of an `Authorization: Basic …` header.
pub(crate) fn basic(request: &Request) -> Option<(String, String)> {
    let decoded = STANDARD.decode(authorization(request, "Basic")?).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// A JSON response. Under [`Failure::MalformedJson`] a 200 body is cut in half.
pub(crate) fn json(status: u16, body: &Value, failures: &Failures) -> ResponseTemplate {
    let mut text = body.to_string();
    if status == 200 && failures.has(Failure::MalformedJson) {
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let template = ResponseTemplate::new(status)
        .set_body_raw(text.into_bytes(), "application/json; charset=utf-8");
    delayed(template, failures)
}

/// A page meant for a person in a browser (the providers' error pages).
pub(crate) fn page(status: u16, text: &str, failures: &Failures) -> ResponseTemplate {
    let template = ResponseTemplate::new(status)
        .set_body_raw(text.as_bytes().to_vec(), "text/plain; charset=utf-8");
    delayed(template, failures)
}

/// A 302 to `redirect_uri` with `params` added to its query.
pub(crate) fn redirect(
    redirect_uri: &str,
    params: &[(&str, Option<&str>)],
    failures: &Failures,
) -> ResponseTemplate {
    let location = match Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut pairs = url.query_pairs_mut();
                for (name, value) in params {
                    if let Some(value) = value {
                        pairs.append_pair(name, value);
                    }
                }
            }
            url.to_string()
        }
        // Callers validate redirect URIs first; this only keeps the function total.
        Err(_) => redirect_uri.to_owned(),
    };
    delayed(
        ResponseTemplate::new(302).insert_header("location", location.as_str()),
        failures,
    )
}

pub(crate) fn delayed(template: ResponseTemplate, failures: &Failures) -> ResponseTemplate {
    match failures.delay() {
        Some(delay) => template.set_delay(delay),
        None => template,
    }
}
