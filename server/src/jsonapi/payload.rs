//! The `application/vnd.api+json` payloads: responses (200, 201 + Location)
//! and raw request bodies that handlers parse after the permission checks.

use std::marker::PhantomData;

use poem::{FromRequest, IntoResponse, Request, RequestBody, Response, http::StatusCode};
use poem_openapi::{
    ApiResponse,
    payload::{ParsePayload, Payload},
    registry::{
        MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
    },
    types::{ToJSON, Type},
};

use crate::error::ApiError;

pub use crate::media::{JSONAPI_MEDIA_TYPE, is_jsonapi_content_type};

/// A JSON:API response body.
pub struct JsonApi<T>(pub T);

impl<T: Type> Payload for JsonApi<T> {
    const CONTENT_TYPE: &'static str = JSONAPI_MEDIA_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        is_jsonapi_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

fn body_response<T: ToJSON>(status: StatusCode, value: &T) -> Response {
    let body = value
        .to_json()
        .map(|v| serde_json::to_vec(&v).unwrap_or_default())
        .unwrap_or_default();
    Response::builder()
        .status(status)
        .content_type(JSONAPI_MEDIA_TYPE)
        .body(body)
}

impl<T: ToJSON> IntoResponse for JsonApi<T> {
    fn into_response(self) -> Response {
        body_response(StatusCode::OK, &self.0)
    }
}

fn one_response(
    status: u16,
    description: &'static str,
    schema: MetaSchemaRef,
    headers: Vec<MetaHeader>,
) -> MetaResponses {
    MetaResponses {
        responses: vec![MetaResponse {
            description,
            status: Some(status),
            status_range: None,
            content: vec![MetaMediaType {
                content_type: JSONAPI_MEDIA_TYPE,
                schema,
            }],
            headers,
        }],
    }
}

impl<T: ToJSON> ApiResponse for JsonApi<T> {
    fn meta() -> MetaResponses {
        one_response(200, "The requested document.", T::schema_ref(), vec![])
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A 201 response with the created resource and its `Location`.
pub struct Created<T> {
    /// The created resource's document.
    pub doc: T,
    /// Its URL (the resource's `links.self`).
    pub location: String,
}

impl<T: ToJSON> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        let mut resp = body_response(StatusCode::CREATED, &self.doc);
        if let Ok(v) = poem::http::HeaderValue::from_str(&self.location) {
            resp.headers_mut().insert(poem::http::header::LOCATION, v);
        }
        resp
    }
}

impl<T: ToJSON> ApiResponse for Created<T> {
    fn meta() -> MetaResponses {
        one_response(
            201,
            "Created; `Location` is the new resource's URL.",
            T::schema_ref(),
            vec![MetaHeader {
                name: "Location".to_owned(),
                description: Some("The URL of the created resource.".to_owned()),
                required: true,
                deprecated: false,
                schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
            }],
        )
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A JSON:API request body, kept raw until the handler has checked permissions.
pub struct JsonApiBody<T> {
    bytes: Vec<u8>,
    _marker: PhantomData<fn() -> T>,
}

impl<T> JsonApiBody<T> {
    /// Parses the body as JSON: 400 when it is not.
    pub fn json(&self) -> Result<serde_json::Value, ApiError> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                "The request body is empty; a JSON:API document is required.",
            ));
        }
        serde_json::from_slice(&self.bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed-json",
                format!("The body is not valid JSON: {e}."),
            )
        })
    }

    /// A body from bytes (for tests and in-process callers).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        JsonApiBody {
            bytes,
            _marker: PhantomData,
        }
    }
}

impl<T: Type> Payload for JsonApiBody<T> {
    const CONTENT_TYPE: &'static str = JSONAPI_MEDIA_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        is_jsonapi_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type> ParsePayload for JsonApiBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = Vec::<u8>::from_request(request, body).await?;
        Ok(Self::from_bytes(bytes))
    }
}

poem_openapi::impl_apirequest_for_payload!(JsonApiBody<T>, T: Type);
