//! `GET /health`: liveness plus a database round trip.

use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};
use sea_orm::ConnectionTrait;

use super::ApiTags;
use crate::state::AppState;

/// Health endpoint.
pub struct HealthApi;

/// Health report.
#[derive(Debug, Object)]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: String,
    /// `ok` or the database error.
    pub database: String,
    /// Server version.
    pub version: String,
}

/// 200 when healthy, 503 when the database is unreachable.
#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Healthy.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// The database does not answer.
    #[oai(status = 503)]
    Unavailable(Json<Health>),
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Health check
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self, state: poem::web::Data<&AppState>) -> HealthResponse {
        let version = env!("CARGO_PKG_VERSION").to_owned();
        match state.db.execute_unprepared("SELECT 1").await {
            Ok(_) => HealthResponse::Ok(Json(Health {
                status: "ok".into(),
                database: "ok".into(),
                version,
            })),
            Err(e) => HealthResponse::Unavailable(Json(Health {
                status: "degraded".into(),
                database: e.to_string(),
                version,
            })),
        }
    }
}
