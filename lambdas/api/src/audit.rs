use serde::{Deserialize, Serialize};

/// `GET /api/v1/audit?limit=`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditList {
    pub records: Vec<AuditRecord>,
}

/// One mutating call, as written to the audit topic and the JSON log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditRecord {
    /// Unix milliseconds.
    pub time: i64,
    /// The token's `sub`.
    pub subject: String,
    /// Display name, for people reading the log.
    pub name: String,
    /// The permission exercised, e.g. `topics:create`.
    pub action: String,
    /// e.g. `topic:orders`, `group:billing`.
    pub resource: String,
    /// The request's parameters, never message keys, values or headers.
    pub parameters: serde_json::Value,
    /// `ok`, or the error code the call answered with.
    pub result: String,
    pub status: u16,
    pub request_id: String,
}
