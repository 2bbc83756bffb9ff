use serde::{Deserialize, Serialize};

/// Largest JSON Schema a topic can have (as compact JSON): each process
/// keeps every topic's schema in memory, so the cache stays bounded.
pub const MAX_SCHEMA_BYTES: usize = 256 * 1024;

/// `GET|PUT /api/v1/topics/{topic}/schema`: the topic's JSON Schema (draft
/// 2020-12 unless the schema says otherwise). Produce validates values
/// against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TopicSchema {
    pub schema: serde_json::Value,
    /// Set by the server: who saved it and when (Unix milliseconds).
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub updated_at: Option<i64>,
}
