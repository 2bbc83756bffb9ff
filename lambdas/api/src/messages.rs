use serde::{Deserialize, Serialize};

use crate::{DecodeProblem, SchemaChoice, SchemaRef};

/// Bytes of a key, value or header value shown in a message list; a larger
/// one is cut there (`full_size` says how large it is) and fetched whole from
/// the single-message endpoint.
pub const PREVIEW_BYTES: usize = 16 * 1024;
/// Bytes of keys, values and headers one browse answer carries at most: with
/// JSON's overhead it stays well under the 6 MB a Lambda may answer.
pub const BROWSE_MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Largest message (key + value + headers) the single-message endpoint
/// answers with, so that even as base64 it fits into a Lambda's answer.
pub const SHOW_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Longest CEL filter (`filter=`) accepted, in bytes.
pub const FILTER_MAX_BYTES: usize = 2048;
/// What a masked key, value, header or field reads as.
pub const MASKED: &str = "****";

/// `GET /api/v1/topics/{topic}/messages?partition=&from=&until=&limit=&q=&filter=&cursor=`
///
/// A browse reads at most `limit` messages, and stops at its budgets: 50,000
/// records read, 2.5 s, or [`BROWSE_MAX_BYTES`] of data in the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct MessageQuery {
    /// Comma-separated partition numbers; all partitions when absent.
    pub partition: Option<String>,
    /// `earliest` (default), `latest` (the last `limit` messages),
    /// `offset:N` or `timestamp:MS` (Unix milliseconds).
    pub from: Option<String>,
    /// Where each partition's range ends (exclusive): `offset:N` or
    /// `timestamp:MS`; the partitions' ends now when absent.
    pub until: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<u32>,
    /// Only messages whose key or value contains this text (in the decoded
    /// JSON for records framed for the cluster's schema registry).
    pub q: Option<String>,
    /// Only messages this CEL expression is true for, over `key`, `value`
    /// (decoded JSON, parsed JSON text, or a string), `headers` (name →
    /// text), `partition`, `offset` and `timestamp` (Unix ms), e.g.
    /// `value.status == "cancelled" && value.amount > 1000`. At most
    /// [`FILTER_MAX_BYTES`]; a record it cannot be evaluated on does not
    /// match and is counted in `filter_errors`. Fields masked for the caller
    /// cannot be filtered on.
    pub filter: Option<String>,
    /// Records whole (each up to [`SHOW_MAX_BYTES`]) instead of previews,
    /// for exports; the answer's byte budget still holds.
    pub whole: Option<bool>,
    /// `cursor` of the previous page: continue where it stopped
    /// (`from` is then ignored).
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Records read to produce this page (matching or not).
    pub scanned: u64,
    /// Bytes of keys, values and headers in this answer (after previews).
    #[serde(default)]
    pub bytes: u64,
    /// Set when the scan stopped at its budget (records or time) before
    /// finding `limit` matches or reaching the end of the partitions.
    pub stopped_early: Option<ScanStop>,
    /// Pass as `cursor` to read on; `None` when every chosen partition was
    /// read to its end.
    pub cursor: Option<String>,
    /// Set once per page when the schema registry could not be asked: the
    /// records it concerns are shown raw with `undecoded`, the others decode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_error: Option<DecodeProblem>,
    /// Records the `filter` could not be evaluated on (a missing field, a
    /// value of another type): counted as not matching.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub filter_errors: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Records a live tail waits for at most per poll.
pub const TAIL_MAX_WAIT_MS: u32 = 5_000;
/// Records one tail poll delivers at most; with [`TAIL_MIN_INTERVAL_MS`]
/// between polls, a tail delivers at most 500 records/s.
pub const TAIL_MAX_LIMIT: u32 = 500;
/// Records one tail poll reads at most (matching or not): when more than
/// this arrived since the last poll, the older ones are skipped.
pub const TAIL_MAX_SCAN: u64 = 10_000;
/// Shortest time between two polls of one tail: a poll that comes sooner
/// waits out the rest before it reads.
pub const TAIL_MIN_INTERVAL_MS: u32 = 1_000;
/// Tails one session may have open at once (the BFF counts them).
pub const TAILS_PER_SESSION: usize = 3;

/// `GET /api/v1/clusters/{cluster}/topics/{topic}/messages/tail?partition=&q=&filter=&limit=&wait_ms=&cursor=`
///
/// A long poll: without a cursor it starts at the partitions' ends now and
/// answers at once; with one, it waits up to `wait_ms` for records past the
/// cursor and answers with the newest `limit` of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct TailQuery {
    /// Comma-separated partition numbers; all partitions when absent
    /// (ignored with a cursor, which names its partitions).
    pub partition: Option<String>,
    pub q: Option<String>,
    /// A CEL filter, as for a browse.
    pub filter: Option<String>,
    /// 1–[`TAIL_MAX_LIMIT`], default 200.
    pub limit: Option<u32>,
    /// 0–[`TAIL_MAX_WAIT_MS`], default 4,000.
    pub wait_ms: Option<u32>,
    /// `cursor` of the previous poll.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TailPage {
    /// Newest first.
    pub messages: Vec<Message>,
    /// Pass to the next poll.
    pub cursor: String,
    /// Records that arrived since the last poll and were not delivered:
    /// past [`TAIL_MAX_SCAN`] unread, or matching beyond `limit`.
    pub skipped: u64,
    /// Records read in this poll (matching or not).
    pub scanned: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub filter_errors: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_error: Option<DecodeProblem>,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScanStop {
    /// The maximum number of records one call reads.
    RecordBudget,
    /// The maximum time one call spends reading.
    TimeBudget,
    /// The maximum bytes one answer carries ([`BROWSE_MAX_BYTES`]).
    ByteBudget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Message {
    pub partition: i32,
    pub offset: i64,
    /// Unix milliseconds.
    pub timestamp: Option<i64>,
    pub key: Option<Data>,
    /// `None` for a tombstone.
    pub value: Option<Data>,
    pub headers: Vec<Header>,
}

/// Bytes as text when they are UTF-8, otherwise base64 with `base64: true`.
/// Bytes framed for the cluster's schema registry also come decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Data {
    /// The raw bytes (framing included).
    pub data: String,
    #[serde(default)]
    pub base64: bool,
    /// Set in lists when `data` holds only the first [`PREVIEW_BYTES`]: the
    /// size of the whole, in bytes. Never set on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_size: Option<u64>,
    /// The value decoded with its schema, as JSON (Avro unions as the bare
    /// branch value, Protobuf with its field names). Never set on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<serde_json::Value>,
    /// What it was written with: set when the framing was recognised, with
    /// `decoded` or `undecoded`. Never set on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaRef>,
    /// Framed for a registry but not decoded, and why. Never set on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undecoded: Option<DecodeProblem>,
    /// What of this part is masked for the caller (each reads [`MASKED`]):
    /// `*` for the whole part, otherwise JSON paths such as `card.number`.
    /// The raw bytes of a masked part are never sent: `data` holds the
    /// masked JSON text, or [`MASKED`]. Never set on input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
}

impl Data {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            data: text.into(),
            ..Self::default()
        }
    }

    pub fn is_truncated(&self) -> bool {
        self.full_size.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Header {
    pub key: String,
    pub value: Option<Data>,
}

/// `POST /api/v1/topics/{topic}/messages`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ProduceRequest {
    #[serde(default)]
    pub key: Option<Data>,
    /// `None` writes a tombstone.
    #[serde(default)]
    pub value: Option<Data>,
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The partitioner (by key) chooses when absent.
    #[serde(default)]
    pub partition: Option<i32>,
    /// Encode the key with this registry schema: `key` is then its JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_schema: Option<SchemaChoice>,
    /// Encode the value with this registry schema: `value` is then its JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_schema: Option<SchemaChoice>,
}

/// 201 answer to a produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Produced {
    pub partition: i32,
    pub offset: i64,
    /// The schemas the key and value were encoded with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_schema: Option<SchemaRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_schema: Option<SchemaRef>,
}
