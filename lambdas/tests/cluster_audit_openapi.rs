//! Cluster, audit trail, the OpenAPI document, and recovery after the broker
//! comes back.

mod support;

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use configurator_api::routes::{OPERATIONS, OperationId, operation};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, broker_topics, unique};

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];
const VIEWERS: &[&str] = &["kafka-viewers"];

#[tokio::test]
async fn the_cluster_view_matches_the_broker() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;

    let (status, body, _) = api.get("/clusters/a", Some(&idp.token("victor", VIEWERS))).await;

    assert_eq!(status, 200, "{body}");
    let broker = &body["brokers"][0];
    assert_eq!(
        format!("{}:{}", broker["host"].as_str().unwrap(), broker["port"]),
        bootstrap_servers()
    );
    assert!(body["topic_count"].as_u64().unwrap() >= (broker_topics().len() as u64).saturating_sub(5));
    assert!(
        body["cluster_id"].is_string(),
        "DescribeCluster names the cluster: {body}"
    );
    assert!(body["partition_count"].as_u64().unwrap() >= body["topic_count"].as_u64().unwrap());
    // Someone the policy gives nothing on the cluster is told it does not exist.
    let (status, body, _) = api
        .get("/clusters/a", Some(&idp.token("stranger", &["marketing"])))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("cluster_not_found")),
        "{body}"
    );
}

#[tokio::test]
async fn mutations_allowed_or_refused_are_audited_without_message_bodies() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let (alice, oscar) = (idp.token("alice", ADMINS), idp.token("oscar", OPERATORS));
    let name = unique("it.audited");

    let (status, _) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &oscar,
            Some(json!({"name": name, "partitions": 1, "replication_factor": 1})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &alice,
            Some(json!({"name": name, "partitions": 1, "replication_factor": 1})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, produced) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{name}/messages"),
            &oscar,
            Some(json!({"value": {"data": "secret-payload"}})),
        )
        .await;
    assert_eq!(status, 201);

    let (status, body, _) = api
        .get(
            &format!("/clusters/a/audit?limit=50&outcome=all&resource=topic:{name}"),
            Some(&alice),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let records: Vec<&Value> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["resource"] == format!("topic:{name}"))
        .collect();
    // Newest first: the produce, the create, the refused create.
    let summary: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("messages:produce", "oscar", "ok"),
            ("topics:create", "alice", "ok"),
            ("topics:create", "oscar", "forbidden"),
        ]
    );
    assert_eq!(records[1]["parameters"]["partitions"], 1);
    assert_eq!(records[0]["parameters"]["offset"], produced["offset"]);
    assert!(
        !records[0].to_string().contains("secret-payload"),
        "no message bodies in the audit"
    );
    assert!(!records[0]["request_id"].as_str().unwrap().is_empty());
    assert!(records.iter().all(|r| r["verified"] == true), "{records:?}");

    let (status, _, _) = api.get("/clusters/a/audit", Some(&oscar)).await;
    assert_eq!(status, 403);
    let (status, body, _) = api.get("/clusters/a/audit?limit=0", Some(&alice)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_limit"))
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_operation_and_describes_real_answers() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;

    let (status, doc, _) = api.get("/openapi.json", None).await;

    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for op in OPERATIONS {
        let entry = &doc["paths"][format!("/api/v1{}", op.path)][op.method.as_str().to_lowercase()];
        assert_eq!(entry["operationId"], op.id.name(), "{:?} is documented", op.id);
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        OPERATIONS.len(),
        "nothing undocumented, nothing extra"
    );

    // Real answers validate against the documented response schemas.
    let alice = idp.token("alice", ADMINS);
    for (path, id) in [
        ("/clusters/a", OperationId::GetCluster),
        ("/clusters/a/topics?per_page=5", OperationId::ListTopics),
        ("/clusters", OperationId::ListClusters),
        ("/me", OperationId::Me),
    ] {
        let op = operation(id);
        let schema = doc["paths"][format!("/api/v1{}", op.path)]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]
            .clone();
        let mut rooted = json!({"allOf": [schema], "components": doc["components"].clone()});
        rooted["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let validator = jsonschema::validator_for(&rooted).expect("the documented schema compiles");
        let (status, body, _) = api.get(path, Some(&alice)).await;
        assert_eq!(status, 200);
        let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    let (_, error, _) = api.get("/clusters/a/topics", None).await;
    let envelope = json!({"allOf": [doc["paths"]["/api/v1/clusters/{cluster}/topics"]["get"]["responses"]["default"]["content"]
        ["application/json"]["schema"].clone()], "components": doc["components"].clone()});
    assert!(jsonschema::validator_for(&envelope).unwrap().is_valid(&error));
}

/// A nisshi broker of our own, stopped when dropped.
struct Broker(Child);

impl Broker {
    fn start(port: u16) -> Self {
        let url = format!("tcp://127.0.0.1:{port}");
        Self(
            Command::new("nisshi")
                .args([
                    "broker",
                    "--storage-engine",
                    "memory://nisshi/",
                    "--listener-url",
                    &url,
                ])
                .args(["--advertised-listener-url", &url])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("nisshi is installed (scripts/setup.sh)"),
        )
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls until every path answers 200, for at most 15 s.
async fn recovers(api: &Api, token: &str, paths: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(15);
    for path in paths {
        loop {
            let (status, _, _) = api.get(path, Some(token)).await;
            if status == 200 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the API did not recover ({path}: last status {status})"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test]
async fn the_api_recovers_by_itself_when_the_broker_comes_back() {
    let idp = Idp::start().await;
    let port = free_port();
    let api = Api::start_with(&idp.issuer, &format!("127.0.0.1:{port}")).await;
    let token = idp.token("alice", ADMINS);

    let started = Instant::now();
    let (status, body, _) = api.get("/clusters/a", Some(&token)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("kafka_unavailable"))
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let _broker = Broker::start(port);
    recovers(&api, &token, &["/clusters/a"]).await;
}

/// The broker dies in the middle of a browse and while the topic list is in
/// use: each call answers 503 in the envelope within 5 s (the list may first
/// answer from the metadata it read less than `TOPIC_LIST_MAX_AGE_MS` ago),
/// and once a broker is back on the port the same process answers again.
#[tokio::test]
async fn a_broker_that_dies_mid_browse_is_a_503_within_5_s_and_the_api_recovers() {
    let idp = Idp::start().await;
    let port = free_port();
    let bootstrap = format!("127.0.0.1:{port}");
    let broker = Broker::start(port);
    let api = Api::start_with(&idp.issuer, &bootstrap).await;
    let token = idp.token("alice", ADMINS);
    let topic = unique("it.dying");
    let body = json!({"name": topic, "partitions": 1, "replication_factor": 1});
    let mut created = false;
    for _ in 0..50 {
        if api
            .call("POST", "/clusters/a/topics", &token, Some(body.clone()))
            .await
            .0
            == 201
        {
            created = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(created, "the topic was created on the new broker");
    // 60 MB: far more than the reader prefetches, so the browse still needs
    // the broker when it dies.
    let producer: rdkafka::producer::ThreadedProducer<rdkafka::producer::DefaultProducerContext> =
        rdkafka::ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .set("linger.ms", "20")
            .create()
            .unwrap();
    let value = "v".repeat(1000);
    for i in 0..60_000 {
        loop {
            match producer.send(
                rdkafka::producer::BaseRecord::<str, str>::to(&topic)
                    .key(&i.to_string())
                    .payload(&value),
            ) {
                Ok(()) => break,
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
    rdkafka::producer::Producer::flush(&producer, Duration::from_secs(30)).unwrap();
    assert_eq!(
        api.get("/clusters/a/topics?per_page=5", Some(&token)).await.0,
        200
    );

    // A filter that matches nothing reads until a budget or the end.
    let browse = {
        let (http, url, token) = (
            api.http.clone(),
            format!("{}/clusters/a/topics/{topic}/messages?q=never-there", api.base),
            token.clone(),
        );
        tokio::spawn(async move {
            let response = http.get(url).bearer_auth(token).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap(), Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    drop(broker);
    let killed = Instant::now();
    let (status, body, answered) = browse.await.unwrap();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("kafka_unavailable")),
        "{body}"
    );
    assert!(
        answered - killed < Duration::from_secs(5),
        "{:?}",
        answered - killed
    );

    // The list: from the recent metadata or a 503, each within 5 s, and a
    // 503 once that metadata is too old.
    let mut unavailable = false;
    while killed.elapsed() < Duration::from_secs(15) {
        let started = Instant::now();
        let (status, body, _) = api.get("/clusters/a/topics?per_page=5", Some(&token)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(status == 200 || status == 503, "{status} {body}");
        if status == 503 {
            assert_eq!(body["error"]["code"], "kafka_unavailable");
            unavailable = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(unavailable, "the topic list noticed the broker is gone");

    let _broker = Broker::start(port);
    recovers(&api, &token, &["/clusters/a/topics?per_page=5", "/clusters/a"]).await;
}
