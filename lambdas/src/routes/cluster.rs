use axum::{Json, extract::State};
use configurator_api::{Broker, ClusterInfo};

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    policy::{Action, Resource},
};

/// `GET /cluster`: id, controller, brokers and totals.
pub async fn get_cluster(
    State(state): State<AppState>,
    caller: Principal,
) -> Result<Json<ClusterInfo>, ApiError> {
    caller.require(&state.policy, Action::ClusterRead, Resource::Cluster)?;
    let meta = state.kafka.metadata().await?;
    // DescribeCluster adds the id, the controller and racks; metadata has the topics.
    let described = state.kafka.blocking(crate::kafka::ffi::describe_cluster).await?;
    let mut brokers: Vec<Broker> = described
        .brokers
        .into_iter()
        .map(|(id, host, port, rack)| Broker { id, host, port, rack })
        .collect();
    brokers.sort_by_key(|b| b.id);
    Ok(Json(ClusterInfo {
        cluster_id: described.cluster_id,
        controller: described.controller,
        brokers,
        topic_count: meta.topics.len() as u32,
        partition_count: meta.topics.iter().map(|t| t.partitions.len() as u32).sum(),
        under_replicated_partitions: meta.topics.iter().map(|t| t.under_replicated()).sum(),
    }))
}
