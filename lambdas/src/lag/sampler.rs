//! The lag sampler: once a minute, for every configured cluster, each
//! group's committed offsets and the partitions' end offsets go into the
//! history ([`crate::kafka::lag_history`]), and each group's health is
//! judged. In AWS it is this binary as the `sampler` function, invoked by a
//! schedule; it prints CloudWatch Embedded Metric Format lines, which
//! CloudWatch turns into metrics without a PutMetricData call (or its IAM
//! right). Locally the API's server runs it in the background.
//!
//! Bounded: a run samples at most `max_groups` groups per cluster (with more,
//! groups take turns: run k samples the k-th slice of the sorted ids), reads
//! the record at each lagging committed offset within a share of its budget,
//! and gives up on a cluster when its budget is spent.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use anyhow::Context;
use configurator_api::Health;
use serde::Serialize;
use serde_json::json;

use super::health::{HealthRules, Live, verdict};
use crate::{
    audit::now_ms,
    clusters::Clusters,
    config::var_or,
    kafka::{
        Kafka,
        groups::Overview,
        lag_history::{GroupSample, TopicEnds},
    },
};

/// How often and how much the sampler samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplerConfig {
    /// `LAG_SAMPLER_INTERVAL_MS`: time between runs (the schedule's, in AWS;
    /// groups take turns by it). Locally 0 turns the sampler off.
    pub interval: Duration,
    /// `LAG_SAMPLER_MAX_GROUPS`: groups one run samples per cluster.
    pub max_groups: usize,
    /// `LAG_SAMPLER_BUDGET_MS`: how long one cluster's run may take.
    pub budget: Duration,
    /// Print Embedded Metric Format lines (in Lambda, or `LAG_SAMPLER_METRICS=emf`).
    pub metrics: bool,
}

impl SamplerConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        let number = |name: &str, default: &str| -> anyhow::Result<u64> {
            var_or(name, default)
                .parse()
                .with_context(|| format!("{name} must be a whole number"))
        };
        let max_groups = number("LAG_SAMPLER_MAX_GROUPS", "1000")?;
        if max_groups == 0 {
            anyhow::bail!("LAG_SAMPLER_MAX_GROUPS must be at least 1");
        }
        Ok(Self {
            interval: Duration::from_millis(number("LAG_SAMPLER_INTERVAL_MS", "60000")?),
            max_groups: max_groups as usize,
            budget: Duration::from_millis(number("LAG_SAMPLER_BUDGET_MS", "20000")?),
            metrics: std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some()
                || var_or("LAG_SAMPLER_METRICS", "") == "emf",
        })
    }
}

/// What one run did on one cluster.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub cluster: String,
    pub groups: usize,
    pub sampled: usize,
    pub topics: usize,
    pub unhealthy: usize,
    /// Lagging partitions whose record was read for the time lag, of all.
    pub time_lags_read: usize,
    pub time_lags_wanted: usize,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One run over every cluster, one after the other (each within its budget).
pub async fn run_once(clusters: &Clusters, rules: &HealthRules, config: &SamplerConfig) -> Vec<RunSummary> {
    let mut summaries = Vec::new();
    for cluster in clusters.iter() {
        let started = Instant::now();
        let summary = match cluster.kafka() {
            Ok(kafka) => sample_cluster(&kafka, cluster.id(), rules, config).await,
            Err(e) => failed(cluster.id(), e.message),
        };
        let summary = RunSummary {
            duration_ms: started.elapsed().as_millis() as u64,
            ..summary
        };
        match &summary.error {
            Some(error) => tracing::warn!(cluster = %summary.cluster, %error, "lag sample failed"),
            None => tracing::info!(
                cluster = %summary.cluster,
                groups = summary.groups,
                sampled = summary.sampled,
                unhealthy = summary.unhealthy,
                ms = summary.duration_ms,
                "lag sampled"
            ),
        }
        if config.metrics {
            println!("{}", cluster_metrics(&summary));
        }
        summaries.push(summary);
    }
    summaries
}

/// Runs [`run_once`] every `interval` until the process ends (local mode).
pub fn spawn_local(
    clusters: std::sync::Arc<Clusters>,
    rules: std::sync::Arc<crate::policy::Policy>,
    config: SamplerConfig,
) {
    if config.interval.is_zero() {
        tracing::info!("lag sampler off (LAG_SAMPLER_INTERVAL_MS=0)");
        return;
    }
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(config.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            run_once(&clusters, &rules.health, &config).await;
        }
    });
}

/// One run on one cluster, within the budget.
pub async fn sample_cluster(
    kafka: &Kafka,
    cluster: &str,
    rules: &HealthRules,
    config: &SamplerConfig,
) -> RunSummary {
    match tokio::time::timeout(config.budget, sample(kafka, cluster, rules, config)).await {
        Ok(Ok(summary)) => summary,
        Ok(Err(e)) => failed(cluster, format!("{e:#}")),
        Err(_) => failed(
            cluster,
            format!(
                "the run took longer than its budget of {} ms",
                config.budget.as_millis()
            ),
        ),
    }
}

fn failed(cluster: &str, error: String) -> RunSummary {
    RunSummary {
        cluster: cluster.to_owned(),
        groups: 0,
        sampled: 0,
        topics: 0,
        unhealthy: 0,
        time_lags_read: 0,
        time_lags_wanted: 0,
        duration_ms: 0,
        error: Some(error),
    }
}

/// One cluster: overview, this run's slice of groups, time lags and
/// history for their health, then the samples written.
async fn sample(
    kafka: &Kafka,
    cluster: &str,
    rules: &HealthRules,
    config: &SamplerConfig,
) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    let now = now_ms();
    let overview = kafka.group_overview(|_| true, true).await?;
    let total = overview.groups.len();
    let slice = slice_of(total, config.max_groups, now, config.interval);
    let chosen = Overview {
        groups: overview.groups[slice].to_vec(),
        marks: overview.marks,
        meta: overview.meta,
    };
    let ids: BTreeSet<String> = chosen.groups.iter().map(|(g, _)| g.group_id.clone()).collect();
    // A third of what is left for the records at the committed offsets.
    let peek_budget = config.budget.saturating_sub(started.elapsed()) / 3;
    let since = now - rules.longest_stall_ms() as i64 - 10 * 60_000;
    let (times, mut history) = tokio::try_join!(
        kafka.time_lags(&chosen, peek_budget),
        kafka.recent_samples(Some(ids), since)
    )?;

    let mut samples = Vec::with_capacity(chosen.groups.len());
    let (mut unhealthy, mut wanted) = (0, 0);
    for (group, committed) in &chosen.groups {
        let mut partitions = Vec::with_capacity(committed.len());
        let mut worst: Option<u64> = None;
        let mut lag = 0;
        for c in committed {
            let Some(&(_, end)) = chosen.marks.get(&(c.0.clone(), c.1)) else {
                continue; // a deleted topic's offsets, kept until they expire
            };
            partitions.push((c.0.clone(), c.1, c.2, end));
            let behind = (end - c.2).max(0) as u64;
            lag += behind;
            if behind > 0 {
                wanted += 1;
                if let Some(t) = times.get(c) {
                    worst = Some(worst.unwrap_or(0).max((now - t).max(0) as u64));
                }
            }
        }
        let time_lag_ms = if lag == 0 { Some(0) } else { worst };
        let thresholds = rules.for_group(cluster, &group.group_id);
        let health = verdict(
            &thresholds,
            now,
            &Live {
                members: group.members.len() as u32,
                lag,
                time_lag_ms,
                committed,
            },
            &history.remove(&group.group_id).unwrap_or_default(),
        );
        if health.status != Health::Ok {
            unhealthy += 1;
        }
        if config.metrics && thresholds.alarm {
            println!(
                "{}",
                group_metrics(cluster, &group.group_id, lag, time_lag_ms, health.status)
            );
        }
        samples.push(GroupSample {
            at_ms: now,
            group: group.group_id.clone(),
            members: group.members.len() as u32,
            partitions,
        });
    }
    let ends = topic_ends(&chosen, now);
    let topics = ends.ends.len();
    kafka.write_samples(&samples, Some(&ends)).await?;
    Ok(RunSummary {
        cluster: cluster.to_owned(),
        groups: total,
        sampled: samples.len(),
        topics,
        unhealthy,
        time_lags_read: times.len(),
        time_lags_wanted: wanted,
        duration_ms: started.elapsed().as_millis() as u64,
        error: None,
    })
}

/// The groups (by index in the sorted list) run `now / interval` samples:
/// all when they fit, otherwise the slices take turns.
fn slice_of(total: usize, max: usize, now_ms: i64, interval: Duration) -> std::ops::Range<usize> {
    if total <= max {
        return 0..total;
    }
    let slices = total.div_ceil(max);
    let run = (now_ms / (interval.as_millis().max(1) as i64)) as usize;
    let start = (run % slices) * max;
    start..(start + max).min(total)
}

/// Every topic's summed end offsets (Kafka's own topics included: the
/// activity of `__consumer_offsets` says how busy commits are).
fn topic_ends(overview: &Overview, now_ms: i64) -> TopicEnds {
    TopicEnds {
        at_ms: now_ms,
        ends: overview
            .meta
            .topics
            .iter()
            .map(|t| {
                let sum = t
                    .partitions
                    .iter()
                    .filter_map(|p| overview.marks.get(&(t.name.clone(), p.id)))
                    .map(|(_, high)| *high)
                    .sum();
                (t.name.clone(), sum)
            })
            .collect(),
    }
}

/// One cluster's run as an Embedded Metric Format line.
fn cluster_metrics(summary: &RunSummary) -> serde_json::Value {
    json!({
        "_aws": {
            "Timestamp": now_ms(),
            "CloudWatchMetrics": [{
                "Namespace": "Configurator",
                "Dimensions": [["Cluster"]],
                "Metrics": [
                    {"Name": "UnhealthyGroups", "Unit": "Count"},
                    {"Name": "SampledGroups", "Unit": "Count"},
                    {"Name": "SamplerDurationMs", "Unit": "Milliseconds"},
                ],
            }],
        },
        "Cluster": summary.cluster,
        "UnhealthyGroups": summary.unhealthy,
        "SampledGroups": summary.sampled,
        "SamplerDurationMs": summary.duration_ms,
        "SamplerError": summary.error,
    })
}

/// A group with `alarm = true` as an Embedded Metric Format line.
fn group_metrics(
    cluster: &str,
    group: &str,
    lag: u64,
    time_lag_ms: Option<u64>,
    status: Health,
) -> serde_json::Value {
    json!({
        "_aws": {
            "Timestamp": now_ms(),
            "CloudWatchMetrics": [{
                "Namespace": "Configurator",
                "Dimensions": [["Cluster", "Group"]],
                "Metrics": [
                    {"Name": "GroupLag", "Unit": "Count"},
                    {"Name": "GroupTimeLagMs", "Unit": "Milliseconds"},
                    {"Name": "GroupUnhealthy", "Unit": "Count"},
                ],
            }],
        },
        "Cluster": cluster,
        "Group": group,
        "GroupLag": lag,
        // Unknown within the budget: left out rather than reported as 0.
        "GroupTimeLagMs": time_lag_ms,
        "GroupUnhealthy": u8::from(status != Health::Ok),
        "Health": status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_beyond_one_run_take_turns() {
        let minute = Duration::from_secs(60);
        assert_eq!(slice_of(10, 1000, 0, minute), 0..10);
        assert_eq!(slice_of(2500, 1000, 0, minute), 0..1000);
        assert_eq!(slice_of(2500, 1000, 60_000, minute), 1000..2000);
        assert_eq!(slice_of(2500, 1000, 120_000, minute), 2000..2500);
        assert_eq!(slice_of(2500, 1000, 180_000, minute), 0..1000);
    }

    #[test]
    fn metrics_lines_are_embedded_metric_format() {
        let line = group_metrics("prod", "billing", 12, Some(3_000), Health::Stalled);
        assert_eq!(line["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Configurator");
        assert_eq!(line["GroupUnhealthy"], 1);
        assert_eq!(line["GroupTimeLagMs"], 3_000);
        let metrics = line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap();
        for m in metrics {
            let name = m["Name"].as_str().unwrap();
            assert!(line.get(name).is_some(), "{name} has a value");
        }
    }
}
