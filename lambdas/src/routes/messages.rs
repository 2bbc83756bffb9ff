//! Browse and produce. Audit records of a produce name the topic, partition
//! and offset, never the key, value or headers.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use configurator_api::{MessagePage, MessageQuery, ProduceRequest, Produced};
use serde_json::json;

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    extract::{Body, Query},
    policy::{Action, Resource},
};

/// `GET /topics/{topic}/messages`
pub async fn browse(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
    Query(query): Query<MessageQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    caller.require(&state.policy, Action::MessagesRead, Resource::Topic(&topic))?;
    Ok(Json(state.kafka.browse(&topic, &query).await?))
}

/// `POST /topics/{topic}/messages` → 201 with where it was written.
pub async fn produce(
    State(state): State<AppState>,
    caller: Principal,
    Path(topic): Path<String>,
    Body(request): Body<ProduceRequest>,
) -> Result<(StatusCode, Json<Produced>), ApiError> {
    let resource = Resource::Topic(&topic);
    let outcome = async {
        caller.require(&state.policy, Action::MessagesProduce, resource)?;
        state.kafka.produce(&topic, &request).await
    }
    .await;
    let parameters = match &outcome {
        Ok(p) => json!({"partition": p.partition, "offset": p.offset}),
        Err(_) => json!({"partition": request.partition}),
    };
    let produced = state
        .kafka
        .audited(
            &caller,
            Action::MessagesProduce,
            resource,
            parameters,
            outcome,
            StatusCode::CREATED,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(produced)))
}
