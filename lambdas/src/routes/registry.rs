//! The cluster's schema registry: its schemas, their versions and
//! compatibility, and a topic's key and value schemas.

use axum::Json;
use configurator_api::{
    CompatibilityMode, CompatibilityVerdict, Registered, SchemaList, SchemaSubject, SchemaVersion, TopicSchemas,
};

use crate::error::ApiError;

fn not_yet() -> ApiError {
    ApiError::new(
        http::StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "Schema registry routes are being built.",
    )
}

pub async fn get_topic_schemas() -> Result<Json<TopicSchemas>, ApiError> {
    Err(not_yet())
}
pub async fn list_schemas() -> Result<Json<SchemaList>, ApiError> {
    Err(not_yet())
}
pub async fn get_registry_schema() -> Result<Json<SchemaSubject>, ApiError> {
    Err(not_yet())
}
pub async fn get_schema_version() -> Result<Json<SchemaVersion>, ApiError> {
    Err(not_yet())
}
pub async fn register_schema_version() -> Result<Json<Registered>, ApiError> {
    Err(not_yet())
}
pub async fn check_schema_compatibility() -> Result<Json<CompatibilityVerdict>, ApiError> {
    Err(not_yet())
}
pub async fn set_schema_compatibility() -> Result<Json<CompatibilityMode>, ApiError> {
    Err(not_yet())
}
