//! Consumer groups: list, detail, offset reset, delete.
//!
//! The mutating handlers (`reset_offsets`, `delete`) go through
//! [`AppState::mutate`]: permission check, the work, the audit record.

use axum::{Json, extract::State, http::StatusCode};
use configurator_api::{GroupDetail, GroupList, ResetOffsets, ResetResult};

use configurator_api::Permission;

use crate::{
    AppState,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, GroupPath},
    policy::Resource,
    validate,
};

/// `GET /clusters/{cluster}/consumer-groups`: the groups the caller may read.
pub async fn list_groups(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
) -> Result<Json<GroupList>, ApiError> {
    caller.require_somewhere(&state.policy, on.id(), Permission::GroupsRead)?;
    let groups = on
        .kafka
        .list_groups(|group| {
            state.policy.allows(
                &caller.roles,
                Permission::GroupsRead,
                on.id(),
                Resource::Group(group),
            )
        })
        .await?;
    Ok(Json(groups))
}

/// `GET /clusters/{cluster}/consumer-groups/{group}`
pub async fn get_group(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
) -> Result<Json<GroupDetail>, ApiError> {
    caller.require(
        &state.policy,
        on.id(),
        Permission::GroupsRead,
        Resource::Group(&group),
    )?;
    Ok(Json(on.kafka.describe_group(&group).await?))
}

/// `POST /clusters/{cluster}/consumer-groups/{group}/reset-offsets`: needs `groups:reset`
/// on the group and `topics:read` on the topic.
pub async fn reset_offsets(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
    Body(request): Body<ResetOffsets>,
) -> Result<Json<ResetResult>, ApiError> {
    validate::topic_name(&request.topic).map_err(|e| e.with_field("topic"))?;
    let work = async {
        caller.require(
            &state.policy,
            on.id(),
            Permission::TopicsRead,
            Resource::Topic(&request.topic),
        )?;
        on.kafka.reset_offsets(&group, &request).await
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
            &on,
            Permission::GroupsReset,
            Resource::Group(&group),
            parameters,
            StatusCode::OK,
            work,
        )
        .await
        .map(Json)
}

/// `DELETE /clusters/{cluster}/consumer-groups/{group}`: 204 once deleted.
pub async fn delete_group(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
) -> Result<StatusCode, ApiError> {
    let work = async {
        on.kafka.delete_group(&group).await?;
        Ok(StatusCode::NO_CONTENT)
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::GroupsDelete,
            Resource::Group(&group),
            serde_json::json!({}),
            StatusCode::NO_CONTENT,
            work,
        )
        .await
}
