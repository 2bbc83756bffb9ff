//! Access-token refresh: single-flight per session, rotation, and what happens
//! when the IdP refuses.

mod support;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use support::{BASE, Options, Stack, bearer};

/// Access tokens live 4 s and are refreshed when less than 2 s are left.
fn short_tokens() -> Options {
    Options {
        access_token_ttl: 4,
        refresh_skew_secs: 2,
        ..Options::default()
    }
}

#[tokio::test]
async fn ten_parallel_calls_at_expiry_cause_exactly_one_refresh() {
    let stack = Stack::start_with(short_tokens()).await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    assert_eq!(stack.idp.refresh_grants(), 0);
    let first_token = stack.idp.issued()[0]["access_token"].as_str().unwrap().to_owned();

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let calls = (0..10).map(|_| {
        let mut tab = browser.tab();
        tokio::spawn(async move { tab.api(Method::GET, "/topics").await.status() })
    });
    let statuses = futures_util::future::join_all(calls).await;

    assert!(
        statuses.iter().all(|s| *s.as_ref().unwrap() == StatusCode::OK),
        "{statuses:?}"
    );
    let grants: Vec<_> = stack
        .idp
        .issued()
        .iter()
        .map(|t| t["grant_type"].clone())
        .collect();
    assert_eq!(
        stack.idp.refresh_grants(),
        1,
        "exactly one refresh grant at the IdP: {grants:?}"
    );
    let refreshed = stack.idp.issued()[1]["access_token"].as_str().unwrap().to_owned();
    let seen = stack.upstream.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 10);
    for (_, headers) in &seen {
        let token = bearer(headers).unwrap();
        assert_eq!(token, refreshed, "every call went out with the refreshed token");
        assert_ne!(token, first_token);
    }
}

#[tokio::test]
async fn the_rotated_refresh_token_is_kept_for_the_next_refresh() {
    let stack = Stack::start_with(short_tokens()).await;
    let mut browser = stack.browser();
    browser.sign_in("oscar", BASE).await;

    for round in 1..=2 {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(
            browser.api(Method::GET, "/topics").await.status(),
            StatusCode::OK,
            "round {round}"
        );
        assert_eq!(stack.idp.refresh_grants(), round);
    }
    // Had the BFF replayed the first refresh token, the IdP would have revoked the grant.
    let issued = stack.idp.issued();
    assert_ne!(issued[1]["refresh_token"], issued[0]["refresh_token"]);
}

#[tokio::test]
async fn an_api_401_triggers_one_refresh_and_one_retry() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    let first = stack.idp.issued()[0]["access_token"].as_str().unwrap().to_owned();
    stack.upstream.refuse_tokens.lock().unwrap().push(first.clone());

    let response = browser.api(Method::GET, "/topics").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(stack.idp.refresh_grants(), 1);
    let seen = stack.upstream.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "the call and its one retry");
    assert_eq!(bearer(&seen[0].1).unwrap(), first);
    assert_ne!(bearer(&seen[1].1).unwrap(), first);
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_the_session_with_401() {
    let stack = Stack::start_with(short_tokens()).await;
    let mut browser = stack.browser();
    browser.sign_in("victor", BASE).await;
    let refresh_token = stack.idp.issued()[0]["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    stack.idp.revoke(&refresh_token).await;

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let response = browser.api(Method::GET, "/topics").await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(
        browser.get("/auth/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the session is gone"
    );
    assert_eq!(stack.upstream.calls(), 0);
}
