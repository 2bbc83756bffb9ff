//! Consumer groups: list, detail, offset reset, delete.
//!
//! The mutating handlers (`reset_offsets`, `delete`) go through
//! [`AppState::mutate`]: permission check, the work, the audit record.

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use configurator_api::{GroupDetail, GroupList, ResetOffsets, ResetResult};

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    extract::Body,
    policy::{Action, Resource},
};

/// `GET /api/v1/consumer-groups`: the groups the caller may read.
pub async fn list(State(state): State<AppState>, caller: Principal) -> Result<Json<GroupList>, ApiError> {
    caller.require_somewhere(&state.policy, Action::GroupsRead)?;
    let groups = state
        .kafka
        .list_groups(|group| {
            state
                .policy
                .allows(&caller.roles, Action::GroupsRead, Resource::Group(group))
        })
        .await?;
    Ok(Json(groups))
}

/// `GET /api/v1/consumer-groups/{group}`
pub async fn get(
    State(state): State<AppState>,
    caller: Principal,
    group: Result<Path<String>, PathRejection>,
) -> Result<Json<GroupDetail>, ApiError> {
    let group = group_name(group)?;
    caller.require(&state.policy, Action::GroupsRead, Resource::Group(&group))?;
    Ok(Json(state.kafka.describe_group(&group).await?))
}

/// `POST /api/v1/consumer-groups/{group}/reset-offsets`: needs `groups:reset`
/// on the group and `topics:read` on the topic.
pub async fn reset_offsets(
    State(state): State<AppState>,
    caller: Principal,
    group: Result<Path<String>, PathRejection>,
    Body(request): Body<ResetOffsets>,
) -> Result<Json<ResetResult>, ApiError> {
    let group = group_name(group)?;
    let work = async {
        caller.require(&state.policy, Action::TopicsRead, Resource::Topic(&request.topic))?;
        state.kafka.reset_offsets(&group, &request).await
    };
    let parameters = serde_json::json!({
        "topic": request.topic,
        "partitions": request.partitions,
        "to": request.to,
        "value": request.value,
        "dry_run": request.dry_run,
    });
    state
        .mutate(
            &caller,
            Action::GroupsReset,
            Resource::Group(&group),
            parameters,
            StatusCode::OK,
            work,
        )
        .await
        .map(Json)
}

/// `DELETE /api/v1/consumer-groups/{group}`: 204 once deleted.
pub async fn delete(
    State(state): State<AppState>,
    caller: Principal,
    group: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let group = group_name(group)?;
    let work = async {
        state.kafka.delete_group(&group).await?;
        Ok(StatusCode::NO_CONTENT)
    };
    state
        .mutate(
            &caller,
            Action::GroupsDelete,
            Resource::Group(&group),
            serde_json::json!({}),
            StatusCode::NO_CONTENT,
            work,
        )
        .await
}

/// The `{group}` path segment; a segment that is not valid UTF-8 once
/// percent-decoded is a 400 in the envelope (axum answers in plain text).
fn group_name(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(group)| group)
        .map_err(|e| ApiError::bad_request("invalid_group_name", e.body_text()))
}
