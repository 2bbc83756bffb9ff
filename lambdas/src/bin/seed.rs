//! Fills a fresh local broker with demo data so the console is not empty:
//! a few topics with JSON messages and one consumer group with lag.
//! Run again, it notices the data is there and changes nothing.

use std::time::Duration;

use anyhow::{Context, bail};
use configurator_lambdas::{config::Config, kafka::client_config};
use rdkafka::{
    Offset, TopicPartitionList,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    consumer::{BaseConsumer, CommitMode, Consumer},
    error::RDKafkaErrorCode,
    message::{Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};

struct DemoTopic {
    name: &'static str,
    partitions: i32,
    configs: &'static [(&'static str, &'static str)],
    messages: usize,
}

const TOPICS: [DemoTopic; 4] = [
    DemoTopic {
        name: "demo.orders",
        partitions: 6,
        configs: &[("retention.ms", "604800000")],
        messages: 240,
    },
    DemoTopic {
        name: "demo.payments",
        partitions: 3,
        configs: &[],
        messages: 90,
    },
    DemoTopic {
        name: "demo.customers",
        partitions: 1,
        configs: &[("cleanup.policy", "compact")],
        messages: 25,
    },
    DemoTopic {
        name: "demo.clickstream",
        partitions: 12,
        configs: &[("retention.ms", "86400000")],
        messages: 360,
    },
];
const GROUP: &str = "demo-billing";
const GROUP_TOPIC: &str = "demo.orders";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let kafka = Config::from_env()?.kafka;
    let admin: AdminClient<DefaultClientContext> = client_config(&kafka).create()?;
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));

    let new_topics: Vec<NewTopic> = TOPICS
        .iter()
        .map(|t| {
            t.configs.iter().fold(
                NewTopic::new(t.name, t.partitions, TopicReplication::Fixed(1)),
                |nt, (k, v)| nt.set(k, v),
            )
        })
        .collect();
    let results = admin
        .create_topics(&new_topics, &options)
        .await
        .context("cannot reach the broker to create the demo topics")?;
    let mut created = Vec::new();
    for result in results {
        match result {
            Ok(name) => created.push(name),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => bail!("creating {name} failed: {code}"),
        }
    }
    if created.is_empty() {
        println!("demo data already present; nothing to do");
        return Ok(());
    }

    let producer: FutureProducer = client_config(&kafka).set("linger.ms", "5").create()?;
    for topic in TOPICS.iter().filter(|t| created.iter().any(|c| c == t.name)) {
        for i in 0..topic.messages {
            let (key, value) = demo_record(topic.name, i);
            let headers = OwnedHeaders::new()
                .insert(Header {
                    key: "content-type",
                    value: Some("application/json"),
                })
                .insert(Header {
                    key: "source",
                    value: Some("configurator-seed"),
                });
            producer
                .send(
                    FutureRecord::to(topic.name)
                        .key(&key)
                        .payload(&value)
                        .headers(headers),
                    Duration::from_secs(10),
                )
                .await
                .map_err(|(e, _)| anyhow::anyhow!("producing to {} failed: {e}", topic.name))?;
        }
        println!("seeded {} with {} messages", topic.name, topic.messages);
    }

    if created.iter().any(|c| c == GROUP_TOPIC) {
        commit_half_way(&kafka)?;
        println!("seeded consumer group {GROUP} (half of {GROUP_TOPIC} consumed)");
    }
    Ok(())
}

/// Commits offsets half way through each partition so the group shows lag.
fn commit_half_way(kafka: &configurator_lambdas::config::KafkaConfig) -> anyhow::Result<()> {
    let consumer: BaseConsumer = client_config(kafka)
        .set("group.id", GROUP)
        .set("enable.auto.commit", "false")
        .create()?;
    let partitions = TOPICS
        .iter()
        .find(|t| t.name == GROUP_TOPIC)
        .map_or(0, |t| t.partitions);
    let mut offsets = TopicPartitionList::new();
    for partition in 0..partitions {
        let (_, high) = consumer.fetch_watermarks(GROUP_TOPIC, partition, Duration::from_secs(10))?;
        offsets.add_partition_offset(GROUP_TOPIC, partition, Offset::Offset(high / 2))?;
    }
    consumer.commit(&offsets, CommitMode::Sync)?;
    Ok(())
}

fn demo_record(topic: &str, i: usize) -> (String, String) {
    const CUSTOMERS: [&str; 5] = ["ada", "grace", "linus", "margaret", "dennis"];
    const ITEMS: [&str; 4] = ["keyboard", "monitor", "dock", "headset"];
    let customer = CUSTOMERS[i % CUSTOMERS.len()];
    match topic {
        "demo.orders" => (
            format!("order-{i:05}"),
            format!(
                r#"{{"order_id":"order-{i:05}","customer":"{customer}","item":"{}","quantity":{},"status":"{}"}}"#,
                ITEMS[i % ITEMS.len()],
                1 + i % 3,
                if i.is_multiple_of(7) {
                    "cancelled"
                } else {
                    "placed"
                }
            ),
        ),
        "demo.payments" => (
            format!("payment-{i:05}"),
            format!(
                r#"{{"payment_id":"payment-{i:05}","customer":"{customer}","amount_cents":{},"currency":"EUR"}}"#,
                1999 + (i * 137) % 20000
            ),
        ),
        "demo.customers" => (
            customer.to_owned(),
            format!(
                r#"{{"customer":"{customer}","tier":"{}","revision":{i}}}"#,
                if i.is_multiple_of(2) { "gold" } else { "silver" }
            ),
        ),
        _ => (
            format!("session-{}", i % 40),
            format!(
                r#"{{"session":"session-{}","page":"/products/{}","event":"view"}}"#,
                i % 40,
                i % 17
            ),
        ),
    }
}
