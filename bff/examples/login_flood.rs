//! Memory under a flood of abandoned logins (run with
//! `cargo run --release -p configurator-bff --example login_flood` after
//! `cargo build --release -p configurator-bff`): FLOOD_LOGINS (200,000)
//! anonymous `GET /auth/login`, none ever finished, against the release BFF
//! with the in-memory session store and a login timeout shortened to
//! FLOOD_LOGIN_TIMEOUT_SECS (10). Prints the BFF's RSS before, its peak, and
//! after the attempts expired and the sweep removed them.
//!
//! Everything is real and on loopback: the local IdP (the BFF discovers it
//! and redirects to it; the flood never follows the redirects) and the BFF
//! as its own process.

#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::{Duration, Instant},
};

use support::{BASE, Idp, Running, free_port, memory_kib, metric, release_binary};

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[tokio::main]
async fn main() {
    let logins = knob("FLOOD_LOGINS", 200_000);
    let concurrency = knob("FLOOD_CONCURRENCY", 32);
    let login_timeout = knob("FLOOD_LOGIN_TIMEOUT_SECS", 10);

    let port = free_port();
    let origin = format!("http://localhost:{port}");
    let idp = Idp::start(&origin, 300).await;
    let bff = Running(
        Command::new(release_binary("configurator-bff"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("PUBLIC_URL", &origin)
            .env("OIDC_ISSUER", &idp.issuer)
            .env("SPA_DIR", support::spa_dir())
            .env("SESSION_LOGIN_TIMEOUT_SECS", login_timeout.to_string())
            // The cap is not what is measured here: let every attempt in
            // (and the discovery probes' own).
            .env("SESSION_MAX_ANONYMOUS", (logins + 1000).to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the BFF starts"),
    );
    let pid = bff.0.id();
    support::wait_for_discovery(&origin).await;
    let before = memory_kib(pid, "VmRSS");

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency as usize)
        .build()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}{BASE}/auth/login?return_to={BASE}/topics");
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, next, failures) = (
                client.clone(),
                url.clone(),
                Arc::clone(&next),
                Arc::clone(&failures),
            );
            tokio::spawn(async move {
                while next.fetch_add(1, Relaxed) < logins {
                    let ok = match client.get(&url).send().await {
                        Ok(r) => r.status() == reqwest::StatusCode::FOUND,
                        Err(_) => false,
                    };
                    if !ok {
                        failures.fetch_add(1, Relaxed);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let flood = started.elapsed();
    let held = metric(&origin, "configurator_bff_memory_store_anonymous_records").await;
    let at_end = memory_kib(pid, "VmRSS");
    let peak = memory_kib(pid, "VmHWM");

    // The attempts expire `login_timeout` after the last one; the sweep runs
    // every tenth of it (at least 1 s). Bounded wait: twice that, plus 10 s.
    let deadline = Instant::now() + Duration::from_secs(2 * login_timeout + 10);
    let mut left = held;
    while left > 0.0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        left = metric(&origin, "configurator_bff_memory_store_anonymous_records").await;
    }
    let expired_after = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = memory_kib(pid, "VmRSS");

    println!("== {logins} anonymous /auth/login, {concurrency} at a time, login timeout {login_timeout} s");
    println!(
        "sent in              : {:.1} s ({:.0} req/s), {} not answered 302",
        flood.as_secs_f64(),
        logins as f64 / flood.as_secs_f64(),
        failures.load(Relaxed)
    );
    println!("sessions held at end : {held}");
    println!("RSS before           : {}", mib(before));
    println!("RSS at end of flood  : {}", mib(at_end));
    println!("RSS peak (VmHWM)     : {}", mib(peak));
    println!(
        "RSS after expiry     : {} (store emptied {:.1} s after the flood began; {left} left)",
        mib(after),
        expired_after.as_secs_f64()
    );
    let ok = failures.load(Relaxed) == 0 && left == 0.0 && after < 100 * 1024;
    println!(
        "{}",
        if ok {
            "PASS: under 100 MiB after expiry"
        } else {
            "FAIL"
        }
    );
    drop(idp);
    if !ok {
        std::process::exit(1);
    }
}
