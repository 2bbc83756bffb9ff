//! Reading the audit trail: newest first, filtered on the server, page by
//! page through the whole retained history, every record's signature checked.
//!
//! The topic has one partition, so a position is one offset. A page reads
//! backwards in chunks from its upper bound (the cursor, the `until` time or
//! the end) towards its lower bound (the `since` time or the start) and stops
//! at the first budget it meets: enough matches, records read, time, bytes.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use configurator_api::{
    AUDIT_MAX_LIMIT, AUDIT_SCAN_MAX_RECORDS, AuditEntry, AuditList, AuditOutcome, AuditQuery, AuditRecord,
    ScanStop,
};
use rdkafka::{
    Message,
    message::{BorrowedMessage, Headers},
};

use super::{
    AUDIT_TOPIC,
    signing::{AuditKeys, SIGNATURE_HEADER},
};
use configurator_api::Permission;

use crate::{AppState, clusters::OnCluster, error::ApiError, kafka::messages::read_range};

/// What one call may read and return.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub records: usize,
    pub scanned: u64,
    pub time: Duration,
    /// Bytes of records (as stored) in the answer.
    pub bytes: usize,
}

/// A page of the Audit page.
pub fn page_budget(limit: u32) -> Budget {
    Budget {
        records: limit as usize,
        scanned: AUDIT_SCAN_MAX_RECORDS,
        time: Duration::from_millis(2500),
        bytes: 2 * 1024 * 1024,
    }
}

/// A CSV export: more records, more time, still well inside a Lambda's
/// 6 MB answer and the gateway's timeout.
pub fn export_budget() -> Budget {
    Budget {
        records: configurator_api::AUDIT_EXPORT_MAX_RECORDS as usize,
        scanned: 10 * AUDIT_SCAN_MAX_RECORDS,
        time: Duration::from_secs(10),
        bytes: 3 * 1024 * 1024,
    }
}

/// Records read from the topic per step backwards: with records of at most
/// [`super::MAX_RECORD_BYTES`], a step holds a few MiB at worst.
const CHUNK: i64 = 250;

/// The query, checked: every filter is valid before anything is read.
#[derive(Debug, Clone)]
pub struct Filter {
    person: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    outcome: AuditOutcome,
    since: Option<i64>,
    until: Option<i64>,
    before: Option<i64>,
}

impl Filter {
    pub fn new(query: &AuditQuery) -> Result<Self, ApiError> {
        if let Some(action) = query.action.as_deref().filter(|a| !a.is_empty())
            && !Permission::ALL.iter().any(|a| a.name() == action)
        {
            let known: Vec<&str> = Permission::ALL.iter().map(|a| a.name()).collect();
            return Err(ApiError::invalid(
                "action",
                "invalid_action",
                format!("{action:?} is not an action; use one of {}.", known.join(", ")),
            ));
        }
        if let (Some(since), Some(until)) = (query.since, query.until)
            && since >= until
        {
            return Err(ApiError::invalid(
                "since",
                "invalid_time_range",
                "since must be earlier than until.",
            ));
        }
        for (field, time) in [("since", query.since), ("until", query.until)] {
            if time.is_some_and(|t| t < 0) {
                return Err(ApiError::invalid(
                    field,
                    "invalid_time_range",
                    format!("{field} is Unix milliseconds and cannot be negative."),
                ));
            }
        }
        let before = query
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.parse::<i64>().ok().filter(|o| *o >= 0).ok_or_else(|| {
                    ApiError::invalid(
                        "cursor",
                        "invalid_cursor",
                        "The cursor is not one this API handed out.",
                    )
                })
            })
            .transpose()?;
        let lower = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_lowercase);
        Ok(Self {
            person: lower(&query.person),
            action: query.action.clone().filter(|a| !a.is_empty()),
            resource: lower(&query.resource),
            outcome: query.outcome.unwrap_or_default(),
            since: query.since,
            until: query.until,
            before,
        })
    }

    fn matches(&self, record: &AuditRecord) -> bool {
        let contains = |haystack: &str, needle: &Option<String>| {
            needle
                .as_deref()
                .is_none_or(|n| haystack.to_lowercase().contains(n))
        };
        (contains(&record.name, &self.person) || contains(&record.subject, &self.person))
            && self.action.as_deref().is_none_or(|a| a == record.action)
            && contains(&record.resource, &self.resource)
            && match self.outcome {
                AuditOutcome::Allowed => !record.refused(),
                AuditOutcome::Refused => record.refused(),
                AuditOutcome::All => true,
            }
            && self.since.is_none_or(|s| record.time >= s)
            && self.until.is_none_or(|u| record.time < u)
    }
}

/// The `limit` query parameter of a page.
pub fn page_limit(query: &AuditQuery) -> Result<u32, ApiError> {
    crate::validate::limit(query.limit, 100, AUDIT_MAX_LIMIT)
}

impl AppState {
    /// The audit trail of `on`'s cluster, kept in that cluster's own topic.
    pub async fn audit_trail(
        &self,
        on: &OnCluster,
        filter: Filter,
        budget: Budget,
    ) -> Result<AuditList, ApiError> {
        let kafka = &on.kafka;
        let cluster = on.id().to_owned();
        AUDIT_TOPIC.ensure(kafka).await?;
        let key = (AUDIT_TOPIC.name.to_owned(), 0);
        let marks = kafka.watermarks(vec![key.clone()]).await?;
        let (low, high) = marks.get(&key).copied().unwrap_or((0, 0));
        // The first offset at or after a time; `high` when every record is older.
        let at = async |time: i64| {
            let found = kafka.offsets_for_time(std::slice::from_ref(&key), time).await?;
            Ok::<_, ApiError>(found.get(&key).copied().flatten().unwrap_or(high))
        };
        let mut upper = filter.before.map_or(high, |b| b.min(high));
        if let Some(until) = filter.until {
            upper = upper.min(at(until).await?);
        }
        let lower = match filter.since {
            Some(since) => at(since).await?.max(low),
            None => low,
        };
        let keys = Arc::clone(&self.audit_keys);
        kafka
            .read(move |consumer, timeout| {
                let mut list = AuditList {
                    records: Vec::new(),
                    scanned: 0,
                    failed_verification: 0,
                    stopped_early: None,
                    cursor: None,
                };
                let started = Instant::now();
                let mut bytes = 0;
                let mut end = upper;
                'chunks: while end > lower {
                    let start = (end - CHUNK).max(lower);
                    let mut chunk = Vec::with_capacity((end - start) as usize);
                    read_range(consumer, AUDIT_TOPIC.name, 0, start, end, timeout, |m| {
                        chunk.push(entry(m, &keys, &cluster));
                    })?;
                    for (entry, size) in chunk.into_iter().rev() {
                        list.scanned += 1;
                        if !entry.verified {
                            list.failed_verification += 1;
                        }
                        // A record that fails verification always shows: it is
                        // the one thing nobody may filter away.
                        if !entry.verified || filter.matches(&entry.record) {
                            bytes += size;
                            let offset = entry.offset;
                            list.records.push(entry);
                            if list.records.len() >= budget.records || bytes >= budget.bytes {
                                list.cursor = (offset > lower).then(|| offset.to_string());
                                if bytes >= budget.bytes {
                                    list.stopped_early = Some(ScanStop::ByteBudget);
                                }
                                break 'chunks;
                            }
                        }
                    }
                    end = start;
                    let stop = if list.scanned >= budget.scanned {
                        Some(ScanStop::RecordBudget)
                    } else if started.elapsed() >= budget.time {
                        Some(ScanStop::TimeBudget)
                    } else {
                        None
                    };
                    if stop.is_some() && end > lower {
                        list.stopped_early = stop;
                        list.cursor = Some(end.to_string());
                        break;
                    }
                }
                Ok(list)
            })
            .await
    }
}

/// One stored record with its verification, and its stored size.
fn entry(message: &BorrowedMessage<'_>, keys: &AuditKeys, cluster: &str) -> (AuditEntry, usize) {
    let payload = message.payload().unwrap_or_default();
    if payload.len() > super::MAX_RECORD_BYTES {
        // Larger than anything the service writes: not parsed, never kept.
        let entry = AuditEntry {
            record: unreadable(message),
            offset: message.offset(),
            verified: false,
            problem: Some(format!(
                "the record has {} bytes, more than any this service writes",
                payload.len()
            )),
        };
        return (entry, 0);
    }
    let signature = message.headers().and_then(|headers| {
        headers
            .iter()
            .find(|h| h.key == SIGNATURE_HEADER)
            .and_then(|h| h.value)
    });
    let verified = keys.verify(payload, signature);
    let parsed = serde_json::from_slice::<AuditRecord>(payload);
    let problem = match (&verified, &parsed) {
        (Err(why), _) => Some(why.to_string()),
        (Ok(()), Err(e)) => Some(format!("the record cannot be read: {e}")),
        // Signed, but about another cluster: copied here from elsewhere.
        (Ok(()), Ok(record)) if !record.cluster.is_empty() && record.cluster != cluster => Some(format!(
            "the record was written for cluster {}, not this one",
            record.cluster
        )),
        (Ok(()), Ok(_)) => None,
    };
    let record = parsed.unwrap_or_else(|_| unreadable(message));
    let entry = AuditEntry {
        record,
        offset: message.offset(),
        verified: problem.is_none(),
        problem,
    };
    (entry, payload.len())
}

/// What the list shows for a record that is not one of ours.
fn unreadable(message: &BorrowedMessage<'_>) -> AuditRecord {
    AuditRecord {
        time: message.timestamp().to_millis().unwrap_or_default(),
        subject: String::new(),
        name: "(not an audit record)".into(),
        action: String::new(),
        cluster: String::new(),
        resource: message
            .key()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .unwrap_or_default(),
        parameters: serde_json::Value::Null,
        result: "unreadable".into(),
        status: 0,
        request_id: String::new(),
        client_request_id: None,
    }
}
