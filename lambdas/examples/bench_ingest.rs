//! Throughput of the ingest API in one Lambdas process: batches of 100
//! JSON events, each checked against the topic's JSON Schema and written,
//! posted one after the other (a Lambda instance serves one invocation at a
//! time), with and without an Idempotency-Key; then what a replayed post
//! costs. The token is a real client-credentials token from the local IdP.
//!
//! Usage: bench_ingest <api base, e.g. http://127.0.0.1:19596/api/v1> <IdP issuer> <bootstrap>
//! Run with `scripts/bench-lambdas.sh` (starts the broker, IdP and API).

use std::time::{Duration, Instant};

use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    consumer::{BaseConsumer, Consumer},
    producer::{FutureProducer, FutureRecord},
};
use serde_json::{Value, json};

const BATCH: usize = 100;
const RUNS: usize = 200;

fn p50(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn batch(run: usize) -> Value {
    let events: Vec<Value> = (0..BATCH)
        .map(|i| {
            let n = run * BATCH + i;
            json!({
                "key": format!("order-{n}"),
                "value": {"id": format!("order-{n}"), "amount": n % 5000, "currency": "EUR",
                          "lines": [{"sku": format!("A-{}", n % 13), "quantity": 1 + n % 4}]},
                "headers": {"source": "bench"},
            })
        })
        .collect();
    json!({ "events": events })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (api, idp, bootstrap) = (args.next().unwrap(), args.next().unwrap(), args.next().unwrap());
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{idp}/token"))
        .basic_auth("orders-service", Some("orders-service-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"].as_str().unwrap().to_owned();

    let topic = format!(
        "orders.bench-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
    );
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    admin
        .create_topics(
            &[NewTopic::new(&topic, 3, TopicReplication::Fixed(1))],
            &AdminOptions::new(),
        )
        .await?;
    // The catalogue call makes the API create its schema topic; the schema
    // is then stored as the console stores it (its own topic, keyed by name).
    let catalogue = http
        .get(format!("{api}/clusters/local/events/topics"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(catalogue.status(), 200, "{}", catalogue.text().await?);
    let schema = json!({"schema": {
        "type": "object", "required": ["id", "amount"],
        "properties": {"id": {"type": "string"}, "amount": {"type": "integer", "minimum": 0},
                       "currency": {"enum": ["EUR", "USD"]},
                       "lines": {"type": "array", "items": {"type": "object", "required": ["sku"]}}},
    }});
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    producer
        .send(
            FutureRecord::to("__configurator_schemas")
                .key(&topic)
                .payload(&schema.to_string()),
            Duration::from_secs(5),
        )
        .await
        .map_err(|(e, _)| e)?;

    let post = |body: Value, key: Option<String>| {
        let request = http
            .post(format!("{api}/clusters/local/topics/{topic}/events"))
            .bearer_auth(&token)
            .json(&body);
        let request = match key {
            Some(k) => request.header("Idempotency-Key", k),
            None => request,
        };
        async move {
            let started = Instant::now();
            let response = request.send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(status, 202, "{text}");
            (started.elapsed(), text)
        }
    };
    for run in 0..10 {
        post(batch(run), None).await;
    }

    for (label, keyed) in [("no key", false), ("with an Idempotency-Key", true)] {
        let started = Instant::now();
        let mut samples = Vec::with_capacity(RUNS);
        for run in 0..RUNS {
            let key = keyed.then(|| format!("bench-{run}"));
            samples.push(post(batch(1000 + run + usize::from(keyed) * RUNS), key).await.0);
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "ingest, batches of {BATCH} JSON events checked and written, {label}: p50 {:.1} ms per batch, {:.0} events/s over {RUNS} batches",
            p50(samples),
            (RUNS * BATCH) as f64 / elapsed
        );
    }
    let mut replays = Vec::new();
    for run in 0..50 {
        let (took, text) = post(batch(1000 + RUNS + run), Some(format!("bench-{run}"))).await;
        assert!(text.contains("\"replayed\":true"), "{text}");
        replays.push(took);
    }
    // Every posted event is on the broker, once: 10 warm-up batches and 2 × RUNS.
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    let total: i64 = (0..3)
        .map(|p| {
            let (low, high) = consumer
                .fetch_watermarks(&topic, p, Duration::from_secs(5))
                .unwrap();
            high - low
        })
        .sum();
    assert_eq!(total as usize, (10 + 2 * RUNS) * BATCH, "records on the broker");
    println!(
        "ingest, a replayed post (same key, same batch): p50 {:.1} ms, nothing written; {total} records on the broker as posted",
        p50(replays)
    );
    Ok(())
}
