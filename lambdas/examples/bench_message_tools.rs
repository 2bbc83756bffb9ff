//! Benchmarks of the message tools against a real broker:
//! - a browse scanning 50,000 JSON records (its record budget) with no
//!   filter match, by the text filter, by a CEL filter, and with a mask;
//! - a live tail: how long after a write a waiting poll answers, and one
//!   poll over a burst of 20,000 records (it reads its 10,000 newest);
//! - copy/redrive: 5,000-record steps written to two topics by header.
//!
//! Run with `scripts/bench-lambdas.sh` (starts its own broker).

use std::time::{Duration, Instant};

use configurator_api::{CopyRequest, MessageQuery, TailQuery};
use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::{
        Kafka,
        messages::{
            Browse, CopyRun, Tail,
            copy::Caller,
            mask::{MaskPath, Masks},
        },
    },
};
use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    message::{Header, OwnedHeaders},
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};

const RECORDS: usize = 50_000;

fn p50(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn write(
    producer: &ThreadedProducer<DefaultProducerContext>,
    topic: &str,
    from: usize,
    count: usize,
    home: Option<[&str; 2]>,
) {
    for i in from..from + count {
        let value = format!(
            r#"{{"order":"order-{i}","status":"{}","amount":{},"card":{{"number":"4111 1111 1111 {:04}"}},"lines":[{{"sku":"A-{}"}}]}}"#,
            if i % 7 == 0 { "cancelled" } else { "placed" },
            (i * 37) % 2000,
            i % 10_000,
            i % 13
        );
        let key = format!("order-{i}");
        let mut record = BaseRecord::to(topic)
            .partition((i % 3) as i32)
            .key(&key)
            .payload(&value);
        if let Some(homes) = home {
            record = record.headers(OwnedHeaders::new().insert(Header {
                key: "kafka_dlt-original-topic",
                value: Some(homes[i % 2]),
            }));
        }
        while let Err((e, back)) = producer.send(record) {
            assert!(
                matches!(e, rdkafka::error::KafkaError::MessageProduction(_)),
                "{e}"
            );
            producer.poll(Duration::from_millis(10));
            record = back;
        }
    }
    producer.flush(Duration::from_secs(60)).unwrap();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bootstrap = std::env::var("KAFKA_BOOTSTRAP_SERVERS").unwrap_or_else(|_| "127.0.0.1:19592".into());
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()?;
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("linger.ms", "5")
        .create()?;
    let run = std::process::id();
    let (source, tail, dlq, home_a, home_b) = (
        format!("bench.tools-{run}"),
        format!("bench.tail-{run}"),
        format!("bench.dlq-{run}"),
        format!("bench.home-a-{run}"),
        format!("bench.home-b-{run}"),
    );
    let new: Vec<NewTopic> = [&source, &tail, &dlq, &home_a, &home_b]
        .iter()
        .map(|n| NewTopic::new(n, 3, TopicReplication::Fixed(1)))
        .collect();
    admin.create_topics(&new, &AdminOptions::new()).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    write(&producer, &source, 0, RECORDS, None);

    let kafka = Kafka::new(&KafkaConfig {
        bootstrap_servers: bootstrap.clone(),
        request_timeout: Duration::from_secs(4),
        topic_list_max_age: Duration::from_secs(60),
        security: KafkaSecurity::None { tls: false },
    })?;

    println!("browse over {RECORDS} JSON records (limit 500, matching none), p50 of 5:");
    let card_mask = || Masks::new(vec![MaskPath::parse("value.card.number").unwrap()]);
    for (label, q, filter, masked) in [
        ("text filter q=", Some("no-such-text"), None, false),
        (
            "CEL value.status == \"refunded\"",
            None,
            Some(r#"value.status == "refunded""#),
            false,
        ),
        (
            "CEL value.amount > 1000 && value.lines.exists(l, l.sku == \"Z\")",
            None,
            Some(r#"value.amount > 1000 && value.lines.exists(l, l.sku == "Z")"#),
            false,
        ),
        (
            "text filter, card number masked",
            Some("no-such-text"),
            None,
            true,
        ),
    ] {
        let browse = Browse::parse(&MessageQuery {
            limit: Some(500),
            q: q.map(str::to_owned),
            filter: filter.map(str::to_owned),
            ..MessageQuery::default()
        })
        .map_err(|e| anyhow::anyhow!(e.message))?;
        let mut samples = Vec::new();
        let mut scanned = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let masks = if masked { card_mask() } else { Masks::default() };
            let page = kafka
                .browse(&source, &browse, None, masks)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            samples.push(started.elapsed());
            scanned = page.scanned;
        }
        let ms = p50(samples);
        println!(
            "  {label:<64} {ms:>7.1} ms, {scanned} records read: {:.0} records/s",
            scanned as f64 / (ms / 1000.0)
        );
    }

    println!("live tail on a 3-partition topic:");
    let start = kafka
        .tail(
            &tail,
            &Tail::parse(&TailQuery::default()).unwrap(),
            None,
            Masks::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let mut cursor = start.cursor;
    let mut samples = Vec::new();
    for i in 0..10 {
        // Let the pacing interval pass, so the poll waits for the write.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let poll = Tail::parse(&TailQuery {
            cursor: Some(cursor.clone()),
            wait_ms: Some(5_000),
            ..TailQuery::default()
        })
        .unwrap();
        let writer = {
            let (topic, bootstrap) = (tail.clone(), bootstrap.clone());
            tokio::task::spawn_blocking(move || {
                std::thread::sleep(Duration::from_millis(300));
                let p: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
                    .set("bootstrap.servers", &bootstrap)
                    .create()
                    .unwrap();
                write(&p, &topic, i * 10, 10, None);
                Instant::now()
            })
        };
        let page = kafka
            .tail(&tail, &poll, None, Masks::default())
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let answered = Instant::now();
        let written = writer.await?;
        samples.push(answered.saturating_duration_since(written));
        cursor = page.cursor;
    }
    println!(
        "  write (flushed) → waiting poll answers: p50 {:.0} ms",
        p50(samples)
    );
    write(&producer, &tail, 1_000, 20_000, None);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let burst = Tail::parse(&TailQuery {
        cursor: Some(cursor.clone()),
        limit: Some(500),
        wait_ms: Some(0),
        ..TailQuery::default()
    })
    .unwrap();
    let started = Instant::now();
    let page = kafka
        .tail(&tail, &burst, None, Masks::default())
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    println!(
        "  one poll over a burst of 20,000: {:.0} ms, {} read, {} delivered, {} skipped",
        started.elapsed().as_secs_f64() * 1000.0,
        page.scanned,
        page.messages.len(),
        page.skipped
    );

    println!("redrive of {RECORDS} records by header to two topics, in steps:");
    write(&producer, &dlq, 0, RECORDS, Some([&home_a, &home_b]));
    let mut request: CopyRequest = serde_json::from_value(serde_json::json!({
        "run_id": format!("bench-redrive-{run}"),
        "target": {"header": "kafka_dlt-original-topic"},
        "source": {"from": "earliest"},
    }))?;
    let may_produce = |_: &str| true;
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut written = 0;
    loop {
        let step_started = Instant::now();
        let run_step = CopyRun::parse(&request).map_err(|e| anyhow::anyhow!(e.message))?;
        let step = kafka
            .copy_step(
                &dlq,
                &run_step,
                None,
                Caller {
                    cluster: "bench",
                    subject: "bench",
                    may_produce: &may_produce,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        steps.push(step_started.elapsed());
        written += step.targets.iter().map(|t| t.records).sum::<u64>();
        match step.cursor {
            Some(next) => request.cursor = Some(next),
            None => break,
        }
    }
    let total = started.elapsed().as_secs_f64();
    println!(
        "  {written} written in {} steps, {total:.1} s: {:.0} records/s; a 5,000-record step p50 {:.0} ms",
        steps.len(),
        written as f64 / total,
        p50(steps)
    );
    Ok(())
}
