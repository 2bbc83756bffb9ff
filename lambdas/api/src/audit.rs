use serde::{Deserialize, Serialize};

use crate::ScanStop;

/// Most records one audit page returns.
pub const AUDIT_MAX_LIMIT: u32 = 500;
/// Records one export holds at most; narrow the range for more.
pub const AUDIT_EXPORT_MAX_RECORDS: u32 = 10_000;
/// Records one audit call reads at most (matching the filters or not); the
/// answer's `cursor` reads on from where it stopped.
pub const AUDIT_SCAN_MAX_RECORDS: u64 = 20_000;
/// Response header of an export that stopped at a budget: the cursor to
/// export the next, older part with.
pub const AUDIT_CURSOR_HEADER: &str = "x-audit-cursor";

/// `GET /api/v1/audit?person=&action=&resource=&outcome=&since=&until=&limit=&cursor=`
/// (and the same filters on `GET /api/v1/audit/export`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct AuditQuery {
    /// Case-insensitive substring of the person's name or subject.
    pub person: Option<String>,
    /// The permission exercised, exactly (e.g. `topics:delete`).
    pub action: Option<String>,
    /// Case-insensitive substring of the resource (e.g. `topic:orders`).
    pub resource: Option<String>,
    /// `allowed` (default: calls the policy let through, whatever their
    /// result), `refused` (403s) or `all`.
    pub outcome: Option<AuditOutcome>,
    /// Only records at or after this time (Unix milliseconds).
    pub since: Option<i64>,
    /// Only records before this time (Unix milliseconds).
    pub until: Option<i64>,
    /// 1–500, default 100 (ignored by the export).
    pub limit: Option<u32>,
    /// `cursor` of the previous page: continue with older records.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    #[default]
    Allowed,
    Refused,
    All,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Refused => "refused",
            Self::All => "all",
        }
    }
}

/// One page of the audit trail, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditList {
    pub records: Vec<AuditEntry>,
    /// Records read for this page (matching the filters or not).
    pub scanned: u64,
    /// How many of the records read failed verification, matching the filters
    /// or not: anything above 0 means the trail was tampered with.
    pub failed_verification: u64,
    /// Set when the read stopped at its budget before filling the page or
    /// reaching the start of the range.
    pub stopped_early: Option<ScanStop>,
    /// Pass as `cursor` to read older records; `None` at the start of the
    /// retained history (or of `since`).
    pub cursor: Option<String>,
}

/// A record as read back, with the result of checking its signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    #[serde(flatten)]
    pub record: AuditRecord,
    /// Position in the audit topic.
    pub offset: i64,
    /// Whether the record carries a valid signature of the service.
    pub verified: bool,
    /// Why verification failed (`None` when verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
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
    /// The cluster the call was on (records written before clusters had ids have none).
    #[serde(default)]
    pub cluster: String,
    /// e.g. `topic:orders`, `group:billing`.
    pub resource: String,
    /// The request's parameters, never message keys, values or headers.
    pub parameters: serde_json::Value,
    /// `ok`, or the error code the call answered with.
    pub result: String,
    pub status: u16,
    /// The id the service gave the request (in its logs and error answers).
    pub request_id: String,
    /// The id the caller sent (`X-Request-Id`), kept apart: anyone can send any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

impl AuditRecord {
    /// Whether the policy refused the call (as opposed to the call failing).
    pub fn refused(&self) -> bool {
        self.status == 403
    }
}
