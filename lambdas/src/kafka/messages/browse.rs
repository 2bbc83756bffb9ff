//! Browse: a bounded scan of a topic's records.
//!
//! A browse returns at most `limit` (≤ 500) messages and stops at the first
//! budget it meets: [`SCAN_MAX_RECORDS`] read, [`SCAN_MAX_TIME`] spent, or
//! [`BROWSE_MAX_BYTES`] of data in the answer. Keys, values and header values
//! larger than [`configurator_api::PREVIEW_BYTES`] come as previews, so what
//! a browse holds in memory is bounded whatever the records' sizes. The answer
//! says which budget stopped it and gives a cursor to read on.

use std::{
    cell::RefCell,
    cmp::Reverse,
    collections::{BTreeMap, BinaryHeap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_api::{BROWSE_MAX_BYTES, Message as ApiMessage, MessagePage, MessageQuery, ScanStop};

use super::{
    mask::Masks,
    reader::{Reader, Seen, Selection},
};
use rdkafka::{
    Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError as ClientError,
    message::BorrowedMessage,
};

use super::{Cut, reached_end};
use crate::{
    error::ApiError,
    kafka::{Kafka, KafkaContext, KafkaError, kafka_error},
    registry::{PageDecoder, Registry},
    validate,
};

pub const MAX_LIMIT: u32 = 500;
pub const DEFAULT_LIMIT: u32 = 50;
/// Records one browse may read (matching the filter or not).
pub const SCAN_MAX_RECORDS: u64 = 50_000;
/// Time one browse may spend reading, well inside the gateway's timeout.
pub const SCAN_MAX_TIME: Duration = Duration::from_millis(2500);

/// Where a browse starts in each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Earliest,
    Latest,
    Offset(i64),
    Timestamp(i64),
}

/// Where each partition's range ends (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Offset(i64),
    Timestamp(i64),
}

/// Which records of a topic a read covers: partitions, where it starts and
/// ends, or where a previous read stopped. Shared by browses, exports (which
/// are browses) and copy runs.
#[derive(Debug, Clone)]
pub struct Range {
    /// Chosen partitions; all when `None`.
    partitions: Option<Vec<i32>>,
    start: Start,
    end: Option<End>,
    /// Where the previous read stopped, per partition.
    cursor: Option<BTreeMap<i32, i64>>,
}

impl Range {
    pub fn parse(
        partition: Option<&str>,
        from: Option<&str>,
        until: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        let cursor = cursor.map(parse_cursor).transpose()?;
        let partitions = match partition {
            Some(list) if cursor.is_none() && !list.trim().is_empty() => Some(parse_partitions(list)?),
            _ => None,
        };
        let start = match from {
            None | Some("" | "earliest") => Start::Earliest,
            Some("latest") => Start::Latest,
            Some(other) => parse_from(other)?,
        };
        let end = match until {
            None | Some("") => None,
            Some(text) => Some(parse_until(text)?),
        };
        Ok(Self {
            partitions,
            // A cursor continues where the last read stopped, whatever `from` says.
            start: if cursor.is_some() { Start::Earliest } else { start },
            end,
            cursor,
        })
    }

    /// The same range, continued from `cursor` (as [`Scan::cursor`] wrote it).
    pub fn resumed(&self, cursor: &str) -> Result<Self, ApiError> {
        Ok(Self {
            cursor: Some(parse_cursor(cursor)?),
            start: Start::Earliest,
            ..self.clone()
        })
    }

    pub fn is_latest(&self) -> bool {
        self.start == Start::Latest && self.cursor.is_none()
    }
}

/// A browse request, checked: everything that can be wrong with the query
/// alone is found before the permission check and before the broker is asked.
#[derive(Debug, Clone)]
pub struct Browse {
    limit: u32,
    range: Range,
    cut: Cut,
    selection: Selection,
}

impl Browse {
    pub fn parse(query: &MessageQuery) -> Result<Self, ApiError> {
        let limit = validate::limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
        Ok(Self {
            limit,
            range: Range::parse(
                query.partition.as_deref(),
                query.from.as_deref(),
                query.until.as_deref(),
                query.cursor.as_deref(),
            )?,
            cut: if query.whole == Some(true) {
                Cut::Whole
            } else {
                Cut::Preview
            },
            selection: Selection::parse(query.q.as_deref(), query.filter.as_deref())?,
        })
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}

impl Kafka {
    /// Each chosen partition's `[start, end)`: end is the high watermark
    /// now (or `until`), so a busy topic cannot keep a read going forever.
    /// `latest` starts `latest` records before the end.
    pub async fn ranges(
        &self,
        topic: &str,
        range: &Range,
        latest: i64,
    ) -> Result<BTreeMap<i32, (i64, i64)>, ApiError> {
        let cursor = &range.cursor;
        let (meta, index) = self.topic_meta(topic).await?;
        let all: Vec<i32> = meta.topics[index].partitions.iter().map(|p| p.id).collect();
        let chosen: Vec<i32> = match (cursor, &range.partitions) {
            (Some(positions), _) => positions.keys().copied().collect(),
            (None, Some(list)) => list.clone(),
            _ => all.clone(),
        };
        if let Some(bad) = chosen.iter().find(|p| !all.contains(p)) {
            return Err(ApiError::invalid(
                if cursor.is_some() { "cursor" } else { "partition" },
                "invalid_partition",
                format!("{topic} has no partition {bad}."),
            ));
        }
        let keys: Vec<(String, i32)> = chosen.iter().map(|p| (topic.to_owned(), *p)).collect();
        let marks = self.watermarks(keys.clone()).await?;
        let mark = |p: i32| marks.get(&(topic.to_owned(), p)).copied().unwrap_or((0, 0));
        let by_time = |ms| self.offsets_for_time(&keys, ms);
        let start_times = match range.start {
            Start::Timestamp(ms) if cursor.is_none() => Some(by_time(ms).await?),
            _ => None,
        };
        let end_times = match range.end {
            Some(End::Timestamp(ms)) => Some(by_time(ms).await?),
            _ => None,
        };
        let at = |times: &Option<HashMap<(String, i32), Option<i64>>>, p: i32, otherwise: i64| {
            times
                .as_ref()
                .and_then(|t| t.get(&(topic.to_owned(), p)).copied().flatten())
                .unwrap_or(otherwise)
        };
        let mut ranges = BTreeMap::new();
        for &p in &chosen {
            let (low, high) = mark(p);
            let from = match (cursor, range.start) {
                (Some(positions), _) => positions[&p].clamp(low, high),
                (None, Start::Earliest) => low,
                (None, Start::Latest) => (high - latest).max(low),
                (None, Start::Offset(n)) => {
                    if !(low..=high).contains(&n) {
                        return Err(ApiError::invalid(
                            "from",
                            "offset_out_of_range",
                            format!("Partition {p} holds offsets {low}–{high}; offset {n} is outside them."),
                        ));
                    }
                    n
                }
                (None, Start::Timestamp(_)) => at(&start_times, p, high),
            };
            let end = match range.end {
                None => high,
                Some(End::Offset(n)) => n.clamp(low, high),
                Some(End::Timestamp(_)) => at(&end_times, p, high),
            };
            ranges.insert(p, (from, end.max(from)));
        }
        Ok(ranges)
    }

    /// Records framed for `registry` come decoded ([`PageDecoder`]), what
    /// `masks` names masked.
    pub async fn browse(
        &self,
        topic: &str,
        request: &Browse,
        registry: Option<Arc<Registry>>,
        masks: Masks,
    ) -> Result<MessagePage, ApiError> {
        let limit = request.limit;
        let ranges = self.ranges(topic, &request.range, i64::from(limit)).await?;
        let latest = request.range.is_latest();
        let topic_name = topic.to_owned();
        let reader = Reader::new(PageDecoder::new(registry), masks, request.selection.clone());
        let cut = request.cut;
        self.read(move |consumer, timeout| {
            let scan = Scan::new(consumer, &topic_name, ranges, reader, timeout, cut);
            if latest {
                scan.newest(limit as usize)
            } else {
                scan.in_order(limit as usize)
            }
        })
        .await
    }
}

/// One bounded pass over the chosen partitions' ranges.
pub struct Scan<'a> {
    consumer: &'a BaseConsumer<KafkaContext>,
    topic: &'a str,
    ranges: BTreeMap<i32, (i64, i64)>,
    timeout: Duration,
    reader: RefCell<Reader>,
    cut: Cut,
}

/// A scan that receives nothing for this long while records remain is
/// talking to a broker that has gone away.
const STALLED: Duration = Duration::from_secs(1);

fn stalled(topic: &str, waited: Duration) -> KafkaError {
    KafkaError::Stalled {
        topic: topic.to_owned(),
        waited,
    }
}

/// Fewest records per partition a "latest" browse reads in one step
/// backwards. A step is `limit` shared among the partitions (at least this):
/// each step costs a new assignment and a fetch round trip (about 50 ms
/// here), so 500 records of one partition are read in one step, not ten.
const LATEST_STEP: i64 = 50;

/// The budgets' counters, shared by the steps of one browse.
pub struct Progress {
    started: Instant,
    pub scanned: u64,
}

impl Progress {
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            scanned: 0,
        }
    }
}

/// Why a scan ended before reading all its ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It has all the messages the page asked for.
    Full,
    Budget(ScanStop),
}

/// What the scan does with each matching record; an `Err` stops it.
pub type Keep<'k> = dyn FnMut(&BorrowedMessage<'_>, Seen) -> Result<(), Stop> + 'k;

impl<'a> Scan<'a> {
    pub fn new(
        consumer: &'a BaseConsumer<KafkaContext>,
        topic: &'a str,
        ranges: BTreeMap<i32, (i64, i64)>,
        reader: Reader,
        timeout: Duration,
        cut: Cut,
    ) -> Self {
        Self {
            consumer,
            topic,
            ranges,
            timeout,
            reader: RefCell::new(reader),
            cut,
        }
    }

    pub fn reader(&self) -> std::cell::Ref<'_, Reader> {
        self.reader.borrow()
    }

    /// The record as an answer carries it, and its bytes there.
    pub fn convert(&self, message: &BorrowedMessage<'_>, seen: Seen) -> (ApiMessage, u64) {
        self.reader.borrow().convert(message, self.cut, seen)
    }

    /// The first `limit` matches in offset order, with a cursor to go on.
    fn in_order(self, limit: usize) -> Result<MessagePage, ApiError> {
        let mut messages = Vec::new();
        let mut bytes = 0;
        let mut progress = Progress::start();
        let (next, stopped_early) = self.run(&mut progress, &mut |raw, seen| {
            let (message, size) = self.convert(raw, seen);
            messages.push(message);
            bytes += size;
            if bytes >= BROWSE_MAX_BYTES {
                Err(Stop::Budget(ScanStop::ByteBudget))
            } else if messages.len() >= limit {
                Err(Stop::Full)
            } else {
                Ok(())
            }
        })?;
        messages.sort_by_key(|m| (m.partition, m.offset));
        let cursor = self.cursor(&next);
        Ok(MessagePage {
            messages,
            scanned: progress.scanned,
            bytes,
            stopped_early: match stopped_early {
                Some(Stop::Budget(budget)) => Some(budget),
                Some(Stop::Full) | None => None,
            },
            cursor,
            registry_error: self.reader().outage(),
            filter_errors: self.reader().filter_errors(),
        })
    }

    /// The newest `limit` matches across the partitions, newest first. Each
    /// partition is read backwards in windows (see [`LATEST_STEP`]), so
    /// a budget that stops the scan leaves the newest records read, not the
    /// oldest. Only the newest matches are kept while reading (a heap ordered
    /// by age), and the oldest make way when the kept ones reach the byte
    /// budget; once they have, older windows cannot add anything.
    fn newest(mut self, limit: usize) -> Result<MessagePage, ApiError> {
        let full = std::mem::take(&mut self.ranges);
        let mut upper: BTreeMap<i32, i64> = full.iter().map(|(p, (_, end))| (*p, *end)).collect();
        let mut kept = Newest::new(limit);
        let mut trimmed = false;
        let mut progress = Progress::start();
        let mut stopped_early = None;
        let step = (limit as i64 / full.len().max(1) as i64).max(LATEST_STEP);
        loop {
            self.ranges = full
                .iter()
                .filter(|(p, (from, _))| upper[p] > *from)
                .map(|(p, (from, _))| (*p, ((upper[p] - step).max(*from), upper[p])))
                .collect();
            if self.ranges.is_empty() {
                break;
            }
            let (_, stop) = self.run(&mut progress, &mut |raw, seen| {
                let (message, size) = self.convert(raw, seen);
                trimmed |= kept.keep(message, size);
                Ok(())
            })?;
            for (p, (start, _)) in &self.ranges {
                upper.insert(*p, *start);
            }
            if let Some(Stop::Budget(budget)) = stop {
                stopped_early = Some(budget);
                break;
            }
            if trimmed {
                stopped_early = Some(ScanStop::ByteBudget);
                break;
            }
        }
        Ok(MessagePage {
            bytes: kept.bytes,
            messages: kept.into_messages(),
            scanned: progress.scanned,
            stopped_early,
            // Reading on from a "latest" page would read past the end.
            cursor: None,
            registry_error: self.reader().outage(),
            filter_errors: self.reader().filter_errors(),
        })
    }

    /// Reads until every range is done or a budget stops it (counted across
    /// calls in `progress`); hands each matching record to `keep`. Returns the
    /// next position per partition and what stopped it early.
    pub fn run(
        &self,
        progress: &mut Progress,
        keep: &mut Keep<'_>,
    ) -> Result<(BTreeMap<i32, i64>, Option<Stop>), KafkaError> {
        let ranges = &self.ranges;
        let mut next: BTreeMap<i32, i64> = ranges.iter().map(|(p, (from, _))| (*p, *from)).collect();
        let open = |next: &BTreeMap<i32, i64>| ranges.iter().any(|(p, (_, end))| next[p] < *end);
        let timeout = self.timeout;
        if open(&next) {
            let mut tpl = TopicPartitionList::new();
            for (p, (from, end)) in ranges {
                if from < end {
                    tpl.add_partition_offset(self.topic, *p, Offset::Offset(*from))
                        .map_err(|e| kafka_error(e, timeout))?;
                }
            }
            self.consumer.assign(&tpl).map_err(|e| kafka_error(e, timeout))?;
        }
        let mut idle_since = Instant::now();
        while open(&next) {
            if progress.scanned >= SCAN_MAX_RECORDS {
                return Ok((next, Some(Stop::Budget(ScanStop::RecordBudget))));
            }
            if progress.started.elapsed() >= SCAN_MAX_TIME {
                // Records are left to read but none came for a while: the
                // broker is gone, and a partial page would hide that.
                if idle_since.elapsed() >= STALLED {
                    return Err(stalled(self.topic, idle_since.elapsed()));
                }
                return Ok((next, Some(Stop::Budget(ScanStop::TimeBudget))));
            }
            match self.consumer.poll(Duration::from_millis(100)) {
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
                    progress.scanned += 1;
                    let seen = self.reader.borrow_mut().see(&message);
                    if let Some(seen) = seen
                        && let Err(stop) = keep(&message, seen)
                    {
                        return Ok((next, Some(stop)));
                    }
                }
                // Only this scan's end-of-partition ends it (see `reached_end`).
                Some(Err(ClientError::PartitionEOF(p))) => {
                    if let Some((_, end)) = ranges.get(&p)
                        && reached_end(self.consumer, self.topic, p, *end)
                    {
                        next.insert(p, *end);
                    }
                }
                Some(Err(e)) => return Err(kafka_error(e, timeout)),
                None if idle_since.elapsed() >= timeout => return Err(stalled(self.topic, timeout)),
                None => {}
            }
        }
        Ok((next, None))
    }

    /// `p:o,p:o` for the partitions not read to their end.
    pub fn cursor(&self, next: &BTreeMap<i32, i64>) -> Option<String> {
        let open: Vec<String> = next
            .iter()
            .filter(|(p, o)| **o < self.ranges[p].1)
            .map(|(p, o)| format!("{p}:{o}"))
            .collect();
        (!open.is_empty()).then(|| open.join(","))
    }
}

/// The newest matches of a read, at most `limit` and within the answer's
/// byte budget: a heap ordered by age, whose oldest make way.
pub struct Newest {
    kept: BinaryHeap<Reverse<Aged>>,
    limit: usize,
    pub bytes: u64,
    /// Matches that made way for newer ones.
    pub dropped: u64,
}

impl Newest {
    pub fn new(limit: usize) -> Self {
        Self {
            kept: BinaryHeap::new(),
            limit,
            bytes: 0,
            dropped: 0,
        }
    }

    /// Keeps `message` if it is among the newest; true when the byte budget
    /// (not `limit`) made an older one go.
    pub fn keep(&mut self, message: ApiMessage, size: u64) -> bool {
        let mut trimmed = false;
        self.kept.push(Reverse(Aged { message, size }));
        self.bytes += size;
        while self.kept.len() > self.limit || (self.bytes > BROWSE_MAX_BYTES && self.kept.len() > 1) {
            let Reverse(oldest) = self.kept.pop().expect("not empty");
            self.bytes -= oldest.size;
            self.dropped += 1;
            trimmed |= self.kept.len() < self.limit;
        }
        trimmed
    }

    /// Newest first.
    pub fn into_messages(self) -> Vec<ApiMessage> {
        let mut messages: Vec<ApiMessage> = self.kept.into_iter().map(|Reverse(n)| n.message).collect();
        messages.sort_by_key(|m| Reverse((m.timestamp, m.offset)));
        messages
    }
}

/// A kept message, ordered by age (timestamp, then partition and offset).
struct Aged {
    message: ApiMessage,
    size: u64,
}

impl Aged {
    fn age_key(&self) -> (Option<i64>, i32, i64) {
        (
            self.message.timestamp,
            self.message.partition,
            self.message.offset,
        )
    }
}

impl PartialEq for Aged {
    fn eq(&self, other: &Self) -> bool {
        self.age_key() == other.age_key()
    }
}

impl Eq for Aged {}

impl PartialOrd for Aged {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Aged {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.age_key().cmp(&other.age_key())
    }
}

fn parse_partitions(list: &str) -> Result<Vec<i32>, ApiError> {
    let mut partitions = list
        .split(',')
        .map(|p| {
            p.trim().parse::<i32>().ok().filter(|p| *p >= 0).ok_or_else(|| {
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

fn parse_until(until: &str) -> Result<End, ApiError> {
    let bad = || {
        ApiError::invalid(
            "until",
            "invalid_until",
            format!(
                "until={until:?}: use offset:N or timestamp:MS (Unix milliseconds); the range ends before it."
            ),
        )
    };
    match until.split_once(':') {
        Some(("offset", n)) => n.parse().map(End::Offset).map_err(|_| bad()),
        Some(("timestamp", ms)) => ms.parse().map(End::Timestamp).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// `p:o,p:o` as written by [`Scan::cursor`].
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
    fn a_query_is_checked_before_anything_is_read() {
        let query = |q: &str| serde_urlencoded::from_str::<MessageQuery>(q).unwrap();
        assert_eq!(
            Browse::parse(&query("limit=501")).unwrap_err().code,
            "invalid_limit"
        );
        assert_eq!(
            Browse::parse(&query("partition=x")).unwrap_err().code,
            "invalid_partition"
        );
        assert_eq!(
            Browse::parse(&query("partition=-1")).unwrap_err().code,
            "invalid_partition"
        );
        assert_eq!(
            Browse::parse(&query("from=soon")).unwrap_err().code,
            "invalid_from"
        );
        assert_eq!(
            Browse::parse(&query("until=tomorrow")).unwrap_err().code,
            "invalid_until"
        );
        assert_eq!(
            Browse::parse(&query("filter=value.x%20%3D%3D")).unwrap_err().code,
            "invalid_filter"
        );
        let parsed = Browse::parse(&query("from=latest&partition=2,0,2&q=x&until=offset:9")).unwrap();
        assert_eq!(parsed.range.start, Start::Latest);
        assert_eq!(parsed.range.end, Some(End::Offset(9)));
        assert_eq!(parsed.range.partitions, Some(vec![0, 2]));
    }
}
