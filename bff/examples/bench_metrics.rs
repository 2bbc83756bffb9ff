//! Benchmark of `bff/src/metrics.rs` (run with
//! `cargo run --release -p configurator-bff --example bench_metrics`):
//! 1. recording one request, what the request middleware records for each
//!    answer (the request counter of its area and status class, and the
//!    latency histogram of its area), on one thread and on two threads at
//!    once (both on the same counter and histogram: the worst case);
//! 2. rendering `/metrics` (with the memory store's gauges), once and as the
//!    mean of many.

#[path = "../src/metrics.rs"]
#[allow(dead_code)]
mod metrics;

use std::{
    hint::black_box,
    sync::Barrier,
    time::{Duration, Instant},
};

use metrics::{Area, Metrics, RefreshResult};

const ITERATIONS: u64 = 10_000_000;
const RENDERS: u32 = 1_000;

/// A latency spread over the histogram's buckets (0 to about 65 ms).
fn elapsed(i: u64) -> Duration {
    Duration::from_nanos((i.wrapping_mul(2_654_435_761) & 0xffff) * 1_000)
}

fn record(metrics: &Metrics, iterations: u64) {
    for i in 0..iterations {
        let status = if i % 16 == 0 { 503 } else { 200 };
        metrics.request(black_box(Area::Api), black_box(status), black_box(elapsed(i)));
    }
}

/// What `GET /metrics` renders (with the memory store's gauges).
fn render(metrics: &Metrics) -> String {
    metrics.render(3, Some((120, 7)))
}

fn main() {
    let metrics = Metrics::default();
    // Warm up (page in the counters, settle the CPU's clock).
    record(&metrics, ITERATIONS / 10);

    let started = Instant::now();
    record(&metrics, ITERATIONS);
    let one = started.elapsed();
    println!(
        "record one request, 1 thread:  {:6.2} ns per request ({ITERATIONS} requests in {:.1} ms)",
        one.as_nanos() as f64 / ITERATIONS as f64,
        one.as_secs_f64() * 1e3
    );

    let threads = 2;
    let barrier = Barrier::new(threads);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                barrier.wait();
                record(&metrics, ITERATIONS);
            });
        }
    });
    let two = started.elapsed();
    println!(
        "record one request, 2 threads: {:6.2} ns per request per thread ({} requests in {:.1} ms, {:.2} ns of wall time each)",
        two.as_nanos() as f64 / ITERATIONS as f64,
        ITERATIONS * threads as u64,
        two.as_secs_f64() * 1e3,
        two.as_nanos() as f64 / (ITERATIONS * threads as u64) as f64
    );

    // Every area and status class seen, so every series has a count.
    for (i, area) in [Area::Api, Area::Auth, Area::Spa, Area::Other]
        .into_iter()
        .enumerate()
    {
        for status in [101, 200, 302, 404, 500] {
            metrics.request(area, status, elapsed(i as u64 + u64::from(status)));
        }
    }
    metrics.upstream(Duration::from_millis(3));
    metrics.refresh(RefreshResult::Ok);
    metrics.session_started();

    let started = Instant::now();
    let text = black_box(render(&metrics));
    let first = started.elapsed();
    let started = Instant::now();
    for _ in 0..RENDERS {
        black_box(render(&metrics));
    }
    let mean = started.elapsed() / RENDERS;
    println!(
        "render /metrics: {:.1} µs the first time, {:.1} µs mean of {RENDERS} ({} bytes, {} lines)",
        first.as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6,
        text.len(),
        text.lines().count()
    );
}
