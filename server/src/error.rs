//! The crate's one error type, mapped once to JSON:API error documents.
//!
//! Handlers return [`ApiError`] (or an operation's documented set, [`Errs`]);
//! poem's own errors (unknown route, wrong method, panics) are rendered by
//! [`render_poem_error`], so every error leaves the server as JSON:API.

use poem::{IntoResponse, Response, error::ResponseError, http::StatusCode};
use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};
use serde::Serialize;

use crate::media::JSONAPI_MEDIA_TYPE;

/// Where an error comes from: a JSON pointer into the body or a query parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Object)]
pub struct ErrorSource {
    /// JSON pointer into the request document, e.g. `/data/attributes/name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The query or path parameter at fault, e.g. `page[size]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// A JSON:API error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Object)]
pub struct ErrorObject {
    /// The HTTP status as a string.
    pub status: String,
    /// A stable, machine-readable code (e.g. `invalid-attribute`).
    pub code: String,
    /// A short summary of the problem kind.
    pub title: String,
    /// What went wrong in this request.
    pub detail: String,
    /// The part of the request at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
}

/// The `jsonapi` member of every document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Object)]
pub struct JsonApiVersion {
    /// Always `1.0`.
    pub version: String,
}

impl Default for JsonApiVersion {
    fn default() -> Self {
        JsonApiVersion {
            version: "1.0".to_owned(),
        }
    }
}

/// A JSON:API error document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Object)]
pub struct ErrorDocument {
    /// One or more errors.
    pub errors: Vec<ErrorObject>,
    /// The JSON:API version object.
    pub jsonapi: JsonApiVersion,
}

/// An error answered to the client: a status and one or more error objects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {}", errors.first().map(|e| e.detail.as_str()).unwrap_or(""))]
pub struct ApiError {
    /// The response status.
    pub status: StatusCode,
    /// The error objects (at least one).
    pub errors: Vec<ErrorObject>,
}

fn title_of(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl ApiError {
    /// One error with a status, a stable code and a detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![ErrorObject {
                status: status.as_u16().to_string(),
                code: code.to_owned(),
                title: title_of(status).to_owned(),
                detail: detail.into(),
                source: None,
            }],
        }
    }

    /// Attaches a JSON pointer to every error object.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        let pointer = pointer.into();
        for e in &mut self.errors {
            e.source = Some(ErrorSource {
                pointer: Some(pointer.clone()),
                parameter: None,
            });
        }
        self
    }

    /// Rewrites pointers starting with `from` to start with `to` (a
    /// relationship endpoint's body is the relationship itself).
    pub fn repoint(mut self, from: &str, to: &str) -> Self {
        for e in &mut self.errors {
            if let Some(src) = e.source.as_mut()
                && let Some(p) = src.pointer.as_mut()
                && let Some(rest) = p.strip_prefix(from)
            {
                *p = format!("{to}{rest}");
            }
        }
        self
    }

    /// Attaches a parameter name to every error object.
    pub fn at_parameter(mut self, parameter: impl Into<String>) -> Self {
        let parameter = parameter.into();
        for e in &mut self.errors {
            e.source = Some(ErrorSource {
                pointer: None,
                parameter: Some(parameter.clone()),
            });
        }
        self
    }

    /// 400 for a query parameter, naming it.
    pub fn bad_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-parameter", detail).at_parameter(parameter)
    }

    /// 400 for a malformed request document.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 401.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 409.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }

    /// 422 for one attribute, with its pointer.
    pub fn invalid(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-attribute",
            detail,
        )
        .at_pointer(pointer)
    }

    /// Merges several errors of the same status into one response.
    pub fn merge(errors: Vec<ApiError>) -> Option<ApiError> {
        let mut iter = errors.into_iter();
        let mut first = iter.next()?;
        for e in iter {
            first.errors.extend(e.errors);
        }
        Some(first)
    }

    /// 500; the cause is logged, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The server could not complete the request.",
        )
    }

    /// The JSON:API error document of this error.
    pub fn document(&self) -> ErrorDocument {
        ErrorDocument {
            errors: self.errors.clone(),
            jsonapi: JsonApiVersion::default(),
        }
    }
}

impl ApiError {
    /// The one mapping of constraint violations: a unique value already
    /// taken → 409, a reference to a missing row → 422 on a write (409 on a
    /// delete: the row is still referenced). Anything else is a 500.
    pub fn from_constraint(err: sea_orm::DbErr, type_name: &str, deleting: bool) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::conflict(format!("A {type_name} with these values already exists."))
            }
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) if deleting => {
                ApiError::conflict(format!(
                    "This {type_name} is still referenced; remove what uses it first."
                ))
            }
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-relationship",
                format!("A relationship of this {type_name} names an object that does not exist."),
            )
            .at_pointer("/data/relationships"),
            _ => err.into(),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ApiError::internal(err)
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let body = serde_json::to_vec(&self.document()).unwrap_or_default();
        Response::builder()
            .status(self.status)
            .content_type(JSONAPI_MEDIA_TYPE)
            .body(body)
    }
}

/// Renders any poem error (ours or the framework's) as a JSON:API response.
pub fn render_poem_error(err: poem::Error) -> Response {
    if let Some(api) = err.downcast_ref::<ApiError>() {
        return api.as_response();
    }
    let status = err.status();
    let mut api = match status {
        StatusCode::NOT_FOUND => ApiError::not_found("No resource or route matches this URL."),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method-not-allowed",
            "This method is not allowed on this URL.",
        ),
        s if s.is_server_error() => ApiError::internal(err.to_string()),
        s => ApiError::new(s, "bad-request", err.to_string()),
    };
    if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
        api = ApiError::bad_parameter(e.name, e.reason.clone());
    }
    api.as_response()
}

/// Bits naming the error statuses an operation documents (see [`Errs`]).
pub mod status {
    /// 400 Bad Request.
    pub const BAD_REQUEST: u16 = 1 << 0;
    /// 401 Unauthorized.
    pub const UNAUTHORIZED: u16 = 1 << 1;
    /// 403 Forbidden.
    pub const FORBIDDEN: u16 = 1 << 2;
    /// 404 Not Found.
    pub const NOT_FOUND: u16 = 1 << 3;
    /// 406 Not Acceptable.
    pub const NOT_ACCEPTABLE: u16 = 1 << 4;
    /// 409 Conflict.
    pub const CONFLICT: u16 = 1 << 5;
    /// 415 Unsupported Media Type.
    pub const UNSUPPORTED_MEDIA_TYPE: u16 = 1 << 6;
    /// 422 Unprocessable Entity.
    pub const UNPROCESSABLE: u16 = 1 << 7;
    /// 502 Bad Gateway.
    pub const BAD_GATEWAY: u16 = 1 << 8;

    /// Every operation: bad query, bad token, content negotiation.
    pub const COMMON: u16 = BAD_REQUEST | UNAUTHORIZED | NOT_ACCEPTABLE;
    /// Operations on one addressed object.
    pub const DETAIL: u16 = COMMON | NOT_FOUND | FORBIDDEN;
    /// Operations that take a request document.
    pub const WRITE: u16 = UNSUPPORTED_MEDIA_TYPE | CONFLICT | UNPROCESSABLE;

    pub(crate) const TABLE: [(u16, u16, &str); 9] = [
        (
            BAD_REQUEST,
            400,
            "Malformed request or an unknown query parameter name or value.",
        ),
        (
            UNAUTHORIZED,
            401,
            "Missing, invalid or expired token where one is needed or given.",
        ),
        (
            FORBIDDEN,
            403,
            "The caller may see the object but not do this (or set this field).",
        ),
        (
            NOT_FOUND,
            404,
            "No such object, or hidden from this caller.",
        ),
        (
            NOT_ACCEPTABLE,
            406,
            "The Accept header excludes application/vnd.api+json.",
        ),
        (
            CONFLICT,
            409,
            "Wrong resource `type`, id mismatch, or a unique value already taken.",
        ),
        (
            UNSUPPORTED_MEDIA_TYPE,
            415,
            "The body is not application/vnd.api+json.",
        ),
        (
            UNPROCESSABLE,
            422,
            "An attribute or relationship is invalid; `source.pointer` names it.",
        ),
        (
            BAD_GATEWAY,
            502,
            "An upstream provider failed: it refused, timed out, was down or answered nonsense.",
        ),
    ];
}

/// The error statuses an operation documents, as a bit set of [`status`] values.
///
/// At run time it is just an [`ApiError`]; in the spec it lists exactly the
/// statuses in `M`, each with the JSON:API error document schema.
#[derive(Debug)]
pub struct Errs<const M: u16>(pub ApiError);

impl<const M: u16> From<ApiError> for Errs<M> {
    fn from(e: ApiError) -> Self {
        Errs(e)
    }
}

impl<const M: u16> From<sea_orm::DbErr> for Errs<M> {
    fn from(e: sea_orm::DbErr) -> Self {
        Errs(e.into())
    }
}

impl<const M: u16> From<Errs<M>> for poem::Error {
    fn from(e: Errs<M>) -> Self {
        poem::Error::from(e.0)
    }
}

impl<const M: u16> IntoResponse for Errs<M> {
    fn into_response(self) -> Response {
        self.0.as_response()
    }
}

impl<const M: u16> ApiResponse for Errs<M> {
    fn meta() -> MetaResponses {
        let responses = status::TABLE
            .iter()
            .filter(|(bit, _, _)| M & bit != 0)
            .map(|(_, code, description)| MetaResponse {
                description,
                status: Some(*code),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: JSONAPI_MEDIA_TYPE,
                    schema: ErrorDocument::schema_ref(),
                }],
                headers: vec![],
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ErrorDocument::register(registry);
    }
}
