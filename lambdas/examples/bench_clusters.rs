//! The clusters overview (`GET /clusters`) with five clusters: does it take
//! the time of the slowest cluster, not the sum? Four clusters on two real
//! brokers (two ids each), then the same four plus one that accepts
//! connections and never answers (the worst case for a timeout).
//!
//! `bench_clusters BOOTSTRAP_A BOOTSTRAP_B [TIMEOUT_MS]` (scripts/bench-lambdas.sh).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_api::{ClusterHealth, Permission};
use configurator_lambdas::{
    clusters::{
        Cluster, ClusterSet, ClusterSettings, Clusters,
        health::{self, Probe},
    },
    config::{KafkaConfig, KafkaSecurity},
};

const ROUNDS: usize = 10;

fn cluster(id: &str, bootstrap: &str, timeout: Duration) -> ClusterSettings {
    ClusterSettings {
        id: id.to_owned(),
        name: id.to_owned(),
        environment: "bench".to_owned(),
        kafka: KafkaConfig {
            bootstrap_servers: bootstrap.to_owned(),
            request_timeout: timeout,
            topic_list_max_age: Duration::ZERO,
            security: KafkaSecurity::None { tls: false },
        },
        schema_registry: None,
    }
}

/// As someone who may read everything: totals and lag included.
fn with_all_permissions(clusters: &[Arc<Cluster>]) -> Vec<Probe> {
    clusters
        .iter()
        .map(|c| Probe {
            cluster: Arc::clone(c),
            permissions: Permission::ALL.to_vec(),
            may_read_group: Arc::new(|_| true),
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The overview's work for `clusters`, `ROUNDS` times: the median.
async fn overview(clusters: &[Arc<Cluster>]) -> (Duration, Vec<configurator_api::ClusterSummary>) {
    let mut samples = Vec::new();
    let mut last = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        last = health::summaries(with_all_permissions(clusters)).await;
        samples.push(started.elapsed());
    }
    (median(samples), last)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (a, b) = (
        args.next().unwrap_or_else(|| "127.0.0.1:19592".into()),
        args.next().unwrap_or_else(|| "127.0.0.1:19594".into()),
    );
    let timeout = Duration::from_millis(args.next().map_or(Ok(4000), |t| t.parse())?);
    // Accepts connections (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    let hung = silent.local_addr()?.to_string();

    let settings = vec![
        cluster("a1", &a, timeout),
        cluster("a2", &a, timeout),
        cluster("b1", &b, timeout),
        cluster("b2", &b, timeout),
        cluster("hung", &hung, timeout),
    ];
    let all = Clusters::new(ClusterSet {
        default: "a1".into(),
        clusters: settings,
    });
    let all: Vec<Arc<Cluster>> = all.iter().cloned().collect();
    let reachable = &all[..4];
    // Connect every client once: the overview a person opens twice.
    health::summaries(with_all_permissions(reachable)).await;

    let mut alone = Vec::new();
    for cluster in reachable {
        let (took, _) = overview(std::slice::from_ref(cluster)).await;
        alone.push(took);
        println!("{} alone: p50 {:.1} ms", cluster.id(), took.as_secs_f64() * 1e3);
    }
    let sum: Duration = alone.iter().sum();
    let slowest = alone.iter().max().copied().unwrap_or_default();
    let (together, _) = overview(reachable).await;
    println!(
        "4 reachable clusters together: p50 {:.1} ms; slowest alone {:.1} ms, sum {:.1} ms ({:.2}x the slowest, {:.2}x the sum)",
        together.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
        sum.as_secs_f64() * 1e3,
        together.as_secs_f64() / slowest.as_secs_f64(),
        together.as_secs_f64() / sum.as_secs_f64(),
    );

    let started = Instant::now();
    let summaries = health::summaries(with_all_permissions(&all)).await;
    let took = started.elapsed();
    let figures = summaries
        .iter()
        .map(|s| match &s.health {
            ClusterHealth::Reachable { elapsed_ms, totals } => format!(
                "{} reachable in {elapsed_ms} ms ({} topics, total lag {:?})",
                s.id,
                totals.as_ref().map_or(0, |t| t.topics),
                totals.as_ref().and_then(|t| t.total_lag)
            ),
            ClusterHealth::Unreachable { elapsed_ms, .. } => {
                format!("{} unreachable after {elapsed_ms} ms", s.id)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    println!(
        "5 clusters, one hanging ({} ms timeout): {:.0} ms in all: {figures}",
        timeout.as_millis(),
        took.as_secs_f64() * 1e3
    );
    drop(silent);
    Ok(())
}
