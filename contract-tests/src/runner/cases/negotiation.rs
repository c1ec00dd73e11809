//! Content negotiation (design §3 step 1): an `Accept` that excludes the
//! response media type → 406; a body in another media type → 415. For
//! JSON:API operations also the JSON:API 1.0 rules: the media type with
//! parameters is neither acceptable in `Accept` nor in `Content-Type`.

use super::{Derived, base::BasePlan};
use crate::runner::{model::Scenario, spec::Operation};

/// `Accept` values no operation answers.
pub const BAD_ACCEPT: &str = "text/html";
/// The JSON:API media type with a parameter (JSON:API 1.0: 406).
pub const JSONAPI_WITH_PARAMS: &str = "application/vnd.api+json; ext=unknown";
/// A body media type no operation takes.
pub const BAD_CONTENT_TYPE: &str = "text/plain";
/// The JSON:API media type with an unsupported extension (JSON:API 1.0
/// and 1.1: 415). (`charset` is not used: the server accepts it on purpose.)
pub const JSONAPI_WITH_EXT: &str =
    "application/vnd.api+json; ext=\"https://example.test/unknown-extension\"";

/// Plans the 406 and 415 cases.
pub fn derive(op: &Operation, base: &BasePlan, out: &mut Derived) {
    let actor = base.actor;
    if op.documents(406) || op.is_jsonapi() {
        out.push(
            406,
            actor,
            Scenario::BadAccept {
                accept: BAD_ACCEPT.into(),
            },
        );
        if op.is_jsonapi() {
            out.push(
                406,
                actor,
                Scenario::BadAccept {
                    accept: JSONAPI_WITH_PARAMS.into(),
                },
            );
        }
    }
    let sends_body = matches!(op.method.as_str(), "POST" | "PATCH" | "PUT");
    if (op.documents(415) || op.is_jsonapi()) && sends_body {
        out.push(
            415,
            actor,
            Scenario::WrongContentType {
                content_type: BAD_CONTENT_TYPE.into(),
            },
        );
        if op.is_jsonapi() && op.request_body.is_some() {
            out.push(
                415,
                actor,
                Scenario::WrongContentType {
                    content_type: JSONAPI_WITH_EXT.into(),
                },
            );
        }
    }
}
