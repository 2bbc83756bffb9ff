//! Topic administration end to end against the real broker: what the API
//! reports and changes is checked with a separate Kafka client.

mod support;

use std::time::Duration;

use rdkafka::{
    ClientConfig,
    admin::{AdminOptions, ResourceSpecifier},
    consumer::{BaseConsumer, Consumer},
    producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer},
};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, broker_topics, create_topic, kafka_admin, unique};

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];
const VIEWERS: &[&str] = &["kafka-viewers"];

async fn setup() -> (Idp, Api) {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    (idp, api)
}

/// Writes `count` records to each partition with a separate producer.
fn fill(topic: &str, partitions: i32, count: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap();
    for p in 0..partitions {
        for i in 0..count {
            let value = format!("{{\"n\":{i}}}");
            producer
                .send(BaseRecord::to(topic).partition(p).key("k").payload(&value))
                .map_err(|(e, _)| e)
                .unwrap();
        }
    }
    producer.flush(Duration::from_secs(10)).unwrap();
}

/// Low and high watermark of one partition, asked with a separate client.
fn watermarks(topic: &str, partition: i32) -> (i64, i64) {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-watermarks")
        .create()
        .unwrap();
    consumer
        .fetch_watermarks(topic, partition, Duration::from_secs(5))
        .unwrap()
}

async fn topic_config(topic: &str, key: &str) -> Option<String> {
    let results = kafka_admin()
        .describe_configs([&ResourceSpecifier::Topic(topic)], &AdminOptions::new())
        .await
        .unwrap();
    let resource = results.into_iter().next().unwrap().unwrap();
    resource.get(key).and_then(|e| e.value.clone())
}

#[tokio::test]
async fn alice_creates_a_topic_with_configs_and_the_broker_has_it() {
    let (idp, api) = setup().await;
    let name = unique("it.create");
    let alice = idp.token("alice", ADMINS);

    let (status, body) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &alice,
            Some(json!({"name": name, "partitions": 4, "replication_factor": 1,
                         "configs": {"retention.ms": "3600000", "cleanup.policy": "compact"}})),
        )
        .await;

    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], name.as_str());
    assert_eq!(body["partitions"].as_array().unwrap().len(), 4);
    assert!(broker_topics().contains(&name));
    assert_eq!(
        topic_config(&name, "retention.ms").await.as_deref(),
        Some("3600000")
    );
    assert_eq!(
        topic_config(&name, "cleanup.policy").await.as_deref(),
        Some("compact")
    );

    // Creating it again is a conflict on the name field.
    let (status, body) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &alice,
            Some(json!({"name": name, "partitions": 1, "replication_factor": 1})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("topic_exists"))
    );
    assert_eq!(body["error"]["field"], "name");
}

#[tokio::test]
async fn every_bad_create_is_a_400_on_the_right_field_and_creates_nothing() {
    let (idp, api) = setup().await;
    let alice = idp.token("alice", ADMINS);
    let name = unique("it.bad");
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"name": "has space", "partitions": 1, "replication_factor": 1}),
            "invalid_topic_name",
            "name",
        ),
        (
            json!({"name": "..", "partitions": 1, "replication_factor": 1}),
            "invalid_topic_name",
            "name",
        ),
        (
            json!({"name": "x".repeat(250), "partitions": 1, "replication_factor": 1}),
            "invalid_topic_name",
            "name",
        ),
        (
            json!({"name": name, "partitions": 0, "replication_factor": 1}),
            "invalid_partitions",
            "partitions",
        ),
        (
            json!({"name": name, "partitions": 1_000_000, "replication_factor": 1}),
            "invalid_partitions",
            "partitions",
        ),
        (
            json!({"name": name, "partitions": 1, "replication_factor": 3}),
            "invalid_replication_factor",
            "replication_factor",
        ),
        (
            json!({"name": name, "partitions": 1, "replication_factor": 1, "configs": {"retention.mss": "1"}}),
            "unknown_config",
            "configs.retention.mss",
        ),
        (
            json!({"name": name, "partitions": 1, "replication_factor": 1, "configs": {"retention.ms": "a week"}}),
            "invalid_config_value",
            "configs.retention.ms",
        ),
    ];
    for (body, code, field) in cases {
        let (status, answer) = api
            .call("POST", "/clusters/a/topics", &alice, Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body} → {answer}");
        assert_eq!(answer["error"]["code"], code, "{body}");
        assert_eq!(answer["error"]["field"], field, "{body}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    // Wrong types and malformed JSON.
    let (status, answer) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &alice,
            Some(json!({"name": name, "partitions": "four", "replication_factor": 1})),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let (status, answer) = api
        .send_raw(
            "POST",
            "/clusters/a/topics",
            &alice,
            "application/json",
            "{\"name\": ",
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let (status, answer) = api
        .send_raw("POST", "/clusters/a/topics", &alice, "text/plain", "name=x")
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("unsupported_media_type"))
    );

    assert!(
        !broker_topics()
            .iter()
            .any(|t| t.starts_with(&name) || t == "has space")
    );
}

#[tokio::test]
async fn topic_detail_shows_partitions_watermarks_and_configs() {
    let (idp, api) = setup().await;
    let name = unique("it.detail");
    create_topic(&name, 2).await;
    fill(&name, 2, 5);

    let (status, body, _) = api
        .get(
            &format!("/clusters/a/topics/{name}"),
            Some(&idp.token("victor", VIEWERS)),
        )
        .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messages"], 10);
    let partitions = body["partitions"].as_array().unwrap();
    assert_eq!(partitions.len(), 2);
    for p in partitions {
        let id = p["partition"].as_i64().unwrap() as i32;
        let (low, high) = watermarks(&name, id);
        assert_eq!(
            (p["low_watermark"].as_i64(), p["high_watermark"].as_i64()),
            (Some(low), Some(high))
        );
        assert_eq!(p["messages"], 5);
        assert!(p["leader"].as_i64().unwrap() >= 0);
    }
    let (status, body, _) = api
        .get(
            "/clusters/a/topics/it.no-such-topic",
            Some(&idp.token("victor", VIEWERS)),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("topic_not_found"))
    );
}

#[tokio::test]
async fn the_list_pages_searches_and_sorts_on_the_server() {
    let (idp, api) = setup().await;
    let tag = unique("it.page");
    for (i, partitions) in [3, 1, 2, 5, 4].iter().enumerate() {
        create_topic(&format!("{tag}.t{i}"), *partitions).await;
    }
    fill(&format!("{tag}.t4"), 1, 7);
    let token = idp.token("victor", VIEWERS);
    let names = |body: &Value| -> Vec<String> {
        body["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let (_, first, _) = api
        .get(&format!("/clusters/a/topics?q={tag}&per_page=2"), Some(&token))
        .await;
    let (_, third, _) = api
        .get(
            &format!("/clusters/a/topics?q={tag}&per_page=2&page=3"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (first["total"].as_u64(), first["page"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(names(&first), [format!("{tag}.t0"), format!("{tag}.t1")]);
    assert_eq!(names(&third), [format!("{tag}.t4")]);

    let (_, by_partitions, _) = api
        .get(
            &format!("/clusters/a/topics?q={tag}&sort=partitions&order=desc&per_page=1"),
            Some(&token),
        )
        .await;
    assert_eq!(names(&by_partitions), [format!("{tag}.t3")]);
    let (_, by_messages, _) = api
        .get(
            &format!(
                "/clusters/a/topics?q={}&sort=messages&order=desc&per_page=1",
                tag.to_uppercase()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(names(&by_messages), [format!("{tag}.t4")], "search ignores case");
    assert_eq!(by_messages["topics"][0]["messages"], 7);

    for bad in ["per_page=0", "per_page=501", "page=0", "page=x", "sort=size"] {
        let (status, body, _) = api.get(&format!("/clusters/a/topics?{bad}"), Some(&token)).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn configs_are_patched_incrementally() {
    let (idp, api) = setup().await;
    let name = unique("it.configs");
    let alice = idp.token("alice", ADMINS);
    api.call(
        "POST",
        "/clusters/a/topics",
        &alice,
        Some(json!({"name": name, "partitions": 1, "replication_factor": 1,
                     "configs": {"retention.ms": "1000", "max.message.bytes": "2000"}})),
    )
    .await;

    let (status, body) = api
        .call(
            "PATCH",
            &format!("/clusters/a/topics/{name}/configs"),
            &alice,
            Some(json!({"set": {"retention.ms": "5000"}, "delete": ["max.message.bytes"]})),
        )
        .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(topic_config(&name, "retention.ms").await.as_deref(), Some("5000"));
    assert_ne!(
        topic_config(&name, "max.message.bytes").await.as_deref(),
        Some("2000")
    );
    let configs = body["configs"].as_array().unwrap();
    assert!(
        configs
            .iter()
            .any(|c| c["name"] == "retention.ms" && c["value"] == "5000")
    );

    for (patch, code) in [
        (json!({"set": {"retention.ms": "soon"}}), "invalid_config_value"),
        (json!({"set": {"no.such.config": "1"}}), "unknown_config"),
        (json!({}), "empty_patch"),
        (
            json!({"set": {"retention.ms": "1"}, "delete": ["retention.ms"]}),
            "conflicting_patch",
        ),
    ] {
        let (status, body) = api
            .call(
                "PATCH",
                &format!("/clusters/a/topics/{name}/configs"),
                &alice,
                Some(patch),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{body}"
        );
    }
    assert_eq!(
        topic_config(&name, "retention.ms").await.as_deref(),
        Some("5000"),
        "bad patches change nothing"
    );
}

#[tokio::test]
async fn adding_partitions_is_checked_and_a_broker_without_create_partitions_gets_501() {
    let (idp, api) = setup().await;
    let name = unique("it.partitions");
    create_topic(&name, 2).await;
    let alice = idp.token("alice", ADMINS);
    let path = format!("/clusters/a/topics/{name}/partitions");

    let (status, body) = api.call("POST", &path, &alice, Some(json!({"count": 2}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("partitions_not_increased"))
    );
    assert_eq!(body["error"]["field"], "count");

    // nisshi does not implement CreatePartitions: the answer names the cause.
    let (status, body) = api.call("POST", &path, &alice, Some(json!({"count": 4}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (501, Some("not_supported_by_broker")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not support")
    );
    let (status, _) = api
        .call(
            "POST",
            &path,
            &idp.token("oscar", OPERATORS),
            Some(json!({"count": 4})),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn purge_deletes_records_per_partition_or_all() {
    let (idp, api) = setup().await;
    let name = unique("it.purge");
    create_topic(&name, 2).await;
    fill(&name, 2, 10);
    let oscar = idp.token("oscar", OPERATORS);
    let path = format!("/clusters/a/topics/{name}/purge");

    let (status, body) = api
        .call(
            "POST",
            &path,
            &oscar,
            Some(json!({"partitions": [0], "before_offset": 4})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["partitions"], json!([{"partition": 0, "low_watermark": 4}]));
    assert_eq!(watermarks(&name, 0), (4, 10));
    assert_eq!(watermarks(&name, 1), (0, 10));

    for (request, code) in [
        (json!({"partitions": [7]}), "invalid_partition"),
        (
            json!({"partitions": [1], "before_offset": 11}),
            "offset_out_of_range",
        ),
    ] {
        let (status, body) = api.call("POST", &path, &oscar, Some(request)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some(code)));
    }
    assert_eq!(watermarks(&name, 1), (0, 10), "refused purges change nothing");

    let (status, _) = api
        .call("POST", &path, &idp.token("victor", VIEWERS), Some(json!({})))
        .await;
    assert_eq!(status, 403);
    let (status, _) = api.call("POST", &path, &oscar, Some(json!({}))).await;
    assert_eq!(status, 200);
    assert_eq!((watermarks(&name, 0), watermarks(&name, 1)), ((10, 10), (10, 10)));
}

#[tokio::test]
async fn roles_decide_who_creates_and_deletes_and_refusals_change_nothing() {
    let (idp, api) = setup().await;
    let name = unique("it.roles");
    // Oscar and Victor lack the permission; nobody may not even see the cluster.
    for (user, groups, status_and_code) in [
        ("oscar", OPERATORS, (403, "forbidden")),
        ("victor", VIEWERS, (403, "forbidden")),
        ("nobody", &[][..], (404, "cluster_not_found")),
    ] {
        let (status, body) = api
            .call(
                "POST",
                "/clusters/a/topics",
                &idp.token(user, groups),
                Some(json!({"name": name, "partitions": 1, "replication_factor": 1})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str().unwrap()),
            status_and_code,
            "{user}: {body}"
        );
        if status == 403 {
            assert_eq!(body["error"]["permission"], "topics:create", "{body}");
        }
    }
    assert!(!broker_topics().contains(&name));

    create_topic(&name, 1).await;
    let (status, _) = api
        .call(
            "DELETE",
            &format!("/clusters/a/topics/{name}"),
            &idp.token("oscar", OPERATORS),
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert!(broker_topics().contains(&name));
    let (status, _) = api
        .call(
            "DELETE",
            &format!("/clusters/a/topics/{name}"),
            &idp.token("alice", ADMINS),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while broker_topics().contains(&name) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!broker_topics().contains(&name));
    let (status, body) = api
        .call(
            "DELETE",
            &format!("/clusters/a/topics/{name}"),
            &idp.token("alice", ADMINS),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("topic_not_found"))
    );
}
