//! The proxy refuses API paths that would leave `/api/v1/` on the upstream
//! (dot segments, raw or percent-encoded), encoded slashes and empty
//! segments, with 400 `invalid_path`, and never forwards them.
//!
//! The requests are written on a bare TCP socket: an HTTP client library
//! would normalise `..` away before sending, and the point is what the BFF
//! does with what an attacker can put on the wire.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use support::{BASE, Stack};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends `GET {target}` exactly as written, with the session cookie and the
/// CSRF header; returns the status and the body.
async fn raw_get(origin: &str, target: &str, cookie: &str) -> (u16, String) {
    let host = origin.trim_start_matches("http://");
    let port = host.rsplit_once(':').unwrap().1;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap()))
        .await
        .unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nX-CSRF: 1\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the BFF answers")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn traversal_and_odd_segments_are_refused_and_never_forwarded() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    let cookie = format!(
        "__Host-configurator={}",
        browser.cookie("__Host-configurator").unwrap()
    );

    // The same socket client reaches the API with a plain path: the refusals
    // below are the BFF's, not the client's.
    let (status, body) = raw_get(&stack.origin, &format!("{BASE}/api/v1/topics"), &cookie).await;
    assert_eq!(status, 200, "{body}");
    let forwarded = stack.upstream.calls();

    for path in [
        "/api/v1/../../probe",
        "/api/v1/topics/../../../probe",
        "/api/v1/./topics",
        "/api/v1/%2e%2e/%2e%2e/probe",
        "/api/v1/%2E%2E/%2E%2E/probe",
        "/api/v1/.%2e/.%2E/probe",
        "/api/v1/%2e./probe",
        "/api/v1/%2e/topics",
        "/api/v1/topics%2f..%2f..%2fprobe",
        "/api/v1/topics%2F..%2F..%2Fprobe",
        "/api/v1/topics%5c..%5c..%5cprobe",
        "/api/v1//probe",
        "/api/v1/topics//demo",
        "/api/v1/topics/",
    ] {
        let (status, body) = raw_get(&stack.origin, &format!("{BASE}{path}"), &cookie).await;
        assert_eq!(status, 400, "{path}: {body}");
        let envelope: serde_json::Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body:?}"));
        assert_eq!(envelope["error"]["code"], "invalid_path", "{path}");
        assert!(
            envelope["error"]["message"].as_str().unwrap().contains("segment")
                || envelope["error"]["message"].as_str().unwrap().contains("slash"),
            "{path}: {body}"
        );
    }
    assert_eq!(
        stack.upstream.calls(),
        forwarded,
        "nothing refused reached the upstream: {:?}",
        stack
            .upstream
            .seen
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
    );

    // Refused before the session is even looked at: the same without a cookie.
    let (status, _) = raw_get(&stack.origin, &format!("{BASE}/api/v1/%2e%2e/probe"), "x=y").await;
    assert_eq!(status, StatusCode::BAD_REQUEST.as_u16());
}
