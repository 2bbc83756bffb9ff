//! The direct-Lambda upstream for real: the BFF binary invokes the Lambdas
//! binary through `cargo lambda watch` (the Lambda Invoke API emulator), with
//! the API Gateway v1 event Kong's aws-lambda plugin would send, and the
//! Lambda talks to the real broker.

mod support;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use reqwest::{Method, StatusCode};
use support::{BASE, Browser, Idp, Running, free_port, repo_root};

#[tokio::test]
async fn api_calls_reach_the_lambdas_through_a_direct_invoke() {
    let kafka = std::env::var("CONFIGURATOR_TEST_KAFKA")
        .expect("CONFIGURATOR_TEST_KAFKA is not set: run scripts/test.sh (it starts a broker)");
    let bff_port = free_port();
    let origin = format!("http://localhost:{bff_port}");
    let idp = Idp::start(&origin, 300).await;

    let invoke_port = free_port();
    let log = std::fs::File::create(std::env::temp_dir().join("configurator-cargo-lambda.log")).unwrap();
    let _lambda = Running(
        Command::new("cargo")
            .args(["lambda", "watch", "--bin", "configurator-lambdas"])
            .args([
                "--invoke-address",
                "127.0.0.1",
                "--invoke-port",
                &invoke_port.to_string(),
            ])
            .current_dir(repo_root().join("lambdas"))
            .env("KAFKA_BOOTSTRAP_SERVERS", &kafka)
            .env("OIDC_ISSUER", &idp.issuer)
            // Inside a Lambda runtime (emulated here) the API refuses the
            // built-in development key for audit records.
            .env(
                "AUDIT_SIGNING_KEYS",
                "bff-test:a-signing-key-for-the-direct-invoke-test-0123",
            )
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("cargo lambda runs (scripts/setup.sh installs it)"),
    );
    let _bff = Running(
        Command::new(env!("CARGO_BIN_EXE_configurator-bff"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{bff_port}"))
            .env("PUBLIC_URL", &origin)
            .env("OIDC_ISSUER", &idp.issuer)
            .env("SPA_DIR", support::spa_dir())
            .env("UPSTREAM_LAMBDA_FUNCTION", "configurator-lambdas")
            .env(
                "AWS_ENDPOINT_URL_LAMBDA",
                format!("http://127.0.0.1:{invoke_port}"),
            )
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    support::wait_for_discovery(&origin).await;
    let mut browser = Browser::new(&origin);
    browser.sign_in("alice", BASE).await;

    // The first invoke may wait for cargo lambda to build and start the function
    // (scripts/test.sh builds it beforehand; a cold build takes minutes). The
    // single-cluster variables above make one cluster, `local`.
    let topics = "/clusters/local/topics";
    let mut response = browser.api(Method::GET, topics).await;
    for _ in 0..300 {
        if response.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        response = browser.api(Method::GET, topics).await;
    }
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["topics"].is_array(), "{body}");

    // The Lambda's own answers come back through the invoke: its 404 envelope,
    // carrying the Lambda's own request id (the BFF's is its client id).
    let missing = browser.api(Method::GET, "/no-such-route?verbose").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let id = missing.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let lambda_id = body["error"]["request_id"].as_str().unwrap();
    assert!(!lambda_id.is_empty() && lambda_id != id, "{body}");
    assert_ne!(id, request_id);
}
