//! Many clusters behind one API: two real brokers (`a` and `b`, started by
//! `scripts/test.sh`) and, where a test needs one, a cluster that is down.
//! Each cluster's data stays on its own broker (checked with independent
//! clients), permissions are per cluster, and a cluster that does not answer
//! costs only its own requests.

mod support;

use std::{
    sync::OnceLock,
    time::{Duration, Instant},
};

use configurator_lambdas::clusters::ClusterSettings;
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, bootstrap_servers_b, cluster, config_with, topics_on, unique};

/// Oscar operates `a` and only reads `b`; admins may do everything anywhere.
const POLICY: &str = r#"
[groups]
kafka-admins = ["admin"]
kafka-operators = ["operator", "reader"]
[[roles.admin]]
actions = ["cluster:read", "topics:read", "topics:create", "topics:alter", "topics:delete", "topics:purge",
           "messages:read", "messages:produce", "schemas:read", "schemas:write", "groups:read", "groups:reset",
           "groups:delete", "audit:read"]
[[roles.operator]]
clusters = "a"
actions = ["cluster:read", "topics:read", "messages:read", "messages:produce", "topics:purge", "groups:read"]
[[roles.reader]]
clusters = "b"
actions = ["cluster:read", "topics:read", "messages:read", "groups:read"]
"#;

const ADMINS: &[&str] = &["kafka-admins"];
const OPERATORS: &[&str] = &["kafka-operators"];

/// [`POLICY`] as a file (the API reads its policy from one), written once.
fn policy_file() -> String {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = format!("{}/clusters-policy.toml", env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(&path, POLICY).unwrap();
        path
    })
    .clone()
}

/// The API serving `a` and `b` (and `extra`), under [`POLICY`].
async fn two_cluster_api(idp: &Idp, extra: Vec<ClusterSettings>) -> Api {
    let mut clusters = vec![
        cluster("a", "dev", &bootstrap_servers()),
        cluster("b", "prod", &bootstrap_servers_b()),
    ];
    clusters.extend(extra);
    let mut config = config_with(&idp.issuer, clusters);
    config.policy_file = Some(policy_file());
    Api::serve(config).await
}

/// A port that accepts connections and never answers: a broker that hangs,
/// the worst case for a timeout (a closed port fails at once).
fn silent_broker() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

#[tokio::test]
async fn a_topic_created_on_one_cluster_exists_only_on_its_broker() {
    let idp = Idp::start().await;
    let api = two_cluster_api(&idp, vec![]).await;
    let alice = idp.token("alice", ADMINS);
    let name = unique("clusters.only-b");

    let (status, body) = api
        .call(
            "POST",
            "/clusters/b/topics",
            &alice,
            Some(json!({"name": name, "partitions": 2, "replication_factor": 1})),
        )
        .await;

    assert_eq!(status, 201, "{body}");
    assert!(topics_on(&bootstrap_servers_b()).contains(&name), "on broker b");
    assert!(
        !topics_on(&bootstrap_servers()).contains(&name),
        "not on broker a"
    );
    let (status, _) = api
        .call("GET", &format!("/clusters/b/topics/{name}"), &alice, None)
        .await;
    assert_eq!(status, 200);
    let (status, body) = api
        .call("GET", &format!("/clusters/a/topics/{name}"), &alice, None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("topic_not_found")),
        "{body}"
    );
    assert_eq!(
        body["error"]["cluster"], "a",
        "every error names its cluster: {body}"
    );

    // The audit record is in b's trail, names b, and is not in a's.
    let (status, trail) = api
        .call(
            "GET",
            &format!("/clusters/b/audit?resource=topic:{name}"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200, "{trail}");
    let records = trail["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{trail}");
    assert_eq!(records[0]["cluster"], "b", "{trail}");
    assert_eq!(records[0]["verified"], true);
    let (_, trail_a) = api
        .call(
            "GET",
            &format!("/clusters/a/audit?resource=topic:{name}&outcome=all"),
            &alice,
            None,
        )
        .await;
    // (Records failing verification always show, whatever the filter: other
    // tests forge some in a's trail.)
    let verified_a = trail_a["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verified"] == true)
        .count();
    assert_eq!(verified_a, 0, "{trail_a}");
}

/// Each cluster gets its own internal topics: that one exists on `a` does
/// not make the API skip creating it on `b` (it once remembered that per
/// process, and `b`'s first schema read failed with a 500).
#[tokio::test]
async fn internal_topics_are_created_on_each_cluster() {
    let idp = Idp::start().await;
    let api = two_cluster_api(&idp, vec![]).await;
    let alice = idp.token("alice", ADMINS);
    let (on_a, on_b) = (unique("clusters.schema-a"), unique("clusters.schema-b"));
    for (cluster, name) in [("a", &on_a), ("b", &on_b)] {
        let (status, body) = api
            .call(
                "POST",
                &format!("/clusters/{cluster}/topics"),
                &alice,
                Some(json!({"name": name, "partitions": 1, "replication_factor": 1})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = api
        .call(
            "PUT",
            &format!("/clusters/a/topics/{on_a}/schema"),
            &alice,
            Some(json!({"schema": {"type": "object"}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api
        .call("GET", &format!("/clusters/b/topics/{on_b}/schema"), &alice, None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("schema_not_found")),
        "{body}"
    );
    assert!(topics_on(&bootstrap_servers_b()).contains(&"__configurator_schemas".to_owned()));
}

#[tokio::test]
async fn permissions_are_per_cluster_and_a_refusal_names_cluster_and_permission() {
    let idp = Idp::start().await;
    let api = two_cluster_api(&idp, vec![]).await;
    let oscar = idp.token("oscar", OPERATORS);
    let alice = idp.token("alice", ADMINS);
    let (topic_a, topic_b) = (unique("clusters.purge-a"), unique("clusters.purge-b"));
    for (cluster, topic) in [("a", &topic_a), ("b", &topic_b)] {
        let (status, body) = api
            .call(
                "POST",
                &format!("/clusters/{cluster}/topics"),
                &alice,
                Some(json!({"name": topic, "partitions": 1, "replication_factor": 1})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let purge = json!({});

    let (status, body) = api
        .call(
            "POST",
            &format!("/clusters/a/topics/{topic_a}/purge"),
            &oscar,
            Some(purge.clone()),
        )
        .await;
    assert_eq!(status, 200, "oscar operates a: {body}");

    let (status, body) = api
        .call(
            "POST",
            &format!("/clusters/b/topics/{topic_b}/purge"),
            &oscar,
            Some(purge),
        )
        .await;
    assert_eq!(status, 403, "oscar only reads b: {body}");
    let error = &body["error"];
    assert_eq!(error["code"], "forbidden");
    assert_eq!(error["cluster"], "b");
    assert_eq!(error["permission"], "topics:purge");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("topics:purge") && message.contains("cluster b"),
        "{message}"
    );
    // Reading b is allowed.
    let (status, _) = api
        .call("GET", &format!("/clusters/b/topics/{topic_b}"), &oscar, None)
        .await;
    assert_eq!(status, 200);

    // /me says the same, per cluster.
    let (_, me) = api.call("GET", "/me", &oscar, None).await;
    let on = |cluster: &str| -> Vec<String> {
        let access = me["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster"] == cluster);
        serde_json::from_value(access.unwrap()["permissions"].clone()).unwrap()
    };
    assert!(on("a").contains(&"topics:purge".to_owned()), "{me}");
    assert!(!on("b").contains(&"topics:purge".to_owned()), "{me}");
    assert!(on("b").contains(&"messages:read".to_owned()), "{me}");
    assert_eq!(me["clusters"][1]["environment"], "prod");
}

#[tokio::test]
async fn a_cluster_id_is_checked_before_anything_else() {
    let idp = Idp::start().await;
    let api = two_cluster_api(&idp, vec![]).await;
    let alice = idp.token("alice", ADMINS);

    let (status, body) = api.call("GET", "/clusters/Not_An_Id/topics", &alice, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_cluster_id")),
        "{body}"
    );
    assert_eq!(body["error"]["field"], "cluster");
    let (status, body) = api.call("GET", "/clusters/nowhere/topics", &alice, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("cluster_not_found")),
        "{body}"
    );
    // A bad topic name on a good cluster is still the topic's 400.
    let (status, body) = api
        .call("GET", "/clusters/a/topics/bad%20name", &alice, None)
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("topic")),
        "{body}"
    );
}

#[tokio::test]
async fn a_cluster_that_hangs_costs_only_its_own_requests() {
    let idp = Idp::start().await;
    let (_silent, address) = silent_broker();
    let mut down = cluster("c", "staging", &address);
    down.kafka.request_timeout = Duration::from_secs(2);
    let api = two_cluster_api(&idp, vec![down]).await;
    let alice = idp.token("alice", ADMINS);

    // The overview: everyone asked at once, the hanging one within its timeout.
    let started = Instant::now();
    let (status, list) = api.call("GET", "/clusters", &alice, None).await;
    let took = started.elapsed();
    assert_eq!(status, 200, "{list}");
    println!("GET /clusters with one hanging cluster (2 s timeout): {took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    let health = |id: &str| -> Value {
        list["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["health"]
            .clone()
    };
    assert_eq!(health("a")["status"], "reachable", "{list}");
    assert_eq!(health("b")["status"], "reachable", "{list}");
    assert!(health("a")["totals"]["topics"].as_u64().is_some(), "{list}");
    assert!(
        health("b")["totals"]["total_lag"].as_u64().is_some(),
        "alice reads every group: {list}"
    );
    assert_eq!(health("c")["status"], "unreachable", "{list}");
    assert!(health("c")["reason"].as_str().unwrap().contains("2"), "{list}");
    assert_eq!(list["default_cluster"], "a");

    // Its own requests are a 503 naming it; the others answer meanwhile.
    let hanging = {
        let (http, url, token) = (
            api.http.clone(),
            format!("{}/clusters/c/topics", api.base),
            alice.clone(),
        );
        tokio::spawn(async move {
            let response = http.get(url).bearer_auth(token).send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        })
    };
    let started = Instant::now();
    let (status, _) = api
        .call("GET", "/clusters/a/topics?per_page=5", &alice, None)
        .await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "a waited for c: {:?}",
        started.elapsed()
    );
    let (status, body) = hanging.await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["cluster"], "c");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Cluster c:"),
        "{body}"
    );
}
