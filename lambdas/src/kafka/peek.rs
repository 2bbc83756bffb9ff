//! The timestamps of records at given offsets: the next record a group will
//! read (its time lag) and the newest record of a partition (when a topic
//! was last written).
//!
//! One consumer of its own (never commits) assigns every wanted partition at
//! once, so librdkafka fetches them in one request per broker, and pauses
//! each partition once its wanted records are in. A partition wanted at
//! several offsets (groups at different places on one topic) is read
//! forward from the smallest, seeking past long gaps. The whole read has a
//! budget: what is not in by then is left out, and the caller says
//! "unknown".

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rdkafka::{
    Message as _, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError as ClientError,
};

use super::{Kafka, KafkaContext, KafkaError, client_config, kafka_error, messages::reached_end};

/// (topic, partition, offset).
pub type At = (String, i32, i64);

impl Kafka {
    /// The timestamp (Unix ms) of the first record at or after each offset,
    /// read within `budget`. Offsets with no record there (the end) and
    /// those not read in time are missing from the answer.
    pub async fn record_times(
        &self,
        wanted: Vec<At>,
        budget: Duration,
    ) -> Result<HashMap<At, i64>, KafkaError> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let peeker = self.peeker()?;
        tokio::task::spawn_blocking(move || {
            let consumer = peeker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let found = peek(&consumer, wanted, Instant::now() + budget);
            let _ = consumer.unassign();
            found
        })
        .await
        .map_err(|e| KafkaError::client(format!("peek task failed: {e}")))?
    }

    /// The consumer [`Kafka::record_times`] reads with, made on first use.
    fn peeker(&self) -> Result<Arc<Mutex<BaseConsumer<KafkaContext>>>, KafkaError> {
        super::made(&self.peeker, || {
            // librdkafka's consumer wants a group id; it never commits. The
            // reading consumer's id, which every reading function may use.
            client_config(&self.config)
                .set("group.id", "configurator-browser")
                .set("enable.auto.commit", "false")
                .set("enable.auto.offset.store", "false")
                .set("enable.partition.eof", "true")
                // An expired offset reads on from the oldest record, as a
                // consumer resetting to earliest would.
                .set("auto.offset.reset", "earliest")
                .set("fetch.wait.max.ms", "10")
                // One record per partition is wanted: fetch little of each (the
                // broker still sends a whole first batch).
                .set("max.partition.fetch.bytes", "16384")
                .set("queued.max.messages.kbytes", "16384")
                .create_with_context(KafkaContext::new(&self.config))
                .map(|consumer| Arc::new(Mutex::new(consumer)))
        })
        .cloned()
    }
}

/// Past this many records ahead, seeking to the next wanted offset is
/// cheaper than reading on to it (about one fetch of small records).
const SEEK_GAP: i64 = 200;

/// One partition's wanted offsets, smallest first.
fn wanted_by_partition(wanted: Vec<At>) -> BTreeMap<(String, i32), VecDeque<i64>> {
    let mut by_partition: BTreeMap<(String, i32), Vec<i64>> = BTreeMap::new();
    for (topic, partition, offset) in wanted {
        by_partition.entry((topic, partition)).or_default().push(offset);
    }
    by_partition
        .into_iter()
        .map(|(key, mut offsets)| {
            offsets.sort_unstable();
            offsets.dedup();
            (key, offsets.into())
        })
        .collect()
}

/// Each partition is assigned at its smallest wanted offset and read
/// forward: a record answers every wanted offset at or before it; a wanted
/// offset far ahead is sought to; a partition with nothing left is paused.
fn peek(
    consumer: &BaseConsumer<KafkaContext>,
    wanted: Vec<At>,
    deadline: Instant,
) -> Result<HashMap<At, i64>, KafkaError> {
    let timeout = deadline.saturating_duration_since(Instant::now());
    let mut open = wanted_by_partition(wanted);
    let mut tpl = TopicPartitionList::with_capacity(open.len());
    for ((topic, partition), offsets) in &open {
        tpl.add_partition_offset(topic, *partition, Offset::Offset(offsets[0]))
            .map_err(|e| kafka_error(e, timeout))?;
    }
    consumer.assign(&tpl).map_err(|e| kafka_error(e, timeout))?;
    // A partition paused by an earlier read may still be marked so.
    consumer.resume(&tpl).map_err(|e| kafka_error(e, timeout))?;
    let mut found = HashMap::new();
    let close = |open: &mut BTreeMap<(String, i32), VecDeque<i64>>, key: &(String, i32)| {
        open.remove(key);
        let mut paused = TopicPartitionList::new();
        paused.add_partition(&key.0, key.1);
        let _ = consumer.pause(&paused);
    };
    while !open.is_empty() {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            break;
        }
        match consumer.poll(remaining.min(Duration::from_millis(100))) {
            Some(Ok(message)) => {
                let key = (message.topic().to_owned(), message.partition());
                let Some(pending) = open.get_mut(&key) else {
                    continue;
                };
                let (offset, timestamp) = (message.offset(), message.timestamp().to_millis());
                while let Some(&wanted) = pending.front()
                    && wanted <= offset
                {
                    pending.pop_front();
                    if let Some(t) = timestamp {
                        found.insert((key.0.clone(), key.1, wanted), t);
                    }
                }
                match pending.front() {
                    None => close(&mut open, &key),
                    Some(&next) if next > offset + SEEK_GAP => {
                        consumer
                            .seek(&key.0, key.1, Offset::Offset(next), Duration::ZERO)
                            .map_err(|e| kafka_error(e, timeout))?;
                    }
                    Some(_) => {}
                }
            }
            // The event names only the partition number: every open partition
            // of that number whose position reached its next wanted offset
            // has no record there or after.
            Some(Err(ClientError::PartitionEOF(partition))) => {
                let ended: Vec<(String, i32)> = open
                    .iter()
                    .filter(|((topic, p), pending)| {
                        *p == partition
                            && pending
                                .front()
                                .is_some_and(|w| reached_end(consumer, topic, *p, *w))
                    })
                    .map(|(key, _)| key.clone())
                    .collect();
                for key in ended {
                    close(&mut open, &key);
                }
            }
            Some(Err(e)) => return Err(kafka_error(e, timeout)),
            None => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partition_is_read_from_its_smallest_wanted_offset() {
        let wanted = vec![
            ("a".to_owned(), 0, 7),
            ("a".to_owned(), 0, 3),
            ("b".to_owned(), 1, 5),
            ("a".to_owned(), 0, 7),
        ];
        let by = wanted_by_partition(wanted);
        assert_eq!(by[&("a".to_owned(), 0)], VecDeque::from([3, 7]));
        assert_eq!(by[&("b".to_owned(), 1)], VecDeque::from([5]));
    }
}
