//! Fills a fresh local broker with demo data so the console is not empty:
//! a few topics with JSON messages and one consumer group with lag.
//! Run again, it notices the data is there and changes nothing.
//!
//! `scripts/stack.sh` runs two brokers and seeds each with its own data set
//! (`SEED_DATASET`), so the topic names alone tell which cluster a page shows:
//! - `a` (the default): `demo.orders`, `demo.payments`, … and the group
//!   `demo-billing` (the tests rely on these exactly);
//! - `b`: `logs.app`, `logs.audit-trail`, … and the group `logs-indexer`.
//!
//! It connects to `KAFKA_BOOTSTRAP_SERVERS` in plaintext and nothing else: demo
//! data belongs on a local broker, never on a real cluster, so it does not read
//! the Lambdas' cluster settings (and does not change when they do).

use std::{env, time::Duration};

use anyhow::{Context, bail};
use rdkafka::{
    ClientConfig, Offset, TopicPartitionList,
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

/// One broker's worth of demo data.
struct Dataset {
    topics: &'static [DemoTopic],
    /// A consumer group that has read half of `group_topic`, so it shows lag.
    group: &'static str,
    group_topic: &'static str,
    /// Key and JSON value of message `i` of a topic.
    record: fn(&str, usize) -> (String, String),
}

const DATASET_A: Dataset = Dataset {
    topics: &[
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
    ],
    group: "demo-billing",
    group_topic: "demo.orders",
    record: record_a,
};

// Different names, sizes and shapes from A: a person (or a test) who sees
// `logs.*` knows they are on the second cluster.
const DATASET_B: Dataset = Dataset {
    topics: &[
        DemoTopic {
            name: "logs.app",
            partitions: 4,
            configs: &[("retention.ms", "259200000")],
            messages: 200,
        },
        DemoTopic {
            name: "logs.audit-trail",
            partitions: 2,
            configs: &[("retention.ms", "2592000000")],
            messages: 60,
        },
        DemoTopic {
            name: "logs.access",
            partitions: 8,
            configs: &[("retention.ms", "86400000")],
            messages: 160,
        },
        DemoTopic {
            name: "logs.dead-letter",
            partitions: 1,
            configs: &[],
            messages: 7,
        },
    ],
    group: "logs-indexer",
    group_topic: "logs.app",
    record: record_b,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dataset = match env::var("SEED_DATASET").ok().filter(|v| !v.is_empty()).as_deref() {
        None | Some("a") => &DATASET_A,
        Some("b") => &DATASET_B,
        Some(other) => bail!("SEED_DATASET must be a or b, got {other:?}"),
    };
    // Refuse rather than fail slowly against a SASL/TLS listener.
    if let Ok(auth) = env::var("KAFKA_AUTH")
        && !auth.is_empty()
        && auth != "none"
    {
        bail!("the seeder writes demo data to a local plaintext broker only (KAFKA_AUTH={auth:?})");
    }
    let bootstrap = env::var("KAFKA_BOOTSTRAP_SERVERS").unwrap_or_else(|_| "127.0.0.1:9092".into());

    let admin: AdminClient<DefaultClientContext> = client_config(&bootstrap).create()?;
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let new_topics: Vec<NewTopic> = dataset
        .topics
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
        .with_context(|| format!("cannot reach the broker at {bootstrap} to create the demo topics"))?;
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

    let producer: FutureProducer = client_config(&bootstrap).set("linger.ms", "5").create()?;
    for topic in dataset
        .topics
        .iter()
        .filter(|t| created.iter().any(|c| c == t.name))
    {
        for i in 0..topic.messages {
            let (key, value) = (dataset.record)(topic.name, i);
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

    if created.iter().any(|c| c == dataset.group_topic) {
        commit_half_way(&bootstrap, dataset)?;
        println!(
            "seeded consumer group {} (half of {} consumed)",
            dataset.group, dataset.group_topic
        );
    }
    Ok(())
}

fn client_config(bootstrap: &str) -> ClientConfig {
    let mut cc = ClientConfig::new();
    cc.set("bootstrap.servers", bootstrap)
        .set("client.id", "configurator-seed")
        // A broker that is not there fails the seed in seconds, not minutes.
        .set("socket.connection.setup.timeout.ms", "3000");
    cc
}

/// Commits offsets half way through each partition so the group shows lag.
fn commit_half_way(bootstrap: &str, dataset: &Dataset) -> anyhow::Result<()> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", dataset.group)
        .set("enable.auto.commit", "false")
        .create()?;
    let topic = dataset.group_topic;
    let partitions = dataset
        .topics
        .iter()
        .find(|t| t.name == topic)
        .map_or(0, |t| t.partitions);
    let mut offsets = TopicPartitionList::new();
    for partition in 0..partitions {
        let (_, high) = consumer.fetch_watermarks(topic, partition, Duration::from_secs(10))?;
        offsets.add_partition_offset(topic, partition, Offset::Offset(high / 2))?;
    }
    consumer.commit(&offsets, CommitMode::Sync)?;
    Ok(())
}

fn record_a(topic: &str, i: usize) -> (String, String) {
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
                r#"{{"payment_id":"payment-{i:05}","customer":"{customer}","amount_cents":{},"currency":"EUR","card":{{"brand":"visa","number":"4111 1111 1111 {:04}"}}}}"#,
                1999 + (i * 137) % 20000,
                (i * 7919) % 10_000
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

fn record_b(topic: &str, i: usize) -> (String, String) {
    const SERVICES: [&str; 4] = ["checkout", "search", "auth", "inventory"];
    const USERS: [&str; 3] = ["alice", "oscar", "victor"];
    let service = SERVICES[i % SERVICES.len()];
    match topic {
        "logs.app" => {
            let level = if i.is_multiple_of(11) {
                "ERROR"
            } else if i.is_multiple_of(5) {
                "WARN"
            } else {
                "INFO"
            };
            (
                service.to_owned(),
                format!(
                    r#"{{"service":"{service}","level":"{level}","message":"request {i} handled","trace_id":"trace-{:06x}"}}"#,
                    i * 7919
                ),
            )
        }
        "logs.audit-trail" => {
            let user = USERS[i % USERS.len()];
            (
                user.to_owned(),
                format!(
                    r#"{{"actor":"{user}","action":"{}","target":"{service}","seq":{i}}}"#,
                    ["sign-in", "deploy", "config-change"][i % 3]
                ),
            )
        }
        "logs.access" => (
            format!("edge-{}", i % 8),
            format!(
                r#"{{"method":"{}","path":"/api/{service}","status":{},"bytes":{}}}"#,
                if i.is_multiple_of(4) { "POST" } else { "GET" },
                if i.is_multiple_of(13) { 503 } else { 200 },
                200 + (i * 31) % 4000
            ),
        ),
        _ => (
            format!("failed-{i:03}"),
            format!(
                r#"{{"original_topic":"logs.app","service":"{service}","error":"message {i} could not be indexed"}}"#
            ),
        ),
    }
}
