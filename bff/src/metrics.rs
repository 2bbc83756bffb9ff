//! Prometheus metrics for `GET /metrics`: requests and their latency by
//! area, token refreshes, sessions started and ended, live tails refused and
//! exports.
//!
//! Hand-rolled on atomics: every label set is known up front, so there is
//! nothing to register or look up on the hot path.

use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
    time::Duration,
};

/// Which part of the BFF a request was for.
#[derive(Clone, Copy)]
pub enum Area {
    Api,
    Auth,
    Spa,
    Other,
}

const AREAS: [(&str, Area); 4] = [
    ("api", Area::Api),
    ("auth", Area::Auth),
    ("spa", Area::Spa),
    ("other", Area::Other),
];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
/// Histogram bucket bounds in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in microseconds (atomics hold integers).
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|bound| secs <= *bound) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros.fetch_add(elapsed.as_micros() as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Relaxed) as f64 / 1e6;
        let own = labels.trim_end_matches(',');
        let own = if own.is_empty() {
            String::new()
        } else {
            format!("{{{own}}}")
        };
        let _ = writeln!(out, "{name}_sum{own} {sum}");
        let _ = writeln!(out, "{name}_count{own} {count}");
    }
}

/// Why a session ended.
#[derive(Clone, Copy)]
pub enum SessionEnd {
    Logout,
    AbsoluteTimeout,
    RefreshRefused,
}

/// How a refresh went.
#[derive(Clone, Copy)]
pub enum RefreshResult {
    Ok,
    Refused,
    IdpUnavailable,
}

/// How an export ended.
#[derive(Clone, Copy)]
pub enum ExportEnd {
    /// Every record of the range was written.
    Done,
    MaxRecords,
    MaxBytes,
    /// The export's own time limit.
    TimeLimit,
    /// The API failed after the file had started.
    UpstreamError,
    /// The browser went away.
    ClientGone,
}

const EXPORT_ENDS: [&str; 6] = [
    "done",
    "max_records",
    "max_bytes",
    "time_limit",
    "upstream_error",
    "client_gone",
];
const EXPORT_FORMATS: [&str; 2] = ["ndjson", "csv"];

#[derive(Default)]
pub struct Metrics {
    requests: [[AtomicU64; STATUS_CLASSES.len()]; AREAS.len()],
    latency: [Histogram; AREAS.len()],
    upstream_latency: Histogram,
    refreshes: [AtomicU64; 3],
    sessions_started: AtomicU64,
    sessions_ended: [AtomicU64; 3],
    logins_failed: AtomicU64,
    tails_refused: AtomicU64,
    exports_started: [AtomicU64; EXPORT_FORMATS.len()],
    exports_ended: [AtomicU64; EXPORT_ENDS.len()],
    export_records: AtomicU64,
}

impl Metrics {
    pub fn request(&self, area: Area, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.requests[area as usize][class].fetch_add(1, Relaxed);
        self.latency[area as usize].observe(elapsed);
    }

    pub fn upstream(&self, elapsed: Duration) {
        self.upstream_latency.observe(elapsed);
    }

    pub fn refresh(&self, result: RefreshResult) {
        self.refreshes[result as usize].fetch_add(1, Relaxed);
    }

    pub fn session_started(&self) {
        self.sessions_started.fetch_add(1, Relaxed);
    }

    pub fn session_ended(&self, why: SessionEnd) {
        self.sessions_ended[why as usize].fetch_add(1, Relaxed);
    }

    pub fn login_failed(&self) {
        self.logins_failed.fetch_add(1, Relaxed);
    }

    /// A tail poll refused: the session had `TAILS_PER_SESSION` in flight.
    pub fn tail_refused(&self) {
        self.tails_refused.fetch_add(1, Relaxed);
    }

    /// An export whose first page came back, so its file starts.
    pub fn export_started(&self, format: configurator_api::ExportFormat) {
        let i = match format {
            configurator_api::ExportFormat::Ndjson => 0,
            configurator_api::ExportFormat::Csv => 1,
        };
        self.exports_started[i].fetch_add(1, Relaxed);
    }

    pub fn export_ended(&self, why: ExportEnd, records: u64) {
        self.exports_ended[why as usize].fetch_add(1, Relaxed);
        self.export_records.fetch_add(records, Relaxed);
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        out.push_str("# HELP configurator_bff_requests_total Requests answered, by area and status class.\n");
        out.push_str("# TYPE configurator_bff_requests_total counter\n");
        for (area, (name, _)) in AREAS.iter().enumerate() {
            for (class, label) in STATUS_CLASSES.iter().enumerate() {
                let n = self.requests[area][class].load(Relaxed);
                let _ = writeln!(
                    out,
                    "configurator_bff_requests_total{{area=\"{name}\",status=\"{label}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP configurator_bff_request_duration_seconds Time to answer, by area.\n");
        out.push_str("# TYPE configurator_bff_request_duration_seconds histogram\n");
        for (area, (name, _)) in AREAS.iter().enumerate() {
            let labels = format!("area=\"{name}\",");
            self.latency[area].render(&mut out, "configurator_bff_request_duration_seconds", &labels);
        }
        out.push_str(
            "# HELP configurator_bff_upstream_duration_seconds Time until the API's response headers.\n",
        );
        out.push_str("# TYPE configurator_bff_upstream_duration_seconds histogram\n");
        self.upstream_latency
            .render(&mut out, "configurator_bff_upstream_duration_seconds", "");
        counters(
            &mut out,
            "configurator_bff_token_refreshes_total",
            "Refresh grants, by result.",
            "result",
            &["ok", "refused", "idp_unavailable"],
            &self.refreshes,
        );
        counter(
            &mut out,
            "configurator_bff_sessions_started_total",
            "Successful logins.",
            &self.sessions_started,
        );
        counters(
            &mut out,
            "configurator_bff_sessions_ended_total",
            "Sessions ended by the BFF, by reason (idle expiry happens in the store and is not counted).",
            "reason",
            &["logout", "absolute_timeout", "refresh_refused"],
            &self.sessions_ended,
        );
        counter(
            &mut out,
            "configurator_bff_logins_failed_total",
            "Login callbacks refused.",
            &self.logins_failed,
        );
        counter(
            &mut out,
            "configurator_bff_tails_refused_total",
            "Live tail polls refused with 429 too_many_tails (the session had TAILS_PER_SESSION in flight).",
            &self.tails_refused,
        );
        counters(
            &mut out,
            "configurator_bff_exports_started_total",
            "Message exports whose file started, by format.",
            "format",
            &EXPORT_FORMATS,
            &self.exports_started,
        );
        counters(
            &mut out,
            "configurator_bff_exports_ended_total",
            "Message exports ended, by reason.",
            "reason",
            &EXPORT_ENDS,
            &self.exports_ended,
        );
        counter(
            &mut out,
            "configurator_bff_export_records_total",
            "Records written by exports.",
            &self.export_records,
        );
        out
    }
}

/// One counter in the text exposition format.
fn counter(out: &mut String, name: &str, help: &str, value: &AtomicU64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
        value.load(Relaxed)
    );
}

/// One counter per value of `label`, `values[i]` counting `names[i]`.
fn counters(out: &mut String, name: &str, help: &str, label: &str, names: &[&str], values: &[AtomicU64]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (value, count) in names.iter().zip(values) {
        let _ = writeln!(out, "{name}{{{label}=\"{value}\"}} {}", count.load(Relaxed));
    }
}

/// Live tail polls in flight now (in this BFF process).
pub fn render_tails(out: &mut String, in_flight: usize) {
    out.push_str("# HELP configurator_bff_tails_in_flight Live tail polls in flight.\n");
    out.push_str("# TYPE configurator_bff_tails_in_flight gauge\n");
    let _ = writeln!(out, "configurator_bff_tails_in_flight {in_flight}");
}

/// The memory store's size (no such gauge with Redis: it keeps its own).
pub fn render_memory_store(out: &mut String, records: usize, anonymous: usize) {
    out.push_str("# HELP configurator_bff_memory_store_records Records in the in-memory session store (sessions and token records), expired ones until the next sweep.\n");
    out.push_str("# TYPE configurator_bff_memory_store_records gauge\n");
    let _ = writeln!(out, "configurator_bff_memory_store_records {records}");
    out.push_str("# HELP configurator_bff_memory_store_anonymous_records Of those, sessions with a login in progress and nobody signed in.\n");
    out.push_str("# TYPE configurator_bff_memory_store_anonymous_records gauge\n");
    let _ = writeln!(out, "configurator_bff_memory_store_anonymous_records {anonymous}");
}

impl Area {
    /// The area of a request path (with the base path still on it).
    pub fn of(path: &str, base_path: &str) -> Self {
        match path.strip_prefix(base_path) {
            Some(rest) if rest.starts_with("/api/") => Self::Api,
            Some(rest) if rest.starts_with("/auth/") => Self::Auth,
            Some(_) => Self::Spa,
            None => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.request(Area::Api, 200, Duration::from_micros(700));
        metrics.request(Area::Api, 503, Duration::from_millis(30));
        metrics.refresh(RefreshResult::Ok);
        let text = metrics.render();
        assert!(text.contains("configurator_bff_requests_total{area=\"api\",status=\"2xx\"} 1\n"));
        assert!(text.contains("configurator_bff_requests_total{area=\"api\",status=\"5xx\"} 1\n"));
        assert!(
            text.contains("configurator_bff_request_duration_seconds_bucket{area=\"api\",le=\"0.001\"} 1\n")
        );
        assert!(
            text.contains("configurator_bff_request_duration_seconds_bucket{area=\"api\",le=\"0.05\"} 2\n")
        );
        assert!(text.contains("configurator_bff_request_duration_seconds_count{area=\"api\"} 2\n"));
        assert!(text.contains("configurator_bff_token_refreshes_total{result=\"ok\"} 1\n"));
    }

    #[test]
    fn sorts_paths_into_areas() {
        let base = "/dev/configurator";
        assert!(matches!(
            Area::of("/dev/configurator/api/v1/topics", base),
            Area::Api
        ));
        assert!(matches!(Area::of("/dev/configurator/auth/me", base), Area::Auth));
        assert!(matches!(Area::of("/dev/configurator/topics", base), Area::Spa));
        assert!(matches!(Area::of("/healthz", base), Area::Other));
    }
}
