//! Consumer groups: list, detail, lag history, offset reset, offset
//! deletion, delete.
//!
//! The mutating handlers (`reset_offsets`, `delete_group_offsets`,
//! `delete_group`) go through [`AppState::mutate`]: permission check, the
//! work, the audit record. Their input is checked before all of it.

use axum::{Json, extract::State, http::StatusCode};
use configurator_api::{
    DeleteOffsets, DeletedOffsets, GroupDetail, GroupList, LagHistory, LagHistoryQuery, Permission,
    ResetOffsets, ResetResult,
};

use crate::{
    AppState,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, GroupPath, Query},
    kafka::groups::{Judge, ResetPlan, topic_list},
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
        .list_groups(
            |group| {
                state.policy.allows(
                    &caller.roles,
                    Permission::GroupsRead,
                    on.id(),
                    Resource::Group(group),
                )
            },
            judge(&state, &on),
        )
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
    Ok(Json(on.kafka.describe_group(&group, judge(&state, &on)).await?))
}

/// `GET /clusters/{cluster}/consumer-groups/{group}/lag-history`
pub async fn get_lag_history(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
    Query(query): Query<LagHistoryQuery>,
) -> Result<Json<LagHistory>, ApiError> {
    if let Some(topic) = &query.topic {
        validate::topic_name(topic).map_err(|e| e.with_field("topic"))?;
    }
    caller.require(
        &state.policy,
        on.id(),
        Permission::GroupsRead,
        Resource::Group(&group),
    )?;
    Ok(Json(on.kafka.lag_history(&group, &query).await?))
}

/// `POST /clusters/{cluster}/consumer-groups/{group}/reset-offsets`: needs
/// `groups:reset` on the group, `topics:read` on each topic, and
/// `groups:read` on the group copied from.
pub async fn reset_offsets(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
    Body(request): Body<ResetOffsets>,
) -> Result<Json<ResetResult>, ApiError> {
    let plan = ResetPlan::parse(&group, &request)?;
    let work = async {
        if let Some(source) = &plan.from_group {
            caller.require(
                &state.policy,
                on.id(),
                Permission::GroupsRead,
                Resource::Group(source),
            )?;
        }
        let may_read = |topic: &str| {
            caller.require(
                &state.policy,
                on.id(),
                Permission::TopicsRead,
                Resource::Topic(topic),
            )
        };
        on.kafka.reset_offsets(&group, &plan, may_read).await
    };
    let parameters = serde_json::json!({
        "topics": plan.topics,
        "partitions": plan.partitions,
        "to": plan.to,
        "value": plan.value,
        "from_group": plan.from_group,
        "dry_run": plan.dry_run,
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

/// `POST /clusters/{cluster}/consumer-groups/{group}/delete-offsets`: needs
/// `groups:delete` on the group and `topics:read` on each topic.
pub async fn delete_group_offsets(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    GroupPath(group): GroupPath,
    Body(request): Body<DeleteOffsets>,
) -> Result<Json<DeletedOffsets>, ApiError> {
    let request = DeleteOffsets {
        topics: topic_list(&request.topics)?,
    };
    let work = async {
        for topic in &request.topics {
            caller.require(
                &state.policy,
                on.id(),
                Permission::TopicsRead,
                Resource::Topic(topic),
            )?;
        }
        on.kafka.delete_offsets(&group, &request).await
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::GroupsDelete,
            Resource::Group(&group),
            serde_json::json!({ "topics": request.topics }),
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

fn judge<'a>(state: &'a AppState, on: &'a OnCluster) -> Judge<'a> {
    Judge {
        rules: &state.policy.health,
        cluster: on.id(),
    }
}
