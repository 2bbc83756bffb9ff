use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Topics no one changes, produces to or browses through the generic
/// endpoints, whatever their role: Configurator's own (`__configurator_*`:
/// the audit trail, schemas), Kafka's (`__consumer_offsets`,
/// `__transaction_state`), MSK's (`__amazon_msk_*`), any other `__` topic,
/// and a schema registry's `_schemas`. Their own APIs (audit, schema) read
/// and write them; topic lists show them, read-only.
pub fn is_protected_topic(name: &str) -> bool {
    name.starts_with("__") || name == "_schemas"
}

/// `GET /api/v1/topics?q=&page=&per_page=&internal=&sort=&order=`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct TopicQuery {
    /// Case-insensitive substring of the topic name.
    pub q: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    /// 1–500, default 50.
    pub per_page: Option<u32>,
    /// Include Kafka's and Configurator's own topics (default false).
    pub internal: Option<bool>,
    pub sort: Option<TopicSort>,
    pub order: Option<SortOrder>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TopicSort {
    #[default]
    Name,
    Partitions,
    Messages,
    /// Produce rate over the last hour ([`TopicSummary::messages_per_min`]):
    /// ascending puts the idle topics first.
    Rate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

/// One page of topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicList {
    pub topics: Vec<TopicSummary>,
    /// Topics matching the query (all pages).
    pub total: u32,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicSummary {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    /// Kafka's own topics (`__consumer_offsets`, …) and Configurator's
    /// (`__configurator_*`): hidden by default in the console.
    pub internal: bool,
    /// Sum over partitions of high − low watermark.
    pub messages: u64,
    /// Partitions whose in-sync replicas are fewer than their replicas.
    pub under_replicated_partitions: u32,
    /// Records written per minute over the last hour, from the lag sampler's
    /// end offsets; `null` until it has a sample 5 minutes old.
    pub messages_per_min: Option<f64>,
}

/// `POST /api/v1/topics`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreateTopic {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i16,
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
}

/// `GET /api/v1/topics/{topic}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicDetail {
    pub name: String,
    pub internal: bool,
    pub replication_factor: u32,
    pub messages: u64,
    /// As in [`TopicSummary::messages_per_min`].
    pub messages_per_min: Option<f64>,
    /// The newest record's timestamp over all partitions.
    pub last_record_ms: Option<i64>,
    /// Bytes on disk: `null`, as librdkafka has no DescribeLogDirs.
    pub size_bytes: Option<u64>,
    pub partitions: Vec<PartitionInfo>,
    pub configs: Vec<ConfigEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PartitionInfo {
    pub partition: i32,
    /// -1 when the partition has no leader.
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub low_watermark: i64,
    pub high_watermark: i64,
    pub messages: u64,
    /// Timestamp of the partition's newest record (`null` when empty, or not
    /// read within the time-lag budget).
    pub last_record_ms: Option<i64>,
}

/// `GET /api/v1/topics/{topic}/configs`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicConfigs {
    pub configs: Vec<ConfigEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConfigEntry {
    pub name: String,
    /// `None` for sensitive values.
    pub value: Option<String>,
    /// Where the value comes from: `topic` (set on the topic), `broker`,
    /// `default`, …
    pub source: String,
    pub is_default: bool,
    pub read_only: bool,
    pub sensitive: bool,
}

/// `PATCH /api/v1/topics/{topic}/configs`: applied with
/// IncrementalAlterConfigs, so keys not named keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ConfigPatch {
    pub set: BTreeMap<String, String>,
    /// Keys to return to their default.
    pub delete: Vec<String>,
}

/// `POST /api/v1/topics/{topic}/partitions`: the new total (increase only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AddPartitions {
    pub count: i32,
}

/// `POST /api/v1/topics/{topic}/purge`: deletes records below `before_offset`
/// (default: everything up to the high watermark) in the named partitions
/// (default: all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PurgeRequest {
    pub partitions: Option<Vec<i32>>,
    pub before_offset: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PurgeResult {
    pub partitions: Vec<PurgedPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PurgedPartition {
    pub partition: i32,
    /// The partition's first offset after the purge.
    pub low_watermark: i64,
}
