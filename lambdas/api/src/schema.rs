use serde::{Deserialize, Serialize};

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
