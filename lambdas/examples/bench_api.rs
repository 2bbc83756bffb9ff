//! Benchmarks of the API's Kafka paths against a real broker:
//! - `GET /topics` (one page, default sort) vs the raw metadata fetch it
//!   builds on, with BENCH_TOPICS topics in the cluster (default 10,000);
//! - browsing 500 messages.
//!
//! Run with `scripts/bench-lambdas.sh` (starts its own broker).

use std::time::{Duration, Instant};

use configurator_api::{MessageQuery, TopicQuery};
use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::Kafka,
};
use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};

const RUNS: usize = 30;

fn p50(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bootstrap = std::env::var("KAFKA_BOOTSTRAP_SERVERS").unwrap_or_else(|_| "127.0.0.1:19592".into());
    let topics: usize = std::env::var("BENCH_TOPICS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;

    let existing = admin
        .inner()
        .fetch_metadata(None, Duration::from_secs(10))?
        .topics()
        .len();
    if existing < topics {
        let started = Instant::now();
        let names: Vec<String> = (existing..topics).map(|i| format!("bench.t{i:05}")).collect();
        for chunk in names.chunks(500) {
            let new: Vec<NewTopic> = chunk
                .iter()
                .map(|n| NewTopic::new(n, 1, TopicReplication::Fixed(1)))
                .collect();
            admin.create_topics(&new, &AdminOptions::new()).await?;
        }
        println!(
            "created {} topics in {:.1} s",
            names.len(),
            started.elapsed().as_secs_f64()
        );
    }

    let kafka = Kafka::new(&KafkaConfig {
        bootstrap_servers: bootstrap.clone(),
        request_timeout: Duration::from_secs(4),
        security: KafkaSecurity::None { tls: false },
    })?;
    // Warm both paths (first connection).
    kafka.list_topics(&TopicQuery::default(), |_| true).await?;
    admin.inner().fetch_metadata(None, Duration::from_secs(10))?;

    let mut raw = Vec::new();
    let mut listed = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let metadata = admin.inner().fetch_metadata(None, Duration::from_secs(10))?;
        raw.push(t.elapsed());
        assert!(metadata.topics().len() >= topics);
        let t = Instant::now();
        let page = kafka.list_topics(&TopicQuery::default(), |_| true).await?;
        listed.push(t.elapsed());
        assert_eq!(page.topics.len(), 50);
    }
    let (raw, listed) = (p50(raw), p50(listed));
    println!(
        "topics: {topics} in the cluster; raw metadata p50 {raw:.1} ms; GET /topics (page 1 of 50) p50 {listed:.1} ms = {:.2}x",
        listed / raw
    );

    // Browse: 500 messages of ~200 bytes from one partition.
    let topic = "bench.browse";
    admin
        .create_topics(
            &[NewTopic::new(topic, 1, TopicReplication::Fixed(1))],
            &AdminOptions::new(),
        )
        .await?;
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    let value = format!("{{\"payload\":\"{}\"}}", "x".repeat(180));
    for i in 0..2_000 {
        let key = format!("key-{i}");
        producer
            .send(BaseRecord::to(topic).key(&key).payload(&value))
            .map_err(|(e, _)| e)?;
    }
    producer.flush(Duration::from_secs(10))?;
    let query = MessageQuery {
        limit: Some(500),
        ..Default::default()
    };
    kafka.browse(topic, &query).await?;
    let mut browse = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let page = kafka.browse(topic, &query).await?;
        browse.push(t.elapsed());
        assert_eq!(page.messages.len(), 500);
    }
    println!("browse 500 messages: p50 {:.1} ms", p50(browse));
    Ok(())
}
