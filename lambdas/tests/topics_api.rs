//! `GET /api/v1/topics` end to end: real HTTP, real JWT checks, real broker.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{Api, Idp, Key, create_topic, sign, unique};

#[tokio::test]
async fn without_a_token_the_answer_is_401_with_the_error_envelope() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;

    let (status, body, headers) = api.get("/clusters/a/topics", None).await;

    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert!(body["error"]["message"].as_str().unwrap().contains("Bearer"));
    assert_eq!(headers["www-authenticate"], "Bearer");
    // The request id is in the body and the header, and they agree.
    let request_id = body["error"]["request_id"]
        .as_str()
        .expect("request id in the envelope");
    assert_eq!(headers["x-request-id"], request_id);
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let claims = idp.claims("mallory", &["kafka-admins"]);

    let (status, body, _) = api
        .get("/clusters/a/topics", Some(&sign(&claims, Key::Foreign)))
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        body["error"]["message"],
        "The access token's signature is not valid."
    );

    let (status, body, _) = api
        .get("/clusters/a/topics", Some(&sign(&claims, Key::ForeignUnknownKid)))
        .await;
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not publish")
    );
}

#[tokio::test]
async fn expired_foreign_audience_and_foreign_issuer_tokens_are_refused() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let mut expired = idp.claims("alice", &[]);
    expired["exp"] = (support::now() - 120).into();
    let mut audience = idp.claims("alice", &[]);
    audience["aud"] = "some-other-api".into();
    let mut issuer = idp.claims("alice", &[]);
    issuer["iss"] = "https://evil.example".into();
    let mut not_yet = idp.claims("alice", &[]);
    not_yet["nbf"] = (support::now() + 600).into();

    for (claims, expected) in [
        (expired, "The access token has expired."),
        (audience, "The access token is not meant for this API."),
        (
            issuer,
            "The access token was issued by an issuer this API does not trust.",
        ),
        (not_yet, "The access token is not valid yet."),
    ] {
        let (status, body, _) = api
            .get("/clusters/a/topics", Some(&sign(&claims, Key::Rsa)))
            .await;
        assert_eq!(status, 401, "{expected}");
        assert_eq!(body["error"]["message"], expected);
    }
    let (status, _, _) = api.get("/clusters/a/topics", Some("not-a-jwt")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_valid_token_lists_the_topics_another_client_created() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let tag = unique("it");
    let (orders, audit) = (format!("{tag}.orders"), format!("{tag}.audit"));
    create_topic(&orders, 3).await;
    create_topic(&audit, 1).await;

    for key in [Key::Rsa, Key::Ec] {
        let token = sign(&idp.claims("alice", &["kafka-admins"]), key);
        let (status, body, _) = api
            .get(&format!("/clusters/a/topics?q={tag}"), Some(&token))
            .await;

        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"], 2);
        let topics = body["topics"].as_array().unwrap();
        let find = |name: &str| topics.iter().find(|t| t["name"] == name).cloned();
        let orders = find(&orders).expect("the new topic is listed");
        assert_eq!(orders["partitions"], 3);
        assert_eq!(orders["replication_factor"], 1);
        assert_eq!(orders["internal"], false);
        assert_eq!(find(&audit).expect("listed")["partitions"], 1);
        let names: Vec<&str> = topics.iter().map(|t| t["name"].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "topics come sorted by name");
    }
}

#[tokio::test]
async fn a_broker_that_does_not_answer_gives_503_within_five_seconds() {
    let idp = Idp::start().await;
    // Nothing listens on port 1.
    let api = Api::start_with(&idp.issuer, "127.0.0.1:1").await;
    let started = Instant::now();

    let (status, body, _) = api
        .get("/clusters/a/topics", Some(&idp.token("alice", &["kafka-admins"])))
        .await;

    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "kafka_unavailable");
    assert!(
        started.elapsed().as_secs_f32() < 5.0,
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_unreachable_identity_provider_gives_503_not_401() {
    let api = Api::start("http://127.0.0.1:1").await;
    let idp = Idp::start().await;
    let mut claims = idp.claims("alice", &[]);
    claims["iss"] = "http://127.0.0.1:1".into();

    let (status, body, _) = api
        .get("/clusters/a/topics", Some(&sign(&claims, Key::Rsa)))
        .await;

    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "identity_provider_unavailable");
}

#[tokio::test]
async fn health_needs_no_token_and_unknown_routes_get_a_404_envelope() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;

    let (status, body, _) = api.get("/health", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    let (status, body, _) = api.get("/no-such-thing", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

/// The list reuses the cluster's metadata for `TOPIC_LIST_MAX_AGE_MS`; what
/// another client creates shows once that has passed.
#[tokio::test]
async fn a_topic_created_elsewhere_is_listed_within_the_max_age() {
    let idp = Idp::start().await;
    let mut config = support::config(&idp.issuer, &support::bootstrap_servers());
    config.clusters.clusters[0].kafka.topic_list_max_age = Duration::from_secs(1);
    let api = Api::serve(config).await;
    let alice = idp.token("alice", &["kafka-admins"]);
    let name = unique("it.elsewhere");

    let (status, body, _) = api
        .get(&format!("/clusters/a/topics?q={name}"), Some(&alice))
        .await;
    assert_eq!((status, body["total"].as_u64()), (200, Some(0)), "{body}");
    create_topic(&name, 1).await;
    let created = Instant::now();
    loop {
        let (_, body, _) = api
            .get(&format!("/clusters/a/topics?q={name}"), Some(&alice))
            .await;
        if body["total"] == 1 {
            break;
        }
        assert!(
            created.elapsed() < Duration::from_millis(2500),
            "not listed {:?} after it was created",
            created.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a person creates or deletes through the API shows in the list at
/// once, however long the list may otherwise reuse its metadata.
#[tokio::test]
async fn creating_and_deleting_through_the_api_shows_in_the_list_at_once() {
    let idp = Idp::start().await;
    let mut config = support::config(&idp.issuer, &support::bootstrap_servers());
    config.clusters.clusters[0].kafka.topic_list_max_age = Duration::from_secs(600);
    let api = Api::serve(config).await;
    let alice = idp.token("alice", &["kafka-admins"]);
    let name = unique("it.at-once");
    let search = format!("/clusters/a/topics?q={name}");

    let (_, body, _) = api.get(&search, Some(&alice)).await;
    assert_eq!(body["total"], 0, "{body}");
    let (status, body) = api
        .call(
            "POST",
            "/clusters/a/topics",
            &alice,
            Some(json!({"name": name, "partitions": 2, "replication_factor": 1})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, body, _) = api.get(&search, Some(&alice)).await;
    assert_eq!(body["total"], 1, "listed right after it was created: {body}");
    assert_eq!(body["topics"][0]["partitions"], 2);

    let (status, _) = api
        .call("DELETE", &format!("/clusters/a/topics/{name}"), &alice, None)
        .await;
    assert_eq!(status, 204);
    // Kafka deletes in the background: allow it a moment, far less than the max age.
    let deleted = Instant::now();
    loop {
        let (_, body, _) = api.get(&search, Some(&alice)).await;
        if body["total"] == 0 {
            break;
        }
        assert!(deleted.elapsed() < Duration::from_secs(5), "still listed: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
