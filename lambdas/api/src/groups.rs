use serde::{Deserialize, Serialize};

/// How long the lag history is kept (the history topic's retention).
pub const LAG_HISTORY_RETENTION_DAYS: u32 = 7;
/// Records one lag-history read scans at most (the newest): past it the
/// window's start is cut and the answer says `truncated`.
pub const LAG_HISTORY_MAX_SCAN: u64 = 2_000_000;
/// Points a series carries at most: samples are averaged into buckets.
pub const LAG_HISTORY_MAX_POINTS: usize = 360;
/// Series (topics, or partitions with `by_partition`) one answer carries at most.
pub const LAG_HISTORY_MAX_SERIES: usize = 200;
/// How long the groups list and a group's page spend reading the records at
/// the committed offsets for the time lag; a partition not read by then has
/// no `time_lag_ms` (`null`).
pub const TIME_LAG_BUDGET_MS: u64 = 800;
/// Partitions one offset reset or offset deletion changes at most.
pub const RESET_MAX_PARTITIONS: usize = 10_000;

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
    /// The worst time lag of its partitions (see [`PartitionLag::time_lag_ms`]);
    /// `null` when a lagging partition could not be read within
    /// [`TIME_LAG_BUDGET_MS`] and none that was read is worse.
    pub time_lag_ms: Option<u64>,
    pub health: GroupHealth,
}

/// A group's health verdict and the rule that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GroupHealth {
    pub status: Health,
    /// The rule, with this group's numbers: "committed offsets unchanged for
    /// 6 min while 1,234 records behind".
    pub reason: String,
}

/// Worst first: the order the groups list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Members, records to read, and the committed offsets have not moved
    /// for the stall time (5 min by default).
    Stalled,
    /// No members and records to read.
    Stopped,
    /// Behind by more than the group's threshold (time lag 1 min, or a
    /// record count when configured).
    Lagging,
    Ok,
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
    /// The worst of `offsets`' time lags.
    pub time_lag_ms: Option<u64>,
    pub health: GroupHealth,
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
    /// Timestamp of the record at the committed offset: the next one the
    /// group will read. `null` when there is none (no lag) or it was not read
    /// within [`TIME_LAG_BUDGET_MS`].
    pub next_timestamp_ms: Option<i64>,
    /// How old that record is now (0 without lag): how far behind in time
    /// the group is on this partition.
    pub time_lag_ms: Option<u64>,
}

/// `GET …/consumer-groups/{group}/lag-history?window=&by_partition=`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct LagHistoryQuery {
    /// `hour` (default), `day` or `week`.
    pub window: Option<LagWindow>,
    /// One series per partition instead of per topic.
    pub by_partition: Option<bool>,
    /// Only this topic's series.
    pub topic: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LagWindow {
    #[default]
    Hour,
    Day,
    Week,
}

impl LagWindow {
    pub fn millis(self) -> i64 {
        match self {
            Self::Hour => 3_600_000,
            Self::Day => 86_400_000,
            Self::Week => 7 * 86_400_000,
        }
    }
}

/// The lag of a group over a window, from the sampler's records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LagHistory {
    pub group_id: String,
    pub window: LagWindow,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Width of one point: samples within it are averaged.
    pub step_ms: i64,
    /// Samples of this group found in the window.
    pub samples: u32,
    /// The whole group (all its partitions).
    pub total: LagSeries,
    /// Per topic, or per partition with `by_partition`; at most
    /// [`LAG_HISTORY_MAX_SERIES`], the laggiest first.
    pub series: Vec<LagSeries>,
    /// The window's start was not read: more than [`LAG_HISTORY_MAX_SCAN`]
    /// records, or series left out past [`LAG_HISTORY_MAX_SERIES`].
    pub truncated: bool,
    /// Time between two samples of this group, as last seen (`null` with
    /// fewer than two samples).
    pub sample_interval_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LagSeries {
    /// `null` for the group's total.
    pub topic: Option<String>,
    /// With `by_partition`.
    pub partition: Option<i32>,
    pub points: Vec<LagPoint>,
    /// `null` with fewer than two points.
    pub trend: Option<LagTrend>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LagPoint {
    pub at_ms: i64,
    pub lag: u64,
}

/// Where the lag has been heading lately: the last stretch in which it kept
/// one direction, and its mean rate there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LagTrend {
    pub direction: TrendDirection,
    /// Start of the stretch.
    pub since_ms: i64,
    /// Records per minute, positive while growing.
    pub per_min: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    Growing,
    Shrinking,
    Steady,
}

/// `POST /api/v1/consumer-groups/{group}/reset-offsets`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResetOffsets {
    /// The topics to move; every topic the group has committed offsets for
    /// when absent.
    #[serde(default)]
    pub topics: Option<Vec<String>>,
    /// Only with exactly one topic: these of its partitions (all when absent).
    #[serde(default)]
    pub partitions: Option<Vec<i32>>,
    pub to: ResetTarget,
    /// Unix milliseconds for `timestamp`, the offset for `offset`, ±N records
    /// for `shift`.
    #[serde(default)]
    pub value: Option<i64>,
    /// For `group`: the group whose committed offsets to copy.
    #[serde(default)]
    pub from_group: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResetTarget {
    Earliest,
    Latest,
    /// The first offset at or after `value` (Unix ms); the end where none is.
    Timestamp,
    Offset,
    /// The committed offset moved by `value` (negative: back), kept within
    /// the partition's offsets.
    Shift,
    /// `from_group`'s committed offset on the same partition.
    Group,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResetResult {
    pub dry_run: bool,
    pub partitions: Vec<OffsetChange>,
    /// Partitions left as they are, with the reason (`from_group` has no
    /// offset there).
    #[serde(default)]
    pub skipped: Vec<SkippedPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OffsetChange {
    pub topic: String,
    pub partition: i32,
    /// `None` when the group had no committed offset there.
    pub before: Option<i64>,
    pub after: i64,
    /// The lag before (`None` without a committed offset) and after.
    pub lag_before: Option<u64>,
    pub lag_after: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SkippedPartition {
    pub topic: String,
    pub partition: i32,
    pub reason: String,
}

/// `POST /api/v1/consumer-groups/{group}/delete-offsets`: forget the
/// group's committed offsets on these topics (Kafka's OffsetDelete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeleteOffsets {
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeletedOffsets {
    /// The partitions whose committed offset is gone.
    pub partitions: Vec<TopicPartitions>,
}
