//! Copy and redrive: records of one topic written to another (or, from a
//! dead-letter topic, each to the topic its header names), in steps.
//!
//! A step reads at most [`COPY_STEP_MAX_RECORDS`] records (and
//! [`COPY_STEP_MAX_BYTES`], and the browse's time budget) of the run's range,
//! writes the matching ones, and answers a cursor for the next step. The
//! range's ends are fixed by the first step and travel in the cursor, so a
//! copy into its own topic still ends. Each step is recorded in the
//! [`ledger`], which makes a retried step write nothing twice.
//!
//! Records are copied byte for byte: keys, headers and timestamps as the
//! request keeps them. Masking cannot apply to bytes, so the handler refuses
//! a copy from a topic with fields masked for the caller.

pub mod ledger;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
};

use configurator_api::{
    COPY_STEP_MAX_BYTES, COPY_STEP_MAX_RECORDS, CopyKeep, CopyRequest, CopyStep, CopyTarget, RecordAddress,
    SkipCount, SkipReason, TopicCount, is_protected_topic,
};
use rdkafka::{
    Message as _,
    message::{Headers, OwnedHeaders},
    producer::FutureRecord,
};
use sha2::{Digest, Sha256};

use self::ledger::{CLAIM_LIFETIME, Entry, State};
use super::{
    Cut,
    browse::{Progress, Range, Scan, Stop},
    mask::Masks,
    reader::{Reader, Selection},
};
use crate::{
    audit::now_ms,
    error::ApiError,
    kafka::{Kafka, KafkaError, kafka_error},
    registry::{PageDecoder, Registry},
    validate,
};

/// A copy step, checked before the permission and before any broker call.
#[derive(Debug, Clone)]
pub struct CopyRun {
    run_id: String,
    target: CopyTarget,
    range: Range,
    /// Chosen records, when the source names them.
    records: Option<BTreeSet<RecordAddress>>,
    selection: Selection,
    keep: CopyKeep,
    dry_run: bool,
    cursor: Option<StepCursor>,
    /// The request without its cursor and dry-run flag, for the ledger.
    shape: String,
}

/// Each partition's `start:next:end`: the range fixed by the first step
/// and where the next step reads on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StepCursor(BTreeMap<i32, (i64, i64, i64)>);

impl StepCursor {
    fn parse(text: &str) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::invalid(
                "cursor",
                "invalid_cursor",
                "The cursor is not one this API handed out.",
            )
        };
        text.split(',')
            .map(|part| {
                let mut numbers = part.split(':');
                let p = numbers.next().and_then(|n| n.parse().ok()).ok_or_else(bad)?;
                let mut next = || numbers.next().and_then(|n| n.parse::<i64>().ok()).ok_or_else(bad);
                let (start, at, end) = (next()?, next()?, next()?);
                if !(start <= at && at <= end) {
                    return Err(bad());
                }
                Ok((p, (start, at, end)))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn write(&self) -> String {
        self.0
            .iter()
            .map(|(p, (start, at, end))| format!("{p}:{start}:{at}:{end}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn is_done(&self) -> bool {
        self.0.values().all(|(_, at, end)| at >= end)
    }

    fn total(&self) -> u64 {
        self.0.values().map(|(start, _, end)| (end - start) as u64).sum()
    }

    fn done(&self) -> u64 {
        self.0.values().map(|(start, at, _)| (at - start) as u64).sum()
    }
}

impl CopyRun {
    pub fn parse(request: &CopyRequest) -> Result<Self, ApiError> {
        let id = &request.run_id;
        if !(8..=64).contains(&id.len())
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ApiError::invalid(
                "run_id",
                "invalid_run_id",
                "run_id must be 8 to 64 letters, digits, '-' or '_' (a UUID will do).",
            ));
        }
        match &request.target {
            CopyTarget::Topic(topic) => {
                validate::topic_name(topic).map_err(|e| e.with_field("target.topic"))?
            }
            CopyTarget::Header(name) if name.trim().is_empty() || name.len() > 255 => {
                return Err(ApiError::invalid(
                    "target.header",
                    "invalid_header_name",
                    "Name the header that holds each record's original topic (1–255 characters).",
                ));
            }
            CopyTarget::Header(_) => {}
        }
        let source = &request.source;
        let records = if source.records.is_empty() {
            None
        } else {
            if source.partition.is_some() || source.from.is_some() || source.until.is_some() {
                return Err(ApiError::invalid(
                    "source.records",
                    "invalid_source",
                    "Choose records or a range (partition, from, until), not both.",
                ));
            }
            if source.records.len() as u64 > COPY_STEP_MAX_RECORDS {
                return Err(ApiError::invalid(
                    "source.records",
                    "too_many_records",
                    format!("At most {COPY_STEP_MAX_RECORDS} chosen records; copy a range for more."),
                ));
            }
            Some(source.records.iter().copied().collect::<BTreeSet<_>>())
        };
        let range = match &records {
            Some(chosen) => {
                let partitions: BTreeSet<i32> = chosen.iter().map(|r| r.partition).collect();
                let list = partitions
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                Range::parse(Some(&list), None, None, None)?
            }
            None => Range::parse(
                source.partition.as_deref(),
                source.from.as_deref(),
                source.until.as_deref(),
                None,
            )?,
        };
        if range.is_latest() {
            return Err(ApiError::invalid(
                "source.from",
                "invalid_from",
                "A copy reads forwards: use earliest, offset:N or timestamp:MS.",
            ));
        }
        let mut shape = request.clone();
        shape.cursor = None;
        shape.dry_run = false;
        Ok(Self {
            run_id: id.clone(),
            target: request.target.clone(),
            range,
            records,
            selection: Selection::parse(source.q.as_deref(), source.filter.as_deref())?,
            keep: request.keep,
            dry_run: request.dry_run,
            cursor: request.cursor.as_deref().map(StepCursor::parse).transpose()?,
            shape: serde_json::to_string(&shape).unwrap_or_default(),
        })
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn target_topic(&self) -> Option<&str> {
        match &self.target {
            CopyTarget::Topic(topic) => Some(topic),
            CopyTarget::Header(_) => None,
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    fn step_key(&self) -> String {
        self.cursor.as_ref().map(StepCursor::write).unwrap_or_default()
    }

    fn fingerprint(&self, cluster: &str, topic: &str, subject: &str) -> String {
        let digest = Sha256::digest(format!("{cluster}\n{topic}\n{subject}\n{}", self.shape));
        hex::encode(&digest[..16])
    }
}

/// A record read, to be written.
struct Copied {
    from: RecordAddress,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
    timestamp: Option<i64>,
    target: Result<String, SkipReason>,
}

/// What the handler tells a step about the caller.
pub struct Caller<'a> {
    pub cluster: &'a str,
    pub subject: &'a str,
    /// Whether the caller may produce to a topic.
    pub may_produce: &'a (dyn Fn(&str) -> bool + Sync),
}

impl Kafka {
    pub async fn copy_step(
        &self,
        topic: &str,
        run: &CopyRun,
        registry: Option<Arc<Registry>>,
        caller: Caller<'_>,
    ) -> Result<CopyStep, ApiError> {
        let fingerprint = run.fingerprint(caller.cluster, topic, caller.subject);
        let step = run.step_key();
        let mut history = None;
        if !run.dry_run {
            let found = self.run_history(&run.run_id, None).await?;
            if found.entries.iter().any(|e| e.fingerprint != fingerprint) {
                return Err(ApiError::conflict(
                    "run_conflict",
                    format!(
                        "Run {} was started with other settings (or by someone else); choose a new run id.",
                        run.run_id
                    ),
                ));
            }
            if found.entries.is_empty() && run.cursor.is_some() {
                return Err(ApiError::conflict(
                    "run_not_found",
                    format!(
                        "Run {} has no recorded steps (runs are kept {} hours); start it again without a cursor.",
                        run.run_id,
                        configurator_api::COPY_RUN_TTL_HOURS
                    ),
                ));
            }
            history = Some(found);
        }
        let already_written: BTreeSet<RecordAddress> = match &history {
            Some(h) => {
                if let Some(done) = h.step(&step).find(|e| e.state == State::Done)
                    && let Some(answer) = &done.answer
                {
                    return Ok(CopyStep {
                        replayed: true,
                        ..answer.clone()
                    });
                }
                let last = h.step(&step).last();
                if let Some(claim) = last.filter(|e| e.state == State::Claimed) {
                    let age = now_ms() - claim.at_ms;
                    return Err(if age < CLAIM_LIFETIME.as_millis() as i64 {
                        ApiError::conflict(
                            "run_in_progress",
                            "This step of the run is being written by another call; wait for its answer.",
                        )
                    } else {
                        ApiError::conflict(
                            "run_interrupted",
                            "This step was interrupted while writing, so some of its records may be in the target already; check the target, then start a new run for the rest.",
                        )
                    });
                }
                h.step(&step).flat_map(|e| e.written.iter().copied()).collect()
            }
            None => BTreeSet::new(),
        };

        let cursor = match &run.cursor {
            Some(cursor) => cursor.clone(),
            None => {
                let ranges = self.ranges(topic, &run.range, 0).await?;
                let ranges = match &run.records {
                    // Only the span of the chosen records of each partition.
                    Some(chosen) => ranges
                        .into_iter()
                        .map(|(p, (low, high))| {
                            let mine = chosen.iter().filter(|r| r.partition == p).map(|r| r.offset);
                            let (min, max) =
                                mine.fold((i64::MAX, i64::MIN), |(a, b), o| (a.min(o), b.max(o)));
                            let from = min.clamp(low, high);
                            (p, (from, from, (max + 1).clamp(from, high)))
                        })
                        .collect(),
                    None => ranges
                        .into_iter()
                        .map(|(p, (from, end))| (p, (from, from, end)))
                        .collect(),
                };
                StepCursor(ranges)
            }
        };
        let (copied, next, scanned, filter_errors) = self.read_step(topic, run, &cursor, registry).await?;

        // Where each record goes, and whether it may.
        let meta = self.metadata().await?;
        let partitions_of: HashMap<&str, usize> = meta
            .topics
            .iter()
            .map(|t| (t.name.as_str(), t.partitions.len()))
            .collect();
        let mut skipped: BTreeMap<SkipReason, (u64, BTreeSet<String>)> = BTreeMap::new();
        let mut writes = Vec::new();
        for record in copied {
            let verdict = record.target.clone().and_then(|target| {
                if is_protected_topic(&target) {
                    Err(SkipReason::ProtectedTopic)
                } else if !partitions_of.contains_key(target.as_str()) {
                    Err(SkipReason::UnknownTopic)
                } else if !(caller.may_produce)(&target) {
                    Err(SkipReason::ForbiddenTopic)
                } else {
                    Ok(target)
                }
            });
            match verdict {
                Ok(target) => writes.push((target, record)),
                Err(reason) => {
                    let entry = skipped.entry(reason).or_default();
                    entry.0 += 1;
                    if let Ok(named) = &record.target
                        && entry.1.len() < 20
                    {
                        entry.1.insert(named.clone());
                    }
                }
            }
        }
        let mut targets: BTreeMap<String, u64> = BTreeMap::new();
        for (target, _) in &writes {
            *targets.entry(target.clone()).or_default() += 1;
        }
        let answer = CopyStep {
            run_id: run.run_id.clone(),
            dry_run: run.dry_run,
            scanned,
            targets: targets
                .into_iter()
                .map(|(topic, records)| TopicCount { topic, records })
                .collect(),
            skipped: skipped
                .into_iter()
                .map(|(reason, (records, topics))| SkipCount {
                    reason,
                    records,
                    topics: topics.into_iter().collect(),
                })
                .collect(),
            cursor: (!next.is_done()).then(|| next.write()),
            range_records: next.total(),
            range_done: next.done(),
            replayed: false,
            filter_errors,
        };
        if run.dry_run {
            return Ok(answer);
        }

        let history = history.expect("read for every real step");
        let claim = ledger::claim_id();
        let entry = |state, answer: Option<CopyStep>, written: Vec<RecordAddress>| Entry {
            run_id: run.run_id.clone(),
            step: step.clone(),
            state,
            fingerprint: fingerprint.clone(),
            claim: claim.clone(),
            at_ms: now_ms(),
            answer,
            written,
        };
        self.record_step(&entry(State::Claimed, None, Vec::new())).await?;
        // Another call may have claimed the same step between our lookup and
        // our claim: the first claim in the ledger wins.
        let since = self.run_history(&run.run_id, Some(history.end)).await?;
        let first = since.step(&step).find(|e| e.state == State::Claimed);
        if first.is_some_and(|e| e.claim != claim) {
            return Err(ApiError::conflict(
                "run_in_progress",
                "This step of the run is being written by another call; wait for its answer.",
            ));
        }
        let (written, failure) = self
            .write_copies(writes, run.keep, &already_written, &partitions_of)
            .await;
        match failure {
            None => {
                self.record_step(&entry(State::Done, Some(answer.clone()), Vec::new()))
                    .await?;
                Ok(answer)
            }
            Some(error) => {
                let mut all = already_written;
                all.extend(written);
                self.record_step(&entry(State::Partial, None, all.into_iter().collect()))
                    .await?;
                Err(error.into())
            }
        }
    }

    /// Reads one step's records from `cursor`: at most
    /// [`COPY_STEP_MAX_RECORDS`] and [`COPY_STEP_MAX_BYTES`].
    async fn read_step(
        &self,
        topic: &str,
        run: &CopyRun,
        cursor: &StepCursor,
        registry: Option<Arc<Registry>>,
    ) -> Result<(Vec<Copied>, StepCursor, u64, u64), ApiError> {
        // The oldest records first, shared among the partitions.
        let mut left = COPY_STEP_MAX_RECORDS as i64;
        let mut ranges = BTreeMap::new();
        let open: Vec<(i32, (i64, i64, i64))> = cursor.0.iter().map(|(p, r)| (*p, *r)).collect();
        for (i, (p, (_, at, end))) in open.iter().enumerate() {
            let share = left / (open.len() - i) as i64;
            let take = (end - at).min(share).max(0);
            left -= take;
            ranges.insert(*p, (*at, at + take));
        }
        // Records are copied as bytes: decoding is only for the filters.
        let registry = registry.filter(|_| !run.selection.is_everything());
        let reader = Reader::new(
            PageDecoder::new(registry),
            Masks::default(),
            run.selection.clone(),
        );
        let topic_name = topic.to_owned();
        let records = run.records.clone();
        let target = run.target.clone();
        let (copied, next, scanned, filter_errors) = self
            .read(move |consumer, timeout| {
                let scan = Scan::new(consumer, &topic_name, ranges, reader, timeout, Cut::Whole);
                let mut copied = Vec::new();
                let mut bytes = 0u64;
                let mut progress = Progress::start();
                let (next, _) = scan.run(&mut progress, &mut |m, _seen| {
                    let from = RecordAddress {
                        partition: m.partition(),
                        offset: m.offset(),
                    };
                    if records.as_ref().is_some_and(|chosen| !chosen.contains(&from)) {
                        return Ok(());
                    }
                    let headers: Vec<(String, Option<Vec<u8>>)> = m
                        .headers()
                        .map(|hs| {
                            hs.iter()
                                .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                                .collect()
                        })
                        .unwrap_or_default();
                    let target = match &target {
                        CopyTarget::Topic(topic) => Ok(topic.clone()),
                        CopyTarget::Header(name) => headers
                            .iter()
                            .rev()
                            .find(|(k, _)| k == name)
                            .and_then(|(_, v)| v.as_deref())
                            .and_then(|v| std::str::from_utf8(v).ok())
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(str::to_owned)
                            .ok_or(SkipReason::MissingHeader),
                    };
                    let record = Copied {
                        from,
                        key: m.key().map(<[u8]>::to_vec),
                        value: m.payload().map(<[u8]>::to_vec),
                        headers,
                        timestamp: m.timestamp().to_millis(),
                        target,
                    };
                    bytes += record.size();
                    copied.push(record);
                    if bytes >= COPY_STEP_MAX_BYTES {
                        Err(Stop::Budget(configurator_api::ScanStop::ByteBudget))
                    } else {
                        Ok(())
                    }
                })?;
                let filter_errors = scan.reader().filter_errors();
                Ok::<_, KafkaError>((copied, next, progress.scanned, filter_errors))
            })
            .await?;
        let mut after = cursor.clone();
        for (p, at) in next {
            if let Some((_, position, _)) = after.0.get_mut(&p) {
                *position = at;
            }
        }
        Ok((copied, after, scanned, filter_errors))
    }

    /// Writes the records not written before; the ones written now, and
    /// the first failure.
    async fn write_copies(
        &self,
        writes: Vec<(String, Copied)>,
        keep: CopyKeep,
        already: &BTreeSet<RecordAddress>,
        partitions_of: &HashMap<&str, usize>,
    ) -> (Vec<RecordAddress>, Option<KafkaError>) {
        let producer = match self.producer() {
            Ok(p) => p,
            Err(e) => return (Vec::new(), Some(e)),
        };
        let timeout = self.timeout();
        let sends = writes
            .iter()
            .filter(|(_, record)| !already.contains(&record.from))
            .map(|(target, record)| {
                let mut out = FutureRecord::<[u8], [u8]>::to(target);
                if let Some(value) = &record.value {
                    out = out.payload(value.as_slice());
                }
                if keep.keys
                    && let Some(key) = &record.key
                {
                    out = out.key(key.as_slice());
                }
                if keep.headers && !record.headers.is_empty() {
                    let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
                    for (key, value) in &record.headers {
                        headers = headers.insert(rdkafka::message::Header {
                            key,
                            value: value.as_deref(),
                        });
                    }
                    out = out.headers(headers);
                }
                if keep.timestamps
                    && let Some(ms) = record.timestamp
                {
                    out = out.timestamp(ms);
                }
                if keep.partitions
                    && (record.from.partition as usize)
                        < partitions_of.get(target.as_str()).copied().unwrap_or(0)
                {
                    out = out.partition(record.from.partition);
                }
                let from = record.from;
                async move { (from, producer.send(out, timeout).await) }
            });
        let results = futures_util::future::join_all(sends).await;
        let mut written = Vec::new();
        let mut failure = None;
        for (from, result) in results {
            match result {
                Ok(_) => written.push(from),
                Err((e, _)) => {
                    failure.get_or_insert(kafka_error(e, timeout));
                }
            }
        }
        (written, failure)
    }
}

impl Copied {
    fn size(&self) -> u64 {
        let part = |p: &Option<Vec<u8>>| p.as_ref().map_or(0, Vec::len) as u64;
        part(&self.key)
            + part(&self.value)
            + self
                .headers
                .iter()
                .map(|(k, v)| k.len() as u64 + part(v))
                .sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use configurator_api::CopySource;

    use super::*;

    fn request(json: serde_json::Value) -> CopyRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_step_is_checked_before_anything_is_read() {
        let base = serde_json::json!({"run_id": "run-12345", "target": {"topic": "orders"}, "source": {}});
        assert!(CopyRun::parse(&request(base.clone())).is_ok());
        for (change, code) in [
            (serde_json::json!({"run_id": "short"}), "invalid_run_id"),
            (serde_json::json!({"run_id": "has space 123"}), "invalid_run_id"),
            (
                serde_json::json!({"target": {"topic": "bad topic"}}),
                "invalid_topic_name",
            ),
            (
                serde_json::json!({"target": {"header": " "}}),
                "invalid_header_name",
            ),
            (serde_json::json!({"source": {"from": "latest"}}), "invalid_from"),
            (
                serde_json::json!({"source": {"filter": "value."}}),
                "invalid_filter",
            ),
            (
                serde_json::json!({"source": {"from": "earliest", "records": [{"partition": 0, "offset": 1}]}}),
                "invalid_source",
            ),
            (serde_json::json!({"cursor": "0:5:4:9"}), "invalid_cursor"),
        ] {
            let mut json = base.clone();
            for (k, v) in change.as_object().unwrap() {
                json[k] = v.clone();
            }
            assert_eq!(CopyRun::parse(&request(json)).unwrap_err().code, code, "{change}");
        }
    }

    #[test]
    fn the_cursor_fixes_the_range_and_counts_progress() {
        let cursor = StepCursor::parse("0:0:40:100,1:10:10:10").unwrap();
        assert_eq!(cursor.write(), "0:0:40:100,1:10:10:10");
        assert_eq!((cursor.total(), cursor.done()), (100, 40));
        assert!(!cursor.is_done());
        assert!(StepCursor::parse("0:0:100:100").unwrap().is_done());
    }

    #[test]
    fn a_retry_is_the_same_request_and_another_run_is_not() {
        let run = |target: &str, cursor: Option<&str>, dry_run: bool| {
            CopyRun::parse(&CopyRequest {
                run_id: "run-12345".into(),
                target: CopyTarget::Topic(target.into()),
                source: CopySource::default(),
                keep: CopyKeep::default(),
                dry_run,
                cursor: cursor.map(str::to_owned),
            })
            .unwrap()
        };
        let print = |r: &CopyRun| r.fingerprint("a", "dlq", "alice");
        assert_eq!(
            print(&run("x", None, false)),
            print(&run("x", Some("0:0:5:9"), true))
        );
        assert_ne!(print(&run("x", None, false)), print(&run("y", None, false)));
        assert_ne!(
            run("x", None, false).fingerprint("a", "dlq", "alice"),
            run("x", None, false).fingerprint("a", "dlq", "oscar")
        );
    }
}
