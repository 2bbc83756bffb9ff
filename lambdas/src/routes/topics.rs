//! Topic handlers: permission check, then the Kafka call; mutations are audited.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use configurator_api::{
    AddPartitions, ConfigPatch, CreateTopic, PurgeRequest, PurgeResult, TopicConfigs, TopicDetail, TopicList,
    TopicQuery,
};
use serde_json::json;

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    extract::{Body, Query},
    policy::{Action, Resource},
};

/// `GET /topics`: the topics the caller may read.
pub async fn list(
    State(state): State<AppState>,
    caller: Principal,
    Query(query): Query<TopicQuery>,
) -> Result<Json<TopicList>, ApiError> {
    caller.require_somewhere(&state.policy, Action::TopicsRead)?;
    let topics = state
        .kafka
        .list_topics(&query, |name| caller.may_read_topic(&state.policy, name))
        .await?;
    Ok(Json(topics))
}

/// `POST /topics` → 201 with the new topic.
pub async fn create(
    State(state): State<AppState>,
    caller: Principal,
    Body(request): Body<CreateTopic>,
) -> Result<(StatusCode, Json<TopicDetail>), ApiError> {
    let resource = Resource::Topic(&request.name);
    let parameters = json!({
        "partitions": request.partitions,
        "replication_factor": request.replication_factor,
        "configs": request.configs,
    });
    let outcome = async {
        caller.require(&state.policy, Action::TopicsCreate, resource)?;
        state.kafka.create_topic(&request).await
    }
    .await;
    let kafka = &state.kafka;
    kafka
        .audited(
            &caller,
            Action::TopicsCreate,
            resource,
            parameters,
            outcome,
            StatusCode::CREATED,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(kafka.topic_detail(&request.name).await?),
    ))
}

/// `GET /topics/{topic}`
pub async fn get(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
) -> Result<Json<TopicDetail>, ApiError> {
    caller.require(&state.policy, Action::TopicsRead, Resource::Topic(&topic))?;
    Ok(Json(state.kafka.topic_detail(&topic).await?))
}

/// `DELETE /topics/{topic}` → 204. The topic's schema goes with it.
pub async fn delete(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
) -> Result<StatusCode, ApiError> {
    let resource = Resource::Topic(&topic);
    let outcome = async {
        caller.require(&state.policy, Action::TopicsDelete, resource)?;
        state.kafka.delete_topic(&topic).await?;
        if state.kafka.schema(&topic).await?.is_some() {
            state.kafka.delete_schema(&topic).await?;
        }
        Ok(StatusCode::NO_CONTENT)
    }
    .await;
    state
        .kafka
        .audited(
            &caller,
            Action::TopicsDelete,
            resource,
            json!({}),
            outcome,
            StatusCode::NO_CONTENT,
        )
        .await
}

/// `GET /topics/{topic}/configs`
pub async fn configs(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
) -> Result<Json<TopicConfigs>, ApiError> {
    caller.require(&state.policy, Action::TopicsRead, Resource::Topic(&topic))?;
    state.kafka.topic_meta(&topic).await?;
    Ok(Json(TopicConfigs {
        configs: state.kafka.topic_configs(&topic).await?,
    }))
}

/// `PATCH /topics/{topic}/configs` → the configs after the change.
pub async fn alter_configs(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
    Body(patch): Body<ConfigPatch>,
) -> Result<Json<TopicConfigs>, ApiError> {
    let resource = Resource::Topic(&topic);
    let outcome = async {
        caller.require(&state.policy, Action::TopicsAlter, resource)?;
        state.kafka.alter_topic_configs(&topic, &patch).await
    }
    .await;
    let parameters = json!({"set": patch.set, "delete": patch.delete});
    state
        .kafka
        .audited(
            &caller,
            Action::TopicsAlter,
            resource,
            parameters,
            outcome,
            StatusCode::OK,
        )
        .await?;
    Ok(Json(TopicConfigs {
        configs: state.kafka.topic_configs(&topic).await?,
    }))
}

/// `POST /topics/{topic}/partitions` → the topic afterwards.
pub async fn add_partitions(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
    Body(request): Body<AddPartitions>,
) -> Result<Json<TopicDetail>, ApiError> {
    let resource = Resource::Topic(&topic);
    let outcome = async {
        caller.require(&state.policy, Action::TopicsAlter, resource)?;
        state.kafka.add_partitions(&topic, request.count).await
    }
    .await;
    let parameters = json!({"count": request.count});
    state
        .kafka
        .audited(
            &caller,
            Action::TopicsAlter,
            resource,
            parameters,
            outcome,
            StatusCode::OK,
        )
        .await?;
    Ok(Json(state.kafka.topic_detail(&topic).await?))
}

/// `POST /topics/{topic}/purge`
pub async fn purge(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
    Body(request): Body<PurgeRequest>,
) -> Result<Json<PurgeResult>, ApiError> {
    let resource = Resource::Topic(&topic);
    let outcome = async {
        caller.require(&state.policy, Action::TopicsPurge, resource)?;
        state.kafka.purge(&topic, &request).await
    }
    .await;
    let parameters = json!({"partitions": request.partitions, "before_offset": request.before_offset});
    state
        .kafka
        .audited(
            &caller,
            Action::TopicsPurge,
            resource,
            parameters,
            outcome,
            StatusCode::OK,
        )
        .await
        .map(Json)
}
