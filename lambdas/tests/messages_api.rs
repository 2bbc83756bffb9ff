//! Browse, produce and schemas against the real broker; a separate client
//! checks what was written.

mod support;

use std::time::Duration;

use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    message::Headers,
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};
use serde_json::{Value, json};
use support::{Api, Binary, Idp, bootstrap_servers, create_topic, unique};

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];
const VIEWERS: &[&str] = &["kafka-viewers"];

async fn setup() -> (Idp, Api) {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    (idp, api)
}

/// `count` records per partition: key `k{i}`, value `{"n": i, "p": partition}`.
fn fill(topic: &str, partitions: i32, count: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap();
    for p in 0..partitions {
        for i in 0..count {
            let (key, value) = (format!("k{i}"), json!({"n": i, "p": p}).to_string());
            producer
                .send(BaseRecord::to(topic).partition(p).key(&key).payload(&value))
                .map_err(|(e, _)| e)
                .unwrap();
        }
    }
    producer.flush(Duration::from_secs(10)).unwrap();
}

/// Key, value and headers of one record.
type Record = (Option<Vec<u8>>, Option<Vec<u8>>, Vec<(String, Vec<u8>)>);

/// The record at `offset`, read with a separate consumer.
fn read_back(topic: &str, partition: i32, offset: i64) -> Record {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-read-back")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
        .unwrap();
    consumer.assign(&tpl).unwrap();
    let message = consumer.poll(Duration::from_secs(5)).expect("a record").unwrap();
    let headers = message
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                .collect()
        })
        .unwrap_or_default();
    (
        message.key().map(<[u8]>::to_vec),
        message.payload().map(<[u8]>::to_vec),
        headers,
    )
}

fn offsets(page: &Value) -> Vec<(i64, i64)> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["partition"].as_i64().unwrap(), m["offset"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn browse_reads_from_each_start_with_limits_filters_and_cursors() {
    let (idp, api) = setup().await;
    let topic = unique("it.browse");
    create_topic(&topic, 2).await;
    fill(&topic, 2, 20);
    let oscar = idp.token("oscar", OPERATORS);
    let get = |query: String| {
        let (api, oscar, topic) = (&api, &oscar, &topic);
        async move {
            api.get(
                &format!("/clusters/a/topics/{topic}/messages?{query}"),
                Some(oscar),
            )
            .await
        }
    };

    let (status, page, _) = get("partition=1&limit=5".into()).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(offsets(&page), (0..5).map(|o| (1, o)).collect::<Vec<_>>());
    assert_eq!(page["messages"][2]["key"], json!({"data": "k2", "base64": false}));
    assert_eq!(
        page["messages"][2]["value"]["data"],
        json!({"n": 2, "p": 1}).to_string()
    );
    assert!(page["messages"][0]["timestamp"].as_i64().unwrap() > 1_600_000_000_000);
    // The cursor reads on where the page stopped.
    let cursor = page["cursor"].as_str().expect("more to read").to_owned();
    let (_, next, _) = get(format!("limit=5&cursor={cursor}")).await;
    assert_eq!(offsets(&next), (5..10).map(|o| (1, o)).collect::<Vec<_>>());

    let (_, latest, _) = get("partition=0&from=latest&limit=3".into()).await;
    assert_eq!(offsets(&latest), [(0, 19), (0, 18), (0, 17)], "newest first");
    assert!(latest["cursor"].is_null());

    let (_, from_offset, _) = get("partition=0&from=offset:18&limit=50".into()).await;
    assert_eq!(offsets(&from_offset), [(0, 18), (0, 19)]);
    assert!(
        from_offset["cursor"].is_null(),
        "the partition was read to its end"
    );

    let (_, future, _) = get(format!("from=timestamp:{}", 4_000_000_000_000i64)).await;
    assert!(offsets(&future).is_empty());
    let (_, past, _) = get("from=timestamp:0&limit=500".into()).await;
    assert_eq!(offsets(&past).len(), 40);

    let (_, filtered, _) = get("q=k17&limit=500".into()).await;
    assert_eq!(offsets(&filtered), [(0, 17), (1, 17)]);
    assert_eq!(filtered["scanned"], 40);
    assert!(filtered["stopped_early"].is_null());

    for (query, code, field) in [
        ("limit=0", "invalid_limit", "limit"),
        ("limit=501", "invalid_limit", "limit"),
        ("partition=9", "invalid_partition", "partition"),
        ("partition=x", "invalid_partition", "partition"),
        ("from=yesterday", "invalid_from", "from"),
        ("from=offset:99", "offset_out_of_range", "from"),
        ("cursor=nonsense", "invalid_cursor", "cursor"),
    ] {
        let (status, body, _) = get(query.into()).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(
            (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (Some(code), Some(field))
        );
    }
    let (status, body, _) = api.get("/clusters/a/topics/it.nope/messages", Some(&oscar)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("topic_not_found"))
    );
    let (status, body, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages"),
            Some(&idp.token("victor", VIEWERS)),
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("messages:read")
    );
}

#[tokio::test]
async fn a_scan_is_bounded_and_says_so() {
    let (idp, api) = setup().await;
    let topic = unique("it.budget");
    create_topic(&topic, 1).await;
    // More records than one browse may read, none matching the filter.
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("linger.ms", "20")
        .create()
        .unwrap();
    for _ in 0..60_000 {
        producer
            .send(BaseRecord::<(), _>::to(&topic).payload("x"))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();

    let started = std::time::Instant::now();
    let (status, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?q=needle&limit=10"),
            Some(&idp.token("alice", ADMINS)),
        )
        .await;

    assert_eq!(status, 200, "{page}");
    assert!(page["messages"].as_array().unwrap().is_empty());
    let stop = page["stopped_early"]
        .as_str()
        .expect("the scan stopped at a budget");
    assert!(["record_budget", "time_budget"].contains(&stop));
    assert!(page["scanned"].as_u64().unwrap() <= 50_000);
    assert!(page["cursor"].is_string(), "it can read on");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn produce_writes_key_value_headers_and_partition() {
    let (idp, api) = setup().await;
    let topic = unique("it.produce");
    create_topic(&topic, 3).await;
    let oscar = idp.token("oscar", OPERATORS);

    // The caller's trace (the BFF's span, through Kong) continues here.
    let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = api
        .http
        .post(format!("{}/clusters/a/topics/{topic}/messages", api.base))
        .bearer_auth(&oscar)
        .header("traceparent", caller)
        .json(&json!({
            "key": {"data": "order-1"},
            "value": {"data": "{\"total\": 12}"},
            "headers": [{"key": "source", "value": {"data": "console"}},
                        {"key": "bin", "value": {"data": "AP8=", "base64": true}}],
            "partition": 2,
        }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let lambda_span = response.headers()["traceresponse"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();

    assert_eq!(status, 201, "{body}");
    assert_eq!(body["partition"], 2);
    assert!(
        lambda_span.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && lambda_span != caller,
        "same trace, a span of its own: {lambda_span}"
    );
    let offset = body["offset"].as_i64().unwrap();
    let (key, value, headers) = read_back(&topic, 2, offset);
    assert_eq!(key.as_deref(), Some(&b"order-1"[..]));
    assert_eq!(value.as_deref(), Some(&b"{\"total\": 12}"[..]));
    assert_eq!(
        headers,
        [
            ("source".to_owned(), b"console".to_vec()),
            ("bin".to_owned(), vec![0x00, 0xff]),
            // The record continues the trace under the Lambda's span.
            ("traceparent".to_owned(), lambda_span.into_bytes()),
        ]
    );

    // Binary data comes back as base64 when browsed.
    let (_, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?partition=2"),
            Some(&oscar),
        )
        .await;
    assert_eq!(
        page["messages"][0]["headers"][1]["value"],
        json!({"data": "AP8=", "base64": true})
    );

    for (request, status_code, code, field) in [
        (
            json!({"value": {"data": "x"}, "partition": 7}),
            400,
            "invalid_partition",
            Some("partition"),
        ),
        (
            json!({"value": {"data": "%%", "base64": true}}),
            400,
            "invalid_base64",
            Some("value"),
        ),
        (
            json!({"value": {"data": "x".repeat(1_000_001)}}),
            413,
            "message_too_large",
            None,
        ),
        (json!({"value": "not an object"}), 400, "invalid_body", None),
    ] {
        let (status, body) = api
            .call(
                "POST",
                &format!("/clusters/a/topics/{topic}/messages"),
                &oscar,
                Some(request),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (status_code, Some(code)),
            "{body}"
        );
        assert_eq!(body["error"]["field"].as_str(), field);
    }
    let (status, _) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{topic}/messages"),
            &idp.token("victor", VIEWERS),
            Some(json!({"value": {"data": "x"}})),
        )
        .await;
    assert_eq!(status, 403);
    let (_, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?limit=500"),
            Some(&oscar),
        )
        .await;
    assert_eq!(
        page["messages"].as_array().unwrap().len(),
        1,
        "refused produces wrote nothing"
    );
}

#[tokio::test]
async fn a_topic_schema_governs_produce() {
    let (idp, api) = setup().await;
    let topic = unique("it.schema");
    create_topic(&topic, 1).await;
    let (alice, oscar, victor) = (
        idp.token("alice", ADMINS),
        idp.token("oscar", OPERATORS),
        idp.token("victor", VIEWERS),
    );
    let path = format!("/clusters/a/topics/{topic}/schema");
    let schema = json!({
        "type": "object",
        "required": ["id", "amount"],
        "properties": {"id": {"type": "string"}, "amount": {"type": "number", "minimum": 0}},
    });

    let (status, body, _) = api.get(&path, Some(&victor)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("schema_not_found"))
    );
    let (status, _) = api
        .call("PUT", &path, &oscar, Some(json!({"schema": schema})))
        .await;
    assert_eq!(status, 403, "operators cannot write schemas");
    let (status, body) = api
        .call("PUT", &path, &alice, Some(json!({"schema": {"type": 12}})))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_schema"))
    );
    let (status, body) = api
        .call("PUT", &path, &alice, Some(json!({"schema": schema})))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["updated_by"], "alice");
    let (status, body, _) = api.get(&path, Some(&victor)).await;
    assert_eq!((status, &body["schema"]), (200, &schema));

    // A second API process (another Lambda instance) enforces it too.
    let other = Api::start(&idp.issuer).await;
    let (status, body) = produce(&other, &topic, &oscar, r#"{"id": 7, "amount": -1}"#).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("schema_validation_failed")),
        "{body}"
    );
    let details = body["error"]["details"].as_array().unwrap();
    let paths: Vec<&str> = details.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"/id") && paths.contains(&"/amount"), "{body}");
    let (status, body) = produce(&api, &topic, &oscar, "not json").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("value_not_json"))
    );
    let (status, body) = produce(&api, &topic, &oscar, r#"{"id": "a", "amount": 3}"#).await;
    assert_eq!(status, 201, "{body}");
    let (_, page, _) = api
        .get(&format!("/clusters/a/topics/{topic}/messages"), Some(&oscar))
        .await;
    assert_eq!(
        page["messages"].as_array().unwrap().len(),
        1,
        "only the valid value was written"
    );

    let (status, _) = api.call("DELETE", &path, &alice, None).await;
    assert_eq!(status, 204);
    let (status, _) = produce(&other, &topic, &oscar, "free text again").await;
    assert_eq!(status, 201, "without a schema anything goes");
}

async fn produce(api: &Api, topic: &str, token: &str, value: &str) -> (u16, Value) {
    api.call(
        "POST",
        &format!("/clusters/a/topics/{topic}/messages"),
        token,
        Some(json!({"value": {"data": value}})),
    )
    .await
}

/// `count` records of `size` bytes each on partition 0, each value a run of
/// one letter (`a`, `b`, …) so a test can tell them apart.
fn fill_large(topic: &str, count: usize, size: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("message.max.bytes", (size + 4096).to_string())
        .create()
        .unwrap();
    for i in 0..count {
        let value = vec![b'a' + (i % 26) as u8; size];
        producer
            .send(BaseRecord::<str, [u8]>::to(topic).partition(0).payload(&value))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();
}

#[tokio::test]
async fn large_values_come_as_previews_within_a_byte_budget_and_whole_one_by_one() {
    let (idp, api) = setup().await;
    let oscar = idp.token("oscar", OPERATORS);
    let topic = unique("it.large");
    create_topic(&topic, 1).await;
    // 300 values of 20 KiB: as 16 KiB previews, 4.7 MiB, over the 4 MiB budget.
    fill_large(&topic, 300, 20 * 1024);
    let preview = configurator_api::PREVIEW_BYTES as u64;

    let (status, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?limit=500"),
            Some(&oscar),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let messages = page["messages"].as_array().unwrap();
    assert_eq!(page["stopped_early"], "byte_budget", "{}", page["scanned"]);
    assert!(page["bytes"].as_u64().unwrap() <= configurator_api::BROWSE_MAX_BYTES + preview);
    assert!(messages.len() > 200 && messages.len() < 300, "{}", messages.len());
    for m in messages {
        assert_eq!(m["value"]["full_size"], 20 * 1024);
        assert_eq!(m["value"]["data"].as_str().unwrap().len() as u64, preview);
    }
    // The cursor reads on from the first message not returned.
    let cursor = page["cursor"].as_str().unwrap();
    let (_, rest, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?limit=500&cursor={cursor}"),
            Some(&oscar),
        )
        .await;
    assert_eq!(rest["messages"][0]["offset"], messages.len());
    assert_eq!(
        messages.len() + rest["messages"].as_array().unwrap().len(),
        300,
        "{}",
        rest["stopped_early"]
    );

    // "latest" keeps only the newest, newest first, within the same budget.
    let (_, latest, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?from=latest&limit=500"),
            Some(&oscar),
        )
        .await;
    let newest = latest["messages"].as_array().unwrap();
    assert_eq!(newest[0]["offset"], 299);
    assert!(newest.len() > 200 && newest.len() < 300);
    assert_eq!(latest["stopped_early"], "byte_budget");

    // One message, whole: the bytes the broker holds (read with a separate client).
    let (status, whole, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/partitions/0/offsets/27"),
            Some(&oscar),
        )
        .await;
    assert_eq!(status, 200, "{whole}");
    let (_, value, _) = read_back(&topic, 0, 27);
    assert_eq!(
        whole["value"]["data"].as_str().unwrap().as_bytes(),
        value.unwrap().as_slice()
    );
    assert_eq!(whole["value"]["full_size"], Value::Null);
    for (path, code) in [
        ("partitions/0/offsets/300", "message_not_found"),
        ("partitions/3/offsets/0", "partition_not_found"),
    ] {
        let (status, body, _) = api
            .get(&format!("/clusters/a/topics/{topic}/{path}"), Some(&oscar))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some(code)),
            "{path}"
        );
    }
    let victor = idp.token("victor", VIEWERS);
    let (status, _, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/partitions/0/offsets/27"),
            Some(&victor),
        )
        .await;
    assert_eq!(status, 403, "reading one message needs messages:read");
}

/// The issue's measurement: 500 values of 1 MB, browsed from `latest`, cost
/// the Lambdas process less than 64 MiB of memory at its peak, and the answer
/// stays under the 6 MB a Lambda may return. Run against the real binary, so
/// its peak resident memory (VmHWM) is its own.
#[tokio::test]
async fn a_browse_of_500_values_of_1_mb_stays_within_its_memory_and_answer_budgets() {
    let idp = Idp::start().await;
    let topic = unique("it.huge");
    create_topic(&topic, 1).await;
    fill_large(&topic, 500, 1_000_000);
    // The single-cluster variables: one cluster, `local`.
    let binary = Binary::start(&idp.issuer, &[("RUST_LOG", "warn")]);
    let base = binary.base.clone();
    let http = reqwest::Client::new();
    let token = idp.token("oscar", OPERATORS);
    let browse = || {
        http.get(format!("{base}/topics/{topic}/messages?from=latest&limit=500"))
            .bearer_auth(&token)
            .send()
    };
    let peak = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    };
    // Warm up on a small topic: clients connected, caches filled.
    let small = unique("it.small");
    create_topic(&small, 1).await;
    fill(&small, 1, 10);
    for _ in 0..100 {
        if let Ok(r) = http
            .get(format!("{base}/topics/{small}/messages"))
            .bearer_auth(&token)
            .send()
            .await
            && r.status() == 200
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = peak(binary.pid());

    let response = browse().await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    let after = peak(binary.pid());
    drop(binary);

    let page: Value = serde_json::from_slice(&body).unwrap();
    let growth = after.saturating_sub(before);
    println!(
        "500 x 1 MB, from=latest: answer {} bytes, {} messages, stopped_early {}; peak RSS {} -> {} MiB (+{} MiB)",
        body.len(),
        page["messages"].as_array().unwrap().len(),
        page["stopped_early"],
        before >> 20,
        after >> 20,
        growth >> 20
    );
    assert!(
        body.len() < 6_000_000,
        "the answer fits a Lambda's: {} bytes",
        body.len()
    );
    assert!(growth < 64 << 20, "peak memory grew by {} MiB", growth >> 20);
    assert_eq!(page["messages"][0]["offset"], 499, "the newest first");
}
