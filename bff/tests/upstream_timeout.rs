//! An API that accepts the connection and never answers: the call ends with
//! 504 `upstream_timeout` in the envelope after UPSTREAM_TIMEOUT_SECS, and
//! `/auth/me` still answers (without what the person may do on each cluster) in that time.

mod support;

use std::{
    net::TcpListener,
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode};
use support::{BASE, Options, Stack};

/// Accepts connections and holds them open, reading nothing, writing nothing.
fn black_hole() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    url
}

#[tokio::test]
async fn a_hanging_api_answers_504_within_the_configured_timeout() {
    let stack = Stack::start_with(Options {
        upstream_url: Some(black_hole()),
        upstream_timeout_secs: 1,
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    for call in [Method::GET, Method::POST] {
        let started = Instant::now();
        let response = browser.api(call.clone(), "/topics").await;
        let took = started.elapsed();
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT, "{call}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "upstream_timeout", "{call}: {body}");
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_millis(2500),
            "{call} took {took:?}"
        );
        println!("{call} /topics: 504 upstream_timeout after {took:?}");
    }

    let started = Instant::now();
    let me = browser.get("/auth/me").await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["clusters"], serde_json::json!([]));
    assert!(started.elapsed() < Duration::from_millis(2500));
}
