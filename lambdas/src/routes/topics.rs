use axum::{Json, extract::State};
use configurator_api::TopicList;

use crate::{AppState, auth::Principal, error::ApiError};

/// `GET /api/v1/topics`
pub async fn list(
    State(state): State<AppState>,
    Principal(_caller): Principal,
) -> Result<Json<TopicList>, ApiError> {
    let topics = state.kafka.list_topics().await?;
    Ok(Json(TopicList { topics }))
}
