//! The mock server's own endpoints (`POST /__mock/reset`, `GET
//! /__mock/accounts`) and their section of the served OpenAPI document,
//! generated from these handlers by poem-openapi like the API's own.

use std::sync::Arc;

use open_event_server::{error::ApiError, error::ErrorDocument, state::AppState};
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, OpenApiService, Tags, payload::Json};
use serde_json::{Value, json};

use super::{Control, accounts::AccountsDocument, inject::INJECTED_ERROR_CODE};

/// The tag of the mock server's section.
pub const TAG: &str = "Mock server";

#[derive(Tags)]
enum MockTags {
    /// Endpoints of the mock server only (never in the real server): reset
    /// the seeded data, read the demo credentials.
    #[oai(rename = "Mock server")]
    MockServer,
}

/// What a reset did.
#[derive(Debug, Object)]
pub struct ResetReport {
    /// What happened.
    pub message: String,
    /// The seed of the restored data.
    pub seed: u64,
    /// How long restoring took, in milliseconds.
    pub elapsed_ms: f64,
}

/// The answer to a reset.
#[derive(ApiResponse)]
pub enum ResetResponse {
    /// The seeded state is back; the error-injection sequence starts again.
    #[oai(status = 200)]
    Ok(Json<ResetReport>),
    /// The database could not be restored.
    #[oai(status = 500)]
    Failed(Json<ErrorDocument>),
    /// The mock server is still seeding.
    #[oai(status = 503)]
    NotReady(Json<ErrorDocument>),
}

/// The answer to an accounts request.
#[derive(ApiResponse)]
pub enum AccountsResponse {
    /// The credentials table.
    #[oai(status = 200)]
    Ok(Json<Box<AccountsDocument>>),
    /// The mock server is still seeding.
    #[oai(status = 503)]
    NotReady(Json<ErrorDocument>),
}

/// The mock server's endpoints.
pub struct MockApi {
    control: Arc<Control>,
}

#[OpenApi(prefix_path = "/__mock", tag = "MockTags::MockServer")]
impl MockApi {
    /// Restore the seeded data
    ///
    /// Puts back every table (autoincrement counters included) as it was
    /// after seeding, so the next ids are the seeded world's next ids, and
    /// starts the `--error-rate` sequence again. Tokens from the accounts
    /// table stay valid. Never delayed or failed by injection.
    #[oai(path = "/reset", method = "post", operation_id = "mock_reset")]
    async fn reset(&self, state: Data<&AppState>) -> ResetResponse {
        let restored = self.control.reset(&state.writer).await;
        if let Some(cache) = &state.cache {
            cache.invalidate();
        }
        match restored {
            Ok(elapsed) => ResetResponse::Ok(Json(ResetReport {
                message: "The seeded state is restored.".into(),
                seed: self.control.seed,
                elapsed_ms: elapsed.as_secs_f64() * 1000.0,
            })),
            Err(e) => {
                let e = ApiError::from(e);
                if e.status.as_u16() == 503 {
                    ResetResponse::NotReady(Json(e.document()))
                } else {
                    ResetResponse::Failed(Json(e.document()))
                }
            }
        }
    }

    /// The demo credentials
    ///
    /// One row per demo account (role, email, password, user id, ready
    /// access and refresh tokens), the URLs of the API, docs and fake
    /// providers, and the OAuth client ids: the table printed at start.
    #[oai(path = "/accounts", method = "get", operation_id = "mock_accounts")]
    async fn accounts(&self) -> AccountsResponse {
        match self.control.accounts() {
            Ok(doc) => AccountsResponse::Ok(Json(Box::new(doc.clone()))),
            Err(e) => AccountsResponse::NotReady(Json(ApiError::from(e).document())),
        }
    }
}

/// The endpoints as a poem-openapi service, and their OpenAPI section.
pub fn service(control: Arc<Control>) -> (OpenApiService<MockApi, ()>, Value) {
    let service = OpenApiService::new(MockApi { control }, TAG, env!("CARGO_PKG_VERSION"));
    let section = serde_json::from_str(&service.spec()).unwrap_or(Value::Null);
    (service, section)
}

/// Adds the mock server's section to the API's document: its paths,
/// schemas and tag, a note in the description, and — when errors are
/// injected — the 503 every `/v1` operation may then answer.
pub fn extend_spec(spec: &mut Value, section: &Value, error_rate: f64) {
    if let (Some(paths), Some(extra)) = (
        spec.get_mut("paths").and_then(Value::as_object_mut),
        section.get("paths").and_then(Value::as_object),
    ) {
        if error_rate > 0.0 {
            for (_, item) in paths.iter_mut().filter(|(p, _)| p.starts_with("/v1")) {
                add_injected_503(item);
            }
        }
        paths.extend(extra.clone());
    }
    if let (Some(schemas), Some(extra)) = (
        spec.pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut),
        section
            .pointer("/components/schemas")
            .and_then(Value::as_object),
    ) {
        for (name, schema) in extra {
            schemas
                .entry(name.clone())
                .or_insert_with(|| schema.clone());
        }
    }
    if let Some(obj) = spec.as_object_mut() {
        let tags = obj.entry("tags").or_insert_with(|| json!([]));
        if let (Some(tags), Some(extra)) = (
            tags.as_array_mut(),
            section.get("tags").and_then(Value::as_array),
        ) {
            tags.extend(extra.iter().cloned());
        }
    }
    if let Some(info) = spec.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("title".into(), json!("Open Event API (mock server)"));
        let description = info
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        info.insert(
            "description".into(),
            json!(format!(
                "{description}\n\nServed by the mock server: the real API on seeded in-memory \
                 data, with fake Google and Facebook login. Its own endpoints are under \
                 the \"{TAG}\" tag."
            )),
        );
    }
}

fn add_injected_503(item: &mut Value) {
    let Some(ops) = item.as_object_mut() else {
        return;
    };
    for op in ops.values_mut() {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            responses.entry("503").or_insert_with(|| {
                json!({
                    "description": format!(
                        "Injected by the mock server (`--error-rate`; error code `{INJECTED_ERROR_CODE}`)."
                    ),
                    "content": {
                        "application/vnd.api+json": {
                            "schema": {"$ref": "#/components/schemas/ErrorDocument"}
                        }
                    }
                })
            });
        }
    }
}
