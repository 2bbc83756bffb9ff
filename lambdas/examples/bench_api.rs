//! Benchmarks of the API's Kafka paths against a real broker:
//! - `GET /topics` (one page, default sort) vs the raw metadata fetch it
//!   builds on, with BENCH_TOPICS topics in the cluster (default 10,000),
//!   once reading the metadata every time and once as a search does while a
//!   person types (metadata read within `TOPIC_LIST_MAX_AGE_MS`);
//! - browsing 500 messages.
//!
//! Run with `scripts/bench-lambdas.sh` (starts its own broker).

use std::time::{Duration, Instant};

use configurator_api::{MessageQuery, TopicQuery};
use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::{Kafka, messages::mask::Masks},
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

    let client = |topic_list_max_age| {
        Kafka::new(&KafkaConfig {
            bootstrap_servers: bootstrap.clone(),
            request_timeout: Duration::from_secs(4),
            topic_list_max_age,
            security: KafkaSecurity::None { tls: false },
        })
    };
    let uncached = client(Duration::ZERO)?;
    let kafka = client(Duration::from_secs(60))?;
    // Warm every path (first connection, and the cache), once the new topics
    // have leaders: until then the metadata leaves them out.
    while (uncached
        .list_topics(&TopicQuery::default(), |_| true)
        .await?
        .total as usize)
        < topics
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    kafka.list_topics(&TopicQuery::default(), |_| true).await?;
    admin.inner().fetch_metadata(None, Duration::from_secs(10))?;

    let (mut raw, mut listed, mut searched) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        let t = Instant::now();
        let metadata = admin.inner().fetch_metadata(None, Duration::from_secs(10))?;
        raw.push(t.elapsed());
        assert!(metadata.topics().len() >= topics);
        let t = Instant::now();
        let page = uncached.list_topics(&TopicQuery::default(), |_| true).await?;
        listed.push(t.elapsed());
        assert_eq!(page.topics.len(), 50);
        // A different search each time: "t00", "t01", … match a tenth each.
        let search = TopicQuery {
            q: Some(format!("t0{}", run % 10)),
            ..Default::default()
        };
        let t = Instant::now();
        let page = kafka.list_topics(&search, |_| true).await?;
        searched.push(t.elapsed());
        assert_eq!(page.topics.len(), 50);
    }
    let (raw, listed, searched) = (p50(raw), p50(listed), p50(searched));
    println!(
        "topics: {topics} in the cluster; raw metadata p50 {raw:.1} ms; GET /topics (page 1 of 50) p50 {listed:.1} ms = {:.2}x",
        listed / raw
    );
    println!("GET /topics?q=… as a person types (metadata read moments ago) p50 {searched:.1} ms");

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
    let query = configurator_lambdas::kafka::messages::Browse::parse(&MessageQuery {
        limit: Some(500),
        ..Default::default()
    })?;
    kafka.browse(topic, &query, None, Masks::default()).await?;
    let mut browse = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let page = kafka.browse(topic, &query, None, Masks::default()).await?;
        browse.push(t.elapsed());
        assert_eq!(page.messages.len(), 500);
    }
    println!("browse 500 messages: p50 {:.1} ms", p50(browse));
    Ok(())
}
