//! The contract of Configurator's API v1, shared by every side of the wire.
//!
//! The Lambdas serialise these types, the BFF passes them through (and builds
//! [`ErrorEnvelope`]s of its own), and the SPA deserialises them: one
//! definition, so the three cannot drift apart. [`routes::OPERATIONS`] is the
//! route table the Lambdas, the OpenAPI document and the Kong configuration
//! are all checked against.

mod audit;
mod cluster;
mod copy;
mod error;
mod events;
mod export;
mod groups;
mod messages;
mod permission;
mod registry;
pub mod routes;
mod schema;
mod session;
mod topics;

pub use audit::{
    AUDIT_CURSOR_HEADER, AUDIT_EXPORT_MAX_RECORDS, AUDIT_MAX_LIMIT, AUDIT_SCAN_MAX_RECORDS, AuditEntry,
    AuditList, AuditOutcome, AuditQuery, AuditRecord,
};
pub use cluster::{
    Broker, CLUSTER_ID_MAX_LEN, ClusterAccess, ClusterHealth, ClusterInfo, ClusterList, ClusterSummary,
    ClusterTotals, EnvironmentTone, check_cluster_id,
};
pub use copy::{
    CONNECT_DLQ_HEADER, COPY_DRY_RUN_MAX_RECORDS, COPY_RUN_TTL_HOURS, COPY_STEP_MAX_BYTES,
    COPY_STEP_MAX_RECORDS, CopyKeep, CopyRequest, CopySource, CopyStep, CopyTarget, RecordAddress,
    SPRING_DLQ_HEADER, SkipCount, SkipReason, TopicCount,
};
pub use error::{ErrorBody, ErrorDetail, ErrorEnvelope};
pub use events::{
    EVENT_MAX_BYTES, EVENT_TOPICS_MAX, EVENTS_MAX_BATCH, EVENTS_MAX_BODY_BYTES, Event, EventBatch,
    EventSchemaSource, EventTopic, EventTopicList, EventTopicSummary, EventWritten, EventsAccepted,
    EventsRequest, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LEN, IDEMPOTENCY_WINDOW_MINUTES,
};
pub use export::{EXPORT_MAX_BYTES, EXPORT_MAX_RECORDS, ExportFormat, ExportQuery, export_path};
pub use groups::{
    DeleteOffsets, DeletedOffsets, GroupDetail, GroupHealth, GroupList, GroupMember, GroupSummary, Health,
    LAG_HISTORY_MAX_POINTS, LAG_HISTORY_MAX_SCAN, LAG_HISTORY_MAX_SERIES, LAG_HISTORY_RETENTION_DAYS,
    LagHistory, LagHistoryQuery, LagPoint, LagSeries, LagTrend, LagWindow, OffsetChange, PartitionLag,
    RESET_MAX_PARTITIONS, ResetOffsets, ResetResult, ResetTarget, SkippedPartition, TIME_LAG_BUDGET_MS,
    TopicPartitions, TrendDirection,
};
pub use messages::{
    BROWSE_MAX_BYTES, Data, FILTER_MAX_BYTES, Header, MASKED, Message, MessagePage, MessageQuery,
    PREVIEW_BYTES, ProduceRequest, Produced, SHOW_MAX_BYTES, ScanStop, TAIL_MAX_LIMIT, TAIL_MAX_SCAN,
    TAIL_MAX_WAIT_MS, TAIL_MIN_INTERVAL_MS, TAILS_PER_SESSION, TailPage, TailQuery,
};
pub use permission::Permission;
pub use registry::{
    CompatibilityMode, CompatibilityVerdict, DecodeProblem, GlueCompression, MAX_DEFINITION_BYTES,
    NameStrategy, NewSchemaVersion, Registered, RegistryInfo, RegistryKind, SCHEMA_LIST_MAX_LIMIT,
    SCHEMA_LIST_MAX_SCAN, SchemaChoice, SchemaFormat, SchemaList, SchemaListQuery, SchemaRef,
    SchemaReference, SchemaSubject, SchemaSummary, SchemaVersion, TopicSchemas,
};
pub use schema::{MAX_SCHEMA_BYTES, TopicSchema};
pub use session::{LogoutResponse, Me, SessionInfo};
pub use topics::{
    AddPartitions, ConfigEntry, ConfigPatch, CreateTopic, PartitionInfo, PurgeRequest, PurgeResult,
    PurgedPartition, SortOrder, TopicConfigs, TopicDetail, TopicList, TopicQuery, TopicSort, TopicSummary,
    is_protected_topic,
};

/// Path prefix of the API, the same locally, behind Kong and behind the BFF
/// (where it sits under the app's base path).
pub const API_PREFIX: &str = "/api/v1";

/// Header the SPA sends on every state-sensitive call; the BFF refuses calls
/// without it (a cross-site form or image cannot set a custom header).
pub const CSRF_HEADER: &str = "x-csrf";

/// Header carrying the id that ties a browser action to BFF, gateway and
/// Lambda logs.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Largest message (key + value + headers) the API produces, in bytes: a
/// larger one is refused with 413 before it reaches Kafka (whose default
/// `max.message.bytes` is about 1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1_000_000;

#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod telemetry;
#[cfg(feature = "server")]
pub mod trace;

/// The JSON Schema generator the `openapi` feature derives with, for building
/// the OpenAPI document from these types.
#[cfg(feature = "openapi")]
pub use schemars;
