use serde::{Deserialize, Serialize};

/// `GET /api/v1/topics/{topic}/messages?partition=&from=&limit=&q=&cursor=`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct MessageQuery {
    /// Comma-separated partition numbers; all partitions when absent.
    pub partition: Option<String>,
    /// `earliest` (default), `latest` (the last `limit` messages),
    /// `offset:N` or `timestamp:MS` (Unix milliseconds).
    pub from: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<u32>,
    /// Only messages whose key or value contains this text.
    pub q: Option<String>,
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
    /// Set when the scan stopped at its budget (records or time) before
    /// finding `limit` matches or reaching the end of the partitions.
    pub stopped_early: Option<ScanStop>,
    /// Pass as `cursor` to read on; `None` when every chosen partition was
    /// read to its end.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScanStop {
    /// The maximum number of records one call reads.
    RecordBudget,
    /// The maximum time one call spends reading.
    TimeBudget,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Data {
    pub data: String,
    #[serde(default)]
    pub base64: bool,
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
}

/// 201 answer to a produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Produced {
    pub partition: i32,
    pub offset: i64,
}
