//! The policy at the API: what each built-in role may do, and a clear 403
//! naming the missing permission when it may not.

mod support;

use support::{Api, Idp, create_topic, unique};

#[tokio::test]
async fn me_tells_each_local_user_their_roles_and_permissions() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;

    for (group, role, has, lacks) in [
        ("kafka-admins", "admin", "topics:create", ""),
        ("kafka-operators", "operator", "groups:reset", "topics:create"),
        ("kafka-viewers", "viewer", "topics:read", "messages:read"),
    ] {
        let (status, me, _) = api.get("/me", Some(&idp.token("someone", &[group]))).await;
        assert_eq!(status, 200);
        assert_eq!(me["roles"], serde_json::json!([role]));
        assert_eq!(me["groups"], serde_json::json!([group]));
        let permissions: Vec<&str> = me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(permissions.contains(&has), "{role}: {permissions:?}");
        assert!(
            lacks.is_empty() || !permissions.contains(&lacks),
            "{role}: {permissions:?}"
        );
    }
}

#[tokio::test]
async fn a_person_without_a_known_group_is_refused_with_the_missing_permission() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    create_topic(&unique("perm.hidden"), 1).await;

    let (status, body, _) = api
        .get("/topics", Some(&idp.token("stranger", &["marketing"])))
        .await;

    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    assert!(body["error"]["message"].as_str().unwrap().contains("topics:read"));
    let (_, me, _) = api.get("/me", Some(&idp.token("stranger", &["marketing"]))).await;
    assert_eq!(me["permissions"], serde_json::json!([]));
}

#[tokio::test]
async fn every_built_in_role_may_list_topics() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    let topic = unique("perm.listed");
    create_topic(&topic, 2).await;

    for group in ["kafka-admins", "kafka-operators", "kafka-viewers"] {
        // Searched for: other tests' topics may fill the first page.
        let (status, body, _) = api
            .get(&format!("/topics?q={topic}"), Some(&idp.token("u", &[group])))
            .await;
        assert_eq!(status, 200, "{group}");
        assert!(
            body["topics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == topic.as_str()),
            "{group}"
        );
    }
}
