use axum::{Json, extract::State};
use configurator_api::{ClusterAccess, Me};

use crate::{AppState, auth::Principal};

/// `GET /api/v1/me`: who the token says the caller is, and what the policy
/// lets them do on each cluster they may see (the console hides the rest;
/// every call is checked anyway).
pub async fn me(State(state): State<AppState>, principal: Principal) -> Json<Me> {
    Json(Me {
        subject: principal.claims.sub.clone(),
        name: principal.display_name().to_owned(),
        groups: principal.groups.clone(),
        roles: principal.roles.clone(),
        clusters: access(&state, &principal),
    })
}

/// The clusters the person may see, in configuration order, each with what
/// they may do there.
pub fn access(state: &AppState, principal: &Principal) -> Vec<ClusterAccess> {
    state
        .clusters
        .iter()
        .filter_map(|cluster| {
            let permissions = state.policy.actions_of(&principal.roles, cluster.id());
            (!permissions.is_empty()).then(|| ClusterAccess {
                cluster: cluster.id().to_owned(),
                name: cluster.settings.name.clone(),
                environment: cluster.settings.environment.clone(),
                permissions,
                schemas: cluster
                    .registry
                    .as_ref()
                    .map_or(configurator_api::RegistryKind::Builtin, |r| r.kind()),
            })
        })
        .collect()
}
