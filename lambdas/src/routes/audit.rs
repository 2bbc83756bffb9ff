use axum::{Json, extract::State};
use configurator_api::AuditList;
use serde::Deserialize;

use crate::{
    AppState,
    audit::MAX_LIMIT,
    auth::Principal,
    error::ApiError,
    extract::Query,
    policy::{Action, Resource},
};

#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /audit?limit=` (default 100, at most 1,000): newest first.
pub async fn list(
    State(state): State<AppState>,
    caller: Principal,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    caller.require(&state.policy, Action::AuditRead, Resource::Cluster)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "invalid_limit",
            format!("limit must be between 1 and {MAX_LIMIT}."),
        ));
    }
    Ok(Json(AuditList {
        records: state.kafka.audit_records(limit).await?,
    }))
}
