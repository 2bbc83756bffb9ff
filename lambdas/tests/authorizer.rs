//! The API Gateway Lambda authorizer: TOKEN and REQUEST events (the shapes in
//! `fixtures/authorizer-*.json` follow API Gateway's documented input, with
//! `{{TOKEN}}` replaced by a freshly signed access token), decided with the
//! same JWT verification and policy as the API. No broker is needed.

mod support;

use std::time::Duration;

use configurator_lambdas::{
    auth::JwtVerifier,
    authorizer::{AuthorizerError, decide},
    policy::Policy,
};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayCustomAuthorizerRequest, ApiGatewayCustomAuthorizerRequestTypeRequest,
    ApiGatewayCustomAuthorizerResponse,
};
use serde_json::{Value, json};
use support::{Idp, Key, now, sign};

const ARN_BASE: &str = "arn:aws:execute-api:eu-west-1:123456789012:k3x9q2abcd/prod";

fn fixture(name: &str, token: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap().replace("{{TOKEN}}", token);
    serde_json::from_str(&text).unwrap()
}

fn method_arn(method: &str, path: &str) -> String {
    format!("{ARN_BASE}/{method}{path}")
}

/// The TOKEN fixture for `method path` (path with the `/api/v1` prefix).
fn token_event(token: &str, method: &str, path: &str) -> Value {
    let mut event = fixture("authorizer-token.json", token);
    event["methodArn"] = json!(method_arn(method, path));
    event
}

/// The REQUEST fixture for `method path`, as API Gateway sends it for a
/// `{proxy+}` resource (no topic/group path parameters of its own).
fn request_event(token: &str, method: &str, path: &str) -> Value {
    let mut event = fixture("authorizer-request.json", token);
    event["methodArn"] = json!(method_arn(method, path));
    event["httpMethod"] = json!(method);
    event["path"] = json!(path);
    event["resource"] = json!("/api/v1/{proxy+}");
    event["pathParameters"] = json!({"proxy": path.trim_start_matches("/api/v1/")});
    event["requestContext"]["httpMethod"] = json!(method);
    event["requestContext"]["path"] = json!(format!("/prod{path}"));
    event["requestContext"]["resourcePath"] = json!("/api/v1/{proxy+}");
    event
}

async fn setup() -> (Idp, JwtVerifier, Policy) {
    let idp = Idp::start().await;
    let verifier = JwtVerifier::new(support::config(&idp.issuer, "unused:9092").oidc);
    (idp, verifier, Policy::load(None).unwrap())
}

/// The effect of a policy response, after checking what every response must
/// be: the shape aws_lambda_events models, one statement for exactly the
/// request's methodArn, and a context of scalars only.
fn effect(response: &Value, event: &Value) -> String {
    serde_json::from_value::<ApiGatewayCustomAuthorizerResponse>(response.clone())
        .unwrap_or_else(|e| panic!("not an authorizer response ({e}): {response:#}"));
    let statements = response["policyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{response:#}");
    let statement = &statements[0];
    assert_eq!(response["policyDocument"]["Version"], "2012-10-17");
    assert_eq!(statement["Action"], "execute-api:Invoke");
    assert_eq!(
        statement["Resource"], event["methodArn"],
        "the policy names exactly the request"
    );
    let context = response["context"].as_object().unwrap();
    for (key, value) in context {
        assert!(
            value.is_string() || value.is_number() || value.is_boolean(),
            "context.{key} is not a scalar: {value}"
        );
    }
    statement["Effect"].as_str().unwrap().to_owned()
}

async fn effect_of(event: Value, verifier: &JwtVerifier, policy: &Policy) -> String {
    let response = decide(&event, verifier, policy)
        .await
        .unwrap_or_else(|e| panic!("no policy for {event}: {e}"));
    effect(&response, &event)
}

#[test]
fn the_fixtures_have_the_shapes_aws_lambda_events_models() {
    let token =
        serde_json::from_value::<ApiGatewayCustomAuthorizerRequest>(fixture("authorizer-token.json", "t"))
            .unwrap();
    assert_eq!(token.type_.as_deref(), Some("TOKEN"));
    assert_eq!(token.authorization_token.as_deref(), Some("Bearer t"));
    let request = serde_json::from_value::<ApiGatewayCustomAuthorizerRequestTypeRequest>(fixture(
        "authorizer-request.json",
        "t",
    ))
    .unwrap();
    assert_eq!(request.type_.as_deref(), Some("REQUEST"));
    assert_eq!(request.headers["authorization"], "Bearer t");
    assert_eq!(request.path_parameters["topic"], "orders");
}

#[tokio::test]
async fn an_admin_may_create_a_topic_and_the_context_says_who() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("alice", &["kafka-admins", "staff"]);

    let event = fixture("authorizer-token.json", &token);
    let response = decide(&event, &verifier, &policy).await.unwrap();

    assert_eq!(effect(&response, &event), "Allow");
    assert_eq!(
        response["policyDocument"]["Statement"][0]["Resource"],
        "arn:aws:execute-api:eu-west-1:123456789012:k3x9q2abcd/prod/POST/api/v1/clusters/a/topics"
    );
    assert_eq!(response["principalId"], "alice");
    assert_eq!(
        response["context"],
        json!({"sub": "alice", "name": "alice", "roles": "admin", "groups": "kafka-admins,staff"})
    );
    // The same through a REQUEST event.
    let event = request_event(&token, "POST", "/api/v1/clusters/a/topics");
    assert_eq!(effect_of(event, &verifier, &policy).await, "Allow");
}

#[tokio::test]
async fn a_viewer_may_read_a_topic_but_not_create_one() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("victor", &["kafka-viewers"]);

    // The REQUEST fixture as is: GET /api/v1/clusters/a/topics/orders, `{topic}` resource.
    let event = fixture("authorizer-request.json", &token);
    assert_eq!(effect_of(event, &verifier, &policy).await, "Allow");
    let event = token_event(&token, "GET", "/api/v1/clusters/a/topics/orders");
    assert_eq!(effect_of(event, &verifier, &policy).await, "Allow");

    for event in [
        fixture("authorizer-token.json", &token),
        request_event(&token, "POST", "/api/v1/clusters/a/topics"),
        request_event(&token, "GET", "/api/v1/clusters/a/topics/orders/messages"),
        request_event(&token, "DELETE", "/api/v1/clusters/a/topics/orders"),
    ] {
        let response = decide(&event, &verifier, &policy).await.unwrap();
        assert_eq!(effect(&response, &event), "Deny", "{event}");
        assert_eq!(response["context"]["roles"], "viewer");
    }
}

#[tokio::test]
async fn an_operator_may_reset_a_groups_offsets_but_not_delete_topics() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("olga", &["kafka-operators"]);
    let reset = "/api/v1/clusters/a/consumer-groups/billing-service/reset-offsets";

    assert_eq!(
        effect_of(request_event(&token, "POST", reset), &verifier, &policy).await,
        "Allow"
    );
    assert_eq!(
        effect_of(token_event(&token, "POST", reset), &verifier, &policy).await,
        "Allow"
    );
    assert_eq!(
        effect_of(
            request_event(&token, "DELETE", "/api/v1/clusters/a/topics/orders"),
            &verifier,
            &policy
        )
        .await,
        "Deny"
    );
}

#[tokio::test]
async fn the_resource_in_the_path_is_what_the_policy_is_checked_against() {
    let (idp, verifier, _) = setup().await;
    let policy = Policy::parse(
        r#"
        [groups]
        payments-team = ["payments"]
        [[roles.payments]]
        actions = ["topics:read", "messages:produce", "groups:reset"]
        topics = "payments\\..*"
        groups = "payments-.*"
        "#,
    )
    .unwrap();
    let token = idp.token("pat", &["payments-team"]);

    for (method, path, expected) in [
        (
            "POST",
            "/api/v1/clusters/a/topics/payments.refunds/messages",
            "Allow",
        ),
        ("POST", "/api/v1/clusters/a/topics/orders/messages", "Deny"),
        ("GET", "/api/v1/clusters/a/topics/payments.refunds", "Allow"),
        ("GET", "/api/v1/clusters/a/topics/x.payments.refunds", "Deny"),
        // A list is allowed when the action is granted somewhere.
        ("GET", "/api/v1/clusters/a/topics", "Allow"),
        (
            "POST",
            "/api/v1/clusters/a/consumer-groups/payments-ledger/reset-offsets",
            "Allow",
        ),
        (
            "POST",
            "/api/v1/clusters/a/consumer-groups/orders-ledger/reset-offsets",
            "Deny",
        ),
        // Percent-encoded names are decoded once, as the API's router does.
        (
            "POST",
            "/api/v1/clusters/a/consumer-groups/payments-a%20b/reset-offsets",
            "Allow",
        ),
        (
            "POST",
            "/api/v1/clusters/a/consumer-groups/orders%2Dledger/reset-offsets",
            "Deny",
        ),
        // `me` needs only a valid token.
        ("GET", "/api/v1/me", "Allow"),
    ] {
        for event in [
            token_event(&token, method, path),
            request_event(&token, method, path),
        ] {
            assert_eq!(
                effect_of(event, &verifier, &policy).await,
                expected,
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_request_with_path_parameters_that_disagree_with_the_path_is_denied() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("victor", &["kafka-viewers"]);
    let mut event = fixture("authorizer-request.json", &token);
    event["pathParameters"]["topic"] = json!("something-else");

    assert_eq!(effect_of(event, &verifier, &policy).await, "Deny");
}

#[tokio::test]
async fn a_path_with_the_stage_in_front_is_understood() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("victor", &["kafka-viewers"]);
    let mut event = fixture("authorizer-request.json", &token);
    event["path"] = json!("/prod/api/v1/clusters/a/topics/orders");

    assert_eq!(effect_of(event, &verifier, &policy).await, "Allow");
}

#[tokio::test]
async fn a_route_the_api_does_not_have_is_denied_even_to_an_admin() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("alice", &["kafka-admins"]);

    for (method, path) in [
        ("GET", "/api/v1/nope"),
        ("DELETE", "/api/v1/clusters/a/topics"),
        ("GET", "/api/v1/clusters/a/topics/"),
        ("HEAD", "/api/v1/clusters/a/topics"),
        ("GET", "/api/v2/topics"),
        ("GET", "/"),
    ] {
        for event in [
            token_event(&token, method, path),
            request_event(&token, method, path),
        ] {
            assert_eq!(
                effect_of(event, &verifier, &policy).await,
                "Deny",
                "{method} {path}"
            );
        }
    }
    // A wildcard methodArn (as in API Gateway's test console) names no route either.
    let event = json!({
        "type": "TOKEN",
        "authorizationToken": format!("Bearer {token}"),
        "methodArn": format!("{ARN_BASE}/*/*"),
    });
    assert_eq!(effect_of(event, &verifier, &policy).await, "Deny");
}

async fn refusal(event: Value, verifier: &JwtVerifier, policy: &Policy) -> AuthorizerError {
    decide(&event, verifier, policy)
        .await
        .expect_err("no policy for a bad token")
}

#[tokio::test]
async fn a_missing_or_bad_token_is_unauthorized() {
    let (idp, verifier, policy) = setup().await;
    let mut expired = idp.claims("alice", &["kafka-admins"]);
    expired["iat"] = json!(now() - 3600);
    expired["nbf"] = json!(now() - 3600);
    expired["exp"] = json!(now() - 600);
    let mut other_audience = idp.claims("alice", &["kafka-admins"]);
    other_audience["aud"] = json!("someone-else");
    let bad_tokens = [
        sign(&idp.claims("alice", &["kafka-admins"]), Key::Foreign),
        sign(&idp.claims("alice", &["kafka-admins"]), Key::ForeignUnknownKid),
        sign(&expired, Key::Rsa),
        sign(&other_audience, Key::Rsa),
        "not-a-jwt".to_owned(),
    ];

    let mut events = Vec::new();
    for token in &bad_tokens {
        events.push(fixture("authorizer-token.json", token));
        events.push(fixture("authorizer-request.json", token));
    }
    let good = idp.token("alice", &["kafka-admins"]);
    // No Authorization header at all.
    let mut no_header = fixture("authorizer-request.json", &good);
    no_header["headers"]
        .as_object_mut()
        .unwrap()
        .remove("Authorization");
    no_header["multiValueHeaders"]
        .as_object_mut()
        .unwrap()
        .remove("Authorization");
    events.push(no_header);
    let mut null_headers = fixture("authorizer-request.json", &good);
    null_headers["headers"] = Value::Null;
    null_headers["multiValueHeaders"] = Value::Null;
    events.push(null_headers);
    // Not a bearer token, or an empty one.
    for value in [
        good.clone(),
        format!("Basic {good}"),
        "Bearer ".to_owned(),
        String::new(),
    ] {
        let mut event = fixture("authorizer-token.json", "");
        event["authorizationToken"] = json!(value);
        events.push(event);
    }
    // Two different Authorization headers.
    let mut two = fixture("authorizer-request.json", &good);
    two["multiValueHeaders"]["Authorization"] =
        json!([format!("Bearer {good}"), format!("Bearer {}", bad_tokens[0])]);
    events.push(two);

    for event in events {
        let error = refusal(event.clone(), &verifier, &policy).await;
        assert!(
            matches!(error, AuthorizerError::Unauthorized),
            "{event}: {error:?}"
        );
        assert_eq!(error.to_string(), "Unauthorized");
    }
}

#[tokio::test]
async fn an_unreachable_identity_provider_is_an_error_not_a_401_or_a_deny() {
    // Nothing listens there; the token is well-formed, so keys are needed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let verifier = JwtVerifier::new(support::config(&issuer, "unused:9092").oidc);
    let policy = Policy::load(None).unwrap();
    let idp = Idp {
        issuer: issuer.clone(),
    };
    let event = fixture("authorizer-token.json", &idp.token("alice", &["kafka-admins"]));

    let error = refusal(event, &verifier, &policy).await;

    assert!(
        matches!(error, AuthorizerError::IdentityProviderUnavailable(_)),
        "{error:?}"
    );
    assert_ne!(error.to_string(), "Unauthorized");
}

#[tokio::test]
async fn an_event_that_is_not_for_an_authorizer_is_an_error() {
    let (idp, verifier, policy) = setup().await;
    let token = idp.token("alice", &["kafka-admins"]);
    let mut no_arn = fixture("authorizer-token.json", &token);
    no_arn.as_object_mut().unwrap().remove("methodArn");
    let mut other_type = fixture("authorizer-token.json", &token);
    other_type["type"] = json!("JWT");

    for event in [
        no_arn,
        other_type,
        json!({"httpMethod": "GET", "path": "/api/v1/me"}),
    ] {
        let error = refusal(event.clone(), &verifier, &policy).await;
        assert!(
            matches!(error, AuthorizerError::InvalidEvent(_)),
            "{event}: {error:?}"
        );
    }
}

/// The real binary under a stand-in for the Lambda Runtime API: one
/// invocation answered with a policy, one with the error API Gateway turns
/// into a 401.
#[tokio::test]
async fn the_binary_answers_through_the_lambda_runtime_api() {
    use std::sync::{Arc, Mutex};

    use axum::{
        Router,
        extract::{Path, State},
        http::HeaderMap,
        routing::{get, post},
    };
    use tokio::sync::mpsc;

    let idp = Idp::start().await;
    let token = idp.token("olga", &["kafka-operators"]);
    let allowed = request_event(
        &token,
        "POST",
        "/api/v1/clusters/a/consumer-groups/billing/reset-offsets",
    );
    let unauthorized = fixture("authorizer-token.json", "not-a-jwt");

    type Shared = (
        Arc<Mutex<Vec<Value>>>,
        mpsc::UnboundedSender<(String, String, Value)>,
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let queue = Arc::new(Mutex::new(vec![unauthorized, allowed.clone()]));
    let next = |State((queue, _)): State<Shared>| async move {
        let popped = {
            let mut queue = queue.lock().unwrap();
            queue.pop().map(|event| (event, format!("req-{}", queue.len())))
        };
        let Some((event, id)) = popped else {
            // No more work: the runtime waits here until the test kills it.
            return std::future::pending().await;
        };
        let mut headers = HeaderMap::new();
        headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
        headers.insert(
            "lambda-runtime-deadline-ms",
            ((now() + 30) * 1000).to_string().parse().unwrap(),
        );
        headers.insert(
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:eu-west-1:123456789012:function:configurator-authorizer"
                .parse()
                .unwrap(),
        );
        (headers, axum::Json(event))
    };
    let answer = |kind: &'static str| {
        move |State((_, tx)): State<Shared>, Path(id): Path<String>, body: axum::body::Bytes| async move {
            let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
            tx.send((kind.to_owned(), id, body)).unwrap();
            axum::http::StatusCode::ACCEPTED
        }
    };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(answer("response")),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(answer("error")))
        .with_state((queue, tx));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let runtime_api = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_configurator-authorizer"))
        .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", "configurator-authorizer")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("OIDC_ISSUER", &idp.issuer)
        .env("OIDC_AUDIENCE", support::AUDIENCE)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the authorizer binary starts");

    let mut answers = Vec::new();
    while answers.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(answer)) => answers.push(answer),
            _ => break,
        }
    }
    child.kill().ok();
    child.wait().ok();

    assert_eq!(answers.len(), 2, "{answers:?}");
    let (kind, id, response) = &answers[0];
    assert_eq!((kind.as_str(), id.as_str()), ("response", "req-1"));
    assert_eq!(effect(response, &allowed), "Allow");
    let (kind, id, error) = &answers[1];
    assert_eq!((kind.as_str(), id.as_str()), ("error", "req-0"));
    assert_eq!(error["errorMessage"], "Unauthorized", "{error}");
}
