use std::sync::Arc;

use axum::{Json, extract::State};
use configurator_api::{Broker, ClusterInfo, ClusterList, Permission};

use crate::{
    AppState,
    auth::Principal,
    clusters::{
        OnCluster,
        health::{self, Probe},
    },
    error::ApiError,
    policy::Resource,
};

/// `GET /clusters/{cluster}`: id, controller, brokers and totals.
pub async fn get_cluster(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
) -> Result<Json<ClusterInfo>, ApiError> {
    caller.require(&state.policy, on.id(), Permission::ClusterRead, Resource::Cluster)?;
    let meta = on.kafka.metadata().await?;
    // DescribeCluster adds the id, the controller and racks; metadata has the topics.
    let described = on.kafka.blocking(crate::kafka::ffi::describe_cluster).await?;
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

/// `GET /clusters`: the clusters the caller may see, each with its health
/// (all asked at once: the answer takes as long as the slowest, at most
/// its request timeout).
pub async fn list_clusters(State(state): State<AppState>, caller: Principal) -> Json<ClusterList> {
    let roles: Arc<[String]> = caller.roles.into();
    let visible: Vec<Probe> = state
        .clusters
        .iter()
        .filter_map(|cluster| {
            let permissions = state.policy.actions_of(&roles, cluster.id());
            let (policy, roles, id) = (
                Arc::clone(&state.policy),
                Arc::clone(&roles),
                cluster.id().to_owned(),
            );
            (!permissions.is_empty()).then(|| Probe {
                cluster: Arc::clone(cluster),
                permissions,
                may_read_group: Arc::new(move |group| {
                    policy.allows(&roles, Permission::GroupsRead, &id, Resource::Group(group))
                }),
            })
        })
        .collect();
    let default = state.clusters.default_id();
    let default_cluster = visible
        .iter()
        .find(|p| p.cluster.id() == default)
        .or(visible.first())
        .map(|p| p.cluster.id().to_owned());
    Json(ClusterList {
        clusters: health::summaries(visible).await,
        default_cluster,
    })
}
