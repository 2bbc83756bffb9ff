//! Each cluster's line in the overview and the cluster switcher: reachable
//! or not, and its totals. All clusters are asked at once, each with its own
//! clients and deadline, so the list takes as long as the slowest cluster
//! (at most [`PROBE_DEADLINE`]), and one that is down delays no other.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_api::{ClusterHealth, ClusterSummary, ClusterTotals, Permission};
use tokio::task::JoinSet;

use super::Cluster;
use crate::error::ApiError;

/// The summaries of `clusters` (with what the caller may do on each), in
/// the order given.
pub async fn summaries(clusters: Vec<(Arc<Cluster>, Vec<Permission>)>) -> Vec<ClusterSummary> {
    let mut probes = JoinSet::new();
    for (index, (cluster, permissions)) in clusters.into_iter().enumerate() {
        probes.spawn(async move { (index, summary(&cluster, permissions).await) });
    }
    let mut done: Vec<(usize, ClusterSummary)> = probes.join_all().await;
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, summary)| summary).collect()
}

/// How long the overview waits for one cluster (less when its request
/// timeout is shorter): a healthy cluster answers its metadata in tens of
/// milliseconds even with 10,000 topics, and a person looking at the
/// overview should learn within a few seconds that one is down.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(2500);

async fn summary(cluster: &Cluster, permissions: Vec<Permission>) -> ClusterSummary {
    let totals_allowed = permissions.contains(&Permission::ClusterRead);
    ClusterSummary {
        id: cluster.id().to_owned(),
        name: cluster.settings.name.clone(),
        environment: cluster.settings.environment.clone(),
        health: health(cluster, totals_allowed).await,
        permissions,
    }
}

async fn health(cluster: &Cluster, totals_allowed: bool) -> ClusterHealth {
    let started = Instant::now();
    let elapsed_ms = || started.elapsed().as_millis() as u64;
    let unreachable = |reason: String| ClusterHealth::Unreachable {
        elapsed_ms: elapsed_ms(),
        reason,
    };
    let kafka = match cluster.kafka() {
        Ok(kafka) => kafka,
        Err(e) => return unreachable(e.message),
    };
    let deadline = kafka.timeout().min(PROBE_DEADLINE);
    // The metadata call itself is bounded by the request timeout; its
    // blocking thread may finish after we stopped waiting, which costs a
    // thread for at most that long.
    match tokio::time::timeout(deadline, kafka.metadata()).await {
        Ok(Ok(meta)) => ClusterHealth::Reachable {
            elapsed_ms: elapsed_ms(),
            totals: totals_allowed.then(|| ClusterTotals {
                brokers: meta.brokers.len() as u32,
                topics: meta.topics.len() as u32,
                partitions: meta.topics.iter().map(|t| t.partitions.len() as u32).sum(),
                under_replicated_partitions: meta.topics.iter().map(|t| t.under_replicated()).sum(),
            }),
        },
        Ok(Err(e)) => unreachable(ApiError::from(e).message),
        Err(_) => unreachable(format!(
            "The cluster did not answer within {} s.",
            deadline.as_secs_f32()
        )),
    }
}
