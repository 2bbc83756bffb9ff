//! Load benchmark of the whole read path (run with `scripts/bench-load.sh`):
//! BENCH_SESSIONS (1,000) people signed in through the real IdP, calling
//! through the release BFF → the release Lambdas' local server → a nisshi
//! broker seeded with the demo data, for BENCH_SECONDS (60), a mix of
//!
//! - topic list   `GET /api/v1/clusters/local-a/topics`
//! - group detail `GET /api/v1/clusters/local-a/consumer-groups/demo-billing`
//! - browse       `GET /api/v1/clusters/local-a/topics/demo.orders/messages?from=latest&limit=50`
//!
//! in the proportions BENCH_MIX (`2:1:1`),
//! from BENCH_CONCURRENCY (16) callers that each send their next call as
//! soon as the last one is answered (closed loop: the rate is what the
//! machine sustains), every call with the next session's cookie in turn.
//! Prints per-call p50/p99/max, the rate, the errors (any answer but 2xx) and
//! the RSS of the BFF and the Lambdas before and after. Loopback only; every
//! process it starts is stopped when it ends, and the whole run is bounded by
//! BENCH_SECONDS + 300 s.

#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    net::TcpStream,
    process::{Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed},
    },
    time::{Duration, Instant},
};

use support::{BASE, Browser, Idp, Running, free_port, memory_kib, release_binary};

#[derive(Clone, Copy)]
enum Call {
    TopicList,
    GroupDetail,
    Browse,
}

const CALLS: [(Call, &str, &str); 3] = [
    (Call::TopicList, "topic list", "/api/v1/clusters/local-a/topics"),
    (
        Call::GroupDetail,
        "group detail",
        "/api/v1/clusters/local-a/consumer-groups/demo-billing",
    ),
    (
        Call::Browse,
        "browse",
        "/api/v1/clusters/local-a/topics/demo.orders/messages?from=latest&limit=50",
    ),
];
/// BENCH_MIX, `topic lists:group details:browses` per round (default
/// `2:1:1`), as the sequence of calls of one round.
fn mix() -> Vec<Call> {
    let text = std::env::var("BENCH_MIX").unwrap_or_else(|_| "2:1:1".into());
    let weights: Vec<usize> = text
        .split(':')
        .map(|w| w.parse().expect("BENCH_MIX is like 2:1:1"))
        .collect();
    assert_eq!(
        weights.len(),
        3,
        "BENCH_MIX has three weights: topic lists, group details, browses"
    );
    // Interleaved, so one round spreads its kinds: 2:1:1 → list, detail, browse, list.
    let mut round = Vec::new();
    for step in 0..*weights.iter().max().unwrap() {
        for (call, weight) in CALLS.iter().map(|c| c.0).zip(&weights) {
            if step < *weight {
                round.push(call);
            }
        }
    }
    assert!(!round.is_empty(), "BENCH_MIX has no calls");
    round
}

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn wait_for_port(port: u16, what: &str) {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on {port} within 10 s");
}

#[derive(Default)]
struct Results {
    /// Latencies per call kind.
    latencies: [Vec<Duration>; 3],
    errors: [usize; 3],
    /// The first few errors, to say what went wrong.
    samples: Vec<String>,
}

#[tokio::main]
async fn main() {
    let seconds = knob("BENCH_SECONDS", 60);
    let bound = Duration::from_secs(seconds + 300);
    if tokio::time::timeout(bound, run(seconds)).await.is_err() {
        // The processes are stopped as `run`'s future is dropped.
        eprintln!("the benchmark did not finish within {bound:?}");
        std::process::exit(2);
    }
}

async fn run(seconds: u64) {
    let sessions = knob("BENCH_SESSIONS", 1000) as usize;
    let concurrency = knob("BENCH_CONCURRENCY", 16) as usize;
    let mix = Arc::new(mix());

    let broker_port = free_port();
    let bootstrap = format!("127.0.0.1:{broker_port}");
    let listener = format!("tcp://{bootstrap}");
    let broker = Running(
        Command::new("nisshi")
            .args(["broker", "--storage-engine", "memory://nisshi/"])
            .args([
                "--listener-url",
                &listener,
                "--advertised-listener-url",
                &listener,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nisshi runs (scripts/setup.sh installs it)"),
    );
    wait_for_port(broker_port, "the broker");
    let seeded = Command::new(release_binary("configurator-seed"))
        .env("KAFKA_BOOTSTRAP_SERVERS", &bootstrap)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(seeded.success(), "the seeder failed");

    let bff_port = free_port();
    let lambdas_port = free_port();
    let origin = format!("http://localhost:{bff_port}");
    let idp = Idp::start(&origin, 3600).await;
    let lambdas = Running(
        Command::new(release_binary("configurator-lambdas"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{lambdas_port}"))
            .env("KAFKA_BOOTSTRAP_SERVERS", &bootstrap)
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
    wait_for_port(lambdas_port, "the Lambdas");
    support::wait_for_discovery(&origin).await;
    let (bff_pid, lambdas_pid) = (bff.0.id(), lambdas.0.id());
    let rss_start = (memory_kib(bff_pid, "VmRSS"), memory_kib(lambdas_pid, "VmRSS"));

    // Admins and operators: both may read topics, groups and messages.
    println!("== signing in {sessions} sessions through the IdP");
    let started = Instant::now();
    let mut cookies = Vec::with_capacity(sessions);
    for chunk in (0..sessions).collect::<Vec<_>>().chunks(8) {
        let logins: Vec<_> = chunk
            .iter()
            .map(|i| {
                let origin = origin.clone();
                let user = ["alice", "oscar"][i % 2];
                tokio::spawn(async move {
                    let mut browser = Browser::new(&origin);
                    browser.sign_in(user, BASE).await;
                    let value = browser.cookie("__Host-configurator").expect("a session cookie");
                    format!("__Host-configurator={value}")
                })
            })
            .collect();
        for login in logins {
            cookies.push(login.await.unwrap());
        }
    }
    println!("signed in            : {:.1} s", started.elapsed().as_secs_f64());
    let cookies = Arc::new(cookies);

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{bff_port}{BASE}");
    // Warm-up: connections, the Lambdas' JWKS and consumer clients.
    load(
        &client,
        &base,
        &cookies,
        &mix,
        concurrency,
        Duration::from_secs(3),
    )
    .await;
    let rss_before = (memory_kib(bff_pid, "VmRSS"), memory_kib(lambdas_pid, "VmRSS"));

    let weights = std::env::var("BENCH_MIX").unwrap_or_else(|_| "2:1:1".into());
    println!("== {seconds} s, {concurrency} callers, mix {weights} (topic lists:group details:browses)");
    let took = Instant::now();
    let results = load(
        &client,
        &base,
        &cookies,
        &mix,
        concurrency,
        Duration::from_secs(seconds),
    )
    .await;
    let elapsed = took.elapsed();
    let rss_after = (memory_kib(bff_pid, "VmRSS"), memory_kib(lambdas_pid, "VmRSS"));
    let peak = (memory_kib(bff_pid, "VmHWM"), memory_kib(lambdas_pid, "VmHWM"));

    let mut total = 0;
    let mut errors = 0;
    println!(
        "{:<14} {:>8} {:>9} {:>10} {:>10} {:>10} {:>7}",
        "call", "count", "rate", "p50", "p99", "max", "errors"
    );
    for (i, (_, name, _)) in CALLS.iter().enumerate() {
        let mut latencies = results.latencies[i].clone();
        latencies.sort();
        let n = latencies.len();
        total += n;
        errors += results.errors[i];
        if n == 0 {
            continue;
        }
        let at = |p: f64| latencies[((n as f64 * p) as usize).min(n - 1)];
        println!(
            "{name:<14} {n:>8} {:>7.0}/s {:>10} {:>10} {:>10} {:>7}",
            n as f64 / elapsed.as_secs_f64(),
            ms(at(0.50)),
            ms(at(0.99)),
            ms(latencies[n - 1]),
            results.errors[i]
        );
    }
    println!(
        "all            {total:>8} {:>7.0}/s {:>43}",
        total as f64 / elapsed.as_secs_f64(),
        errors
    );
    for sample in &results.samples {
        println!("error: {sample}");
    }
    println!(
        "RSS at start         : BFF {}, Lambdas {}",
        mib(rss_start.0),
        mib(rss_start.1)
    );
    println!(
        "RSS before the run   : BFF {}, Lambdas {} ({sessions} sessions, warmed up)",
        mib(rss_before.0),
        mib(rss_before.1)
    );
    println!(
        "RSS after the run    : BFF {}, Lambdas {}",
        mib(rss_after.0),
        mib(rss_after.1)
    );
    println!(
        "RSS peak (VmHWM)     : BFF {}, Lambdas {}",
        mib(peak.0),
        mib(peak.1)
    );
    drop((bff, lambdas, idp, broker));
    if errors > 0 {
        println!("FAIL: {errors} errors");
        std::process::exit(1);
    }
}

/// `concurrency` callers in a closed loop for `length`; call `k` of the run
/// uses the session `k mod sessions` and the round's `k mod len`-th call.
async fn load(
    client: &reqwest::Client,
    base: &str,
    cookies: &Arc<Vec<String>>,
    mix: &Arc<Vec<Call>>,
    concurrency: usize,
    length: Duration,
) -> Results {
    let results = Arc::new(Mutex::new(Results::default()));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, base, cookies, mix, results, next, stop) = (
                client.clone(),
                base.to_owned(),
                Arc::clone(cookies),
                Arc::clone(mix),
                Arc::clone(&results),
                Arc::clone(&next),
                Arc::clone(&stop),
            );
            tokio::spawn(async move {
                while !stop.load(Relaxed) {
                    let k = next.fetch_add(1, Relaxed);
                    let call = mix[k % mix.len()] as usize;
                    let url = format!("{base}{}", CALLS[call].2);
                    let started = Instant::now();
                    let answer = client
                        .get(&url)
                        .header("cookie", &cookies[k % cookies.len()])
                        .header("x-csrf", "1")
                        .send()
                        .await;
                    let outcome = match answer {
                        Ok(response) if response.status().is_success() => {
                            response.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                        }
                        Ok(response) => {
                            let status = response.status();
                            let body = response.text().await.unwrap_or_default();
                            Err(format!(
                                "{status}: {}",
                                body.chars().take(300).collect::<String>()
                            ))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let latency = started.elapsed();
                    let mut results = results.lock().unwrap();
                    results.latencies[call].push(latency);
                    if let Err(why) = outcome {
                        results.errors[call] += 1;
                        if results.samples.len() < 5 {
                            results.samples.push(format!("{}: {why}", CALLS[call].1));
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(length).await;
    stop.store(true, Relaxed);
    for caller in callers {
        caller.await.unwrap();
    }
    Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap()
}
