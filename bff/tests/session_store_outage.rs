//! Redis going away and coming back: API calls and `/auth/me` answer 503
//! `session_store_unavailable` in the error envelope within 5 s (not a bare
//! 500, not a hang), and the same session works again once Redis is back,
//! without restarting the BFF.
//!
//! The test runs a redis-server of its own (not the shared one of
//! scripts/test.sh) so it can stop it. It is stopped with SIGTERM, which makes
//! Redis write its data to disk first, as a managed Redis keeps it across a
//! failover; the restarted server loads it, so the session survives.

mod support;

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode};
use support::{BASE, Browser, Options, Running, Stack, free_port};

fn redis_server(port: u16, dir: &Path) -> Running {
    // Killed and reaped by `Running`'s drop, or waited for by `stop`.
    let child = Running(
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "3600 1", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/setup.sh installs it)"),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server did not listen on {port} within 5 s");
}

/// SIGTERM and wait: Redis saves its data and exits.
fn stop(mut redis: Running) {
    let pid = redis.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    redis.0.wait().unwrap();
}

async fn assert_store_unavailable(
    browser: &mut Browser,
    what: &str,
    response_of: impl AsyncFnOnce(&mut Browser) -> reqwest::Response,
) {
    let started = Instant::now();
    let response = response_of(browser).await;
    let took = started.elapsed();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{what}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["code"], "session_store_unavailable",
        "{what}: {body}"
    );
    assert!(took < Duration::from_secs(5), "{what} took {took:?}");
    println!("{what}: 503 session_store_unavailable in {took:?}");
}

#[tokio::test]
async fn a_redis_outage_answers_503_in_bounded_time_and_heals_by_itself() {
    let dir = std::env::temp_dir().join(format!("configurator-bff-redis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let redis = redis_server(port, &dir);
    let stack = Stack::start_with(Options {
        session_store: format!("redis://127.0.0.1:{port}"),
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    assert_eq!(browser.api(Method::GET, "/topics").await.status(), StatusCode::OK);

    stop(redis);

    for _ in 0..2 {
        assert_store_unavailable(&mut browser, "an API call", async |b| {
            b.api(Method::GET, "/topics").await
        })
        .await;
        assert_store_unavailable(&mut browser, "/auth/me", async |b| b.get("/auth/me").await).await;
    }
    let login = Browser::new(&stack.origin).get("/auth/login").await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(login.text().await.unwrap().contains("session store"));
    // The console's files do not depend on the store.
    assert_eq!(
        browser.get(&format!("{BASE}/topics")).await.status(),
        StatusCode::OK
    );

    let _redis = redis_server(port, &dir);
    let back = Instant::now();
    let status = loop {
        let status = browser.api(Method::GET, "/topics").await.status();
        if status == StatusCode::OK || back.elapsed() > Duration::from_secs(15) {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, StatusCode::OK, "the same session works again");
    println!("recovered {:?} after Redis came back", back.elapsed());
    let me: serde_json::Value = browser.get("/auth/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Alice Admin");
    // And new people can sign in.
    let mut other = stack.browser();
    other.sign_in("oscar", BASE).await;
    assert_eq!(other.get("/auth/me").await.status(), StatusCode::OK);
    let _ = std::fs::remove_dir_all(&dir);
}
