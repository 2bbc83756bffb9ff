//! The console's own records cannot be forged or erased through it: protected
//! topics refuse every generic change and read, audit records are signed and
//! checked, the audit trail is filtered and paged on the server, and bad input
//! is a 400 before any permission check. Every refusal is checked against the
//! broker with a separate client: nothing written, nothing deleted.

mod support;

use std::time::Duration;

use configurator_lambdas::audit::signing::AuditKeys;
use rdkafka::{
    ClientConfig,
    consumer::{BaseConsumer, Consumer},
    message::{Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};
use serde_json::{Value, json};
use support::{AUDIT_KEYS, Api, Idp, bootstrap_servers, broker_topics, create_topic, unique};

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];
const VIEWERS: &[&str] = &["kafka-viewers"];
const AUDIT: &str = "__configurator_audit";
const SCHEMAS: &str = "__configurator_schemas";

/// Low and high watermark of partition 0, asked with a separate client.
fn watermarks(topic: &str) -> (i64, i64) {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "integrity-test-watermarks")
        .create()
        .unwrap();
    consumer
        .fetch_watermarks(topic, 0, Duration::from_secs(5))
        .unwrap()
}

fn producer() -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap()
}

/// Makes sure the console's own topics exist (the first audited call creates
/// the audit topic, the first schema read the schema topic).
async fn console_topics_exist(api: &Api, alice: &str) {
    let name = unique("it.warmup");
    let body = json!({"name": name, "partitions": 1, "replication_factor": 1});
    assert_eq!(
        api.call("POST", "/clusters/a/topics", alice, Some(body)).await.0,
        201
    );
    let (status, _) = api
        .call("GET", &format!("/clusters/a/topics/{name}/schema"), alice, None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn protected_topics_refuse_every_change_and_read_for_every_role() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let alice = idp.token("alice", ADMINS);
    let oscar = idp.token("oscar", OPERATORS);
    console_topics_exist(&api, &alice).await;
    // Any `__` topic is protected, not only the ones the console knows.
    let platform = format!("__{}", unique("it.platform"));
    create_topic(&platform, 1).await;
    producer()
        .send(
            FutureRecord::<str, str>::to(&platform).payload("kept"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();

    for topic in [AUDIT, SCHEMAS, platform.as_str()] {
        let before = watermarks(topic);
        for token in [&alice, &oscar] {
            let attempts: [(&str, String, Option<Value>); 9] = [
                (
                    "POST",
                    format!("/clusters/a/topics/{topic}/messages"),
                    Some(
                        json!({"value": {"data": "{\"action\":\"forged\"}"}, "key": {"data": "demo.orders"}}),
                    ),
                ),
                (
                    "POST",
                    format!("/clusters/a/topics/{topic}/purge"),
                    Some(json!({})),
                ),
                ("DELETE", format!("/clusters/a/topics/{topic}"), None),
                (
                    "PATCH",
                    format!("/clusters/a/topics/{topic}/configs"),
                    Some(json!({"set": {"retention.ms": "1"}})),
                ),
                (
                    "POST",
                    format!("/clusters/a/topics/{topic}/partitions"),
                    Some(json!({"count": 2})),
                ),
                (
                    "PUT",
                    format!("/clusters/a/topics/{topic}/schema"),
                    Some(json!({"schema": {"type": "object"}})),
                ),
                (
                    "GET",
                    format!("/clusters/a/topics/{topic}/messages?from=earliest"),
                    None,
                ),
                (
                    "GET",
                    format!("/clusters/a/topics/{topic}/partitions/0/offsets/0"),
                    None,
                ),
                ("GET", format!("/clusters/a/topics/{topic}/schema"), None),
            ];
            for (method, path, body) in attempts {
                let (status, answer) = api.call(method, &path, token, body).await;
                assert_eq!(
                    (status, answer["error"]["code"].as_str()),
                    (403, Some("protected_topic")),
                    "{method} {path}: {answer}"
                );
                assert!(
                    answer["error"]["message"].as_str().unwrap().contains(topic),
                    "{answer}"
                );
            }
        }
        // The broker, asked by a separate client: the topic is there, with its
        // records (the audit topic only grew by the refusals' own records).
        assert!(
            broker_topics().contains(&topic.to_owned()),
            "{topic} still exists"
        );
        let after = watermarks(topic);
        assert_eq!(after.0, before.0, "{topic}: nothing purged");
        if topic != AUDIT {
            assert_eq!(after.1, before.1, "{topic}: nothing written");
        }
    }
    // A topic cannot be created under a protected name either.
    let sneaky = format!("__{}", unique("it.sneaky"));
    let body = json!({"name": sneaky, "partitions": 1, "replication_factor": 1});
    let (status, answer) = api.call("POST", "/clusters/a/topics", &alice, Some(body)).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("protected_topic"))
    );
    assert!(!broker_topics().contains(&sneaky));
    // Lists still show them, and their details can be read.
    let (status, list, _) = api
        .get(
            &format!("/clusters/a/topics?internal=true&q={AUDIT}"),
            Some(&oscar),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["topics"][0]["name"], AUDIT, "{list}");
    assert_eq!(
        api.get(&format!("/clusters/a/topics/{AUDIT}"), Some(&oscar))
            .await
            .0,
        200
    );
    // The refusals are themselves in the trail, as refused.
    let (_, trail, _) = api
        .get(
            &format!("/clusters/a/audit?outcome=refused&resource=topic:{platform}&limit=50"),
            Some(&alice),
        )
        .await;
    let results: Vec<&str> = trail["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verified"] == true)
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert!(
        results.len() >= 6 && results.iter().all(|r| *r == "protected_topic"),
        "{trail}"
    );
}

#[tokio::test]
async fn records_written_around_the_console_fail_verification_and_always_show() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let alice = idp.token("alice", ADMINS);
    console_topics_exist(&api, &alice).await;
    let marker = unique("it.fake");
    let record = |request_id: &str, name: &str| {
        json!({
            "time": support::now() * 1000, "subject": "alice", "name": name,
            "action": "topics:delete", "resource": format!("topic:{marker}"), "parameters": {},
            "result": "ok", "status": 204, "request_id": request_id,
        })
        .to_string()
    };
    // Unsigned; a copy of a signed record with one field changed; signed with
    // an attacker's key under our key id; and a genuine record signed with the
    // retired key (rotation keeps it valid).
    let attacker = AuditKeys::parse("test-k2:an-attackers-guess-at-the-key-0123456789").unwrap();
    let retired = AuditKeys::parse(AUDIT_KEYS.split(',').nth(1).unwrap()).unwrap();
    let genuine = record("rotated-1", "Rotated Record");
    let changed = record("changed-1", "Alice Admin");
    let guessed = record("guessed-1", "Alice Admin");
    let forgeries = [
        (record("unsigned-1", "Alice Admin"), None),
        (
            changed.clone(),
            Some(retired.sign(changed.replace("topics:delete", "topics:create").as_bytes())),
        ),
        (guessed.clone(), Some(attacker.sign(guessed.as_bytes()))),
        (genuine.clone(), Some(retired.sign(genuine.as_bytes()))),
    ];
    let producer = producer();
    for (payload, signature) in forgeries {
        let mut record = FutureRecord::<str, str>::to(AUDIT).partition(0).payload(&payload);
        let headers;
        if let Some(signature) = &signature {
            headers = OwnedHeaders::new().insert(Header {
                key: "configurator-signature",
                value: Some(signature.as_str()),
            });
            record = record.headers(headers);
        }
        producer.send(record, Duration::from_secs(5)).await.unwrap();
    }
    producer
        .send(
            FutureRecord::<str, str>::to(AUDIT)
                .partition(0)
                .payload("not json at all"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();

    // Filtered to something the forged records do not match: they show anyway.
    let (status, page, _) = api
        .get("/clusters/a/audit?action=groups:reset&limit=500", Some(&alice))
        .await;
    assert_eq!(status, 200, "{page}");
    let records = page["records"].as_array().unwrap();
    let failing: Vec<&Value> = records.iter().filter(|r| r["verified"] == false).collect();
    let problem = |id: &str| {
        failing
            .iter()
            .find(|r| r["request_id"] == id)
            .map(|r| r["problem"].as_str().unwrap().to_owned())
    };
    assert!(
        problem("unsigned-1").unwrap().contains("no signature"),
        "{failing:?}"
    );
    assert!(
        problem("changed-1").unwrap().contains("does not match"),
        "{failing:?}"
    );
    assert!(
        problem("guessed-1").unwrap().contains("does not match"),
        "{failing:?}"
    );
    assert!(
        failing.iter().any(|r| r["result"] == "unreadable"),
        "a record that is not JSON shows too: {failing:?}"
    );
    assert!(page["failed_verification"].as_u64().unwrap() >= 4, "{page}");
    assert!(
        records
            .iter()
            .all(|r| r["verified"] == false || r["action"] == "groups:reset"),
        "verified records are filtered as asked"
    );
    let (_, all, _) = api
        .get(
            &format!("/clusters/a/audit?outcome=all&resource=topic:{marker}"),
            Some(&alice),
        )
        .await;
    let rotated = all["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["request_id"] == "rotated-1")
        .expect("the record signed with the retired key is listed");
    assert_eq!(rotated["verified"], true, "{rotated}");
}

#[tokio::test]
async fn the_audit_trail_is_filtered_and_paged_on_the_server() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let (alice, oscar) = (idp.token("alice", ADMINS), idp.token("oscar", OPERATORS));
    let name = unique("it.trail");
    let started = support::now() * 1000;
    let create = json!({"name": name, "partitions": 1, "replication_factor": 1});
    assert_eq!(
        api.call("POST", "/clusters/a/topics", &oscar, Some(create.clone()))
            .await
            .0,
        403
    );
    assert_eq!(
        api.call("POST", "/clusters/a/topics", &alice, Some(create))
            .await
            .0,
        201
    );
    for i in 0..3 {
        let body = json!({"value": {"data": format!("m{i}")}});
        let path = format!("/clusters/a/topics/{name}/messages");
        assert_eq!(api.call("POST", &path, &oscar, Some(body)).await.0, 201);
    }
    let resource = format!("resource=topic:{name}");

    // Refused calls are hidden unless asked for.
    let (_, allowed, _) = api
        .get(&format!("/clusters/a/audit?{resource}"), Some(&alice))
        .await;
    // Records that fail verification (other tests write some) always show.
    let actions = |page: &Value| -> Vec<String> {
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["verified"] == true)
            .map(|r| {
                format!(
                    "{} {}",
                    r["action"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        actions(&allowed),
        [
            "messages:produce oscar",
            "messages:produce oscar",
            "messages:produce oscar",
            "topics:create alice"
        ]
    );
    let (_, refused, _) = api
        .get(
            &format!("/clusters/a/audit?{resource}&outcome=refused"),
            Some(&alice),
        )
        .await;
    assert_eq!(actions(&refused), ["topics:create oscar"]);
    let (_, by_person, _) = api
        .get(
            &format!("/clusters/a/audit?{resource}&outcome=all&person=ALI"),
            Some(&alice),
        )
        .await;
    assert_eq!(actions(&by_person), ["topics:create alice"]);
    let (_, by_action, _) = api
        .get(
            &format!("/clusters/a/audit?{resource}&action=topics:create&outcome=all"),
            Some(&alice),
        )
        .await;
    assert_eq!(
        actions(&by_action),
        ["topics:create alice", "topics:create oscar"]
    );
    let (_, future, _) = api
        .get(
            &format!("/clusters/a/audit?{resource}&since={}", started + 3_600_000),
            Some(&alice),
        )
        .await;
    assert_eq!(actions(&future), Vec::<String>::new());
    let (_, past, _) = api
        .get(
            &format!("/clusters/a/audit?{resource}&until={started}"),
            Some(&alice),
        )
        .await;
    assert_eq!(actions(&past), Vec::<String>::new());

    // Page by page, one record each, through to the start of the range.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let after = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let path = format!(
            "/clusters/a/audit?{resource}&outcome=all&limit=1&since={}{after}",
            started - 60_000
        );
        let (status, page, _) = api.get(&path, Some(&alice)).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(actions(&page));
        cursor = page["cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(seen.last().unwrap(), "topics:create oscar");

    // The export: the same filters, as CSV.
    let response = api
        .http
        .get(format!(
            "{}/clusters/a/audit/export?{resource}&outcome=all",
            api.base
        ))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("time,time_ms,name,subject,action,resource"),
        "{csv}"
    );
    // Records other tests forged show too; this test's are the ones named.
    let lines: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(&format!(",topic:{name},")))
        .collect();
    assert_eq!(lines.len(), 5, "five records: {csv}");
    assert!(
        lines[4].contains(",oscar,oscar,topics:create,") && lines[4].contains(",forbidden,403,true,"),
        "{csv}"
    );

    // Bad filters are 400s, before the permission check.
    for (query, code) in [
        ("action=topics:fly", "invalid_action"),
        ("since=2000&until=1000", "invalid_time_range"),
        ("cursor=abc", "invalid_cursor"),
        ("limit=501", "invalid_limit"),
        ("outcome=maybe", "invalid_query"),
    ] {
        for token in [&alice, &oscar] {
            let (status, body, _) = api.get(&format!("/clusters/a/audit?{query}"), Some(token)).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (400, Some(code)),
                "{query}"
            );
        }
    }
    assert_eq!(api.get("/clusters/a/audit", Some(&oscar)).await.0, 403);
    assert_eq!(api.get("/clusters/a/audit/export", Some(&oscar)).await.0, 403);
}

#[tokio::test]
async fn an_audit_record_carries_the_services_request_id_and_keeps_the_callers_apart() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let alice = idp.token("alice", ADMINS);
    let name = unique("it.request-id");
    let response = api
        .http
        .post(format!("{}/clusters/a/topics", api.base))
        .bearer_auth(&alice)
        .header("x-request-id", "chosen-by-the-caller")
        .json(&json!({"name": name, "partitions": 1, "replication_factor": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let own = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(own, "chosen-by-the-caller");

    let (_, page, _) = api
        .get(&format!("/clusters/a/audit?resource=topic:{name}"), Some(&alice))
        .await;
    let record = &page["records"][0];
    assert_eq!(record["request_id"], own.as_str(), "{record}");
    assert_eq!(record["client_request_id"], "chosen-by-the-caller");
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_before_any_permission_check() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let alice = idp.token("alice", ADMINS);
    let victor = idp.token("victor", VIEWERS);

    for token in [&alice, &victor] {
        let body = json!({"name": "t\n", "partitions": 1, "replication_factor": 1});
        let (status, answer) = api.call("POST", "/clusters/a/topics", token, Some(body)).await;
        assert_eq!(
            (
                status,
                answer["error"]["code"].as_str(),
                answer["error"]["field"].as_str()
            ),
            (400, Some("invalid_topic_name"), Some("name")),
            "{answer}"
        );
        let body = json!({"name": unique("it.valid"), "partitions": 0, "replication_factor": 1});
        let (status, answer) = api.call("POST", "/clusters/a/topics", token, Some(body)).await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (400, Some("partitions"))
        );
        for (method, path) in [
            ("GET", "/clusters/a/topics/t%0A"),
            ("DELETE", "/clusters/a/topics/t%0A"),
            ("GET", "/clusters/a/topics/has%20space/messages"),
            ("POST", "/clusters/a/topics/t%0A/purge"),
        ] {
            let (status, answer) = api.call(method, path, token, Some(json!({}))).await;
            assert_eq!(
                (
                    status,
                    answer["error"]["code"].as_str(),
                    answer["error"]["field"].as_str()
                ),
                (400, Some("invalid_topic_name"), Some("topic")),
                "{method} {path}: {answer}"
            );
        }
        let (status, answer) = api
            .call("GET", "/clusters/a/consumer-groups/g%0A", token, None)
            .await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (400, Some("invalid_group_name"))
        );
        let (status, answer) = api
            .call(
                "GET",
                "/clusters/a/topics/demo.orders/messages?limit=9999",
                token,
                None,
            )
            .await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (400, Some("invalid_limit"))
        );
        let (status, answer) = api
            .call(
                "GET",
                "/clusters/a/topics/demo.orders/partitions/x/offsets/0",
                token,
                None,
            )
            .await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (400, Some("partition"))
        );
    }
    assert!(
        !broker_topics().iter().any(|t| t.contains('\n')),
        "no topic was created under the bad name"
    );
}
