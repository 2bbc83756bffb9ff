use axum::{Json, extract::State};
use configurator_api::Me;

use crate::{AppState, auth::Principal};

/// `GET /api/v1/me`: who the token says the caller is, and what the policy
/// lets them do (the console hides the rest; every call is checked anyway).
pub async fn me(State(state): State<AppState>, principal: Principal) -> Json<Me> {
    let permissions = state
        .policy
        .actions_of(&principal.roles)
        .iter()
        .map(|a| a.name().to_owned())
        .collect();
    Json(Me {
        subject: principal.claims.sub.clone(),
        name: principal.display_name().to_owned(),
        groups: principal.groups.clone(),
        roles: principal.roles.clone(),
        permissions,
    })
}
