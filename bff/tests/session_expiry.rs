//! The in-memory session store forgets: sessions that only started a login
//! live as long as a login attempt (`SESSION_LOGIN_TIMEOUT_SECS`), idle ones
//! as long as the idle timeout, and a sweep removes both from memory (seen
//! through the store's gauges on `/metrics`). Past `SESSION_MAX_ANONYMOUS`,
//! new logins are turned away with a page, not a crash.

mod support;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use support::{BASE, Browser, Options, Stack, metric};

const RECORDS: &str = "configurator_bff_memory_store_records";
const ANONYMOUS: &str = "configurator_bff_memory_store_anonymous_records";

/// `n` browsers that each start a login and never come back.
async fn abandoned_logins(origin: &str, n: usize) {
    for _ in 0..n {
        let response = Browser::new(origin).get("/auth/login").await;
        assert_eq!(response.status(), StatusCode::FOUND);
    }
}

async fn wait_for(origin: &str, name: &str, value: f64, within: Duration) {
    let until = std::time::Instant::now() + within;
    loop {
        let now = metric(origin, name).await;
        if now == value {
            return;
        }
        assert!(
            std::time::Instant::now() < until,
            "{name} is {now}, not {value}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn abandoned_logins_and_idle_sessions_are_removed_from_memory() {
    let stack = Stack::start_with(Options {
        login_timeout_secs: 2,
        idle_timeout_secs: 4,
        ..Options::default()
    })
    .await;
    let origin = &stack.origin;
    // wait_for_discovery left abandoned logins of its own behind: start clean.
    wait_for(origin, RECORDS, 0.0, Duration::from_secs(5)).await;

    let mut signed_in = stack.browser();
    signed_in.sign_in("alice", BASE).await;
    // Its session and its token record.
    assert_eq!(metric(origin, RECORDS).await, 2.0);
    abandoned_logins(origin, 50).await;
    assert_eq!(metric(origin, ANONYMOUS).await, 50.0);

    // The login timeout (2 s) plus a sweep (every 1 s here) later, the
    // abandoned logins are gone; the signed-in session is not.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        signed_in.api(Method::GET, "/topics").await.status(),
        StatusCode::OK
    );
    wait_for(origin, ANONYMOUS, 0.0, Duration::from_secs(3)).await;
    assert_eq!(metric(origin, RECORDS).await, 2.0, "the signed-in session stays");
    assert_eq!(signed_in.get("/auth/me").await.status(), StatusCode::OK);

    // Left idle past its 4 s, the session goes too (its token record lives to
    // the absolute timeout, as in Redis: it is deleted at logout or refusal).
    tokio::time::sleep(Duration::from_secs(4)).await;
    wait_for(origin, RECORDS, 1.0, Duration::from_secs(3)).await;
    assert_eq!(signed_in.get("/auth/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_login_started_in_time_still_finishes() {
    let stack = Stack::start_with(Options {
        login_timeout_secs: 3,
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    let callback = browser
        .sign_in_until_callback("oscar", &format!("{BASE}/topics"))
        .await;
    let (landed, _) = browser.follow(&callback).await;
    assert_eq!(landed, format!("{}{BASE}/topics", stack.origin));
    assert_eq!(browser.get("/auth/me").await.status(), StatusCode::OK);

    // Not when the attempt outlived the login timeout.
    let mut late = stack.browser();
    let callback = late.sign_in_until_callback("oscar", BASE).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let response = late.get(&callback).await;
    support::assert_login_refused(&mut late, response, "This sign-in has expired").await;
}

#[tokio::test]
async fn past_the_cap_new_logins_are_turned_away_and_started_ones_finish() {
    let stack = Stack::start_with(Options {
        max_anonymous: 20,
        ..Options::default()
    })
    .await;
    let origin = &stack.origin;
    let mut started = stack.browser();
    let callback = started.sign_in_until_callback("victor", BASE).await;
    let already = metric(origin, ANONYMOUS).await as usize;
    abandoned_logins(origin, 20 - already).await;

    let refused = Browser::new(origin).get("/auth/login").await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Too many sign-ins are in progress")
    );
    assert_eq!(metric(origin, ANONYMOUS).await, 20.0, "nothing was stored for it");

    // A browser whose login is in flight may start another and finish it.
    assert_eq!(started.get("/auth/login").await.status(), StatusCode::FOUND);
    started.follow(&callback).await;
    assert_eq!(started.get("/auth/me").await.status(), StatusCode::OK);
}
