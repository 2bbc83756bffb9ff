//! Reading (browse) and writing (produce) records.
//!
//! A browse is always bounded: at most `limit` (≤ 500) messages, and at most
//! [`SCAN_MAX_RECORDS`] records read or [`SCAN_MAX_TIME`] spent; the answer
//! says when a budget stopped it and gives a cursor to read on.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use configurator_api::{
    Data, Header, MAX_MESSAGE_BYTES, Message as ApiMessage, MessagePage, MessageQuery, ProduceRequest,
    Produced, ScanStop,
};
use rdkafka::{
    Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError,
    message::{BorrowedMessage, Header as KafkaHeader, Headers, OwnedHeaders},
    producer::FutureRecord,
    types::RDKafkaErrorCode,
};

use super::{Kafka, KafkaContext, kafka_error};
use crate::error::ApiError;

pub const MAX_LIMIT: u32 = 500;
pub const DEFAULT_LIMIT: u32 = 50;
/// Records one browse may read (matching the filter or not).
pub const SCAN_MAX_RECORDS: u64 = 50_000;
/// Time one browse may spend reading, well inside the gateway's timeout.
pub const SCAN_MAX_TIME: Duration = Duration::from_millis(2500);

/// Where a browse starts in each partition.
enum Start {
    Earliest,
    Latest,
    Offset(i64),
    Timestamp(i64),
}

impl Kafka {
    pub async fn browse(&self, topic: &str, query: &MessageQuery) -> Result<MessagePage, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                "invalid_limit",
                format!("limit must be between 1 and {MAX_LIMIT}."),
            ));
        }
        let (meta, index) = self.topic_meta(topic).await?;
        let all: Vec<i32> = meta.topics[index].partitions.iter().map(|p| p.id).collect();
        let cursor = query.cursor.as_deref().map(parse_cursor).transpose()?;
        let chosen = match (&cursor, query.partition.as_deref()) {
            (Some(positions), _) => positions.keys().copied().collect(),
            (None, Some(list)) if !list.trim().is_empty() => parse_partitions(list)?,
            _ => all.clone(),
        };
        if let Some(bad) = chosen.iter().find(|p| !all.contains(p)) {
            return Err(ApiError::invalid(
                if cursor.is_some() { "cursor" } else { "partition" },
                "invalid_partition",
                format!("{topic} has no partition {bad}."),
            ));
        }
        let start = match query.from.as_deref() {
            _ if cursor.is_some() => Start::Earliest,
            None | Some("" | "earliest") => Start::Earliest,
            Some("latest") => Start::Latest,
            Some(other) => parse_from(other)?,
        };
        let marks = self
            .watermarks(chosen.iter().map(|p| (topic.to_owned(), *p)).collect())
            .await?;
        let mark = |p: i32| marks.get(&(topic.to_owned(), p)).copied().unwrap_or((0, 0));

        // Each partition's [start, end): end is the high watermark now, so a busy
        // topic cannot keep a browse going forever.
        let mut ranges: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
        let by_time = match start {
            Start::Timestamp(ms) => {
                let keys: Vec<(String, i32)> = chosen.iter().map(|p| (topic.to_owned(), *p)).collect();
                Some(self.offsets_for_time(&keys, ms).await?)
            }
            _ => None,
        };
        for &p in &chosen {
            let (low, high) = mark(p);
            let from = match (&cursor, &start) {
                (Some(positions), _) => positions[&p].clamp(low, high),
                (None, Start::Earliest) => low,
                (None, Start::Latest) => (high - i64::from(limit)).max(low),
                (None, Start::Offset(n)) => {
                    if !(low..=high).contains(n) {
                        return Err(ApiError::invalid(
                            "from",
                            "offset_out_of_range",
                            format!("Partition {p} holds offsets {low}–{high}; offset {n} is outside them."),
                        ));
                    }
                    *n
                }
                (None, Start::Timestamp(_)) => by_time
                    .as_ref()
                    .and_then(|t| t.get(&(topic.to_owned(), p)).copied().flatten())
                    .unwrap_or(high),
            };
            ranges.insert(p, (from, high));
        }

        let needle = query.q.clone().filter(|q| !q.is_empty());
        let latest = matches!(start, Start::Latest) && cursor.is_none();
        let topic_name = topic.to_owned();
        let mut page = self
            .read(move |consumer, timeout| {
                scan(consumer, &topic_name, ranges, limit, needle, latest, timeout)
            })
            .await?;
        if latest {
            // Newest first; the cursor of a "latest" page would read past the end.
            page.messages
                .sort_by_key(|m| std::cmp::Reverse((m.timestamp, m.offset)));
            page.messages.truncate(limit as usize);
            page.cursor = None;
        }
        Ok(page)
    }

    pub async fn produce(&self, topic: &str, request: &ProduceRequest) -> Result<Produced, ApiError> {
        let key = request.key.as_ref().map(|d| decode(d, "key")).transpose()?;
        let value = request.value.as_ref().map(|d| decode(d, "value")).transpose()?;
        let mut headers = OwnedHeaders::new_with_capacity(request.headers.len());
        let mut size = key.as_ref().map_or(0, Vec::len) + value.as_ref().map_or(0, Vec::len);
        for (i, h) in request.headers.iter().enumerate() {
            if h.key.is_empty() {
                return Err(ApiError::invalid(
                    &format!("headers.{i}.key"),
                    "invalid_header",
                    "A header needs a key.",
                ));
            }
            let bytes = h
                .value
                .as_ref()
                .map(|d| decode(d, &format!("headers.{i}.value")))
                .transpose()?;
            size += h.key.len() + bytes.as_ref().map_or(0, Vec::len);
            headers = headers.insert(KafkaHeader {
                key: &h.key,
                value: bytes.as_deref(),
            });
        }
        if size > MAX_MESSAGE_BYTES {
            return Err(ApiError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large",
                format!("The message has {size} bytes; at most {MAX_MESSAGE_BYTES} can be produced."),
            ));
        }
        let (meta, index) = self.topic_meta(topic).await?;
        if let Some(p) = request.partition
            && !meta.topics[index].partitions.iter().any(|q| q.id == p)
        {
            return Err(ApiError::invalid(
                "partition",
                "invalid_partition",
                format!("{topic} has no partition {p}."),
            ));
        }
        self.check_against_schema(topic, value.as_deref()).await?;

        let mut record = FutureRecord::<[u8], [u8]>::to(topic).headers(headers);
        if let Some(key) = key.as_deref() {
            record = record.key(key);
        }
        if let Some(value) = value.as_deref() {
            record = record.payload(value);
        }
        if let Some(p) = request.partition {
            record = record.partition(p);
        }
        let timeout = self.timeout();
        match self.producer.send(record, timeout).await {
            Ok(delivery) => Ok(Produced {
                partition: delivery.partition,
                offset: delivery.offset,
            }),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge), _)) => {
                Err(ApiError::new(
                    http::StatusCode::PAYLOAD_TOO_LARGE,
                    "message_too_large",
                    "The cluster refused the message as too large for this topic (max.message.bytes).",
                ))
            }
            Err((e, _)) => Err(kafka_error(e, timeout)),
        }
    }
}

/// Reads `[from, to)` of one partition, handing each record to `each`.
pub fn read_range(
    consumer: &BaseConsumer<KafkaContext>,
    topic: &str,
    partition: i32,
    from: i64,
    to: i64,
    timeout: Duration,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) -> Result<(), ApiError> {
    if from >= to {
        return Ok(());
    }
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(from))
        .map_err(|e| kafka_error(e, timeout))?;
    consumer.assign(&tpl).map_err(|e| kafka_error(e, timeout))?;
    let deadline = Instant::now() + timeout;
    let mut next = from;
    while next < to {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(ApiError::kafka_unavailable(format!(
                "{topic} could not be read within {} s; try again shortly.",
                timeout.as_secs_f32()
            )));
        }
        match consumer.poll(remaining.min(Duration::from_millis(200))) {
            Some(Ok(message)) => {
                next = rdkafka::Message::offset(&message) + 1;
                if next <= to {
                    each(&message);
                }
            }
            Some(Err(KafkaError::PartitionEOF(_))) => break,
            Some(Err(e)) => return Err(kafka_error(e, timeout)),
            None => {}
        }
    }
    Ok(())
}

/// The bounded scan behind a browse.
fn scan(
    consumer: &BaseConsumer<KafkaContext>,
    topic: &str,
    ranges: BTreeMap<i32, (i64, i64)>,
    limit: u32,
    needle: Option<String>,
    latest: bool,
    timeout: Duration,
) -> Result<MessagePage, ApiError> {
    // Position per partition: where the next unread record is.
    let mut next: BTreeMap<i32, i64> = ranges.iter().map(|(p, (from, _))| (*p, *from)).collect();
    let open = |next: &BTreeMap<i32, i64>| ranges.iter().any(|(p, (_, end))| next[p] < *end);
    let mut page = MessagePage {
        messages: Vec::new(),
        scanned: 0,
        stopped_early: None,
        cursor: None,
    };
    if open(&next) {
        let mut tpl = TopicPartitionList::new();
        for (p, (from, end)) in &ranges {
            if from < end {
                tpl.add_partition_offset(topic, *p, Offset::Offset(*from))
                    .map_err(|e| kafka_error(e, timeout))?;
            }
        }
        consumer.assign(&tpl).map_err(|e| kafka_error(e, timeout))?;
    }
    let started = Instant::now();
    // "latest" reads each partition's last `limit` records and keeps the newest.
    let wanted = if latest { usize::MAX } else { limit as usize };
    let mut idle_since = Instant::now();
    while open(&next) && page.messages.len() < wanted {
        if page.scanned >= SCAN_MAX_RECORDS {
            page.stopped_early = Some(ScanStop::RecordBudget);
            break;
        }
        if started.elapsed() >= SCAN_MAX_TIME {
            page.stopped_early = Some(ScanStop::TimeBudget);
            break;
        }
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => {
                idle_since = Instant::now();
                let p = rdkafka::Message::partition(&message);
                let offset = rdkafka::Message::offset(&message);
                let Some((_, end)) = ranges.get(&p) else { continue };
                if offset >= *end {
                    next.insert(p, *end);
                    continue;
                }
                next.insert(p, offset + 1);
                page.scanned += 1;
                let converted = convert(&message);
                if needle.as_deref().is_none_or(|n| matches(&converted, n)) {
                    page.messages.push(converted);
                }
            }
            Some(Err(KafkaError::PartitionEOF(p))) => {
                if let Some((_, end)) = ranges.get(&p) {
                    next.insert(p, *end);
                }
            }
            Some(Err(e)) => return Err(kafka_error(e, timeout)),
            None if idle_since.elapsed() >= timeout => {
                return Err(ApiError::kafka_unavailable(format!(
                    "{topic} sent nothing for {} s; try again shortly.",
                    timeout.as_secs_f32()
                )));
            }
            None => {}
        }
    }
    if open(&next) {
        page.cursor = Some(
            next.iter()
                .filter(|(p, o)| **o < ranges[p].1)
                .map(|(p, o)| format!("{p}:{o}"))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if !latest {
        page.messages.sort_by_key(|m| (m.partition, m.offset));
    }
    Ok(page)
}

fn matches(message: &ApiMessage, needle: &str) -> bool {
    let text = |d: &Option<Data>| d.as_ref().is_some_and(|d| !d.base64 && d.data.contains(needle));
    text(&message.key) || text(&message.value)
}

fn convert(message: &BorrowedMessage<'_>) -> ApiMessage {
    use rdkafka::Message as _;
    ApiMessage {
        partition: message.partition(),
        offset: message.offset(),
        timestamp: message.timestamp().to_millis(),
        key: message.key().map(data),
        value: message.payload().map(data),
        headers: message
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| Header {
                        key: h.key.to_owned(),
                        value: h.value.map(data),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// UTF-8 text as is, anything else as base64.
pub fn data(bytes: &[u8]) -> Data {
    match std::str::from_utf8(bytes) {
        Ok(text) => Data {
            data: text.to_owned(),
            base64: false,
        },
        Err(_) => Data {
            data: BASE64.encode(bytes),
            base64: true,
        },
    }
}

fn decode(data: &Data, field: &str) -> Result<Vec<u8>, ApiError> {
    if data.base64 {
        BASE64.decode(&data.data).map_err(|_| {
            ApiError::invalid(
                field,
                "invalid_base64",
                format!("{field} is marked base64 but is not."),
            )
        })
    } else {
        Ok(data.data.clone().into_bytes())
    }
}

fn parse_partitions(list: &str) -> Result<Vec<i32>, ApiError> {
    let mut partitions = list
        .split(',')
        .map(|p| {
            p.trim().parse::<i32>().map_err(|_| {
                ApiError::invalid(
                    "partition",
                    "invalid_partition",
                    format!("{p:?} is not a partition number; use e.g. partition=0,2."),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    partitions.sort_unstable();
    partitions.dedup();
    Ok(partitions)
}

fn parse_from(from: &str) -> Result<Start, ApiError> {
    let bad = || {
        ApiError::invalid(
            "from",
            "invalid_from",
            format!("from={from:?}: use earliest, latest, offset:N or timestamp:MS (Unix milliseconds)."),
        )
    };
    match from.split_once(':') {
        Some(("offset", n)) => n.parse().map(Start::Offset).map_err(|_| bad()),
        Some(("timestamp", ms)) => ms.parse().map(Start::Timestamp).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// `p:o,p:o` as written by [`scan`].
fn parse_cursor(cursor: &str) -> Result<BTreeMap<i32, i64>, ApiError> {
    cursor
        .split(',')
        .map(|pair| {
            pair.split_once(':')
                .and_then(|(p, o)| Some((p.parse().ok()?, o.parse().ok()?)))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "cursor",
                        "invalid_cursor",
                        "The cursor is not one this API handed out.",
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_and_cursor_are_parsed_strictly() {
        assert!(matches!(parse_from("offset:42"), Ok(Start::Offset(42))));
        assert!(matches!(
            parse_from("timestamp:1700000000000"),
            Ok(Start::Timestamp(_))
        ));
        for bad in ["offset:", "offset:x", "yesterday", "timestamp:soon"] {
            assert_eq!(parse_from(bad).err().unwrap().code, "invalid_from", "{bad}");
        }
        assert_eq!(parse_cursor("0:5,3:7").unwrap(), BTreeMap::from([(0, 5), (3, 7)]));
        assert_eq!(parse_cursor("0-5").unwrap_err().code, "invalid_cursor");
    }

    #[test]
    fn bytes_that_are_not_utf8_travel_as_base64() {
        assert_eq!(
            data(b"hello"),
            Data {
                data: "hello".into(),
                base64: false
            }
        );
        let binary = data(&[0xff, 0x00]);
        assert!(binary.base64);
        assert_eq!(decode(&binary, "value").unwrap(), vec![0xff, 0x00]);
    }
}
