//! Service ingestion end to end: a service gets a client-credentials token
//! from the real local IdP (`CONFIGURATOR_TEST_IDP`, started by
//! scripts/test.sh) and posts events through the router the Lambdas run;
//! an independent consumer counts what reached the broker.

mod support;

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    message::Headers,
};
use serde_json::{Value, json};
use support::{Api, bootstrap_servers, config, create_topic, unique};

/// orders-service publishes to `it.orders-…` only; billing-service may use
/// the console too (`console = true`), to read the audit and set schemas.
const POLICY: &str = r#"
[groups]

[services.orders-service]
roles = ["orders-publisher"]

[services.billing-service]
roles = ["auditor"]
console = true

[[roles.orders-publisher]]
actions = ["events:publish"]
topics = "it\\.orders-.*"

[[roles.auditor]]
actions = ["cluster:read", "topics:read", "audit:read", "schemas:write", "schemas:read"]
"#;

fn idp() -> String {
    std::env::var("CONFIGURATOR_TEST_IDP").expect(
        "CONFIGURATOR_TEST_IDP is not set: run scripts/test.sh, or start scripts/idp/server.js and set it to its issuer",
    )
}

/// A client-credentials token from the IdP's token endpoint.
async fn token(client: &str, secret: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/token", idp()))
        .basic_auth(client, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the IdP issues {client} a token");
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn setup() -> Api {
    let path = std::env::temp_dir().join(format!("configurator-it-ingest-{}.toml", std::process::id()));
    std::fs::write(&path, POLICY).unwrap();
    let mut settings = config(&idp(), &bootstrap_servers());
    settings.policy_file = Some(path.to_string_lossy().into_owned());
    Api::serve(settings).await
}

/// Posts `body` with an optional idempotency key.
async fn post(api: &Api, topic: &str, token: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = api
        .http
        .post(format!("{}/clusters/a/topics/{topic}/events", api.base))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every record of `topic`, read with a separate consumer: key, value and
/// the `source` header.
fn read_all(topic: &str) -> Vec<(Option<String>, Value, Option<String>)> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-ingest")
        .set("enable.partition.eof", "true")
        .create()
        .unwrap();
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(5))
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut open = HashSet::new();
    for p in 0..metadata.topics()[0].partitions().len() as i32 {
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
                let source = m.headers().and_then(|hs| {
                    hs.iter()
                        .find(|h| h.key == "source")
                        .and_then(|h| h.value.map(|v| String::from_utf8_lossy(v).into_owned()))
                });
                records.push((
                    m.key().map(|k| String::from_utf8_lossy(k).into_owned()),
                    serde_json::from_slice(m.payload().unwrap_or(b"null")).unwrap(),
                    source,
                ));
            }
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                open.remove(&p);
            }
            _ => {}
        }
    }
    records
}

fn order(i: usize) -> Value {
    json!({"key": format!("order-{i}"), "value": {"id": format!("order-{i}"), "amount": i}, "headers": {"source": "it"}})
}

#[tokio::test]
async fn a_service_publishes_governed_events_once_and_is_audited() {
    let api = setup().await;
    let orders = token("orders-service", "orders-service-secret").await;
    let billing = token("billing-service", "billing-service-secret").await;
    let topic = unique("it.orders-created");
    let elsewhere = unique("it.payments-created");
    create_topic(&topic, 3).await;
    create_topic(&elsewhere, 1).await;

    // No schema yet: governed events need one, and nothing is written.
    let (status, body) = post(&api, &topic, &orders, None, &order(0)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("no_schema")),
        "{body}"
    );
    let schema = json!({"schema": {
        "type": "object",
        "required": ["id", "amount"],
        "properties": {"id": {"type": "string"}, "amount": {"type": "integer", "minimum": 0}},
    }});
    let (status, body) = api
        .call(
            "PUT",
            &format!("/clusters/a/topics/{topic}/schema"),
            &billing,
            Some(schema),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The catalogue: the topics orders-service may publish to, with their schema.
    let (status, catalogue, _) = api.get("/clusters/a/events/topics", Some(&orders)).await;
    assert_eq!(status, 200, "{catalogue}");
    let listed: Vec<&Value> = catalogue["topics"].as_array().unwrap().iter().collect();
    assert!(
        listed
            .iter()
            .any(|t| t["name"] == topic.as_str() && t["schema"] == "builtin")
    );
    assert!(listed.iter().all(|t| t["name"] != elsewhere.as_str()));
    let (status, contract, _) = api
        .get(
            &format!("/clusters/a/events/topics/{topic}/schema"),
            Some(&orders),
        )
        .await;
    assert_eq!(
        (status, contract["source"].as_str()),
        (200, Some("builtin")),
        "{contract}"
    );
    assert!(contract["definition"].as_str().unwrap().contains("amount"));
    assert_eq!(contract["max_batch"], 500);

    // A valid batch of 100: 202, each event's partition and offset, all on the broker.
    let batch = json!({"events": (0..100).map(order).collect::<Vec<_>>()});
    let (status, accepted) = post(&api, &topic, &orders, None, &batch).await;
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["events"].as_array().unwrap().len(), 100);
    assert_eq!(accepted["replayed"], false);
    let arrived = read_all(&topic);
    assert_eq!(arrived.len(), 100);
    let (key, value, source) = arrived
        .iter()
        .find(|(k, ..)| k.as_deref() == Some("order-7"))
        .unwrap();
    assert_eq!(
        (key.as_deref(), value["amount"].as_i64(), source.as_deref()),
        (Some("order-7"), Some(7), Some("it"))
    );

    // One bad event: 400 naming its field, and nothing of its batch is written.
    let bad = json!({"events": [order(200), {"value": {"id": "order-201", "amount": "many"}}, order(202)]});
    let (status, refused) = post(&api, &topic, &orders, None, &bad).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("invalid_events")),
        "{refused}"
    );
    let paths: Vec<&str> = refused["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/events/1/value/amount"]);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
    assert_eq!(read_all(&topic).len(), 100);

    // A topic outside the policy: 403; the console's routes: 403 for a service.
    let (status, body) = post(&api, &elsewhere, &orders, None, &order(1)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    assert!(read_all(&elsewhere).is_empty());
    let (status, body, _) = api.get("/clusters/a/topics", Some(&orders)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("service_not_allowed_here")),
        "{body}"
    );

    // An idempotency key: the retry answers from the first post and writes nothing.
    let ten = json!({"events": (300..310).map(order).collect::<Vec<_>>()});
    let key = unique("retry");
    let (status, first) = post(&api, &topic, &orders, Some(&key), &ten).await;
    assert_eq!((status, &first["replayed"]), (202, &json!(false)), "{first}");
    let (status, again) = post(&api, &topic, &orders, Some(&key), &ten).await;
    assert_eq!((status, &again["replayed"]), (202, &json!(true)), "{again}");
    assert_eq!(
        again["events"], first["events"],
        "the same partitions and offsets"
    );
    assert_eq!(read_all(&topic).len(), 110);
    let (status, body) = post(&api, &topic, &orders, Some(&key), &order(311)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("idempotency_key_reused")),
        "{body}"
    );
    assert_eq!(read_all(&topic).len(), 110);

    // The audit names the service in every accepted and refused post.
    let (status, audit, _) = api
        .get(
            &format!("/clusters/a/audit?resource=topic:{topic}&outcome=all&limit=100"),
            Some(&billing),
        )
        .await;
    assert_eq!(status, 200, "{audit}");
    let posts: Vec<&Value> = audit["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "events:publish")
        .collect();
    assert!(posts.iter().all(|r| r["subject"] == "orders-service"), "{audit}");
    let results: HashSet<&str> = posts.iter().map(|r| r["result"].as_str().unwrap()).collect();
    for expected in ["ok", "no_schema", "invalid_events", "idempotency_key_reused"] {
        assert!(results.contains(expected), "{expected} in {results:?}");
    }
    let replayed = posts
        .iter()
        .filter(|r| r["parameters"]["replayed"] == true)
        .count();
    assert_eq!(replayed, 1);
    let (status, audit, _) = api
        .get(
            &format!("/clusters/a/audit?resource=topic:{elsewhere}&outcome=refused&limit=10"),
            Some(&billing),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(audit["records"][0]["subject"], "orders-service", "{audit}");
}

#[tokio::test]
async fn bad_posts_are_refused_before_anything_is_read_or_written() {
    let api = setup().await;
    let orders = token("orders-service", "orders-service-secret").await;
    let topic = unique("it.orders-bad");
    create_topic(&topic, 1).await;
    let path = format!("/clusters/a/topics/{topic}/events");
    for (body, status, code) in [
        ("{", 400, "invalid_json"),
        ("[1]", 400, "invalid_events"),
        (r#"{"events":[]}"#, 400, "invalid_batch_size"),
        (r#"{"events":[{"valu":1}]}"#, 400, "invalid_events"),
    ] {
        let (got, answer) = api
            .send_raw("POST", &path, &orders, "application/json", body)
            .await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}: {answer}"
        );
    }
    let huge = json!({"value": "x".repeat(5 * 1024 * 1024)}).to_string();
    let (got, answer) = api
        .send_raw("POST", &path, &orders, "application/json", &huge)
        .await;
    assert_eq!(
        (got, answer["error"]["code"].as_str()),
        (413, Some("body_too_large")),
        "{answer}"
    );
    let (got, answer) = post(&api, &topic, &orders, Some("has space"), &order(1)).await;
    assert_eq!(
        (got, answer["error"]["code"].as_str()),
        (400, Some("invalid_idempotency_key"))
    );
    // A wrong secret gets no token; no token, no post.
    let denied = reqwest::Client::new()
        .post(format!("{}/token", idp()))
        .basic_auth("orders-service", Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 401);
    let (got, _) = api.send_raw("POST", &path, "", "application/json", "{}").await;
    assert_eq!(got, 401);
    assert!(read_all(&topic).is_empty());
}
