//! The audit trail as CSV (RFC 4180), for spreadsheets and tickets.

use configurator_api::AuditEntry;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

const COLUMNS: [&str; 13] = [
    "time",
    "time_ms",
    "name",
    "subject",
    "action",
    "resource",
    "result",
    "status",
    "verified",
    "problem",
    "request_id",
    "client_request_id",
    "parameters",
];

pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::with_capacity(128 * (entries.len() + 1));
    line(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for entry in entries {
        let r = &entry.record;
        let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.time) * 1_000_000)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default();
        line(
            &mut out,
            [
                time,
                r.time.to_string(),
                r.name.clone(),
                r.subject.clone(),
                r.action.clone(),
                r.resource.clone(),
                r.result.clone(),
                r.status.to_string(),
                entry.verified.to_string(),
                entry.problem.clone().unwrap_or_default(),
                r.request_id.clone(),
                r.client_request_id.clone().unwrap_or_default(),
                r.parameters.to_string(),
            ]
            .into_iter(),
        );
    }
    out
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(&field));
    }
    out.push_str("\r\n");
}

/// Quotes what needs quoting, and defuses text a spreadsheet would run as a
/// formula: names and resources come from people, and a name such as
/// `=HYPERLINK(…)` must stay text.
fn cell(field: &str) -> String {
    let defused = match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@sum"), "'@sum");
    }
}
