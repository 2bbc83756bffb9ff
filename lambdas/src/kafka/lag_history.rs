//! The lag sampler's records: what each consumer group had committed and
//! where each partition ended, once a minute, kept for
//! [`LAG_HISTORY_RETENTION_DAYS`].
//!
//! Two console-owned topics, protected like the others (`__configurator_*`):
//! - `__configurator_lag_history`: one record per group and sample, keyed by
//!   group id, in the partition [`partition_of`] the id. Reading one group's
//!   week scans one partition, not the whole topic: 12 partitions keep that
//!   under [`LAG_HISTORY_MAX_SCAN`] for up to ~2,800 groups sampled every minute.
//! - `__configurator_topic_activity`: per sample, the sum of each topic's end
//!   offsets, for produce rates (in records of at most
//!   [`TOPICS_PER_RECORD`] topics, so none nears the 1 MB record limit).

use std::collections::{HashMap, HashSet};

use configurator_api::{LAG_HISTORY_MAX_SCAN, LAG_HISTORY_RETENTION_DAYS};
use futures_util::future::join_all;
use rdkafka::{Message as _, producer::FutureRecord};
use serde::{Deserialize, Serialize};

use super::{
    Kafka, KafkaError, internal::InternalTopic, kafka_error, messages::read_range, metadata::ClusterMeta,
};

const WEEK_MS: &str = "604800000"; // LAG_HISTORY_RETENTION_DAYS
const _: () = assert!(LAG_HISTORY_RETENTION_DAYS == 7);

pub static HISTORY_TOPIC: InternalTopic = InternalTopic::spread(
    "__configurator_lag_history",
    12,
    &[("cleanup.policy", "delete"), ("retention.ms", WEEK_MS)],
);

pub static ACTIVITY_TOPIC: InternalTopic = InternalTopic::new(
    "__configurator_topic_activity",
    &[("cleanup.policy", "delete"), ("retention.ms", WEEK_MS)],
);

/// Produce rates are measured over the last hour...
pub const RATE_WINDOW_MS: i64 = 3_600_000;
/// ...or as much of it as there is, once that is at least 5 minutes.
pub const RATE_MIN_AGE_MS: i64 = 300_000;

/// Activity records a rate baseline reads at most.
const BASELINE_MAX_SCAN: i64 = 256;

/// Topics one activity record lists at most.
pub const TOPICS_PER_RECORD: usize = 5_000;

/// One group at one sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSample {
    #[serde(rename = "at")]
    pub at_ms: i64,
    #[serde(rename = "g")]
    pub group: String,
    #[serde(rename = "m")]
    pub members: u32,
    /// (topic, partition, committed offset, end offset).
    #[serde(rename = "p")]
    pub partitions: Vec<(String, i32, i64, i64)>,
}

impl GroupSample {
    pub fn lag(&self) -> u64 {
        self.partitions
            .iter()
            .map(|(_, _, c, e)| (e - c).max(0) as u64)
            .sum()
    }

    /// The committed offset of one partition at this sample.
    pub fn committed(&self, topic: &str, partition: i32) -> Option<i64> {
        self.partitions
            .iter()
            .find(|(t, p, _, _)| t == topic && *p == partition)
            .map(|(_, _, c, _)| *c)
    }
}

/// Every topic's summed end offsets at one sample (one part of it: a sample
/// of many topics spans several records with the same `at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicEnds {
    #[serde(rename = "at")]
    pub at_ms: i64,
    #[serde(rename = "t")]
    pub ends: Vec<(String, i64)>,
}

/// The history partition that holds `group`'s samples: FNV-1a of the id,
/// so the sampler and every reader agree without asking anyone.
pub fn partition_of(group: &str, partitions: i32) -> i32 {
    let hash = group.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash % partitions.max(1) as u64) as i32
}

/// What a read of the history found besides the samples.
#[derive(Debug, Default, Clone, Copy)]
pub struct Scanned {
    /// Records read.
    pub records: u64,
    /// The window's start was older than the newest [`LAG_HISTORY_MAX_SCAN`].
    pub truncated: bool,
}

/// Per topic, the oldest of the sampler's end sums from the last hour that
/// is old enough to measure a rate against: (sample time, summed ends).
#[derive(Debug, Default)]
pub struct Baseline(HashMap<String, (i64, i64)>);

impl Baseline {
    /// Records per minute written to `topic` since its baseline, given its
    /// summed end offsets now; `None` for a topic with no sample old enough
    /// (created within the last minutes) or one that was recreated (its
    /// ends went back).
    pub fn rate(&self, topic: &str, ends_now: i64, now_ms: i64) -> Option<f64> {
        let (at_ms, then) = self.0.get(topic)?;
        let minutes = (now_ms - at_ms) as f64 / 60_000.0;
        (ends_now >= *then && minutes > 0.0)
            .then(|| ((ends_now - then) as f64 / minutes * 10.0).round() / 10.0)
    }
}

impl Kafka {
    /// Appends one sample of groups and (when given) of topic ends; all
    /// records are sent at once (librdkafka batches them) and confirmed
    /// before returning.
    pub async fn write_samples(
        &self,
        groups: &[GroupSample],
        ends: Option<&TopicEnds>,
    ) -> Result<(), KafkaError> {
        HISTORY_TOPIC.ensure(self).await?;
        ACTIVITY_TOPIC.ensure(self).await?;
        let partitions = self.partitions_of(HISTORY_TOPIC.name).await?;
        let producer = self.producer()?;
        let timeout = self.timeout();
        let mut lines = Vec::with_capacity(groups.len());
        for sample in groups {
            lines.push((sample, json(sample)?));
        }
        let mut parts = Vec::new();
        for (ends, chunk) in ends
            .iter()
            .flat_map(|e| e.ends.chunks(TOPICS_PER_RECORD).map(move |c| (e, c)))
        {
            let part = TopicEnds {
                at_ms: ends.at_ms,
                ends: chunk.to_vec(),
            };
            parts.push((ends.at_ms, json(&part)?));
        }
        let sends = lines.iter().map(|(sample, line)| {
            producer.send(
                FutureRecord::to(HISTORY_TOPIC.name)
                    .partition(partition_of(&sample.group, partitions))
                    .key(&sample.group)
                    .payload(line)
                    .timestamp(sample.at_ms),
                timeout,
            )
        });
        let activity = parts.iter().map(|(at_ms, line)| {
            producer.send(
                FutureRecord::<(), _>::to(ACTIVITY_TOPIC.name)
                    .partition(0)
                    .payload(line)
                    .timestamp(*at_ms),
                timeout,
            )
        });
        let (written, activity) = tokio::join!(join_all(sends), join_all(activity));
        for result in written.into_iter().chain(activity) {
            result.map_err(|(e, _)| kafka_error(e, timeout))?;
        }
        Ok(())
    }

    /// Hands each sample since `since_ms` to `each`, oldest first per
    /// partition: of `group` only (one partition read), or of every group
    /// (all partitions). Reads at most the newest `max_scan` records
    /// (≤ [`LAG_HISTORY_MAX_SCAN`]); nothing (and no error) before the
    /// sampler's first run.
    pub async fn scan_samples<S: Send + 'static>(
        &self,
        group: Option<&str>,
        since_ms: i64,
        max_scan: u64,
        state: S,
        mut each: impl FnMut(&mut S, GroupSample) + Send + 'static,
    ) -> Result<(S, Scanned), KafkaError> {
        let Some(partitions) = self.existing_partitions(HISTORY_TOPIC.name).await? else {
            return Ok((state, Scanned::default()));
        };
        let wanted: Vec<i32> = match group {
            Some(group) => vec![partition_of(group, partitions)],
            None => (0..partitions).collect(),
        };
        let keys: Vec<(String, i32)> = wanted
            .iter()
            .map(|p| (HISTORY_TOPIC.name.to_owned(), *p))
            .collect();
        let (marks, by_time) = tokio::try_join!(
            self.watermarks(keys.clone()),
            self.offsets_for_time(&keys, since_ms)
        )?;
        let per_partition = (max_scan.min(LAG_HISTORY_MAX_SCAN) / keys.len() as u64) as i64;
        let mut scanned = Scanned::default();
        let mut ranges = Vec::with_capacity(keys.len());
        for key in &keys {
            let (low, high) = marks.get(key).copied().unwrap_or((0, 0));
            let start = by_time.get(key).copied().flatten().unwrap_or(high).max(low);
            let from = start.max(high - per_partition);
            scanned.truncated |= from > start;
            scanned.records += (high - from).max(0) as u64;
            ranges.push((key.1, from, high));
        }
        let group = group.map(str::to_owned);
        let state = self
            .read(move |consumer, timeout| {
                let mut state = state;
                for (partition, from, to) in ranges {
                    read_range(consumer, HISTORY_TOPIC.name, partition, from, to, timeout, |m| {
                        if group.as_deref().is_some_and(|g| m.key() != Some(g.as_bytes())) {
                            return;
                        }
                        if let Some(sample) = m.payload().and_then(|p| serde_json::from_slice(p).ok()) {
                            each(&mut state, sample);
                        }
                    })?;
                }
                Ok::<_, KafkaError>(state)
            })
            .await?;
        Ok((state, scanned))
    }

    /// The baselines of the `wanted` topics' produce rates: for each, its
    /// oldest summed ends of the last hour in a sample at least
    /// [`RATE_MIN_AGE_MS`] old. Reads from the first sample of the hour on
    /// and stops once every wanted topic has one (a topic created since
    /// the hour began is found in a later sample), or after
    /// [`BASELINE_MAX_SCAN`] records. Empty before the sampler's first run
    /// (`meta` says whether its topic exists).
    pub async fn rate_baseline(
        &self,
        meta: &ClusterMeta,
        now_ms: i64,
        wanted: HashSet<String>,
    ) -> Result<Baseline, KafkaError> {
        if wanted.is_empty() || !meta.topics.iter().any(|t| t.name == ACTIVITY_TOPIC.name) {
            return Ok(Baseline::default());
        }
        let key = (ACTIVITY_TOPIC.name.to_owned(), 0);
        let (marks, by_time) = tokio::try_join!(
            self.watermarks(vec![key.clone()]),
            self.offsets_for_time(std::slice::from_ref(&key), now_ms - RATE_WINDOW_MS)
        )?;
        let (low, high) = marks.get(&key).copied().unwrap_or((0, 0));
        let Some(from) = by_time.get(&key).copied().flatten().map(|o| o.max(low)) else {
            return Ok(Baseline::default());
        };
        let to = high.min(from + BASELINE_MAX_SCAN);
        // A broker may answer the time lookup coarsely (nisshi 0.8 answers a
        // segment's start), and samples written late may sit after newer
        // ones: each part's own time decides.
        let (since, until) = (now_ms - RATE_WINDOW_MS, now_ms - RATE_MIN_AGE_MS);
        self.read(move |consumer, timeout| {
            let mut found: HashMap<String, (i64, i64)> = HashMap::new();
            let mut done = false;
            read_range(consumer, ACTIVITY_TOPIC.name, 0, from, to, timeout, |m| {
                if done {
                    return;
                }
                let Some(part) = m
                    .payload()
                    .and_then(|p| serde_json::from_slice::<TopicEnds>(p).ok())
                    .filter(|part| (since..=until).contains(&part.at_ms))
                else {
                    return;
                };
                for (topic, ends) in part.ends {
                    if wanted.contains(&topic) {
                        let entry = found.entry(topic).or_insert((part.at_ms, ends));
                        if part.at_ms < entry.0 {
                            *entry = (part.at_ms, ends);
                        }
                    }
                }
                done = found.len() == wanted.len();
            })?;
            Ok::<_, KafkaError>(Baseline(found))
        })
        .await
    }

    /// The partition count of a topic, creating nothing: `None` while it does
    /// not exist.
    async fn existing_partitions(&self, topic: &str) -> Result<Option<i32>, KafkaError> {
        let meta = self.metadata().await?;
        Ok(meta
            .topics
            .iter()
            .find(|t| t.name == topic)
            .map(|t| t.partitions.len() as i32)
            .filter(|n| *n > 0))
    }

    async fn partitions_of(&self, topic: &str) -> Result<i32, KafkaError> {
        self.existing_partitions(topic)
            .await?
            .ok_or_else(|| KafkaError::TopicNotFound(topic.to_owned()))
    }
}

fn json(value: &impl Serialize) -> Result<String, KafkaError> {
    serde_json::to_string(value).map_err(KafkaError::client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_always_lands_in_the_same_partition() {
        assert_eq!(partition_of("billing", 12), partition_of("billing", 12));
        let spread: std::collections::BTreeSet<i32> = (0..200)
            .map(|i| partition_of(&format!("group-{i}"), 12))
            .collect();
        assert_eq!(spread.len(), 12, "200 groups use every partition");
        assert!((0..12).contains(&partition_of("", 12)));
    }

    #[test]
    fn samples_are_compact_json() {
        let sample = GroupSample {
            at_ms: 1,
            group: "g".into(),
            members: 2,
            partitions: vec![("orders".into(), 0, 5, 9)],
        };
        let line = serde_json::to_string(&sample).unwrap();
        assert_eq!(line, r#"{"at":1,"g":"g","m":2,"p":[["orders",0,5,9]]}"#);
        assert_eq!(sample.lag(), 4);
        assert_eq!(sample.committed("orders", 0), Some(5));
    }
}
