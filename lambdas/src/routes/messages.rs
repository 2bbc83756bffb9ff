//! Browse, one message, and produce. Audit records of a produce name the
//! topic, partition and offset, never the key, value or headers.
//!
//! Each handler checks its input first, then refuses protected topics and
//! checks the permission, then reads or writes.

use axum::{Json, extract::State, http::StatusCode};
use configurator_api::{Message, MessagePage, MessageQuery, ProduceRequest, Produced};
use serde_json::json;

use configurator_api::Permission;

use crate::{
    AppState,
    audit::allowed,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, Query, RecordPath, TopicPath},
    kafka::messages::{Browse, Outgoing},
    policy::Resource,
};

/// `GET /topics/{topic}/messages`
pub async fn browse_messages(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Query(query): Query<MessageQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let browse = Browse::parse(&query)?;
    allowed(
        &state,
        &caller,
        on.id(),
        Permission::MessagesRead,
        Resource::Topic(&topic),
    )?;
    Ok(Json(
        on.kafka.browse(&topic, &browse, on.registry().cloned()).await?,
    ))
}

/// `GET /topics/{topic}/partitions/{partition}/offsets/{offset}`: the
/// message whole, where a browse shows previews.
pub async fn get_message(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    at: RecordPath,
) -> Result<Json<Message>, ApiError> {
    allowed(
        &state,
        &caller,
        on.id(),
        Permission::MessagesRead,
        Resource::Topic(&at.topic),
    )?;
    Ok(Json(
        on.kafka
            .message(&at.topic, at.partition, at.offset, on.registry().cloned())
            .await?,
    ))
}

/// `POST /topics/{topic}/messages` → 201 with where it was written.
pub async fn produce_message(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(request): Body<ProduceRequest>,
) -> Result<(StatusCode, Json<Produced>), ApiError> {
    let message = Outgoing::parse(&request)?;
    if message.uses_registry() {
        on.require_registry()?;
    }
    let resource = Resource::Topic(&topic);
    let outcome = async {
        allowed(&state, &caller, on.id(), Permission::MessagesProduce, resource)?;
        on.kafka.produce(&topic, &message, on.registry()).await
    }
    .await;
    let schema = request.value_schema.as_ref().map(|s| s.name.clone());
    let parameters = match &outcome {
        Ok(p) => json!({"partition": p.partition, "offset": p.offset, "value_schema": schema}),
        Err(_) => json!({"partition": message.partition(), "value_schema": schema}),
    };
    let produced = state
        .audited(
            &caller,
            &on,
            Permission::MessagesProduce,
            resource,
            parameters,
            outcome,
            StatusCode::CREATED,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(produced)))
}
