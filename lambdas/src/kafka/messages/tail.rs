//! Live tail: following a topic through a long poll, since no stream can
//! stay open to a Lambda behind Kong.
//!
//! The first poll answers at once with a cursor at the partitions' ends.
//! Each later poll waits (at most [`TAIL_MAX_WAIT_MS`]) until records arrive
//! past its cursor, reads at most [`TAIL_MAX_SCAN`] of the newest, and
//! answers the newest `limit` matches; what it left unread or did not
//! deliver is counted as `skipped`, and the cursor moves past it all, so a
//! topic written at 2 M records/s costs a tail no more than a quiet one.
//!
//! The cursor carries when it was handed out: a poll that comes sooner than
//! [`TAIL_MIN_INTERVAL_MS`] after it waits out the rest first. With at most
//! [`TAIL_MAX_LIMIT`] records a poll, one tail delivers at most 500/s; the
//! BFF allows [`TAILS_PER_SESSION`](configurator_api::TAILS_PER_SESSION)
//! tails per session and Kong rate-limits the route.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_api::{
    TAIL_MAX_LIMIT, TAIL_MAX_SCAN, TAIL_MAX_WAIT_MS, TAIL_MIN_INTERVAL_MS, TailPage, TailQuery,
};

use super::{
    Cut,
    browse::{Newest, Progress, Range, Scan},
    mask::Masks,
    reader::{Reader, Selection},
};
use crate::{
    audit::now_ms,
    error::ApiError,
    kafka::{Kafka, KafkaError},
    registry::{PageDecoder, Registry},
    validate,
};

pub const DEFAULT_LIMIT: u32 = 200;
pub const DEFAULT_WAIT_MS: u32 = 4_000;
/// How often a waiting poll looks at the partitions' ends.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// A tail poll, checked before the permission and before any broker call.
#[derive(Debug, Clone)]
pub struct Tail {
    limit: u32,
    wait: Duration,
    partitions: Option<String>,
    cursor: Option<TailCursor>,
    selection: Selection,
}

/// `{issued_ms}@p:o,p:o`: when it was handed out, and the next offset of
/// each followed partition.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TailCursor {
    issued_ms: i64,
    positions: String,
}

impl Tail {
    pub fn parse(query: &TailQuery) -> Result<Self, ApiError> {
        let limit = validate::limit(query.limit, DEFAULT_LIMIT, TAIL_MAX_LIMIT)?;
        let wait = query.wait_ms.unwrap_or(DEFAULT_WAIT_MS);
        if wait > TAIL_MAX_WAIT_MS {
            return Err(ApiError::invalid(
                "wait_ms",
                "invalid_wait",
                format!("wait_ms must be between 0 and {TAIL_MAX_WAIT_MS}."),
            ));
        }
        let cursor = query.cursor.as_deref().map(parse_cursor).transpose()?;
        // The positions are checked as a browse cursor is.
        if let Some(c) = &cursor {
            Range::parse(None, None, None, Some(&c.positions))?;
        }
        Ok(Self {
            limit,
            wait: Duration::from_millis(u64::from(wait)),
            partitions: query.partition.clone(),
            cursor,
            selection: Selection::parse(query.q.as_deref(), query.filter.as_deref())?,
        })
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}

impl Kafka {
    pub async fn tail(
        &self,
        topic: &str,
        request: &Tail,
        registry: Option<Arc<Registry>>,
        masks: Masks,
    ) -> Result<TailPage, ApiError> {
        let Some(cursor) = &request.cursor else {
            // Start at the end now: `latest` zero records back.
            let range = Range::parse(request.partitions.as_deref(), Some("latest"), None, None)?;
            let ends = self.ranges(topic, &range, 0).await?;
            return Ok(TailPage {
                messages: Vec::new(),
                cursor: write_cursor(ends.iter().map(|(p, (_, end))| (*p, *end))),
                skipped: 0,
                scanned: 0,
                filter_errors: 0,
                registry_error: None,
            });
        };
        let started = Instant::now();
        let deadline = started + request.wait;
        let pace = Duration::from_millis(
            (cursor.issued_ms + i64::from(TAIL_MIN_INTERVAL_MS) - now_ms())
                .clamp(0, TAIL_MIN_INTERVAL_MS.into()) as u64,
        );
        tokio::time::sleep(pace).await;
        let range = Range::parse(None, None, None, Some(&cursor.positions))?;
        let mut ranges = self.ranges(topic, &range, 0).await?;
        while pending(&ranges) == 0 && Instant::now() + LOOK_EVERY <= deadline {
            tokio::time::sleep(LOOK_EVERY).await;
            ranges = self.ranges(topic, &range, 0).await?;
        }
        let arrived = pending(&ranges);
        let ends: Vec<(i32, i64)> = ranges.iter().map(|(p, (_, end))| (*p, *end)).collect();
        let limit = request.limit as usize;
        // Without a filter the newest `limit` records are all a poll needs.
        let budget = if request.selection.is_everything() {
            u64::from(request.limit)
        } else {
            TAIL_MAX_SCAN
        };
        let newest = newest_share(ranges, budget);
        let reader = Reader::new(PageDecoder::new(registry), masks, request.selection.clone());
        let topic_name = topic.to_owned();
        let (messages, scanned, dropped, filter_errors, registry_error) = self
            .read(move |consumer, timeout| {
                let scan = Scan::new(consumer, &topic_name, newest, reader, timeout, Cut::Preview);
                // One forward pass, keeping only the newest matches.
                let mut kept = Newest::new(limit);
                let mut progress = Progress::start();
                scan.run(&mut progress, &mut |raw, seen| {
                    let (message, size) = scan.convert(raw, seen);
                    kept.keep(message, size);
                    Ok(())
                })?;
                let dropped = kept.dropped;
                let messages = kept.into_messages();
                let reader = scan.reader();
                Ok::<_, KafkaError>((
                    messages,
                    progress.scanned,
                    dropped,
                    reader.filter_errors(),
                    reader.outage(),
                ))
            })
            .await?;
        Ok(TailPage {
            skipped: arrived.saturating_sub(scanned) + dropped,
            scanned,
            messages,
            cursor: write_cursor(ends),
            filter_errors,
            registry_error,
        })
    }
}

fn pending(ranges: &BTreeMap<i32, (i64, i64)>) -> u64 {
    ranges
        .values()
        .map(|(from, end)| (end - from).max(0) as u64)
        .sum()
}

/// The newest records of each range, at most `budget` in all: partitions
/// with fewer pending than their share leave the rest to the others.
fn newest_share(ranges: BTreeMap<i32, (i64, i64)>, budget: u64) -> BTreeMap<i32, (i64, i64)> {
    let mut by_size: Vec<(i32, (i64, i64))> = ranges.into_iter().collect();
    by_size.sort_by_key(|(_, (from, end))| end - from);
    let mut left = budget as i64;
    let mut out = BTreeMap::new();
    let count = by_size.len() as i64;
    for (i, (p, (from, end))) in by_size.into_iter().enumerate() {
        let share = left / (count - i as i64).max(1);
        let take = (end - from).min(share).max(0);
        left -= take;
        out.insert(p, (end - take, end));
    }
    out
}

fn write_cursor(ends: impl IntoIterator<Item = (i32, i64)>) -> String {
    let positions: Vec<String> = ends.into_iter().map(|(p, o)| format!("{p}:{o}")).collect();
    format!("{}@{}", now_ms(), positions.join(","))
}

fn parse_cursor(text: &str) -> Result<TailCursor, ApiError> {
    let bad = || {
        ApiError::invalid(
            "cursor",
            "invalid_cursor",
            "The cursor is not one this API handed out.",
        )
    };
    let (issued, positions) = text.split_once('@').ok_or_else(bad)?;
    let issued_ms = issued.parse().map_err(|_| bad())?;
    if positions.is_empty() {
        return Err(bad());
    }
    Ok(TailCursor {
        issued_ms,
        positions: positions.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_is_checked_before_anything_is_read() {
        let query = |q: &str| serde_urlencoded::from_str::<TailQuery>(q).unwrap();
        for (q, code) in [
            ("limit=0", "invalid_limit"),
            ("limit=501", "invalid_limit"),
            ("wait_ms=5001", "invalid_wait"),
            ("cursor=0:5", "invalid_cursor"),
            ("cursor=12@", "invalid_cursor"),
            ("cursor=12@0-5", "invalid_cursor"),
            ("filter=value.", "invalid_filter"),
        ] {
            assert_eq!(Tail::parse(&query(q)).unwrap_err().code, code, "{q}");
        }
        let tail = Tail::parse(&query("cursor=1700000000000@0:5,1:7&limit=10")).unwrap();
        assert_eq!(
            tail.cursor,
            Some(TailCursor {
                issued_ms: 1_700_000_000_000,
                positions: "0:5,1:7".into()
            })
        );
    }

    #[test]
    fn the_scan_budget_goes_to_the_newest_records_of_every_partition() {
        let ranges = BTreeMap::from([(0, (0, 10)), (1, (0, 1_000)), (2, (500, 2_000))]);
        let share = newest_share(ranges, 1_000);
        assert_eq!(share[&0], (0, 10), "a quiet partition is read whole");
        assert_eq!(share[&1], (505, 1_000));
        assert_eq!(share[&2], (1_505, 2_000));
        assert_eq!(pending(&share), 1_000);
    }
}
