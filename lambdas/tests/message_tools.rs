//! The message tools against the real broker: the CEL filter, masking by
//! role, the live tail, and copy/redrive; an independent client writes the
//! records and checks what arrived.

mod support;

use std::{
    collections::{BTreeMap, HashSet},
    time::{Duration, Instant},
};

use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    message::{Header, Headers, OwnedHeaders},
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, config, create_topic, unique};

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];
const VIEWERS: &[&str] = &["kafka-viewers"];

/// The built-in roles, with viewers reading `it.pay-…` topics, where the
/// card number and the authorization header are masked for all but admins.
const POLICY: &str = r#"
[groups]
kafka-admins = ["admin"]
kafka-operators = ["operator"]
kafka-viewers = ["viewer"]

[[roles.viewer]]
actions = ["cluster:read", "topics:read", "messages:read"]
topics = "it\\.pay-.*"

[[roles.operator]]
actions = ["cluster:read", "topics:read", "messages:read", "messages:produce"]

[[roles.admin]]
actions = ["cluster:read", "topics:read", "messages:read", "messages:produce", "messages:unmask", "audit:read"]

[[masks]]
topics = "it\\.pay-.*"
fields = ["value.card.number", "headers.authorization"]
"#;

async fn setup() -> (Idp, Api) {
    let idp = Idp::start().await;
    let path = std::env::temp_dir().join(format!("configurator-it-policy-{}.toml", std::process::id()));
    std::fs::write(&path, POLICY).unwrap();
    let mut settings = config(&idp.issuer, &bootstrap_servers());
    settings.policy_file = Some(path.to_string_lossy().into_owned());
    let api = Api::serve(settings).await;
    (idp, api)
}

fn producer() -> ThreadedProducer<DefaultProducerContext> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("linger.ms", "5")
        .create()
        .unwrap()
}

/// A record to write: partition, key, value, headers.
type Outgoing<'a> = (i32, String, Vec<u8>, Vec<(&'a str, String)>);

/// A record read back: key, value, headers.
type Arrived = (Option<String>, Option<Vec<u8>>, BTreeMap<String, String>);

/// Writes `records` and waits until they are durable.
fn write(topic: &str, records: &[Outgoing<'_>]) {
    let producer = producer();
    for (partition, key, value, headers) in records {
        let mut owned = OwnedHeaders::new();
        for (name, text) in headers {
            owned = owned.insert(Header {
                key: name,
                value: Some(text.as_str()),
            });
        }
        producer
            .send(
                BaseRecord::to(topic)
                    .partition(*partition)
                    .key(key)
                    .payload(value)
                    .headers(owned),
            )
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(20)).unwrap();
}

/// Every record of `topic`, read with a separate consumer: key, value, headers.
fn read_all(topic: &str) -> Vec<Arrived> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-message-tools")
        .set("enable.partition.eof", "true")
        .create()
        .unwrap();
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(5))
        .unwrap();
    let partitions = metadata.topics()[0].partitions().len();
    let mut tpl = TopicPartitionList::new();
    let mut open = HashSet::new();
    for p in 0..partitions as i32 {
        let (low, high) = consumer
            .fetch_watermarks(topic, p, Duration::from_secs(5))
            .unwrap();
        if high > low {
            tpl.add_partition_offset(topic, p, Offset::Beginning).unwrap();
            open.insert(p);
        }
    }
    let mut records = Vec::new();
    if open.is_empty() {
        return records;
    }
    consumer.assign(&tpl).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !open.is_empty() && Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(500)) {
            Some(Ok(m)) => {
                let headers = m
                    .headers()
                    .map(|hs| {
                        hs.iter()
                            .map(|h| {
                                (
                                    h.key.to_owned(),
                                    String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                records.push((
                    m.key().map(|k| String::from_utf8_lossy(k).into_owned()),
                    m.payload().map(<[u8]>::to_vec),
                    headers,
                ));
            }
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                open.remove(&p);
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "read {topic} to its end");
    records
}

/// Every message a filtered browse finds, page after page.
async fn browse_all(api: &Api, token: &str, topic: &str, query: &str) -> (Vec<Value>, u64) {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    let mut filter_errors = 0;
    loop {
        let mut path = format!("/clusters/a/topics/{topic}/messages?limit=500&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, page, _) = api.get(&path, Some(token)).await;
        assert_eq!(status, 200, "{page}");
        found.extend(page["messages"].as_array().unwrap().iter().cloned());
        filter_errors += page["filter_errors"].as_u64().unwrap_or(0);
        match page["cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    (found, filter_errors)
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_cel_filter_finds_exactly_what_an_independent_consumer_counts() {
    let (idp, api) = setup().await;
    let alice = idp.token("alice", ADMINS);
    let topic = unique("it.cel");
    create_topic(&topic, 3).await;
    let records: Vec<_> = (0..900)
        .map(|i| {
            let value = if i % 50 == 49 {
                b"not json".to_vec()
            } else {
                let status = if i % 3 == 0 { "cancelled" } else { "placed" };
                json!({"status": status, "amount": (i * 37) % 2000, "n": i})
                    .to_string()
                    .into_bytes()
            };
            (
                i % 3,
                format!("order-{i}"),
                value,
                vec![("source", format!("s{}", i % 4))],
            )
        })
        .collect();
    write(&topic, &records);

    // The independent count: the same rule, evaluated on what the broker holds.
    let expected = read_all(&topic)
        .into_iter()
        .filter(|(_, value, headers)| {
            let Some(v) = value
                .as_deref()
                .and_then(|v| serde_json::from_slice::<Value>(v).ok())
            else {
                return false;
            };
            v["status"] == "cancelled" && v["amount"].as_i64().unwrap() > 1000 && headers["source"] != "s1"
        })
        .count();
    assert!(expected > 50, "the data has matches: {expected}");

    let filter = r#"value.status == "cancelled" && value.amount > 1000 && headers["source"] != "s1""#;
    let (found, filter_errors) =
        browse_all(&api, &alice, &topic, &format!("filter={}", encode(filter))).await;
    assert_eq!(found.len(), expected);
    // Of the 18 values that are not JSON, the 9 from source s1 do not match
    // whatever their status (false && error is false in CEL); the other 9
    // cannot be evaluated.
    assert_eq!(filter_errors, 9);
    for m in &found {
        let value: Value = serde_json::from_str(m["value"]["data"].as_str().unwrap()).unwrap();
        assert_eq!(value["status"], "cancelled");
        assert!(value["amount"].as_i64().unwrap() > 1000);
    }
    let offsets: HashSet<(i64, i64)> = found
        .iter()
        .map(|m| (m["partition"].as_i64().unwrap(), m["offset"].as_i64().unwrap()))
        .collect();
    assert_eq!(offsets.len(), found.len(), "no record twice across pages");

    // Keys, partitions and offsets are variables too; the text filter still works beside it.
    let (found, _) = browse_all(
        &api,
        &alice,
        &topic,
        &format!(
            "filter={}&q=placed",
            encode(r#"key.startsWith("order-1") && partition == 1"#)
        ),
    )
    .await;
    let expected = records
        .iter()
        .filter(|(p, key, value, _)| {
            *p == 1 && key.starts_with("order-1") && String::from_utf8_lossy(value).contains("placed")
        })
        .count();
    assert_eq!(found.len(), expected);

    // A bad filter says where, changes nothing, and comes before the permission check.
    let (status, body, _) = api
        .get(
            &format!(
                "/clusters/a/topics/{topic}/messages?filter={}",
                encode("value.status ==")
            ),
            Some(&idp.token("victor", VIEWERS)),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_filter"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1, column"),
        "{body}"
    );
    let (status, body, _) = api
        .get(
            &format!(
                "/clusters/a/topics/{topic}/messages?filter={}",
                encode("price > 1")
            ),
            Some(&alice),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("price"),
        "{body}"
    );
}

#[tokio::test]
async fn masked_fields_never_leave_the_lambda() {
    let (idp, api) = setup().await;
    let (alice, oscar, victor) = (
        idp.token("alice", ADMINS),
        idp.token("oscar", OPERATORS),
        idp.token("victor", VIEWERS),
    );
    let topic = unique("it.pay-cards");
    create_topic(&topic, 1).await;
    let card = |i: usize| format!("4111 1111 1111 {i:04}");
    let mut records: Vec<_> = (0..20)
        .map(|i| {
            let value =
                json!({"payment": i, "amount": 100 + i, "card": {"brand": "visa", "number": card(i)}});
            (
                0,
                format!("payment-{i}"),
                value.to_string().into_bytes(),
                vec![
                    ("authorization", format!("Bearer secret-{i}")),
                    ("trace", format!("t{i}")),
                ],
            )
        })
        .collect();
    records.push((
        0,
        "opaque".into(),
        format!("raw {}", card(99)).into_bytes(),
        vec![],
    ));
    write(&topic, &records);

    let (status, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?limit=50"),
            Some(&victor),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let text = page.to_string();
    assert!(
        !text.contains("4111") && !text.contains("secret-"),
        "nothing masked leaves: {text}"
    );
    let first = &page["messages"][0];
    let value: Value = serde_json::from_str(first["value"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(value["card"], json!({"brand": "visa", "number": "****"}));
    assert_eq!(value["amount"], 100, "what is not masked stays");
    assert_eq!(first["value"]["masked"], json!(["card.number"]));
    let header = |m: &Value, name: &str| {
        m["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["key"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(header(first, "authorization")["value"]["data"], "****");
    assert_eq!(header(first, "trace")["value"]["data"], "t0");
    let opaque = &page["messages"][20];
    assert_eq!(
        (&opaque["value"]["data"], &opaque["value"]["masked"]),
        (&json!("****"), &json!(["*"])),
        "a value that is not JSON is masked whole"
    );

    // The single message, the tail and the text filter mask the same way.
    let (_, one, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/partitions/0/offsets/3"),
            Some(&victor),
        )
        .await;
    assert!(!one.to_string().contains("4111"), "{one}");
    assert_eq!(one["value"]["masked"], json!(["card.number"]));
    let (_, found, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?q=4111"),
            Some(&victor),
        )
        .await;
    assert_eq!(
        found["messages"].as_array().unwrap().len(),
        0,
        "the text filter searches what he sees"
    );

    // A filter on a masked field is refused for him, after his permission is checked.
    for filter in [
        r#"value.card.number.startsWith("4111")"#,
        r#"value.card["number"] == "x""#,
        "has(value.card)",
        r#"headers["authorization"] != """#,
    ] {
        let (status, body, _) = api
            .get(
                &format!("/clusters/a/topics/{topic}/messages?filter={}", encode(filter)),
                Some(&victor),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("filter_on_masked_field")),
            "{filter}: {body}"
        );
    }
    let (status, _, _) = api
        .get(
            &format!(
                "/clusters/a/topics/{topic}/messages?filter={}",
                encode("value.amount > 105")
            ),
            Some(&victor),
        )
        .await;
    assert_eq!(status, 200, "other fields can be filtered on");

    // Copying would write the masked fields in clear elsewhere.
    let (status, body) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{topic}/messages/copy"),
            &oscar,
            Some(
                json!({"run_id": run_id("masked-run"), "target": {"topic": unique("it.copy")}, "source": {}}),
            ),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("masked_fields")),
        "{body}"
    );

    // Admins hold messages:unmask.
    let (_, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages?limit=1"),
            Some(&alice),
        )
        .await;
    assert!(page.to_string().contains(&card(0)));
    assert!(page["messages"][0]["value"].get("masked").is_none());
}

/// Polls until `want` records arrived or 30 s passed; the messages, the skipped count.
async fn follow(api: &Api, token: &str, topic: &str, cursor: &mut String, want: usize) -> (Vec<Value>, u64) {
    let mut got = Vec::new();
    let mut skipped = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.len() < want && Instant::now() < deadline {
        let (status, page, _) = api
            .get(
                &format!("/clusters/a/topics/{topic}/messages/tail?wait_ms=2000&limit=500&cursor={cursor}"),
                Some(token),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        let messages = page["messages"].as_array().unwrap();
        let times: Vec<i64> = messages
            .iter()
            .map(|m| m["timestamp"].as_i64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
        got.extend(messages.iter().cloned());
        skipped += page["skipped"].as_u64().unwrap();
        *cursor = page["cursor"].as_str().unwrap().to_owned();
    }
    (got, skipped)
}

#[tokio::test]
async fn a_tail_delivers_what_arrives_and_skips_what_it_cannot() {
    let (idp, api) = setup().await;
    let alice = idp.token("alice", ADMINS);
    let topic = unique("it.tail");
    create_topic(&topic, 2).await;
    write(&topic, &[(0, "before".into(), b"{}".to_vec(), vec![])]);

    let (status, start, _) = api
        .get(&format!("/clusters/a/topics/{topic}/messages/tail"), Some(&alice))
        .await;
    assert_eq!(status, 200, "{start}");
    assert_eq!(start["messages"], json!([]), "a tail starts at the end");
    let mut cursor = start["cursor"].as_str().unwrap().to_owned();

    let writer = {
        let topic = topic.clone();
        std::thread::spawn(move || {
            for batch in 0..6 {
                let records: Vec<_> = (0..50)
                    .map(|i| {
                        let n = batch * 50 + i;
                        (
                            n % 2,
                            format!("live-{n}"),
                            json!({"n": n}).to_string().into_bytes(),
                            vec![],
                        )
                    })
                    .collect();
                write(&topic, &records);
                std::thread::sleep(Duration::from_millis(300));
            }
        })
    };
    let (got, skipped) = follow(&api, &alice, &topic, &mut cursor, 300).await;
    writer.join().unwrap();
    assert_eq!(skipped, 0);
    let keys: HashSet<String> = got
        .iter()
        .map(|m| m["key"]["data"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!((got.len(), keys.len()), (300, 300), "each arrived once");
    assert!(!keys.contains("before"));

    // A filter applies to the tail; what does not match is not delivered (nor skipped).
    let filtered = format!("filter={}", encode("value.n % 2 == 0"));
    let (_, start, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages/tail?{filtered}"),
            Some(&alice),
        )
        .await;
    let mut cursor = start["cursor"].as_str().unwrap().to_owned();
    let records: Vec<_> = (0..40)
        .map(|n| {
            (
                0,
                format!("f-{n}"),
                json!({"n": n}).to_string().into_bytes(),
                vec![],
            )
        })
        .collect();
    write(&topic, &records);
    let (status, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages/tail?{filtered}&wait_ms=3000&cursor={cursor}"),
            Some(&alice),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            page["messages"].as_array().unwrap().len(),
            page["skipped"].as_u64()
        ),
        (20, Some(0))
    );
    cursor = page["cursor"].as_str().unwrap().to_owned();

    // A burst beyond the scan budget: the newest are delivered, the rest counted.
    let burst: Vec<_> = (0..12_000)
        .map(|n| {
            (
                n % 2,
                format!("burst-{n}"),
                json!({"n": n * 2}).to_string().into_bytes(),
                vec![],
            )
        })
        .collect();
    write(&topic, &burst);
    let (status, page, _) = api
        .get(
            &format!(
                "/clusters/a/topics/{topic}/messages/tail?{filtered}&limit=100&wait_ms=0&cursor={cursor}"
            ),
            Some(&alice),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let delivered = page["messages"].as_array().unwrap();
    assert_eq!(delivered.len(), 100);
    let scanned = page["scanned"].as_u64().unwrap();
    assert!(
        (100..=10_000).contains(&scanned),
        "at most the scan budget: {scanned}"
    );
    assert_eq!(
        page["skipped"],
        12_000 - 100,
        "everything not delivered is counted"
    );
    assert!(
        delivered
            .iter()
            .any(|m| m["key"]["data"] == "burst-11999" || m["key"]["data"] == "burst-11998")
    );

    // A poll right after the last one waits its turn (at most 500 records/s).
    let began = Instant::now();
    let next = page["cursor"].as_str().unwrap();
    let (status, page, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages/tail?wait_ms=0&cursor={next}"),
            Some(&alice),
        )
        .await;
    assert_eq!((status, page["messages"].as_array().unwrap().len()), (200, 0));
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "{:?}",
        began.elapsed()
    );

    let (status, body, _) = api
        .get(
            &format!("/clusters/a/topics/{topic}/messages/tail?cursor=nonsense"),
            Some(&alice),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_cursor"))
    );
}

const DLQ_HEADER: &str = "kafka_dlt-original-topic";

/// A run id of this test run alone (run ids are kept a day, across test runs
/// against the same broker).
fn run_id(prefix: &str) -> String {
    unique(prefix)
}

/// Every step of a run, from its first; the steps' answers.
async fn run_all(api: &Api, token: &str, topic: &str, mut request: Value) -> Vec<Value> {
    let mut steps = Vec::new();
    loop {
        let (status, step) = api
            .call(
                "POST",
                &format!("/clusters/a/topics/{topic}/messages/copy"),
                token,
                Some(request.clone()),
            )
            .await;
        assert_eq!(status, 200, "{step}");
        let next = step["cursor"].clone();
        steps.push(step);
        if next.is_null() {
            return steps;
        }
        request["cursor"] = next;
    }
}

fn count(steps: &[Value], topic: &str) -> u64 {
    steps
        .iter()
        .flat_map(|s| s["targets"].as_array().unwrap().clone())
        .filter(|t| t["topic"] == topic)
        .map(|t| t["records"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn a_redrive_sends_each_record_home_once() {
    let (idp, api) = setup().await;
    let (alice, victor) = (idp.token("alice", ADMINS), idp.token("victor", VIEWERS));
    let (dlq, home_a, home_b) = (unique("it.dlq"), unique("it.home-a"), unique("it.home-b"));
    for t in [&dlq, &home_a, &home_b] {
        create_topic(t, 2).await;
    }
    let mut records: Vec<_> = (0..500)
        .map(|i| {
            let home = if i % 2 == 0 { &home_a } else { &home_b };
            (
                i % 2,
                format!("key-{i}"),
                json!({"n": i}).to_string().into_bytes(),
                vec![(DLQ_HEADER, home.clone()), ("trace", format!("t{i}"))],
            )
        })
        .collect();
    records.extend((0..7).map(|i| (0, format!("lost-{i}"), b"{}".to_vec(), vec![])));
    records.extend((0..3).map(|i| {
        (
            1,
            format!("astray-{i}"),
            b"{}".to_vec(),
            vec![(DLQ_HEADER, "it.nowhere".to_owned())],
        )
    }));
    write(&dlq, &records);

    let request = |run: &str, dry_run: bool| json!({"run_id": run, "target": {"header": DLQ_HEADER}, "source": {"from": "earliest"}, "dry_run": dry_run});
    // The dry run counts and writes nothing.
    let dry = run_all(&api, &alice, &dlq, request(&run_id("redrive-dry"), true)).await;
    assert_eq!((count(&dry, &home_a), count(&dry, &home_b)), (250, 250));
    let skipped: BTreeMap<String, u64> = dry
        .iter()
        .flat_map(|s| s["skipped"].as_array().unwrap().clone())
        .map(|s| {
            (
                s["reason"].as_str().unwrap().to_owned(),
                s["records"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        BTreeMap::from([("missing_header".into(), 7), ("unknown_topic".into(), 3)])
    );
    assert!(read_all(&home_a).is_empty() && read_all(&home_b).is_empty());

    // Viewers may not write; nothing is written for them either.
    let (status, _) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{dlq}/messages/copy"),
            &victor,
            Some(request(&run_id("redrive-victor"), false)),
        )
        .await;
    assert_eq!(status, 403);

    let real = run_id("redrive-real");
    let run = run_all(&api, &alice, &dlq, request(&real, false)).await;
    assert_eq!((count(&run, &home_a), count(&run, &home_b)), (250, 250));
    let last = run.last().unwrap();
    assert_eq!(
        (last["range_done"].as_u64(), last["range_records"].as_u64()),
        (Some(510), Some(510))
    );
    for (home, parity) in [(&home_a, 0), (&home_b, 1)] {
        let arrived = read_all(home);
        assert_eq!(arrived.len(), 250, "{home}");
        for (key, value, headers) in &arrived {
            let n: usize = key
                .as_deref()
                .unwrap()
                .strip_prefix("key-")
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(n % 2, parity);
            assert_eq!(
                serde_json::from_slice::<Value>(value.as_deref().unwrap()).unwrap(),
                json!({"n": n})
            );
            assert_eq!(headers["trace"], format!("t{n}"), "headers kept");
        }
    }

    // The same step asked again is answered from the ledger and writes nothing.
    let (status, again) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{dlq}/messages/copy"),
            &alice,
            Some(request(&real, false)),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(count(&[again], &home_a), 250, "the recorded answer");
    assert_eq!((read_all(&home_a).len(), read_all(&home_b).len()), (250, 250));

    // The run id with other settings is someone else's run.
    let mut other = request(&real, false);
    other["keep"] = json!({"keys": false, "headers": true, "timestamps": true, "partitions": false});
    let (status, body) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{dlq}/messages/copy"),
            &alice,
            Some(other),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("run_conflict"))
    );

    // Chosen records and an offset range copy to one topic; the audit says how many.
    let copy = unique("it.copy");
    create_topic(&copy, 1).await;
    let steps = run_all(
        &api,
        &alice,
        &dlq,
        json!({"run_id": run_id("copy-range"), "target": {"topic": copy}, "source": {"partition": "0", "from": "offset:10", "until": "offset:20"}}),
    )
    .await;
    assert_eq!(count(&steps, &copy), 10);
    let steps = run_all(
        &api,
        &alice,
        &dlq,
        json!({"run_id": run_id("copy-chosen"), "target": {"topic": copy}, "keep": {"keys": false, "headers": false, "timestamps": true, "partitions": false},
               "source": {"records": [{"partition": 1, "offset": 0}, {"partition": 1, "offset": 5}]}}),
    )
    .await;
    assert_eq!(count(&steps, &copy), 2);
    let arrived = read_all(&copy);
    assert_eq!(arrived.len(), 12);
    assert_eq!(
        arrived
            .iter()
            .filter(|(key, _, headers)| key.is_none() && headers.is_empty())
            .count(),
        2
    );

    let (status, audit, _) = api
        .get(
            &format!("/clusters/a/audit?resource=topic:{dlq}&limit=200"),
            Some(&alice),
        )
        .await;
    assert_eq!(status, 200, "{audit}");
    let mine: Vec<&Value> = audit["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["parameters"]["run_id"] == real.as_str() && e["result"] == "ok")
        .collect();
    assert_eq!(
        mine.len(),
        run.len(),
        "one audit record per step that wrote, none for the replay"
    );
    assert_eq!(mine[0]["action"], "messages:produce");
    let refused = audit["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["parameters"]["run_id"] == real.as_str() && e["result"] == "run_conflict")
        .count();
    assert_eq!(refused, 1, "the refused reuse of the run id is audited too");
}
