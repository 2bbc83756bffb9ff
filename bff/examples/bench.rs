//! Benchmark of the BFF (run with `scripts/bench-bff.sh`):
//! 1. latency added by the BFF at a fixed 1,000 req/s: `GET /api/v1/health`
//!    on the Lambdas' local server directly, then through the BFF with a
//!    session (cookie → session → token → forward), p50/p99 of each;
//! 2. throughput of `/auth/me` (which also asks the API for permissions);
//! 3. memory: the BFF's RSS before and after N signed-in sessions.
//!
//! Everything runs for real on loopback: the local IdP, and the release
//! builds of the Lambdas and the BFF as separate processes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::header;
use support::{BASE, Browser, Idp, Running, free_port};
use tokio::sync::Mutex;

fn release_binary(name: &str) -> PathBuf {
    // Where cargo put the build: CARGO_TARGET_DIR (scripts/common.sh sets it
    // in CI), else the workspace's target/.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target.join("release").join(name);
    assert!(
        path.exists(),
        "{} is missing: cargo build --release -p {name}",
        path.display()
    );
    path
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Sends `rate` requests per second for `seconds`, each at its scheduled
/// time whatever the previous ones do (open loop), and returns the latencies
/// measured from the scheduled time (no coordinated omission).
async fn open_loop(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
    rate: u64,
    seconds: u64,
) -> Vec<Duration> {
    let latencies = Arc::new(Mutex::new(Vec::with_capacity((rate * seconds) as usize)));
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..rate * seconds {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let mut request = client.get(url);
        for (k, v) in headers {
            request = request.header(*k, v);
        }
        let latencies = Arc::clone(&latencies);
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.expect("request");
            assert!(response.status().is_success(), "{}", response.status());
            let _ = response.bytes().await;
            latencies.lock().await.push(due.elapsed());
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut all = Arc::try_unwrap(latencies).unwrap().into_inner();
    all.sort();
    all
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let rate: u64 = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let sessions: usize = std::env::var("BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);

    let bff_port = free_port();
    let lambdas_port = free_port();
    let origin = format!("http://localhost:{bff_port}");
    let idp = Idp::start(&origin, 3600).await;
    let _lambdas = Running(
        Command::new(release_binary("configurator-lambdas"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{lambdas_port}"))
            .env("OIDC_ISSUER", &idp.issuer)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let bff = Running(
        Command::new(release_binary("configurator-bff"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{bff_port}"))
            .env("PUBLIC_URL", &origin)
            .env("OIDC_ISSUER", &idp.issuer)
            .env("UPSTREAM_URL", format!("http://127.0.0.1:{lambdas_port}"))
            .env("SPA_DIR", support::spa_dir())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    support::wait_for_discovery(&origin).await;
    let bff_pid = bff.0.id();
    let rss_start = rss_kib(bff_pid);

    let mut browser = Browser::new(&origin);
    browser.sign_in("alice", BASE).await;
    let cookie = format!(
        "__Host-configurator={}",
        browser.cookie("__Host-configurator").unwrap()
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let with_session = [("cookie", cookie.clone()), ("x-csrf", "1".to_owned())];

    // Warm up both paths (connections, JWKS fetch in the Lambdas).
    let direct_url = format!("http://127.0.0.1:{lambdas_port}/api/v1/health");
    let bff_url = format!("http://127.0.0.1:{bff_port}{BASE}/api/v1/health");
    open_loop(&client, &direct_url, &[], 200, 1).await;
    open_loop(&client, &bff_url, &with_session, 200, 1).await;

    println!("== latency at {rate} req/s for {seconds} s (open loop, GET /api/v1/health)");
    let direct = open_loop(&client, &direct_url, &[], rate, seconds).await;
    let through = open_loop(&client, &bff_url, &with_session, rate, seconds).await;
    let (d50, d99, b50, b99) = (
        percentile(&direct, 0.5),
        percentile(&direct, 0.99),
        percentile(&through, 0.5),
        percentile(&through, 0.99),
    );
    println!("direct to the Lambdas : p50 {}  p99 {}", ms(d50), ms(d99));
    println!("through the BFF       : p50 {}  p99 {}", ms(b50), ms(b99));
    println!(
        "added by the BFF      : p50 {}  p99 {}",
        ms(b50.saturating_sub(d50)),
        ms(b99.saturating_sub(d99))
    );

    println!("== /auth/me throughput (32 concurrent, 5 s; each also asks the API for permissions)");
    let me_url = format!("http://127.0.0.1:{bff_port}{BASE}/auth/me");
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(5);
    let workers: Vec<_> = (0..32)
        .map(|_| {
            let (client, url, cookie, done) =
                (client.clone(), me_url.clone(), cookie.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                while Instant::now() < until {
                    let r = client
                        .get(&url)
                        .header(header::COOKIE, &cookie)
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                    let _ = r.bytes().await;
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    println!(
        "/auth/me              : {:.0} req/s",
        done.load(std::sync::atomic::Ordering::Relaxed) as f64 / 5.0
    );

    println!("== memory ({sessions} signed-in sessions, in-memory store)");
    let rss_one = rss_kib(bff_pid);
    let started = Instant::now();
    for chunk in 0..sessions / 8 {
        let logins: Vec<_> = (0..8)
            .map(|i| {
                let origin = origin.clone();
                let user = ["alice", "oscar", "victor"][(chunk * 8 + i) % 3];
                tokio::spawn(async move { Browser::new(&origin).sign_in(user, BASE).await })
            })
            .collect();
        for l in logins {
            l.await.unwrap();
        }
    }
    let rss_many = rss_kib(bff_pid);
    let per_session = (rss_many.saturating_sub(rss_one) as f64 * 1024.0) / sessions as f64;
    println!("RSS at start          : {} KiB", rss_start);
    println!("RSS with 1 session    : {} KiB (after the load above)", rss_one);
    println!(
        "RSS with {} sessions : {} KiB ({:.1} s to sign them in)",
        sessions + 1,
        rss_many,
        started.elapsed().as_secs_f64()
    );
    println!("memory per session    : {:.0} bytes", per_session);
    if sessions < 10_000 {
        let estimate = (rss_one as f64 * 1024.0 + per_session * 10_000.0) / 1048576.0;
        println!("10,000 sessions (est.): {estimate:.1} MiB RSS");
    }
    drop(idp);
}
