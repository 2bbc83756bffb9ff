//! Consumer groups over time against the real broker: the lag sampler's
//! history and chart, time lag and health, every offset-reset mode across
//! topics, deleting committed offsets, and topic activity. Groups are made,
//! and every change checked, by a separate Kafka client.

mod support;

use std::time::{Duration, Instant};

use configurator_lambdas::{
    config::{KafkaConfig, KafkaSecurity},
    kafka::{
        Kafka,
        lag_history::{GroupSample, TopicEnds},
    },
    lag::sampler::{self, SamplerConfig},
    policy::Policy,
};
use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, CommitMode, Consumer},
    producer::{FutureProducer, FutureRecord},
};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, config, create_topic, unique};

const WAIT: Duration = Duration::from_secs(5);

/// The built-in roles, and groups `it-ot-…` judged stalled after 2 s (the
/// default is 5 minutes) and lagging only past an hour of time lag.
const POLICY: &str = r#"
[groups]
kafka-operators = ["operator"]
kafka-viewers = ["viewer"]

[[roles.viewer]]
actions = ["cluster:read", "topics:read", "groups:read"]

[[roles.operator]]
actions = ["cluster:read", "topics:read", "groups:read", "groups:reset", "groups:delete", "messages:read"]

[[health]]
groups = "it-ot-.*"
stall_after_ms = 2000
max_time_lag_ms = 3600000
"#;

struct Setup {
    _idp: Idp,
    api: Api,
    operator: String,
    viewer: String,
    /// The sampler's own clients, apart from the API's.
    kafka: Kafka,
    policy: Policy,
}

async fn setup() -> Setup {
    let idp = Idp::start().await;
    let path = std::env::temp_dir().join(format!("configurator-it-ot-policy-{}.toml", std::process::id()));
    std::fs::write(&path, POLICY).unwrap();
    let mut settings = config(&idp.issuer, &bootstrap_servers());
    settings.policy_file = Some(path.to_string_lossy().into_owned());
    let api = Api::serve(settings).await;
    let kafka = Kafka::new(&KafkaConfig {
        bootstrap_servers: bootstrap_servers(),
        request_timeout: WAIT,
        topic_list_max_age: Duration::ZERO,
        security: KafkaSecurity::None { tls: false },
    })
    .unwrap();
    Setup {
        operator: idp.token("oscar", &["kafka-operators"]),
        viewer: idp.token("vera", &["kafka-viewers"]),
        _idp: idp,
        api,
        kafka,
        policy: Policy::parse(POLICY).unwrap(),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// --- the separate Kafka client ------------------------------------------------

fn consumer(group: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer")
}

/// `count` records to `partition`, record `i` stamped `base_ms + i s`.
async fn produce(topic: &str, partition: i32, count: usize, base_ms: i64) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("linger.ms", "5")
        .create()
        .expect("producer");
    let payloads: Vec<String> = (0..count).map(|i| format!("record {i}")).collect();
    let sends: Vec<_> = payloads
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            producer
                .send_result(
                    FutureRecord::<(), _>::to(topic)
                        .partition(partition)
                        .payload(payload)
                        .timestamp(base_ms + i as i64 * 1000),
                )
                .map_err(|(e, _)| e)
                .expect("queued")
        })
        .collect();
    for send in sends {
        send.await.unwrap().map_err(|(e, _)| e).expect("produced");
    }
}

fn commit(group: &str, offsets: &[(&str, i32, i64)]) {
    let mut tpl = TopicPartitionList::new();
    for &(topic, partition, offset) in offsets {
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
            .unwrap();
    }
    consumer(group).commit(&tpl, CommitMode::Sync).expect("committed");
}

fn committed(group: &str, partitions: &[(&str, i32)]) -> Vec<Option<i64>> {
    let mut tpl = TopicPartitionList::new();
    for &(topic, p) in partitions {
        tpl.add_partition(topic, p);
    }
    let found = consumer(group)
        .committed_offsets(tpl, WAIT)
        .expect("committed offsets");
    partitions
        .iter()
        .map(|&(t, p)| match found.find_partition(t, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => Some(o),
            _ => None,
        })
        .collect()
}

/// A member of `group` subscribed to `topic` that commits `offsets` and
/// then reads nothing more (paused): a stuck consumer.
fn stuck_member(group: &str, topic: &str, offsets: &[(i32, i64)]) -> BaseConsumer {
    let member = consumer(group);
    member.subscribe(&[topic]).expect("subscribed");
    let deadline = Instant::now() + Duration::from_secs(20);
    while member.assignment().expect("assignment").count() == 0 {
        assert!(Instant::now() < deadline, "the consumer never got an assignment");
        let _ = member.poll(Duration::from_millis(100));
    }
    let assignment = member.assignment().unwrap();
    member.pause(&assignment).unwrap();
    let mut tpl = TopicPartitionList::new();
    for &(partition, offset) in offsets {
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
            .unwrap();
    }
    member.commit(&tpl, CommitMode::Sync).expect("member committed");
    member
}

/// The timestamp of the record at `offset`, read by a plain consumer.
fn timestamp_at(topic: &str, partition: i32, offset: i64) -> i64 {
    let reader: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-ot-reader")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
        .unwrap();
    reader.assign(&tpl).unwrap();
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Some(Ok(m)) = reader.poll(Duration::from_millis(200)) {
            assert_eq!(m.offset(), offset);
            return m.timestamp().to_millis().unwrap();
        }
    }
    panic!("no record at {topic} [{partition}] {offset}");
}

// --- the API ------------------------------------------------------------------

async fn call(api: &Api, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    api.call(method, path, token, body).await
}

async fn reset(s: &Setup, group: &str, body: Value) -> (u16, Value) {
    call(
        &s.api,
        "POST",
        &format!("/clusters/a/consumer-groups/{group}/reset-offsets"),
        &s.operator,
        Some(body),
    )
    .await
}

/// (topic, partition, before, after, lag after) of a reset's answer.
fn changes(body: &Value) -> Vec<(String, i64, Option<i64>, i64, u64)> {
    body["partitions"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|c| {
            (
                c["topic"].as_str().unwrap().to_owned(),
                c["partition"].as_i64().unwrap(),
                c["before"].as_i64(),
                c["after"].as_i64().unwrap(),
                c["lag_after"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sampling() -> SamplerConfig {
    SamplerConfig {
        interval: Duration::from_secs(60),
        max_groups: 100_000,
        budget: Duration::from_secs(20),
        metrics: false,
    }
}

// --- history, time lag, health ---------------------------------------------------

#[tokio::test]
async fn a_stuck_consumer_shows_stalled_with_a_growing_line_and_the_age_of_its_next_record() {
    let s = setup().await;
    let (topic, group) = (unique("it.ot.stall"), unique("it-ot-stall"));
    create_topic(&topic, 2).await;
    let start = now_ms() - 600_000;
    produce(&topic, 0, 50, start).await;
    produce(&topic, 1, 50, start).await;

    // What the sampler recorded over the last hour, as it would have then:
    // the group at 10 and 20 while the ends grew by 10 every 10 minutes.
    let older: Vec<GroupSample> = (0..5)
        .map(|i| GroupSample {
            at_ms: now_ms() - 3_000_000 + i * 600_000,
            group: group.clone(),
            members: 1,
            partitions: vec![
                (topic.clone(), 0, 10, 10 + 10 * i),
                (topic.clone(), 1, 20, 20 + 10 * i),
            ],
        })
        .collect();
    for sample in &older {
        s.kafka
            .write_samples(std::slice::from_ref(sample), None)
            .await
            .unwrap();
    }

    let member = stuck_member(&group, &topic, &[(0, 10), (1, 20)]);
    // A producer keeps writing while the sampler runs three times.
    for run in 0..3 {
        produce(&topic, 0, 10, now_ms()).await;
        produce(&topic, 1, 10, now_ms()).await;
        let summary = sampler::sample_cluster(&s.kafka, "a", &s.policy.health, &sampling()).await;
        assert!(summary.error.is_none(), "run {run}: {summary:?}");
        assert!(summary.sampled >= 1);
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }

    let (status, detail) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/consumer-groups/{group}"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["health"]["status"], "stalled", "{detail}");
    let reason = detail["health"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("unchanged") && reason.contains("130 records"),
        "{reason}"
    );
    // The time lag is the age of the record at the committed offset, as a
    // plain consumer reads it.
    for (partition, offset) in [(0, 10), (1, 20)] {
        let entry = &detail["offsets"][partition as usize];
        let written = timestamp_at(&topic, partition, offset);
        assert_eq!(entry["next_timestamp_ms"], written, "{entry}");
        let age = entry["time_lag_ms"].as_i64().unwrap() - (now_ms() - written);
        assert!((-3_000..=1_000).contains(&age), "partition {partition}: {entry}");
    }
    assert_eq!(
        detail["time_lag_ms"], detail["offsets"][0]["time_lag_ms"],
        "{detail}"
    );

    let (status, list) = call(&s.api, "GET", "/clusters/a/consumer-groups", &s.viewer, None).await;
    assert_eq!(status, 200, "{list}");
    let row = list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == group.as_str())
        .expect("listed");
    assert_eq!(row["health"]["status"], "stalled", "{row}");
    // The list reads every lagging partition of every group on the shared
    // test broker within its budget: this one's may be left unknown there.
    assert!(row["time_lag_ms"].as_u64().is_none_or(|t| t >= 590_000), "{row}");

    // The line: five older samples and the three runs, growing.
    let (status, history) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/consumer-groups/{group}/lag-history?window=hour"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["samples"], 8, "{history}");
    let points = history["total"]["points"].as_array().unwrap();
    let lags: Vec<u64> = points.iter().map(|p| p["lag"].as_u64().unwrap()).collect();
    assert_eq!(&lags[..5], &[0, 20, 40, 60, 80], "{history}");
    assert!(lags.windows(2).all(|w| w[0] <= w[1]), "{lags:?}");
    // The runs saw 90, 110 and 130 (points average the samples they hold).
    assert!((90..=130).contains(lags.last().unwrap()), "{lags:?}");
    assert_eq!(history["total"]["trend"]["direction"], "growing", "{history}");
    assert_eq!(history["series"].as_array().unwrap().len(), 1, "one topic");
    let (_, by_partition) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/consumer-groups/{group}/lag-history?window=week&by_partition=true"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(
        by_partition["series"].as_array().unwrap().len(),
        2,
        "{by_partition}"
    );
    assert_eq!(by_partition["step_ms"], 7 * 86_400_000 / 360);

    // Bad input is refused before anything is read.
    let (status, body) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/consumer-groups/{group}/lag-history?window=month"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // The consumer goes away: no members while records wait.
    drop(member);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, detail) = call(
            &s.api,
            "GET",
            &format!("/clusters/a/consumer-groups/{group}"),
            &s.viewer,
            None,
        )
        .await;
        if detail["health"]["status"] == "stopped" {
            assert!(
                detail["health"]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("No members")
            );
            break;
        }
        assert!(Instant::now() < deadline, "never stopped: {detail}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

// --- resets --------------------------------------------------------------------

#[tokio::test]
async fn every_reset_mode_across_topics_commits_exactly_what_it_previewed() {
    let s = setup().await;
    let (orders, audit) = (unique("it.ot.orders"), unique("it.ot.audit"));
    let (group, other) = (unique("it-ot-reset"), unique("it-ot-source"));
    create_topic(&orders, 2).await;
    create_topic(&audit, 1).await;
    let base = now_ms() - 1_000_000;
    for (topic, p) in [(&orders, 0), (&orders, 1), (&audit, 0)] {
        produce(topic, p, 300, base).await;
    }
    commit(&group, &[(&orders, 0, 250), (&orders, 1, 200), (&audit, 0, 150)]);
    commit(&other, &[(&orders, 0, 10), (&orders, 1, 20)]);
    let all = [(orders.as_str(), 0), (orders.as_str(), 1), (audit.as_str(), 0)];

    // Shift back 100 on all the group's topics: preview, nothing moves.
    let (status, preview) = reset(&s, &group, json!({"to": "shift", "value": -100, "dry_run": true})).await;
    assert_eq!(status, 200, "{preview}");
    let mut expected = vec![
        (audit.clone(), 0, Some(150), 50, 250),
        (orders.clone(), 0, Some(250), 150, 150),
        (orders.clone(), 1, Some(200), 100, 200),
    ];
    assert_eq!(changes(&preview), expected);
    assert_eq!(preview["partitions"][0]["lag_before"], 150);
    assert_eq!(committed(&group, &all), vec![Some(250), Some(200), Some(150)]);
    let (status, done) = reset(&s, &group, json!({"to": "shift", "value": -100})).await;
    assert_eq!((status, changes(&done)), (200, expected.clone()), "{done}");
    assert_eq!(committed(&group, &all), vec![Some(150), Some(100), Some(50)]);

    // Shifts stop at the partition's ends.
    let (_, far) = reset(
        &s,
        &group,
        json!({"topics": [orders], "to": "shift", "value": 1_000}),
    )
    .await;
    assert_eq!(
        changes(&far).iter().map(|c| c.3).collect::<Vec<_>>(),
        vec![300, 300],
        "{far}"
    );
    let (_, back) = reset(
        &s,
        &group,
        json!({"topics": [orders], "partitions": [1], "to": "shift", "value": -1_000}),
    )
    .await;
    assert_eq!(changes(&back), vec![(orders.clone(), 1, Some(300), 0, 300)]);
    assert_eq!(committed(&group, &all), vec![Some(300), Some(0), Some(50)]);

    // Another group's offsets, exactly; where it has none, the partition is
    // left alone and says why.
    let (status, copied) = reset(&s, &group, json!({"to": "group", "from_group": other})).await;
    assert_eq!(status, 200, "{copied}");
    assert_eq!(
        changes(&copied),
        vec![
            (orders.clone(), 0, Some(300), 10, 290),
            (orders.clone(), 1, Some(0), 20, 280)
        ]
    );
    assert_eq!(copied["skipped"][0]["topic"], audit.as_str(), "{copied}");
    assert!(copied["skipped"][0]["reason"].as_str().unwrap().contains(&other));
    assert_eq!(committed(&group, &all), vec![Some(10), Some(20), Some(50)]);
    assert_eq!(
        committed(&other, &all[..2]),
        vec![Some(10), Some(20)],
        "the source is untouched"
    );

    // Several topics by name, to a time.
    let (_, timed) = reset(
        &s,
        &group,
        json!({"topics": [orders, audit], "to": "timestamp", "value": base + 42_000}),
    )
    .await;
    expected = vec![
        (audit.clone(), 0, Some(50), 42, 258),
        (orders.clone(), 0, Some(10), 42, 258),
        (orders.clone(), 1, Some(20), 42, 258),
    ];
    assert_eq!(changes(&timed), expected, "{timed}");
    assert_eq!(committed(&group, &all), vec![Some(42), Some(42), Some(42)]);

    // Bad requests name their field and change nothing.
    for (body, code, field) in [
        (json!({"to": "shift"}), "missing_value", "value"),
        (json!({"to": "group"}), "missing_from_group", "from_group"),
        (
            json!({"to": "group", "from_group": group}),
            "same_group",
            "from_group",
        ),
        (
            json!({"to": "latest", "partitions": [0]}),
            "partitions_need_one_topic",
            "partitions",
        ),
        (json!({"to": "latest", "topics": []}), "invalid_topics", "topics"),
        (
            json!({"to": "latest", "topics": ["bad name!"]}),
            "invalid_topic_name",
            "topics",
        ),
        (json!({"to": "offset", "value": -3}), "invalid_value", "value"),
    ] {
        let (status, answer) = reset(&s, &group, body.clone()).await;
        assert_eq!(
            (
                status,
                answer["error"]["code"].as_str(),
                answer["error"]["field"].as_str()
            ),
            (400, Some(code), Some(field)),
            "{body}: {answer}"
        );
    }
    let (status, answer) = reset(
        &s,
        &group,
        json!({"to": "group", "from_group": unique("it-ot-ghost")}),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("group_not_found"))
    );
    assert_eq!(committed(&group, &all), vec![Some(42), Some(42), Some(42)]);

    // Never while the group has members, previews included.
    let busy = unique("it-ot-busy");
    let _member = stuck_member(&busy, &orders, &[(0, 1)]);
    let (status, answer) = reset(&s, &busy, json!({"to": "earliest", "dry_run": true})).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("group_active")),
        "{answer}"
    );
}

#[tokio::test]
async fn deleting_offsets_forgets_only_the_chosen_topics() {
    let s = setup().await;
    let (orders, audit) = (unique("it.ot.del-orders"), unique("it.ot.del-audit"));
    let group = unique("it-ot-del");
    create_topic(&orders, 1).await;
    create_topic(&audit, 1).await;
    commit(&group, &[(&orders, 0, 0), (&audit, 0, 0)]);
    let path = format!("/clusters/a/consumer-groups/{group}/delete-offsets");

    let (status, body) = call(&s.api, "POST", &path, &s.operator, Some(json!({"topics": []}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_topics"))
    );
    let (status, body) = call(
        &s.api,
        "POST",
        &path,
        &s.operator,
        Some(json!({"topics": [unique("it.ot.none")]})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("no_offsets")),
        "{body}"
    );
    let (status, body) = call(&s.api, "POST", &path, &s.viewer, Some(json!({"topics": [audit]}))).await;
    assert_eq!(status, 403, "{body}");

    let (status, body) = call(
        &s.api,
        "POST",
        &path,
        &s.operator,
        Some(json!({"topics": [audit]})),
    )
    .await;
    let after = committed(&group, &[(&orders, 0), (&audit, 0)]);
    match status {
        200 => {
            assert_eq!(body["partitions"], json!([{"topic": audit, "partitions": [0]}]));
            assert_eq!(after, vec![Some(0), None], "only the audit offsets are gone");
        }
        // A broker without OffsetDelete (nisshi 0.8): said plainly, nothing changed.
        501 => {
            assert_eq!(body["error"]["code"], "not_supported_by_broker", "{body}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("OffsetDelete"),
                "{body}"
            );
            assert_eq!(after, vec![Some(0), Some(0)]);
            // Asked again, the answer is the same (from memory: the broker is
            // not asked twice), and the process stays sound.
            let (again, second) = call(
                &s.api,
                "POST",
                &path,
                &s.operator,
                Some(json!({"topics": [audit]})),
            )
            .await;
            assert_eq!(
                (again, second["error"]["code"].as_str()),
                (501, Some("not_supported_by_broker"))
            );
            eprintln!("this broker lacks OffsetDelete: {}", body["error"]["message"]);
        }
        other => panic!("{other}: {body}"),
    }
}

// --- topic activity --------------------------------------------------------------

#[tokio::test]
async fn topics_show_their_produce_rate_and_their_newest_record() {
    let s = setup().await;
    let prefix = unique("it.ot.act");
    let (busy, idle) = (format!("{prefix}-busy"), format!("{prefix}-idle"));
    create_topic(&busy, 2).await;
    create_topic(&idle, 1).await;
    produce(&idle, 0, 5, now_ms() - 7_200_000).await;
    // The sampler's topic ends of 59 minutes ago, as it wrote them then.
    let then = now_ms() - 3_540_000;
    let ends = TopicEnds {
        at_ms: then,
        ends: vec![(busy.clone(), 0), (idle.clone(), 5)],
    };
    s.kafka.write_samples(&[], Some(&ends)).await.unwrap();
    let written = now_ms();
    produce(&busy, 0, 90, written - 100_000).await;
    produce(&busy, 1, 30, written - 50_000).await;

    let (status, list) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/topics?q={prefix}&sort=rate"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let rows: Vec<(&str, f64)> = list["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["messages_per_min"].as_f64().unwrap(),
            )
        })
        .collect();
    let minutes = (now_ms() - then) as f64 / 60_000.0;
    assert_eq!(rows[0], (idle.as_str(), 0.0), "idle first: {list}");
    assert_eq!(rows[1].0, busy.as_str());
    assert!((rows[1].1 - 120.0 / minutes).abs() < 0.2, "{list}");

    let (status, detail) = call(
        &s.api,
        "GET",
        &format!("/clusters/a/topics/{busy}"),
        &s.viewer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(
        detail["partitions"][0]["last_record_ms"],
        timestamp_at(&busy, 0, 89)
    );
    assert_eq!(
        detail["partitions"][1]["last_record_ms"],
        timestamp_at(&busy, 1, 29)
    );
    assert_eq!(
        detail["last_record_ms"],
        timestamp_at(&busy, 0, 89),
        "the newest of all (partition 0: 11 s ago)"
    );
    assert_eq!(detail["size_bytes"], Value::Null);
    assert!(detail["messages_per_min"].as_f64().unwrap() > 0.0);
}
