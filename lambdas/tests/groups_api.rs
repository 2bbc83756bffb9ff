//! Consumer groups end to end: real HTTP, real JWT checks, real broker. The
//! groups are made, and every change checked, by a separate Kafka client
//! (rdkafka consumers and producers), as a team's own consumers would.
//! Also the librdkafka admin calls of `kafka::ffi` the topic and cluster
//! routes build on (IncrementalAlterConfigs, DescribeCluster).

mod support;

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_lambdas::{
    error::ApiError,
    kafka::{Admin, KafkaContext, client_config, ffi},
};
use rdkafka::{
    ClientConfig, Offset, TopicPartitionList,
    admin::{AdminOptions, ResourceSpecifier},
    consumer::{BaseConsumer, CommitMode, Consumer},
    producer::{FutureProducer, FutureRecord},
};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, create_topic, kafka_admin, unique};

const WAIT: Duration = Duration::from_secs(5);

// --- the separate Kafka client ------------------------------------------------

fn consumer(group: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", group)
        .set("client.id", "it-member")
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer")
}

/// Produces `counts[p]` messages to each partition `p`; message `i` of a
/// partition carries the timestamp `base_ms + i * 1000`.
async fn produce(topic: &str, counts: &[usize], base_ms: i64) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("linger.ms", "0")
        .create()
        .expect("producer");
    for (partition, &count) in counts.iter().enumerate() {
        for i in 0..count {
            let payload = format!("message {i}");
            producer
                .send(
                    FutureRecord::<(), _>::to(topic)
                        .partition(partition as i32)
                        .payload(&payload)
                        .timestamp(base_ms + i as i64 * 1000),
                    WAIT,
                )
                .await
                .expect("produced");
        }
    }
}

/// Commits offsets for a group that has no members, as a tool would.
fn commit(group: &str, topic: &str, offsets: &[(i32, i64)]) {
    let mut tpl = TopicPartitionList::new();
    for &(partition, offset) in offsets {
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
            .unwrap();
    }
    consumer(group).commit(&tpl, CommitMode::Sync).expect("committed");
}

/// The group's committed offsets on `partitions` of `topic` (`None`: none).
fn committed(group: &str, topic: &str, partitions: &[i32]) -> Vec<Option<i64>> {
    let mut tpl = TopicPartitionList::new();
    for &p in partitions {
        tpl.add_partition(topic, p);
    }
    let found = consumer(group)
        .committed_offsets(tpl, WAIT)
        .expect("committed offsets");
    partitions
        .iter()
        .map(|&p| match found.find_partition(topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => Some(o),
            _ => None,
        })
        .collect()
}

/// A consumer that joined the group and got its assignment (the group is
/// Stable while it lives); it commits `offsets` as the member.
fn active_member(group: &str, topic: &str, offsets: &[(i32, i64)]) -> BaseConsumer {
    let member = consumer(group);
    member.subscribe(&[topic]).expect("subscribed");
    let deadline = Instant::now() + Duration::from_secs(20);
    while member.assignment().expect("assignment").count() == 0 {
        assert!(Instant::now() < deadline, "the consumer never got an assignment");
        let _ = member.poll(Duration::from_millis(100));
    }
    if !offsets.is_empty() {
        let mut tpl = TopicPartitionList::new();
        for &(partition, offset) in offsets {
            tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
                .unwrap();
        }
        member.commit(&tpl, CommitMode::Sync).expect("member committed");
    }
    member
}

/// The group ids the broker lists.
fn listed_groups() -> Vec<String> {
    kafka_admin()
        .inner()
        .fetch_group_list(None, WAIT)
        .expect("group list")
        .groups()
        .iter()
        .map(|g| g.name().to_owned())
        .collect()
}

// --- the API ------------------------------------------------------------------

struct Tokens {
    admin: String,
    operator: String,
    viewer: String,
    nobody: String,
}

async fn start() -> (Idp, Api, Tokens) {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let tokens = Tokens {
        admin: idp.token("alice", &["kafka-admins"]),
        operator: idp.token("oscar", &["kafka-operators"]),
        viewer: idp.token("vera", &["kafka-viewers"]),
        nobody: idp.token("nina", &["strangers"]),
    };
    (idp, api, tokens)
}

async fn send(request: reqwest::RequestBuilder, token: &str) -> (u16, Value) {
    let response = request.bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(api: &Api, path: &str, token: &str) -> (u16, Value) {
    send(api.http.get(format!("{}{path}", api.base)), token).await
}

async fn post_raw(api: &Api, path: &str, token: &str, body: &str) -> (u16, Value) {
    let request = api
        .http
        .post(format!("{}{path}", api.base))
        .header("content-type", "application/json")
        .body(body.to_owned());
    send(request, token).await
}

async fn reset(api: &Api, group: &str, token: &str, body: Value) -> (u16, Value) {
    post_raw(
        api,
        &format!("/clusters/a/consumer-groups/{group}/reset-offsets"),
        token,
        &body.to_string(),
    )
    .await
}

async fn delete(api: &Api, group: &str, token: &str) -> (u16, Value) {
    send(
        api.http
            .delete(format!("{}/clusters/a/consumer-groups/{group}", api.base)),
        token,
    )
    .await
}

fn listed<'a>(list: &'a Value, group: &str) -> Option<&'a Value> {
    list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == group)
}

fn changes(body: &Value) -> Vec<(i32, Option<i64>, i64)> {
    body["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["partition"].as_i64().unwrap() as i32,
                c["before"].as_i64(),
                c["after"].as_i64().unwrap(),
            )
        })
        .collect()
}

// --- list and detail ------------------------------------------------------------

#[tokio::test]
async fn the_list_shows_each_group_with_its_topics_and_lag() {
    let (_idp, api, tokens) = start().await;
    let (orders, audit, group) = (unique("it.g.orders"), unique("it.g.audit"), unique("it-billing"));
    create_topic(&orders, 3).await;
    create_topic(&audit, 1).await;
    produce(&orders, &[10, 5, 0], 1_000).await;
    produce(&audit, &[7], 1_000).await;
    // Lag: orders 10-4 + 5-5 (+ partition 2 never committed); audit 7-2.
    commit(&group, &orders, &[(0, 4), (1, 5)]);
    commit(&group, &audit, &[(0, 2)]);

    let (status, body) = get(&api, "/clusters/a/consumer-groups", &tokens.viewer).await;

    assert_eq!(status, 200, "{body}");
    let summary = listed(&body, &group).expect("the group is listed");
    assert_eq!(summary["state"], "Empty");
    assert_eq!(summary["members"], 0);
    let mut topics = vec![audit.clone(), orders.clone()];
    topics.sort();
    assert_eq!(summary["topics"], json!(topics));
    assert_eq!(summary["total_lag"], 6 + 5);
    let ids: Vec<&str> = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group_id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "groups come sorted by id");
}

#[tokio::test]
async fn the_detail_shows_members_and_each_partitions_offsets_while_a_consumer_runs() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.live"), unique("it-live"));
    create_topic(&topic, 3).await;
    produce(&topic, &[6, 4, 2], 1_000).await;
    let _member = active_member(&group, &topic, &[(0, 1), (1, 4), (2, 0)]);

    let (status, body) = get(
        &api,
        &format!("/clusters/a/consumer-groups/{group}"),
        &tokens.viewer,
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group_id"], group.as_str());
    assert_eq!(body["state"], "Stable");
    assert_eq!(body["protocol_type"], "consumer");
    let members = body["members"].as_array().unwrap();
    assert_eq!(members.len(), 1, "{body}");
    // Kafka names members after their client id.
    assert!(
        members[0]["member_id"]
            .as_str()
            .unwrap()
            .starts_with("it-member-"),
        "{body}"
    );
    // nisshi 0.8 leaves client id, host, assignor and assignment empty in
    // DescribeGroups; Kafka fills them (the decoding is unit-tested).
    assert!(
        ["it-member", ""].contains(&members[0]["client_id"].as_str().unwrap()),
        "{body}"
    );
    let assignment = &members[0]["assignment"];
    assert!(
        *assignment == json!([{"topic": topic, "partitions": [0, 1, 2]}]) || *assignment == json!([]),
        "{body}"
    );
    // The time lag is the age of the record at the committed offset (written
    // at 1 000 + offset s): checked apart, as it grows while the test runs.
    let now_ms = support::now() * 1000;
    let mut offsets = body["offsets"].clone();
    for (partition, written) in [(0, Some(2_000)), (1, None), (2, Some(1_000))] {
        let entry = offsets[partition].as_object_mut().unwrap();
        let time_lag = entry.remove("time_lag_ms").unwrap();
        match written {
            Some(at) => {
                let age = time_lag.as_i64().unwrap() - (now_ms - at);
                assert!((-2_000..=5_000).contains(&age), "partition {partition}: {body}");
            }
            None => assert_eq!(time_lag, 0, "nothing to read, no time lag: {body}"),
        }
    }
    assert_eq!(
        offsets,
        json!([
            {"topic": topic, "partition": 0, "committed_offset": 1, "end_offset": 6, "lag": 5, "next_timestamp_ms": 2_000},
            {"topic": topic, "partition": 1, "committed_offset": 4, "end_offset": 4, "lag": 0, "next_timestamp_ms": null},
            {"topic": topic, "partition": 2, "committed_offset": 0, "end_offset": 2, "lag": 2, "next_timestamp_ms": 1_000},
        ])
    );
    assert_eq!(body["total_lag"], 7);
    assert_eq!(
        body["time_lag_ms"], body["offsets"][2]["time_lag_ms"],
        "partition 2: its next record is the oldest"
    );

    let (_, list) = get(&api, "/clusters/a/consumer-groups", &tokens.viewer).await;
    let summary = listed(&list, &group).expect("listed");
    assert_eq!(
        (summary["state"].as_str(), summary["members"].as_u64()),
        (Some("Stable"), Some(1))
    );
    assert_eq!(summary["total_lag"], 7);
}

#[tokio::test]
async fn an_unknown_group_is_404_for_every_operation() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.none"), unique("it-ghost"));
    create_topic(&topic, 1).await;

    let (status, body) = get(
        &api,
        &format!("/clusters/a/consumer-groups/{group}"),
        &tokens.admin,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("group_not_found")),
        "{body}"
    );
    let (status, body) = reset(
        &api,
        &group,
        &tokens.admin,
        json!({"topics": [topic], "to": "earliest"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("group_not_found")),
        "{body}"
    );
    let (status, body) = delete(&api, &group, &tokens.admin).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("group_not_found")),
        "{body}"
    );
    assert!(!listed_groups().contains(&group), "nothing created the group");
}

// --- reset --------------------------------------------------------------------

#[tokio::test]
async fn a_dry_run_shows_the_change_and_changes_nothing() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.dry"), unique("it-dry"));
    create_topic(&topic, 2).await;
    produce(&topic, &[8, 3], 1_000).await;
    commit(&group, &topic, &[(0, 5)]);

    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "latest", "dry_run": true}),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dry_run"], true);
    assert_eq!(changes(&body), vec![(0, Some(5), 8), (1, None, 3)]);
    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(5), None]);
}

#[tokio::test]
async fn a_reset_moves_the_offsets_to_earliest_latest_an_offset_or_a_time() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.reset"), unique("it-reset"));
    create_topic(&topic, 2).await;
    // Partition 0: offsets 0..10 at t = 1 000 000 + i s; partition 1: 0..4.
    let base = 1_700_000_000_000;
    produce(&topic, &[10, 4], base).await;
    commit(&group, &topic, &[(0, 5), (1, 2)]);

    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "earliest"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dry_run"], false);
    assert_eq!(changes(&body), vec![(0, Some(5), 0), (1, Some(2), 0)]);
    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(0), Some(0)]);

    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "latest"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(changes(&body), vec![(0, Some(0), 10), (1, Some(0), 4)]);
    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(10), Some(4)]);

    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "partitions": [0], "to": "offset", "value": 3}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(changes(&body), vec![(0, Some(10), 3)]);
    assert_eq!(
        committed(&group, &topic, &[0, 1]),
        vec![Some(3), Some(4)],
        "partition 1 untouched"
    );

    // The first message at or after base + 2.5 s is offset 3 in both; no
    // message is as recent as base + 60 s: the end.
    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "timestamp", "value": base + 2_500}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(changes(&body), vec![(0, Some(3), 3), (1, Some(4), 3)]);
    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(3), Some(3)]);
    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "timestamp", "value": base + 60_000}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(changes(&body), vec![(0, Some(3), 10), (1, Some(3), 4)]);
    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(10), Some(4)]);
}

#[tokio::test]
async fn a_group_with_a_running_consumer_is_409_and_keeps_its_offsets() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.busy"), unique("it-busy"));
    create_topic(&topic, 1).await;
    produce(&topic, &[5], 1_000).await;
    let member = active_member(&group, &topic, &[(0, 2)]);

    for dry_run in [false, true] {
        let (status, body) = reset(
            &api,
            &group,
            &tokens.admin,
            json!({"topics": [topic], "to": "earliest", "dry_run": dry_run}),
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "group_active");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("1 active member"),
            "{body}"
        );
    }
    let (status, body) = delete(&api, &group, &tokens.admin).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("group_active")),
        "{body}"
    );

    assert_eq!(committed(&group, &topic, &[0]), vec![Some(2)]);
    drop(member);
    assert!(listed_groups().contains(&group), "the group is still there");
}

#[tokio::test]
async fn bad_reset_requests_are_refused_with_the_field_and_change_nothing() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.bad"), unique("it-bad"));
    create_topic(&topic, 2).await;
    produce(&topic, &[4, 4], 1_000).await;
    commit(&group, &topic, &[(0, 1), (1, 1)]);
    let path = format!("/clusters/a/consumer-groups/{group}/reset-offsets");

    let cases = [
        (
            json!({"topics": [unique("it.g.missing")], "to": "earliest"}),
            404,
            "topic_not_found",
            None,
        ),
        (
            json!({"topics": [topic], "partitions": [0, 7], "to": "earliest"}),
            400,
            "invalid_partition",
            Some("partitions"),
        ),
        (
            json!({"topics": [topic], "partitions": [], "to": "earliest"}),
            400,
            "invalid_partition",
            Some("partitions"),
        ),
        (
            json!({"topics": [topic], "to": "offset"}),
            400,
            "missing_value",
            Some("value"),
        ),
        (
            json!({"topics": [topic], "to": "timestamp"}),
            400,
            "missing_value",
            Some("value"),
        ),
        (
            json!({"topics": [topic], "to": "offset", "value": 5}),
            400,
            "offset_out_of_range",
            Some("value"),
        ),
        (
            json!({"topics": [topic], "to": "offset", "value": -1}),
            400,
            "invalid_value",
            Some("value"),
        ),
        (
            json!({"topics": [topic], "to": "timestamp", "value": -5}),
            400,
            "invalid_value",
            Some("value"),
        ),
        (
            json!({"topics": [topic], "to": "sideways"}),
            400,
            "invalid_body",
            None,
        ),
        (
            json!({"topics": [topic], "partitions": "all", "to": "earliest"}),
            400,
            "invalid_body",
            None,
        ),
        (json!({"topics": 42, "to": "earliest"}), 400, "invalid_body", None),
        // No `to`: absent topics mean all of the group's, but the target is required.
        (json!({"topics": [topic]}), 400, "invalid_body", None),
    ];
    for (body, status, code, field) in cases {
        let (got, answer) = post_raw(&api, &path, &tokens.admin, &body.to_string()).await;
        assert_eq!(got, status, "{body} → {answer}");
        assert_eq!(answer["error"]["code"], code, "{body} → {answer}");
        assert_eq!(answer["error"]["field"].as_str(), field, "{body} → {answer}");
    }
    let (status, answer) = post_raw(&api, &path, &tokens.admin, "{\"topic\": ").await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("malformed_json")),
        "{answer}"
    );

    assert_eq!(committed(&group, &topic, &[0, 1]), vec![Some(1), Some(1)]);
}

// --- delete and roles ------------------------------------------------------------

#[tokio::test]
async fn deleting_a_group_removes_it_and_its_offsets() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.del"), unique("it-del"));
    create_topic(&topic, 1).await;
    produce(&topic, &[3], 1_000).await;
    commit(&group, &topic, &[(0, 2)]);
    assert!(listed_groups().contains(&group));

    let (status, body) = delete(&api, &group, &tokens.admin).await;

    assert_eq!(status, 204, "{body}");
    assert!(!listed_groups().contains(&group), "the broker no longer lists it");
    assert_eq!(committed(&group, &topic, &[0]), vec![None]);
    let (status, _) = get(
        &api,
        &format!("/clusters/a/consumer-groups/{group}"),
        &tokens.admin,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn viewers_read_operators_reset_and_delete_strangers_see_nothing() {
    let (_idp, api, tokens) = start().await;
    let (topic, group) = (unique("it.g.roles"), unique("it-roles"));
    create_topic(&topic, 1).await;
    produce(&topic, &[6], 1_000).await;
    commit(&group, &topic, &[(0, 4)]);
    let detail = format!("/clusters/a/consumer-groups/{group}");

    // A viewer reads, and may change nothing.
    assert_eq!(
        get(&api, "/clusters/a/consumer-groups", &tokens.viewer).await.0,
        200
    );
    assert_eq!(get(&api, &detail, &tokens.viewer).await.0, 200);
    let (status, body) = reset(
        &api,
        &group,
        &tokens.viewer,
        json!({"topics": [topic], "to": "earliest"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("groups:reset"),
        "{body}"
    );
    let (status, body) = delete(&api, &group, &tokens.viewer).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("groups:delete"),
        "{body}"
    );
    assert_eq!(committed(&group, &topic, &[0]), vec![Some(4)]);
    assert!(listed_groups().contains(&group));

    // Someone without a role sees no group, nor even the cluster.
    for path in ["/clusters/a/consumer-groups", detail.as_str()] {
        let (status, body) = get(&api, path, &tokens.nobody).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("cluster_not_found")),
            "{path}: {body}"
        );
    }

    // An operator resets and deletes.
    let (status, body) = reset(
        &api,
        &group,
        &tokens.operator,
        json!({"topics": [topic], "to": "earliest"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(committed(&group, &topic, &[0]), vec![Some(0)]);
    let (status, body) = delete(&api, &group, &tokens.operator).await;
    assert_eq!(status, 204, "{body}");
    assert!(!listed_groups().contains(&group));
}

// --- the librdkafka admin calls (ffi) ---------------------------------------------------

fn ffi_admin() -> Arc<Admin> {
    let config = support::cluster("a", "dev", &bootstrap_servers()).kafka;
    Arc::new(
        client_config(&config)
            .create_with_context(KafkaContext::new(&config))
            .expect("admin client"),
    )
}

async fn topic_configs(topic: &str) -> HashMap<String, (Option<String>, bool)> {
    let results = kafka_admin()
        .describe_configs(&[ResourceSpecifier::Topic(topic)], &AdminOptions::new())
        .await
        .expect("describe_configs");
    let resource = results.into_iter().next().unwrap().expect("the topic's configs");
    resource
        .entries
        .into_iter()
        .map(|e| (e.name, (e.value, e.is_default)))
        .collect()
}

#[tokio::test]
async fn incremental_alter_configs_sets_and_resets_topic_configs() {
    let topic = unique("it.g.configs");
    create_topic(&topic, 1).await;
    let admin = ffi_admin();
    let alter = |set: &[(&str, &str)], delete: &[&str]| {
        let (admin, topic) = (Arc::clone(&admin), topic.clone());
        let set: BTreeMap<String, String> = set.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let delete: Vec<String> = delete.iter().map(|d| d.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            ffi::incremental_alter_topic_configs(&admin, &topic, &set, &delete, WAIT)
        })
    };

    alter(&[("retention.ms", "12345"), ("cleanup.policy", "compact")], &[])
        .await
        .unwrap()
        .expect("set");
    let configs = topic_configs(&topic).await;
    assert_eq!(configs["retention.ms"], (Some("12345".into()), false));
    assert_eq!(configs["cleanup.policy"].0.as_deref(), Some("compact"));

    alter(&[], &["retention.ms"]).await.unwrap().expect("reset");
    let configs = topic_configs(&topic).await;
    let retention = configs.get("retention.ms").and_then(|c| c.0.as_deref());
    assert_ne!(retention, Some("12345"), "back to the default");
    assert_eq!(
        configs["cleanup.policy"].0.as_deref(),
        Some("compact"),
        "the other stays"
    );

    let refused = ApiError::from(
        alter(&[("retention.ms", "soon")], &[])
            .await
            .unwrap()
            .unwrap_err(),
    );
    assert_eq!(
        (refused.status.as_u16(), refused.code),
        (400, "invalid_config"),
        "{refused}"
    );
    let missing = {
        let admin = Arc::clone(&admin);
        let set = BTreeMap::from([("retention.ms".to_owned(), "1000".to_owned())]);
        tokio::task::spawn_blocking(move || {
            ffi::incremental_alter_topic_configs(&admin, &unique("it.g.nope"), &set, &[], WAIT)
        })
        .await
        .unwrap()
        .unwrap_err()
    };
    let missing = ApiError::from(missing);
    assert_eq!(
        (missing.status.as_u16(), missing.code),
        (404, "topic_not_found"),
        "{missing}"
    );
    assert_eq!(
        topic_configs(&topic).await["cleanup.policy"].0.as_deref(),
        Some("compact")
    );
}

#[tokio::test]
async fn describe_cluster_names_the_cluster_and_its_brokers() {
    let admin = ffi_admin();
    let cluster = tokio::task::spawn_blocking(move || ffi::describe_cluster(&admin, WAIT))
        .await
        .unwrap()
        .expect("described");

    assert!(
        cluster.cluster_id.as_deref().is_some_and(|id| !id.is_empty()),
        "{cluster:?}"
    );
    assert!(!cluster.brokers.is_empty(), "{cluster:?}");
    let (host, port) = bootstrap_servers()
        .rsplit_once(':')
        .map(|(h, p)| (h.to_owned(), p.parse::<u16>().unwrap()))
        .unwrap();
    assert!(
        cluster
            .brokers
            .iter()
            .any(|(_, h, p, _)| *h == host && *p == port),
        "the bootstrap broker is listed: {cluster:?}"
    );
    let ids: Vec<i32> = cluster.brokers.iter().map(|b| b.0).collect();
    assert!(
        cluster.controller.is_some_and(|c| ids.contains(&c)),
        "{cluster:?}"
    );
}
