use axum::{Json, extract::State};
use configurator_api::TopicList;

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    policy::{Action, Resource},
};

/// `GET /api/v1/topics`: the topics the caller may read.
pub async fn list(State(state): State<AppState>, caller: Principal) -> Result<Json<TopicList>, ApiError> {
    if !state
        .policy
        .actions_of(&caller.roles)
        .contains(&Action::TopicsRead)
    {
        return Err(ApiError::Forbidden(
            "You do not have the permission topics:read on any topic.".into(),
        ));
    }
    let topics = state
        .kafka
        .list_topics()
        .await?
        .into_iter()
        .filter(|t| {
            state
                .policy
                .allows(&caller.roles, Action::TopicsRead, Resource::Topic(&t.name))
        })
        .collect();
    Ok(Json(TopicList { topics }))
}
