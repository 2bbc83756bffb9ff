//! Live tails per session: the BFF lets a session have TAILS_PER_SESSION
//! (3) tail polls in flight; a 4th answers 429 `too_many_tails` without
//! reaching the API, and a slot is free again once a poll has answered.
//! Other calls, and other people's tails, are not affected.
//!
//! The API is a local server whose tail polls wait until the test lets them
//! answer, as long polls do.

mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{Json, Router, extract::Request};
use reqwest::{Method, StatusCode};
use support::{BASE, Options, Stack, metric};
use tokio::sync::Semaphore;

const TAIL: &str = "/clusters/local/topics/orders/messages/tail";

/// Tail polls with `hold=1` wait for a permit; every call is counted.
#[derive(Clone)]
struct SlowApi {
    permits: Arc<Semaphore>,
    tails: Arc<AtomicUsize>,
}

impl Default for SlowApi {
    fn default() -> Self {
        Self {
            permits: Arc::new(Semaphore::new(0)),
            tails: Arc::default(),
        }
    }
}

impl SlowApi {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = Router::new().fallback(move |request: Request| {
            let me = me.clone();
            async move {
                let path = request.uri().path().to_owned();
                let query = request.uri().query().unwrap_or_default().to_owned();
                if path.ends_with("/messages/tail") {
                    me.tails.fetch_add(1, Ordering::SeqCst);
                    if query.contains("hold=1") {
                        me.permits.acquire().await.unwrap().forget();
                    }
                    return Json(serde_json::json!({
                        "messages": [], "cursor": "c-next", "skipped": 0, "scanned": 0
                    }));
                }
                Json(serde_json::json!({"path": path}))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    async fn wait_for_tails(&self, n: usize) {
        let until = std::time::Instant::now() + Duration::from_secs(15);
        while self.tails.load(Ordering::SeqCst) < n {
            assert!(
                std::time::Instant::now() < until,
                "the API saw {} tail polls, expected {n}",
                self.tails.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn a_session_follows_three_topics_at_most_and_gets_a_slot_back_when_a_poll_answers() {
    let api = SlowApi::default();
    let stack = Stack::start_with(Options {
        upstream_url: Some(api.start().await),
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    // Three slow polls in flight, from three tabs of the same session.
    let mut polls: Vec<_> = (0..3)
        .map(|_| {
            let mut tab = browser.tab();
            tokio::spawn(async move {
                tab.api(Method::GET, &format!("{TAIL}?cursor=c&hold=1"))
                    .await
                    .status()
            })
        })
        .collect();
    api.wait_for_tails(3).await;

    // The fourth is refused here, and never reaches the API.
    let refused = browser.api(Method::GET, &format!("{TAIL}?cursor=c")).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: configurator_api::ErrorEnvelope = refused.json().await.unwrap();
    assert_eq!(body.error.code, "too_many_tails");
    assert_eq!(
        body.error.message,
        "You are following 3 topics already; stop one to follow another."
    );
    assert!(body.error.request_id.is_some(), "{body:?}");
    assert_eq!(api.tails.load(Ordering::SeqCst), 3);

    // Other calls of the session pass meanwhile.
    let browse = browser
        .api(Method::GET, "/clusters/local/topics/orders/messages")
        .await;
    assert_eq!(browse.status(), StatusCode::OK);
    // So do another person's tails.
    let mut other = stack.browser();
    other.sign_in("oscar", BASE).await;
    let theirs = other.api(Method::GET, &format!("{TAIL}?cursor=c")).await;
    assert_eq!(theirs.status(), StatusCode::OK);

    // One poll answers: its slot is free for the next one.
    api.permits.add_permits(1);
    let until = std::time::Instant::now() + Duration::from_secs(15);
    let done = loop {
        if let Some(i) = polls.iter().position(|p| p.is_finished()) {
            break polls.remove(i);
        }
        assert!(std::time::Instant::now() < until, "no poll answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(done.await.unwrap(), StatusCode::OK);
    let next = browser.api(Method::GET, &format!("{TAIL}?cursor=c")).await;
    assert_eq!(next.status(), StatusCode::OK, "a slot came back");

    api.permits.add_permits(2);
    for poll in polls {
        assert_eq!(poll.await.unwrap(), StatusCode::OK);
    }
    // All slots back: three at once pass again.
    let again: Vec<_> = (0..3)
        .map(|_| {
            let mut tab = browser.tab();
            tokio::spawn(async move { tab.api(Method::GET, &format!("{TAIL}?cursor=c")).await.status() })
        })
        .collect();
    for poll in again {
        assert_eq!(poll.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(
        metric(&stack.origin, "configurator_bff_tails_refused_total").await,
        1.0
    );
    assert_eq!(
        metric(&stack.origin, "configurator_bff_tails_in_flight").await,
        0.0
    );
}

#[tokio::test]
async fn a_poll_the_browser_gives_up_on_gives_its_slot_back() {
    let api = SlowApi::default();
    let stack = Stack::start_with(Options {
        upstream_url: Some(api.start().await),
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    let polls: Vec<_> = (0..3)
        .map(|_| {
            let mut tab = browser.tab();
            tokio::spawn(async move { tab.api(Method::GET, &format!("{TAIL}?cursor=c&hold=1")).await })
        })
        .collect();
    api.wait_for_tails(3).await;
    // The browser closes the three connections (a tab closed, a tail stopped).
    for poll in polls {
        poll.abort();
    }
    let until = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let status = browser
            .api(Method::GET, &format!("{TAIL}?cursor=c"))
            .await
            .status();
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            std::time::Instant::now() < until,
            "the slots of abandoned polls never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // All three come back (the BFF dropped the abandoned calls).
    while metric(&stack.origin, "configurator_bff_tails_in_flight").await > 0.0 {
        assert!(
            std::time::Instant::now() < until,
            "the slots of abandoned polls never all came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
