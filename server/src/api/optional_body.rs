//! [`OptionalJson`]: a plain-JSON request body that may be left out
//! altogether (no `Content-Type`, no bytes). poem-openapi's `Json` insists
//! on a `Content-Type` even when the body is optional.

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    payload::{Json, ParsePayload, Payload},
    registry::{MetaMediaType, MetaRequest, Registry},
    types::{ParseFromJSON, Type},
};

/// An optional JSON body: `None` when the request sends none.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<'a, T: ParseFromJSON + Type + Send> ApiExtractor<'a> for OptionalJson<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Json<T> as Payload>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: <Json<T> as Payload>::CONTENT_TYPE,
                schema: <Json<T> as Payload>::schema_ref(),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        // Content negotiation already refused a body that is not JSON (415).
        if request.content_type().is_none() {
            return Ok(OptionalJson(None));
        }
        let Json(value) = <Json<Option<T>> as ParsePayload>::from_request(request, body).await?;
        Ok(OptionalJson(value))
    }
}
