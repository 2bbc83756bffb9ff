//! Browsing records framed for a schema registry, as the API does it:
//! 500 Confluent-framed Avro records of about 1 KB, `from=latest&limit=500`,
//! decoded with a warm schema cache and serialised to the JSON answer; the
//! same records browsed raw (no registry) for comparison.
//!
//! Run with `scripts/bench-lambdas.sh` (it starts the broker and the local
//! Confluent-compatible registry): `bench_registry BOOTSTRAP REGISTRY_URL`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use apache_avro::{Schema, types::Value as AvroValue};
use configurator_api::MessageQuery;
use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::{
        Kafka,
        messages::{Browse, mask::Masks},
    },
    registry::{
        Registry,
        settings::{Backend, ConfluentAuth, RegistrySettings},
    },
};
use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};

const RUNS: usize = 30;
const RECORDS: usize = 500;
/// Twenty string fields of about 45 bytes: a datum of about 1 KB.
const FIELDS: usize = 20;

fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bootstrap = args.next().unwrap_or_else(|| "127.0.0.1:19592".into());
    let registry_url = args.next().unwrap_or_else(|| "http://127.0.0.1:19595".into());

    let topic = format!("bench.avro-{}", std::process::id());
    let fields: Vec<String> = (0..FIELDS)
        .map(|i| format!(r#"{{"name":"field_{i:02}","type":"string"}}"#))
        .collect();
    let definition = format!(
        r#"{{"type":"record","name":"Wide","namespace":"bench.p{}","fields":[{}]}}"#,
        std::process::id(),
        fields.join(",")
    );
    let id = register(&registry_url, &format!("{topic}-value"), &definition).await?;

    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    admin
        .create_topics(
            &[NewTopic::new(&topic, 1, TopicReplication::Fixed(1))],
            &AdminOptions::new(),
        )
        .await?;
    let schema = Schema::parse_str(&definition)?;
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    let mut size = 0;
    for n in 0..RECORDS {
        let record = AvroValue::Record(
            (0..FIELDS)
                .map(|i| {
                    (
                        format!("field_{i:02}"),
                        AvroValue::String(format!("record {n:05} field {i:02} {}", "x".repeat(24))),
                    )
                })
                .collect(),
        );
        #[allow(deprecated)] // the plain datum is what registries frame
        let datum = apache_avro::to_avro_datum(&schema, record)?;
        let mut framed = vec![0];
        framed.extend_from_slice(&id.to_be_bytes());
        framed.extend(datum);
        size = framed.len();
        producer
            .send(BaseRecord::<(), _>::to(&topic).payload(&framed))
            .map_err(|(e, _)| e)?;
    }
    producer.flush(Duration::from_secs(10))?;
    println!("{RECORDS} Confluent-framed Avro records of {size} bytes in {topic}");

    let kafka = Kafka::new(&KafkaConfig {
        bootstrap_servers: bootstrap,
        request_timeout: Duration::from_secs(4),
        topic_list_max_age: Duration::from_secs(60),
        security: KafkaSecurity::None { tls: false },
    })?;
    let registry = Arc::new(Registry::new(RegistrySettings {
        backend: Backend::Confluent {
            url: registry_url,
            auth: ConfluentAuth::None,
        },
        strategy: Default::default(),
        names: Default::default(),
        timeout: Duration::from_secs(2),
    }));
    let query = Browse::parse(&MessageQuery {
        from: Some("latest".into()),
        limit: Some(RECORDS as u32),
        ..MessageQuery::default()
    })
    .map_err(|e| anyhow::anyhow!(e.message))?;

    for (label, with) in [
        ("decoded (warm schema cache)", Some(registry)),
        ("raw, no registry", None),
    ] {
        // The first browse warms the connection and the schema cache.
        let page = kafka
            .browse(&topic, &query, with.clone(), Masks::default())
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let decoded = page
            .messages
            .iter()
            .filter(|m| m.value.as_ref().is_some_and(|v| v.decoded.is_some()))
            .count();
        let mut samples = Vec::with_capacity(RUNS);
        let mut bytes = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let page = kafka
                .browse(&topic, &query, with.clone(), Masks::default())
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            bytes = serde_json::to_vec(&page)?.len();
            samples.push(started.elapsed());
        }
        println!(
            "browse {RECORDS} records, {label}: p50 {:.1} ms, p90 {:.1} ms ({decoded} decoded, answer {} KB)",
            percentile(&samples, 0.5),
            percentile(&samples, 0.9),
            bytes / 1024
        );
    }
    Ok(())
}

async fn register(url: &str, subject: &str, schema: &str) -> anyhow::Result<u32> {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/subjects/{subject}/versions"))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .body(serde_json::json!({ "schema": schema }).to_string())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    answer["id"]
        .as_u64()
        .map(|id| id as u32)
        .ok_or_else(|| anyhow::anyhow!("the registry answered {answer}"))
}
