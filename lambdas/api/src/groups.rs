use serde::{Deserialize, Serialize};

/// `GET /api/v1/consumer-groups`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GroupList {
    pub groups: Vec<GroupSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GroupSummary {
    pub group_id: String,
    /// Kafka's group state: `Stable`, `Empty`, `PreparingRebalance`, `Dead`, …
    pub state: String,
    pub members: u32,
    /// Topics the group has committed offsets for.
    pub topics: Vec<String>,
    /// Sum of (end offset − committed offset) over its partitions.
    pub total_lag: u64,
}

/// `GET /api/v1/consumer-groups/{group}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GroupDetail {
    pub group_id: String,
    pub state: String,
    pub protocol_type: String,
    /// The assignor (`range`, `cooperative-sticky`, …).
    pub protocol: String,
    pub members: Vec<GroupMember>,
    pub offsets: Vec<PartitionLag>,
    pub total_lag: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GroupMember {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    pub assignment: Vec<TopicPartitions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicPartitions {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub committed_offset: i64,
    /// High watermark.
    pub end_offset: i64,
    pub lag: u64,
}

/// `POST /api/v1/consumer-groups/{group}/reset-offsets`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResetOffsets {
    pub topic: String,
    /// All of the topic's partitions when absent.
    #[serde(default)]
    pub partitions: Option<Vec<i32>>,
    pub to: ResetTarget,
    /// Unix milliseconds for `timestamp`, the offset for `offset`.
    #[serde(default)]
    pub value: Option<i64>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResetTarget {
    Earliest,
    Latest,
    Timestamp,
    Offset,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResetResult {
    pub dry_run: bool,
    pub partitions: Vec<OffsetChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OffsetChange {
    pub topic: String,
    pub partition: i32,
    /// `None` when the group had no committed offset there.
    pub before: Option<i64>,
    pub after: i64,
}
