use axum::{Json, extract::State};
use configurator_api::{TopicList, TopicQuery};

use crate::{AppState, auth::Principal, error::ApiError, extract::Query, policy::Action};

/// `GET /api/v1/topics`: the topics the caller may read.
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
