//! Schema registries: AWS Glue Schema Registry or a Confluent-compatible one
//! (Confluent, Redpanda, Apicurio, Karapace), configured per cluster. Records
//! framed for one are decoded in every read path ([`SchemaRef`] on
//! [`crate::Data`]); produce can encode with a chosen schema
//! ([`SchemaChoice`]); the `/clusters/{cluster}/schemas/…` routes show and
//! change the registry's schemas.
//!
//! A cluster without a registry keeps today's per-topic JSON Schemas in its
//! own store ([`crate::TopicSchema`], `RegistryKind::Builtin`).

use serde::{Deserialize, Serialize};

/// Schemas per page of `GET /clusters/{cluster}/schemas`: 1–200, default 50.
pub const SCHEMA_LIST_MAX_LIMIT: u32 = 200;
/// Subjects/schema names one listing reads from the registry at most; a
/// larger registry is searched in its first this many (`truncated` says so).
pub const SCHEMA_LIST_MAX_SCAN: usize = 10_000;
/// Largest schema definition (Avro JSON, `.proto` text or JSON Schema) the
/// API registers or compiles, in bytes.
pub const MAX_DEFINITION_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchemaFormat {
    Avro,
    Protobuf,
    /// JSON Schema; the payload is JSON.
    Json,
}

impl SchemaFormat {
    /// As the console badges it: `Avro`, `Protobuf`, `JSON Schema`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Avro => "Avro",
            Self::Protobuf => "Protobuf",
            Self::Json => "JSON Schema",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    /// The cluster's own per-topic JSON Schema store (no registry configured).
    Builtin,
    Glue,
    Confluent,
}

impl RegistryKind {
    /// The compatibility modes this kind of registry accepts (none for the
    /// built-in store, which has no versions).
    pub fn modes(self) -> &'static [&'static str] {
        match self {
            Self::Glue => &[
                "NONE",
                "DISABLED",
                "BACKWARD",
                "BACKWARD_ALL",
                "FORWARD",
                "FORWARD_ALL",
                "FULL",
                "FULL_ALL",
            ],
            Self::Confluent => &[
                "NONE",
                "BACKWARD",
                "BACKWARD_TRANSITIVE",
                "FORWARD",
                "FORWARD_TRANSITIVE",
                "FULL",
                "FULL_TRANSITIVE",
            ],
            Self::Builtin => &[],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Builtin => "built-in",
            Self::Glue => "AWS Glue",
            Self::Confluent => "Confluent",
        }
    }
}

/// Which registry a cluster uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegistryInfo {
    pub kind: RegistryKind,
    /// The Glue registry's name or the Confluent registry's URL (without
    /// credentials); empty for the built-in store.
    pub name: String,
}

/// What a decoded key or value was written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaRef {
    pub format: SchemaFormat,
    pub registry: RegistryKind,
    /// Confluent subject or Glue schema name, when the registry says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Confluent schema id (a number) or Glue schema version id (a UUID), as
    /// framed in the record.
    pub id: String,
    /// Protobuf: the full name of the message type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why bytes framed for a registry are shown raw, e.g.
/// `unknown_schema_id`, `registry_unavailable`, `corrupt_payload`,
/// `unsupported_schema`, `too_large_to_decode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DecodeProblem {
    pub code: String,
    pub message: String,
}

/// Glue frames may be zlib-compressed (compression byte 5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GlueCompression {
    #[default]
    None,
    Zlib,
}

/// Produce with a schema: the part (key or value) is given as JSON text; the
/// API validates it, encodes it and frames it for the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaChoice {
    /// Confluent subject or Glue schema name.
    pub name: String,
    /// The latest when absent.
    #[serde(default)]
    pub version: Option<i64>,
    /// Protobuf: the message type (full name); the first one in the file otherwise.
    #[serde(default)]
    pub message: Option<String>,
    /// Glue only.
    #[serde(default)]
    pub compression: GlueCompression,
}

/// `GET /clusters/{cluster}/schemas?q=&limit=&cursor=`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct SchemaListQuery {
    /// Only names containing this text (case-insensitive).
    pub q: Option<String>,
    /// 1–[`SCHEMA_LIST_MAX_LIMIT`], default 50.
    pub limit: Option<u32>,
    /// `cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaList {
    pub registry: RegistryInfo,
    pub schemas: Vec<SchemaSummary>,
    /// Matching names in the registry (of those the caller may see).
    pub total: u64,
    /// The registry has more than [`SCHEMA_LIST_MAX_SCAN`] names; only the
    /// first were searched.
    #[serde(default)]
    pub truncated: bool,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaSummary {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SchemaFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<i64>,
}

/// `GET /clusters/{cluster}/schemas/{schema}`: one subject (Confluent) or
/// schema (Glue) with its versions and compatibility mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaSubject {
    pub name: String,
    pub registry: RegistryInfo,
    pub format: SchemaFormat,
    /// The registry's mode: Confluent `BACKWARD`, `FULL_TRANSITIVE`, …; Glue
    /// `BACKWARD`, `FULL_ALL`, `DISABLED`, …
    pub compatibility: String,
    /// Version numbers, oldest first.
    pub versions: Vec<i64>,
    pub latest: SchemaVersion,
}

/// `GET /clusters/{cluster}/schemas/{schema}/versions/{version}` (a number
/// or `latest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaVersion {
    pub name: String,
    pub version: i64,
    /// Confluent schema id or Glue schema version id.
    pub id: String,
    pub format: SchemaFormat,
    pub definition: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// Protobuf: the message types the definition declares (full names), the
    /// first being the default for produce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_types: Vec<String>,
    /// Glue: `AVAILABLE`, `PENDING`, `FAILURE`, `DELETING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// A Confluent schema reference (an Avro named type or a `.proto` import
/// kept under another subject).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SchemaReference {
    pub name: String,
    pub subject: String,
    pub version: i64,
}

/// `POST /clusters/{cluster}/schemas/{schema}/versions` (register) and
/// `POST …/compatibility-check` (ask the registry first, register nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NewSchemaVersion {
    pub format: SchemaFormat,
    pub definition: String,
    #[serde(default)]
    pub references: Vec<SchemaReference>,
    /// Only when the schema does not exist yet (Glue creates it with this
    /// mode; Confluent sets the subject's mode). The registry's default otherwise.
    #[serde(default)]
    pub compatibility: Option<String>,
}

/// The registry's compatibility verdict on a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CompatibilityVerdict {
    pub compatible: bool,
    /// The mode it was judged under.
    pub compatibility: String,
    /// The registry's reasons, when it gives any.
    #[serde(default)]
    pub messages: Vec<String>,
}

/// 201 answer to a register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Registered {
    pub version: SchemaVersion,
    /// The schema (or subject) did not exist before.
    pub created: bool,
}

/// `PUT /clusters/{cluster}/schemas/{schema}/compatibility`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CompatibilityMode {
    pub compatibility: String,
}

/// How schema names follow from a topic (Confluent's subject name strategies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NameStrategy {
    /// `{topic}-key` / `{topic}-value` (Confluent); `{topic}-key` / `{topic}` (Glue).
    #[default]
    TopicName,
    /// `{topic}-{record name}`: every name starting `{topic}-`.
    TopicRecordName,
    /// `{record name}`: not derivable from the topic; only configured names.
    RecordName,
}

/// `GET /clusters/{cluster}/topics/{topic}/schemas`: the topic's key and
/// value schemas in the cluster's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicSchemas {
    pub registry: RegistryInfo,
    pub strategy: NameStrategy,
    /// Names the strategy (or configuration) gives the topic's keys and values,
    /// whether or not they exist.
    pub key_names: Vec<String>,
    pub value_names: Vec<String>,
    /// Those that exist in the registry.
    pub key: Vec<SchemaSummary>,
    pub value: Vec<SchemaSummary>,
}
