use axum::{Json, extract::State};
use configurator_api::{Broker, ClusterInfo};

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    policy::{Action, Resource},
};

/// `GET /cluster`: id, controller, brokers and totals.
pub async fn get(State(state): State<AppState>, caller: Principal) -> Result<Json<ClusterInfo>, ApiError> {
    caller.require(&state.policy, Action::ClusterRead, Resource::Cluster)?;
    let meta = state.kafka.metadata().await?;
    let mut brokers: Vec<Broker> = meta
        .brokers
        .iter()
        .map(|b| Broker {
            id: b.id,
            host: b.host.clone(),
            port: b.port,
            rack: None,
        })
        .collect();
    brokers.sort_by_key(|b| b.id);
    Ok(Json(ClusterInfo {
        cluster_id: None,
        controller: None,
        brokers,
        topic_count: meta.topics.len() as u32,
        partition_count: meta.topics.iter().map(|t| t.partitions.len() as u32).sum(),
        under_replicated_partitions: meta.topics.iter().map(|t| t.under_replicated()).sum(),
    }))
}
