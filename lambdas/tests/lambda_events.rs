//! The Lambda entry point with the events it meets in production: Kong's
//! aws-lambda plugin, API Gateway v2 and ALB, through lambda_http's own
//! conversion and the real router, against the real broker.

mod support;

use configurator_lambdas::lambda;
use lambda_http::Context;
use serde_json::Value;
use support::{Idp, create_topic, unique};

async fn invoke(idp: &Idp, fixture: &str) -> Value {
    let token = idp.token("alice", &["kafka-admins"]);
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("{{TOKEN}}", &token);
    let app = support::app(&idp.issuer);
    lambda::handle(app, serde_json::from_str(&text).unwrap(), Context::default())
        .await
        .unwrap()
}

fn body_json(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap()
}

/// Why `lambda::normalize` exists: lambda_http alone refuses Kong's event.
#[test]
fn lambda_http_alone_refuses_the_kong_event() {
    let path = format!(
        "{}/tests/fixtures/kong-get-topics.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(path).unwrap();
    assert!(serde_json::from_str::<lambda_http::request::LambdaRequest>(&raw).is_err());
}

#[tokio::test]
async fn a_kong_event_with_a_flag_and_a_float_epoch_is_answered() {
    let idp = Idp::start().await;
    let topic = unique("kong.orders");
    create_topic(&topic, 2).await;

    let response = invoke(&idp, "kong-get-topics.json").await;

    assert_eq!(response["statusCode"], 200, "{response}");
    let body = body_json(&response);
    assert!(
        body["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == topic.as_str())
    );
}

#[tokio::test]
async fn a_kong_event_with_a_base64_body_gets_the_envelope_with_the_functions_own_request_id() {
    let idp = Idp::start().await;

    let response = invoke(&idp, "kong-post-unknown.json").await;

    assert_eq!(response["statusCode"], 404, "{response}");
    let body = body_json(&response);
    assert_eq!(body["error"]["code"], "not_found");
    // Kong's id is the caller's (kept in the log as client_request_id); the
    // answer carries the function's own.
    let own = body["error"]["request_id"].as_str().unwrap();
    assert!(!own.is_empty() && own != "kong-req-2", "{body}");
}

#[tokio::test]
async fn api_gateway_v2_and_alb_events_are_answered_too() {
    let idp = Idp::start().await;
    for fixture in ["apigw-v2-get-topics.json", "alb-get-topics.json"] {
        let response = invoke(&idp, fixture).await;
        assert_eq!(response["statusCode"], 200, "{fixture}: {response}");
        assert!(body_json(&response)["topics"].is_array(), "{fixture}");
    }
}
