//! Idempotency keys: what a post with an `Idempotency-Key` did, so that a
//! retry answers from the first post instead of writing its events again.
//!
//! Entries live in the cluster's own `__configurator_ingest_keys` topic,
//! spread by key over [`PARTITIONS`] partitions and kept two hours (a key is
//! honoured for [`IDEMPOTENCY_WINDOW_MINUTES`]). A post *claims* its key
//! before it writes and records *done* (with where each event went) or
//! *partial* (what was written before the broker failed) after. The first
//! claim in the partition wins a race between two posts with one key; a
//! claim without an outcome after [`CLAIM_LIFETIME`] belongs to a call that
//! died. One lookup reads at most [`LOOKUP_MAX_ENTRIES`] entries of one
//! partition, the newest of the window.

use std::time::Duration;

use configurator_api::{EventWritten, IDEMPOTENCY_WINDOW_MINUTES, SchemaRef};
use rdkafka::{Message as _, producer::FutureRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    audit::now_ms,
    kafka::{Kafka, KafkaError, internal::InternalTopic, kafka_error, messages::read_range},
};

pub const PARTITIONS: i32 = 12;

pub static KEYS_TOPIC: InternalTopic = InternalTopic::spread(
    "__configurator_ingest_keys",
    PARTITIONS,
    &[("cleanup.policy", "delete"), ("retention.ms", "7200000")],
);

const LOOKUP_MAX_ENTRIES: i64 = 50_000;

/// A claim older than this without an outcome belongs to a call that died
/// (a post's own work is bounded well below it: 500 events, 4 s per write).
pub const CLAIM_LIFETIME: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Claimed,
    Done,
    Partial,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// [`key_of`] the client, cluster, topic and idempotency key.
    pub key: String,
    pub state: State,
    /// The posted events' fingerprint: a key reused for other events is refused.
    pub fingerprint: String,
    /// Which call wrote the claim and its outcome.
    pub claim: String,
    pub at_ms: i64,
    /// Per posted event, where it was written (`None`: not yet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub written: Vec<Option<EventWritten>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaRef>,
}

/// The ledger's name for an idempotency key: the same key from two clients,
/// or for two topics, is two keys.
pub fn key_of(client: &str, cluster: &str, topic: &str, idempotency_key: &str) -> String {
    let mut hash = Sha256::new();
    for part in [client, cluster, topic, idempotency_key] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

fn partition_of(key: &str) -> i32 {
    let first = u32::from_str_radix(&key[..8], 16).unwrap_or(0);
    (first % PARTITIONS as u32) as i32
}

/// What the ledger says of a key before a post writes.
pub enum Prior {
    /// Never seen (in the window), or its last claim died before writing.
    Fresh,
    /// Written whole: answer from it.
    Done(Entry),
    /// Written in part: write only the rest.
    Partial(Entry),
    /// Another call holds the claim.
    InProgress,
}

/// What the entries of one key say, oldest first; `mine`: this call's
/// claim, when it has written one (the first live claim wins).
pub fn judge(entries: &[Entry], mine: Option<&str>) -> Prior {
    let now = now_ms();
    let lifetime = CLAIM_LIFETIME.as_millis() as i64;
    let mut prior = Prior::Fresh;
    let mut holder: Option<&Entry> = None;
    for entry in entries {
        match entry.state {
            State::Done => return Prior::Done(entry.clone()),
            State::Partial => {
                prior = Prior::Partial(entry.clone());
                holder = None;
            }
            State::Claimed => {
                let live = now - entry.at_ms < lifetime;
                if live && holder.is_none_or(|h| now - h.at_ms >= lifetime) {
                    holder = Some(entry);
                }
            }
        }
    }
    match (holder, mine) {
        (Some(h), Some(mine)) if h.claim == mine => prior,
        (Some(_), _) => Prior::InProgress,
        (None, _) => prior,
    }
}

impl Kafka {
    /// The entries of `key` from the window, oldest first, up to (and
    /// with) offset `until` when given; the partition's end otherwise.
    pub async fn ingest_entries(&self, key: &str, until: Option<i64>) -> Result<Vec<Entry>, KafkaError> {
        KEYS_TOPIC.ensure(self).await?;
        let tp = (KEYS_TOPIC.name.to_owned(), partition_of(key));
        let marks = self.watermarks(vec![tp.clone()]).await?;
        let (low, high) = marks.get(&tp).copied().unwrap_or((0, 0));
        let end = until.map_or(high, |u| (u + 1).min(high));
        let window_start = now_ms() - i64::from(IDEMPOTENCY_WINDOW_MINUTES) * 60_000;
        let by_time = self
            .offsets_for_time(std::slice::from_ref(&tp), window_start)
            .await?;
        let from = by_time
            .get(&tp)
            .copied()
            .flatten()
            .unwrap_or(high)
            .max(low)
            .max(end - LOOKUP_MAX_ENTRIES);
        let (wanted, partition) = (key.to_owned(), tp.1);
        self.read(move |consumer, timeout| {
            let mut entries = Vec::new();
            read_range(consumer, KEYS_TOPIC.name, partition, from, end, timeout, |m| {
                if m.key() == Some(wanted.as_bytes())
                    && let Some(entry) = m.payload().and_then(|p| serde_json::from_slice::<Entry>(p).ok())
                    && entry.at_ms >= window_start
                {
                    entries.push(entry);
                }
            })?;
            Ok::<_, KafkaError>(entries)
        })
        .await
    }

    /// Appends `entry`; its offset.
    pub async fn record_ingest(&self, entry: &Entry) -> Result<i64, KafkaError> {
        KEYS_TOPIC.ensure(self).await?;
        let line = serde_json::to_string(entry).map_err(|e| KafkaError::client(e.to_string()))?;
        let timeout = self.timeout();
        let delivery = self
            .producer()?
            .send(
                FutureRecord::to(KEYS_TOPIC.name)
                    .partition(partition_of(&entry.key))
                    .key(&entry.key)
                    .payload(&line),
                timeout,
            )
            .await
            .map_err(|(e, _)| kafka_error(e, timeout))?;
        Ok(delivery.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: State, claim: &str, age_ms: i64) -> Entry {
        Entry {
            key: "k".into(),
            state,
            fingerprint: "f".into(),
            claim: claim.into(),
            at_ms: now_ms() - age_ms,
            written: Vec::new(),
            schema: None,
        }
    }

    #[test]
    fn the_first_live_claim_wins_and_outcomes_decide() {
        use State::*;
        assert!(matches!(judge(&[], None), Prior::Fresh));
        let racing = [entry(Claimed, "a", 10), entry(Claimed, "b", 5)];
        assert!(matches!(judge(&racing, Some("a")), Prior::Fresh));
        assert!(matches!(judge(&racing, Some("b")), Prior::InProgress));
        assert!(matches!(judge(&racing[..1], None), Prior::InProgress));
        // A dead claim does not block; a later live one does.
        let dead = [entry(Claimed, "a", 60_000), entry(Claimed, "b", 5)];
        assert!(matches!(judge(&dead, Some("b")), Prior::Fresh));
        let done = [entry(Claimed, "a", 10), entry(Done, "a", 5)];
        assert!(matches!(judge(&done, None), Prior::Done(_)));
        let partial = [entry(Claimed, "a", 10), entry(Partial, "a", 5)];
        assert!(matches!(judge(&partial, None), Prior::Partial(_)));
        let resumed = [entry(Partial, "a", 10), entry(Claimed, "c", 5)];
        assert!(matches!(judge(&resumed, Some("c")), Prior::Partial(_)));
        assert!(matches!(judge(&resumed, Some("d")), Prior::InProgress));
    }

    #[test]
    fn keys_are_per_client_cluster_and_topic() {
        let k = key_of("orders-service", "prod", "orders", "1");
        assert_ne!(k, key_of("billing-service", "prod", "orders", "1"));
        assert_ne!(k, key_of("orders-service", "prod", "orders.v2", "1"));
        assert!((0..PARTITIONS).contains(&partition_of(&k)));
    }
}
