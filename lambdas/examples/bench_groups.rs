//! How long `GET /consumer-groups` takes with many groups: creates GROUPS
//! consumer groups with committed offsets on a fresh topic, then times
//! `Kafka::list_groups` (what the handler calls: lag, time lag, health)
//! RUNS times and prints the median; then times lag-sampler runs over the
//! same groups. Deletes its groups and its topic at the end.
//!
//!     cargo run -p configurator-lambdas --example bench_groups -- 127.0.0.1:19192 [GROUPS] [RUNS]
//!
//! The target is 1 s for 1,000 groups.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, bail};
use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::{Kafka, KafkaContext, client_config, ffi, groups::Judge},
    lag::{
        health::HealthRules,
        sampler::{self, SamplerConfig},
    },
};
use rdkafka::{
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    producer::{FutureProducer, FutureRecord},
};

const PARTITIONS: i32 = 6;
const MESSAGES_PER_PARTITION: i64 = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bootstrap = args.next().unwrap_or_else(|| "127.0.0.1:19192".into());
    let groups: usize = args.next().map_or(Ok(1000), |a| a.parse()).context("GROUPS")?;
    let runs: usize = args.next().map_or(Ok(10), |a| a.parse()).context("RUNS")?;
    let config = KafkaConfig {
        bootstrap_servers: bootstrap,
        request_timeout: Duration::from_secs(10),
        topic_list_max_age: Duration::from_secs(5),
        security: KafkaSecurity::None { tls: false },
    };
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let topic = format!("bench.groups-{stamp}");
    let prefix = format!("bench-group-{stamp}-");
    let admin: Arc<AdminClient<KafkaContext>> =
        Arc::new(client_config(&config).create_with_context(KafkaContext::new(&config))?);
    let options = AdminOptions::new().request_timeout(Some(config.request_timeout));

    for result in admin
        .create_topics(
            &[NewTopic::new(&topic, PARTITIONS, TopicReplication::Fixed(1))],
            &options,
        )
        .await?
    {
        result.map_err(|(name, code)| anyhow::anyhow!("creating {name}: {code}"))?;
    }
    let producer: FutureProducer = client_config(&config).set("linger.ms", "5").create()?;
    let mut deliveries = Vec::new();
    for p in 0..PARTITIONS {
        for i in 0..MESSAGES_PER_PARTITION {
            let payload = format!("message {i}");
            let record = FutureRecord::<(), _>::to(&topic).partition(p).payload(&payload);
            deliveries.push(
                producer
                    .send_result(record)
                    .map_err(|(e, _)| anyhow::anyhow!("produce: {e}"))?,
            );
        }
    }
    for delivery in deliveries {
        delivery
            .await?
            .map_err(|(e, _)| anyhow::anyhow!("produce: {e}"))?;
    }

    // Group i committed offset i % 50 on every partition: lag 50 - i % 50 each.
    let names: Vec<String> = (0..groups).map(|i| format!("{prefix}{i:05}")).collect();
    let commits: Vec<(String, Vec<ffi::Committed>)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let offset = (i as i64) % MESSAGES_PER_PARTITION;
            (
                name.clone(),
                (0..PARTITIONS).map(|p| (topic.clone(), p, offset)).collect(),
            )
        })
        .collect();
    let started = Instant::now();
    {
        let (admin, timeout) = (Arc::clone(&admin), config.request_timeout);
        tokio::task::spawn_blocking(move || ffi::alter_consumer_group_offsets(&admin, &commits, timeout))
            .await?
            .map_err(|e| anyhow::anyhow!("committing: {e}"))?;
    }
    println!(
        "created {groups} groups with committed offsets on {PARTITIONS} partitions in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let expected_lag: u64 = (0..groups)
        .map(|i| (MESSAGES_PER_PARTITION - (i as i64) % MESSAGES_PER_PARTITION) as u64 * PARTITIONS as u64)
        .sum();
    let kafka = Kafka::new(&config)?;
    let rules = HealthRules::default();
    let judge = Judge {
        rules: &rules,
        cluster: "bench",
    };
    let mut times = Vec::with_capacity(runs);
    let mut outcome = Ok(());
    for run in 0..=runs {
        let started = Instant::now();
        let list = kafka
            .list_groups(|g| g.starts_with(&prefix), judge)
            .await
            .map_err(|e| anyhow::anyhow!("list_groups: {e}"))?;
        let elapsed = started.elapsed();
        let lag: u64 = list.groups.iter().map(|g| g.total_lag).sum();
        let time_lags = list.groups.iter().filter(|g| g.time_lag_ms.is_some()).count();
        if run == runs {
            println!(
                "  the last run knew the time lag of {time_lags} of {} groups",
                list.groups.len()
            );
        }
        if list.groups.len() != groups || lag != expected_lag {
            outcome = Err(anyhow::anyhow!(
                "listed {} groups with lag {lag}, expected {groups} with lag {expected_lag}",
                list.groups.len()
            ));
        }
        // Run 0 warms the clients up (connections, coordinator lookups).
        if run > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "list_groups with {groups} groups over {runs} runs: p50 {:.0} ms (min {:.0} ms, max {:.0} ms)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );

    let sampler = SamplerConfig {
        interval: Duration::from_secs(60),
        max_groups: 1000,
        budget: Duration::from_secs(20),
        metrics: false,
    };
    let mut sampled = Vec::with_capacity(runs);
    for run in 0..=runs.min(5) {
        let started = Instant::now();
        let summary = sampler::sample_cluster(&kafka, "bench", &rules, &sampler).await;
        let elapsed = started.elapsed();
        if let Some(error) = &summary.error {
            bail!("sampler run failed: {error}");
        }
        if run == 0 {
            println!(
                "  sampler: {} groups seen, {} sampled, {} of {} lagging partitions' records read",
                summary.groups, summary.sampled, summary.time_lags_read, summary.time_lags_wanted
            );
        } else {
            sampled.push(elapsed);
        }
    }
    sampled.sort();
    println!(
        "one sampler run over all groups of the cluster: p50 {:.0} ms (min {:.0} ms, max {:.0} ms)",
        ms(sampled[sampled.len() / 2]),
        ms(sampled[0]),
        ms(sampled[sampled.len() - 1])
    );

    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut undeleted = 0;
    for chunk in refs.chunks(250) {
        undeleted += admin
            .delete_groups(chunk, &options)
            .await?
            .iter()
            .filter(|r| r.is_err())
            .count();
    }
    admin.delete_topics(&[&topic], &options).await?;
    println!(
        "cleaned up: topic {topic} and {} groups deleted",
        groups - undeleted
    );
    outcome?;
    if undeleted > 0 {
        bail!("{undeleted} groups could not be deleted");
    }
    Ok(())
}
