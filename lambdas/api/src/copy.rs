//! Copying records to another topic, and redriving a dead-letter topic:
//! one run, read and written in bounded steps, each step a call.
//!
//! A run is named by the caller (`run_id`) and goes on with the `cursor` of
//! the previous step's answer. The Lambdas record every step they finish, so
//! a step that is asked for again (a retry after a lost answer) is answered
//! from that record and writes nothing.

use serde::{Deserialize, Serialize};

/// Records one step reads at most (matching or not).
pub const COPY_STEP_MAX_RECORDS: u64 = 5_000;
/// Bytes of keys, values and headers one step writes at most.
pub const COPY_STEP_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Records a dry run counts at most (it reads on until then, over steps of
/// its own, within one call's time budget).
pub const COPY_DRY_RUN_MAX_RECORDS: u64 = 50_000;
/// How long a run can be resumed or replayed after its last step.
pub const COPY_RUN_TTL_HOURS: u32 = 24;
/// Header the Kafka Connect dead-letter queue names the original topic in
/// (`errors.deadletterqueue.context.headers.enable`).
pub const CONNECT_DLQ_HEADER: &str = "__connect.errors.topic";
/// Header Spring Kafka's `DeadLetterPublishingRecoverer` names it in.
pub const SPRING_DLQ_HEADER: &str = "kafka_dlt-original-topic";

/// `POST /api/v1/clusters/{cluster}/topics/{topic}/messages/copy`: one step
/// of a copy or redrive of `{topic}`'s records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CopyRequest {
    /// Chosen by the caller for the whole run: 8–64 of `A-Z a-z 0-9 - _`.
    pub run_id: String,
    pub target: CopyTarget,
    pub source: CopySource,
    #[serde(default)]
    pub keep: CopyKeep,
    /// Count what the run would write, per target topic, and write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The previous step's `cursor`; absent on a run's first step.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Where the records go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CopyTarget {
    /// All to this topic.
    Topic(String),
    /// Redrive: each to the topic named in this header (e.g.
    /// [`CONNECT_DLQ_HEADER`] or [`SPRING_DLQ_HEADER`]); a record without it
    /// is skipped and counted.
    Header(String),
}

/// Which records of the topic: a range (as a browse's `partition`, `from`
/// and `until`) narrowed by `q` and `filter`, or chosen records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CopySource {
    pub partition: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
    pub filter: Option<String>,
    /// These records only (at most [`COPY_STEP_MAX_RECORDS`]); the range
    /// fields must then be absent.
    pub records: Vec<RecordAddress>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecordAddress {
    pub partition: i32,
    pub offset: i64,
}

/// What of each record the copy keeps; the value always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CopyKeep {
    pub keys: bool,
    pub headers: bool,
    /// The original timestamps; otherwise the broker's time of writing.
    pub timestamps: bool,
    /// The same partition number (when the target has it); otherwise the
    /// target's partitioner (by key).
    pub partitions: bool,
}

impl Default for CopyKeep {
    fn default() -> Self {
        Self {
            keys: true,
            headers: true,
            timestamps: true,
            partitions: false,
        }
    }
}

/// The answer to one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CopyStep {
    pub run_id: String,
    pub dry_run: bool,
    /// Records read in this step (matching the source's filters or not).
    pub scanned: u64,
    /// Records written (on a dry run: that would be), per target topic.
    pub targets: Vec<TopicCount>,
    /// Matching records not written, by reason.
    pub skipped: Vec<SkipCount>,
    /// Pass to the next step; `None`: the run is done.
    pub cursor: Option<String>,
    /// Records of the source range in total (from the offsets; before
    /// `q` and `filter`), for a progress bar.
    pub range_records: u64,
    /// Records of the range read so far, this step included.
    pub range_done: u64,
    /// This step was done before: the answer is the one recorded then, and
    /// nothing was written now.
    #[serde(default)]
    pub replayed: bool,
    #[serde(default)]
    pub filter_errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicCount {
    pub topic: String,
    pub records: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SkipCount {
    pub reason: SkipReason,
    pub records: u64,
    /// For `unknown_topic`, `forbidden_topic` and `protected_topic`: the
    /// topics named (at most 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Redrive: the record has no such header (or it is empty or not text).
    MissingHeader,
    /// Redrive: the header names a topic the cluster does not have.
    UnknownTopic,
    /// The caller may not produce to the topic.
    ForbiddenTopic,
    /// The topic is one of the cluster's or Configurator's own.
    ProtectedTopic,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            Self::MissingHeader => "without the header",
            Self::UnknownTopic => "naming a topic that does not exist",
            Self::ForbiddenTopic => "for a topic you may not produce to",
            Self::ProtectedTopic => "for a protected topic",
        }
    }
}
