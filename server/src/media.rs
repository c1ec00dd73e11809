//! The JSON:API media type: a leaf every layer may use (errors, content
//! negotiation, payloads).

/// The JSON:API media type.
pub const JSONAPI_MEDIA_TYPE: &str = "application/vnd.api+json";

/// Whether a `Content-Type` value is exactly the JSON:API media type
/// (JSON:API 1.0: no media type parameters at all, not even `charset`).
pub fn is_jsonapi_content_type(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case(JSONAPI_MEDIA_TYPE)
}
