//! Topic handlers: input checks, then the permission check (and the refusal
//! of protected topics), then the Kafka call; mutations are audited.

use axum::{Json, extract::State, http::StatusCode};
use configurator_api::{
    AddPartitions, ConfigPatch, CreateTopic, PurgeRequest, PurgeResult, TopicConfigs, TopicDetail, TopicList,
    TopicQuery,
};
use serde_json::json;

use configurator_api::Permission;

use crate::{
    AppState,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, Query, TopicPath},
    policy::Resource,
    validate,
};

/// `GET /topics`: the topics the caller may read.
pub async fn list_topics(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    Query(query): Query<TopicQuery>,
) -> Result<Json<TopicList>, ApiError> {
    caller.require_somewhere(&state.policy, on.id(), Permission::TopicsRead)?;
    let topics = on
        .kafka
        .list_topics(&query, |name| caller.may_read_topic(&state.policy, on.id(), name))
        .await?;
    Ok(Json(topics))
}

/// `POST /topics` → 201 with the new topic.
pub async fn create_topic(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    Body(request): Body<CreateTopic>,
) -> Result<(StatusCode, Json<TopicDetail>), ApiError> {
    validate::topic_name(&request.name)?;
    validate::partitions("partitions", request.partitions)?;
    validate::configs("configs", &request.configs)?;
    let resource = Resource::Topic(&request.name);
    let parameters = json!({
        "partitions": request.partitions,
        "replication_factor": request.replication_factor,
        "configs": request.configs,
    });
    let work = on.kafka.create_topic(&request);
    state
        .mutate(
            &caller,
            &on,
            Permission::TopicsCreate,
            resource,
            parameters,
            StatusCode::CREATED,
            work,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(on.kafka.topic_detail(&request.name).await?),
    ))
}

/// `GET /topics/{topic}`
pub async fn get_topic(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<Json<TopicDetail>, ApiError> {
    caller.require(
        &state.policy,
        on.id(),
        Permission::TopicsRead,
        Resource::Topic(&topic),
    )?;
    Ok(Json(on.kafka.topic_detail(&topic).await?))
}

/// `DELETE /topics/{topic}` → 204. The topic's schema goes with it.
pub async fn delete_topic(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<StatusCode, ApiError> {
    let resource = Resource::Topic(&topic);
    let work = async {
        on.kafka.delete_topic(&topic).await?;
        if on.kafka.schema(&topic).await?.is_some() {
            on.kafka.delete_schema(&topic).await?;
        }
        Ok(StatusCode::NO_CONTENT)
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::TopicsDelete,
            resource,
            json!({}),
            StatusCode::NO_CONTENT,
            work,
        )
        .await
}

/// `GET /topics/{topic}/configs`
pub async fn get_topic_configs(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<Json<TopicConfigs>, ApiError> {
    caller.require(
        &state.policy,
        on.id(),
        Permission::TopicsRead,
        Resource::Topic(&topic),
    )?;
    on.kafka.topic_meta(&topic).await?;
    Ok(Json(TopicConfigs {
        configs: on.kafka.topic_configs(&topic).await?,
    }))
}

/// `PATCH /topics/{topic}/configs` → the configs after the change.
pub async fn alter_topic_configs(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(patch): Body<ConfigPatch>,
) -> Result<Json<TopicConfigs>, ApiError> {
    validate::config_patch(&patch.set, &patch.delete)?;
    let resource = Resource::Topic(&topic);
    let work = async { on.kafka.alter_topic_configs(&topic, &patch).await };
    let parameters = json!({"set": patch.set, "delete": patch.delete});
    state
        .mutate(
            &caller,
            &on,
            Permission::TopicsAlter,
            resource,
            parameters,
            StatusCode::OK,
            work,
        )
        .await?;
    Ok(Json(TopicConfigs {
        configs: on.kafka.topic_configs(&topic).await?,
    }))
}

/// `POST /topics/{topic}/partitions` → the topic afterwards.
pub async fn add_partitions(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(request): Body<AddPartitions>,
) -> Result<Json<TopicDetail>, ApiError> {
    validate::partitions("count", request.count)?;
    let resource = Resource::Topic(&topic);
    let work = async { on.kafka.add_partitions(&topic, request.count).await };
    let parameters = json!({"count": request.count});
    state
        .mutate(
            &caller,
            &on,
            Permission::TopicsAlter,
            resource,
            parameters,
            StatusCode::OK,
            work,
        )
        .await?;
    Ok(Json(on.kafka.topic_detail(&topic).await?))
}

/// `POST /topics/{topic}/purge`
pub async fn purge_topic(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(request): Body<PurgeRequest>,
) -> Result<Json<PurgeResult>, ApiError> {
    let resource = Resource::Topic(&topic);
    let work = async { on.kafka.purge(&topic, &request).await };
    let parameters = json!({"partitions": request.partitions, "before_offset": request.before_offset});
    state
        .mutate(
            &caller,
            &on,
            Permission::TopicsPurge,
            resource,
            parameters,
            StatusCode::OK,
            work,
        )
        .await
        .map(Json)
}
