//! The record of each copy step, so that a step asked for twice writes once.
//!
//! Entries live in the cluster's own `__configurator_copy_runs` topic (one
//! partition, kept [`COPY_RUN_TTL_HOURS`]), keyed by run id. A step is
//! *claimed* before it writes and *done* (with its answer) or *partial*
//! (with the records that were written) after. A step asked for again is
//! answered from its `done` entry, resumes after a `partial` one without
//! writing its records twice, and is refused while another call holds the
//! claim.

use std::time::Duration;

use configurator_api::{COPY_RUN_TTL_HOURS, CopyStep, RecordAddress};
use rdkafka::{Message as _, producer::FutureRecord};
use serde::{Deserialize, Serialize};

use crate::{
    audit::now_ms,
    kafka::{Kafka, KafkaError, internal::InternalTopic, kafka_error, messages::read_range},
};

pub static RUNS_TOPIC: InternalTopic = InternalTopic::new(
    "__configurator_copy_runs",
    &[("cleanup.policy", "delete"), ("retention.ms", "86400000")], // COPY_RUN_TTL_HOURS
);

/// Ledger entries one lookup reads at most (the newest).
const LOOKUP_MAX_ENTRIES: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Claimed,
    Done,
    Partial,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub run_id: String,
    /// The cursor the step started from (`""` for the first).
    pub step: String,
    pub state: State,
    /// Who asked and what for: a run id reused for another request is refused.
    pub fingerprint: String,
    /// Which call wrote a claim and its outcome.
    #[serde(default)]
    pub claim: String,
    pub at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<CopyStep>,
    /// On `partial`: the source records already written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub written: Vec<RecordAddress>,
}

/// What the ledger knows of one run: its entries in order, and where the
/// ledger ended when it was read.
pub struct History {
    pub entries: Vec<Entry>,
    pub end: i64,
}

impl History {
    /// The entries of one step of the run, oldest first.
    pub fn step<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.step == step)
    }
}

impl Kafka {
    /// The ledger's entries of `run_id` from the last [`COPY_RUN_TTL_HOURS`].
    pub async fn run_history(&self, run_id: &str, since: Option<i64>) -> Result<History, KafkaError> {
        RUNS_TOPIC.ensure(self).await?;
        let key = (RUNS_TOPIC.name.to_owned(), 0);
        let marks = self.watermarks(vec![key.clone()]).await?;
        let (low, high) = marks.get(&key).copied().unwrap_or((0, 0));
        let from = match since {
            Some(offset) => offset.max(low),
            None => {
                let ttl_ago = now_ms() - i64::from(COPY_RUN_TTL_HOURS) * 3_600_000;
                let by_time = self.offsets_for_time(std::slice::from_ref(&key), ttl_ago).await?;
                by_time.get(&key).copied().flatten().unwrap_or(high).max(low)
            }
        }
        .max(high - LOOKUP_MAX_ENTRIES);
        let run = run_id.to_owned();
        let entries = self
            .read(move |consumer, timeout| {
                let mut entries = Vec::new();
                read_range(consumer, RUNS_TOPIC.name, 0, from, high, timeout, |m| {
                    if m.key() == Some(run.as_bytes())
                        && let Some(entry) = m.payload().and_then(|p| serde_json::from_slice::<Entry>(p).ok())
                    {
                        entries.push(entry);
                    }
                })?;
                Ok::<_, KafkaError>(entries)
            })
            .await?;
        Ok(History { entries, end: high })
    }

    /// Appends `entry`; its offset in the ledger.
    pub async fn record_step(&self, entry: &Entry) -> Result<i64, KafkaError> {
        let line = serde_json::to_string(entry).map_err(|e| KafkaError::client(e.to_string()))?;
        let timeout = self.timeout();
        let delivery = self
            .producer()?
            .send(
                FutureRecord::to(RUNS_TOPIC.name)
                    .partition(0)
                    .key(&entry.run_id)
                    .payload(&line),
                timeout,
            )
            .await
            .map_err(|(e, _)| kafka_error(e, timeout))?;
        Ok(delivery.offset)
    }
}

/// A claim older than this without an outcome belongs to a call that died.
pub const CLAIM_LIFETIME: Duration = Duration::from_secs(60);

/// A claim id no other call has: this process's id, the time and a counter.
pub fn claim_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos:x}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
