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
        assert_eq!(me["clusters"][0]["cluster"], "a", "{me}");
        let permissions: Vec<&str> = me["clusters"][0]["permissions"]
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
async fn a_person_without_a_known_group_sees_no_cluster_at_all() {
    let idp = Idp::start().await;
    let api = Api::start(&idp.issuer).await;
    create_topic(&unique("perm.hidden"), 1).await;
    let stranger = idp.token("stranger", &["marketing"]);

    let (status, body, _) = api.get("/clusters/a/topics", Some(&stranger)).await;

    // The same answer as for a cluster that does not exist.
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "cluster_not_found");
    let (_, unknown, _) = api.get("/clusters/zz/topics", Some(&stranger)).await;
    assert_eq!(unknown["error"]["code"], body["error"]["code"]);
    assert_eq!(
        unknown["error"]["message"].as_str().unwrap().replace("zz", "a"),
        body["error"]["message"].as_str().unwrap()
    );
    let (_, me, _) = api.get("/me", Some(&stranger)).await;
    assert_eq!(me["clusters"], serde_json::json!([]));
    let (_, list, _) = api.get("/clusters", Some(&stranger)).await;
    assert_eq!(list, serde_json::json!({"clusters": [], "default_cluster": null}));
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
            .get(
                &format!("/clusters/a/topics?q={topic}"),
                Some(&idp.token("u", &[group])),
            )
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
