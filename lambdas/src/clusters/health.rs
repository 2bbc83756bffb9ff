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

/// One cluster to ask, with what the caller may see of it.
pub struct Probe {
    pub cluster: Arc<Cluster>,
    /// What the caller may do there: totals need `cluster:read`, the total
    /// lag `groups:read`.
    pub permissions: Vec<Permission>,
    /// The consumer groups whose lag counts into the total: those the
    /// caller may read.
    pub may_read_group: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

/// The summaries of `probes`, in the order given.
pub async fn summaries(probes: Vec<Probe>) -> Vec<ClusterSummary> {
    let mut running = JoinSet::new();
    for (index, probe) in probes.into_iter().enumerate() {
        running.spawn(async move { (index, summary(probe).await) });
    }
    let mut done: Vec<(usize, ClusterSummary)> = running.join_all().await;
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, summary)| summary).collect()
}

/// How long the overview waits for one cluster (less when its request
/// timeout is shorter): a healthy cluster answers its metadata in tens of
/// milliseconds even with 10,000 topics, and a person looking at the
/// overview should learn within a few seconds that one is down.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(2500);

async fn summary(probe: Probe) -> ClusterSummary {
    let cluster = &probe.cluster;
    ClusterSummary {
        id: cluster.id().to_owned(),
        name: cluster.settings.name.clone(),
        environment: cluster.settings.environment.clone(),
        health: health(&probe).await,
        permissions: probe.permissions,
    }
}

async fn health(probe: &Probe) -> ClusterHealth {
    let cluster = &probe.cluster;
    let totals_allowed = probe.permissions.contains(&Permission::ClusterRead);
    let lag_allowed = totals_allowed && probe.permissions.contains(&Permission::GroupsRead);
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
    // Both calls are themselves bounded by the request timeout; a blocking
    // thread may finish after we stopped waiting, which costs a thread for
    // at most that long.
    let total_lag = async {
        if !lag_allowed {
            return None;
        }
        let visible = Arc::clone(&probe.may_read_group);
        let lag = tokio::time::timeout(deadline, kafka.total_lag(move |g| visible(g)));
        lag.await.ok()?.ok()
    };
    let (meta, total_lag) = tokio::join!(tokio::time::timeout(deadline, kafka.metadata()), total_lag);
    match meta {
        Ok(Ok(meta)) => ClusterHealth::Reachable {
            elapsed_ms: elapsed_ms(),
            totals: totals_allowed.then(|| ClusterTotals {
                brokers: meta.brokers.len() as u32,
                topics: meta.topics.len() as u32,
                partitions: meta.topics.iter().map(|t| t.partitions.len() as u32).sum(),
                under_replicated_partitions: meta.topics.iter().map(|t| t.under_replicated()).sum(),
                total_lag,
            }),
        },
        Ok(Err(e)) => unreachable(ApiError::from(e).message),
        Err(_) => unreachable(format!(
            "The cluster did not answer within {} s.",
            deadline.as_secs_f32()
        )),
    }
}
