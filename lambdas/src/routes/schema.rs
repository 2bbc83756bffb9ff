//! A topic's JSON Schema.

use axum::{Json, extract::State, http::StatusCode};
use configurator_api::TopicSchema;
use serde_json::json;

use configurator_api::Permission;

use crate::{
    AppState,
    audit::now_ms,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, TopicPath},
    kafka::schemas::{check_schema, no_schema},
    policy::Resource,
};

/// `GET /topics/{topic}/schema`; 404 `schema_not_found` when it has none.
pub async fn get_schema(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<Json<TopicSchema>, ApiError> {
    crate::audit::refuse_protected(&topic)?;
    caller.require(
        &state.policy,
        on.id(),
        Permission::SchemasRead,
        Resource::Topic(&topic),
    )?;
    on.kafka.topic_meta(&topic).await?;
    on.kafka
        .schema(&topic)
        .await?
        .map(Json)
        .ok_or_else(|| no_schema(&topic))
}

/// `PUT /topics/{topic}/schema` → the stored schema with who and when.
pub async fn put_schema(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(request): Body<TopicSchema>,
) -> Result<Json<TopicSchema>, ApiError> {
    check_schema(&request.schema)?;
    let resource = Resource::Topic(&topic);
    let work = async {
        on.kafka.topic_meta(&topic).await?;
        let schema = TopicSchema {
            schema: request.schema.clone(),
            updated_by: Some(caller.display_name().to_owned()),
            updated_at: Some(now_ms()),
        };
        on.kafka.put_schema(&topic, schema).await
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::SchemasWrite,
            resource,
            json!({}),
            StatusCode::OK,
            work,
        )
        .await
        .map(Json)
}

/// `DELETE /topics/{topic}/schema` → 204.
pub async fn delete_schema(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<StatusCode, ApiError> {
    let resource = Resource::Topic(&topic);
    let work = async {
        on.kafka
            .delete_schema(&topic)
            .await
            .map(|_| StatusCode::NO_CONTENT)
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::SchemasWrite,
            resource,
            json!({"delete": true}),
            StatusCode::NO_CONTENT,
            work,
        )
        .await
}
