//! Whole-topic export: the BFF reads a range page by page (browses with
//! `whole=true`) and streams it to the browser as one file. What the
//! Lambdas mask stays masked: the export only sees what a browse answers.

use serde::{Deserialize, Serialize};

/// Records one export writes at most; the answer's `X-Export-Max-Records`
/// header repeats it, and a file that reached it ends there.
pub const EXPORT_MAX_RECORDS: u64 = 200_000;
/// Bytes one export writes at most (before compression).
pub const EXPORT_MAX_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One API `Message` as JSON per line.
    #[default]
    Ndjson,
    /// `partition,offset,timestamp,key,value,headers`: key and value as
    /// text (decoded JSON when decoded), headers as a JSON object.
    Csv,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Ndjson => "ndjson",
            Self::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ndjson => "application/x-ndjson",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// `GET /dev/configurator/api/v1/clusters/{cluster}/topics/{topic}/messages/export?format=&partition=&from=&until=&q=&filter=`
/// (served by the BFF, not the Lambdas): the range and filters of a browse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    pub format: ExportFormat,
    pub partition: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
    pub filter: Option<String>,
}

/// The path, under the API prefix, the BFF serves exports on.
pub fn export_path(cluster: &str, topic: &str) -> String {
    format!("/clusters/{cluster}/topics/{topic}/messages/export")
}
