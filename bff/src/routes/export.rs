//! `GET {base}/api/v1/clusters/{cluster}/topics/{topic}/messages/export?format=ndjson|csv&partition=&from=&until=&q=&filter=`:
//! a whole range of a topic as one file, streamed while it is read.
//!
//! The BFF reads the range with browses of 500 whole records
//! (`…/messages?…&limit=500&whole=true&cursor=`), with the session's token
//! exactly as the proxy sends calls ([`proxy::call_api`]), and writes each
//! page as it comes: NDJSON, one API `Message` per line, or CSV
//! (`partition,offset,timestamp,key,value,headers`, RFC 4180). What the API
//! masks for the person stays masked: the export only sees what a browse
//! answers.
//!
//! Bounds: each page is bounded by the browse's own budgets (500 records,
//! 50,000 read, 2.5 s, `BROWSE_MAX_BYTES`); the file by
//! [`EXPORT_MAX_RECORDS`] and [`EXPORT_MAX_BYTES`] (it ends there, cut at a
//! whole record), and the export by [`EXPORT_MAX_DURATION`] of reading, so a
//! filter matching next to nothing in a huge topic cannot keep it going for
//! hours. A browser that goes away ends it (the body's stream is dropped,
//! which closes the channel the reading task writes to), and so does the
//! session ending (its tokens are gone). An error before the first byte (the
//! first page refused: 400 `invalid_filter`, 403, 404, …) is answered as the
//! proxy would answer it; after that the stream is aborted (the download
//! fails rather than looking complete) and the error logged with the request
//! id.

use std::{borrow::Cow, io, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    response::Response,
};
use configurator_api::{
    Data, EXPORT_MAX_BYTES, EXPORT_MAX_RECORDS, ExportFormat, ExportQuery, Header, Message, MessagePage,
    routes, server::RequestIds,
};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tower_sessions::Session;

use super::{
    api_path,
    auth::signed_in,
    proxy::{self, ApiCall},
};
use crate::{AppState, error::BffError, metrics::ExportEnd, session::Identity, upstream::ApiResponse};

/// Nested under the base path, every request here starts with this.
const API_PREFIX: &str = "/api/v1/";
/// Records per browse page (the browse's largest `limit`).
const PAGE_LIMIT: &str = "500";
/// Largest browse answer read: a page carries at most `BROWSE_MAX_BYTES`
/// of data, which as JSON (base64 included) stays under Lambda's 6 MB.
const PAGE_MAX_BYTES: usize = 16 * 1024 * 1024;
/// How long one export may keep reading.
pub const EXPORT_MAX_DURATION: Duration = Duration::from_secs(30 * 60);
/// Pages written ahead of a slow browser.
const PAGES_AHEAD: usize = 2;

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, BffError> {
    let path = request.uri().path().to_owned();
    let rest = path.strip_prefix(API_PREFIX).unwrap_or_default();
    api_path::check(rest)?;
    let identity = signed_in(&state, &session).await?;
    let Query(query) = Query::<ExportQuery>::try_from_uri(request.uri())
        .map_err(|e| BffError::InvalidQuery(format!("Invalid query parameters: {}.", e.body_text())))?;
    // The browse this export pages through: the same path without `/export`.
    let browse_path = path
        .strip_suffix("/export")
        .ok_or_else(|| BffError::internal("the export route ends in /export"))?
        .to_owned();
    let topic = routes::find("GET", &browse_path[API_PREFIX.len() - 1..])
        .and_then(|m| m.param("topic").map(str::to_owned))
        .unwrap_or_else(|| "export".to_owned());
    let request_id = request
        .extensions()
        .get::<RequestIds>()
        .map(|ids| ids.own.clone())
        .unwrap_or_default();
    let mut headers = proxy::forwarded_headers(request.headers());
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));

    let reader = Reader {
        state,
        session,
        identity,
        browse_path,
        query,
        headers,
    };
    let first = match reader.page(None).await? {
        Ok(page) => page,
        // Nothing written yet: the API's own answer, as the proxy passes it on.
        Err(refused) => return Ok(proxy::to_browser(refused)),
    };
    let format = reader.query.format;
    reader.state.metrics.export_started(format);
    tracing::info!(%request_id, topic, format = format.extension(), "export started");

    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(PAGES_AHEAD);
    tokio::spawn(write_all(reader, first, tx, request_id));
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) },
        );

    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = format!(
        "attachment; filename=\"{}.{}\"",
        file_name(&topic),
        format.extension()
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(BffError::internal)?,
    );
    headers.insert("x-export-max-records", HeaderValue::from(EXPORT_MAX_RECORDS));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// Reads the export's range page by page, as the person.
struct Reader {
    state: AppState,
    session: Session,
    identity: Identity,
    /// `/api/v1/clusters/{c}/topics/{t}/messages`, encoded as the browser sent it.
    browse_path: String,
    query: ExportQuery,
    headers: HeaderMap,
}

impl Reader {
    /// The page at `cursor` (the range's start without one); `Ok(Err(_))`
    /// is the API's refusal, to pass on.
    async fn page(&self, cursor: Option<&str>) -> Result<Result<MessagePage, ApiResponse>, BffError> {
        let query = browse_query(&self.query, cursor);
        let call = ApiCall {
            method: &Method::GET,
            path: &self.browse_path,
            query: Some(&query),
            headers: &self.headers,
            body: Bytes::new(),
        };
        let answer = proxy::call_api(&self.state, &self.session, &self.identity, &call).await?;
        if !answer.status.is_success() {
            return Ok(Err(answer));
        }
        let bytes = axum::body::to_bytes(answer.body, PAGE_MAX_BYTES)
            .await
            .map_err(|e| BffError::UpstreamUnavailable(format!("the API's answer was cut short ({e})")))?;
        let page = serde_json::from_slice(&bytes).map_err(|e| {
            tracing::error!(error = %e, "a browse answer is not a MessagePage");
            BffError::UpstreamUnavailable("the API answered a browse in an unexpected shape".into())
        })?;
        Ok(Ok(page))
    }
}

/// The browse for one page: the export's range and filters, 500 whole records.
fn browse_query(query: &ExportQuery, cursor: Option<&str>) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("partition", &query.partition),
        ("from", &query.from),
        ("until", &query.until),
        ("q", &query.q),
        ("filter", &query.filter),
    ] {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.append_pair("limit", PAGE_LIMIT);
    out.append_pair("whole", "true");
    if let Some(cursor) = cursor {
        out.append_pair("cursor", cursor);
    }
    out.finish()
}

/// Writes `first` and every page after it into `tx` until the range ends,
/// a bound is reached, the API fails or the browser goes away.
async fn write_all(
    reader: Reader,
    first: MessagePage,
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    request_id: String,
) {
    let format = reader.query.format;
    let until = Instant::now() + EXPORT_MAX_DURATION;
    let mut records: u64 = 0;
    let mut bytes: u64 = 0;
    let mut page = first;
    let mut chunk = match format {
        ExportFormat::Ndjson => Vec::new(),
        ExportFormat::Csv => CSV_HEADER.as_bytes().to_vec(),
    };
    let end = 'pages: loop {
        let mut stop = None;
        for message in &page.messages {
            if records >= EXPORT_MAX_RECORDS {
                stop = Some(ExportEnd::MaxRecords);
                break;
            }
            let line = encode(format, message);
            if bytes + (chunk.len() + line.len()) as u64 > EXPORT_MAX_BYTES {
                stop = Some(ExportEnd::MaxBytes);
                break;
            }
            chunk.extend_from_slice(line.as_bytes());
            records += 1;
        }
        if !chunk.is_empty() {
            bytes += chunk.len() as u64;
            if tx.send(Ok(std::mem::take(&mut chunk).into())).await.is_err() {
                break ExportEnd::ClientGone;
            }
        }
        if let Some(stop) = stop {
            break stop;
        }
        let Some(cursor) = page.cursor.take() else {
            break ExportEnd::Done;
        };
        if records >= EXPORT_MAX_RECORDS {
            break ExportEnd::MaxRecords;
        }
        if Instant::now() >= until {
            break ExportEnd::TimeLimit;
        }
        let next = tokio::select! {
            next = reader.page(Some(&cursor)) => next,
            () = tx.closed() => break 'pages ExportEnd::ClientGone,
        };
        let why = match next {
            Ok(Ok(next)) => {
                page = next;
                continue;
            }
            Ok(Err(refused)) => format!("the API answered {}", refused.status),
            Err(error) => error.to_string(),
        };
        tracing::error!(%request_id, records, error = %why, "export ended early: the API failed after the file had started");
        // An error ends the body abnormally: the download fails instead of
        // looking complete.
        let _ = tx.send(Err(io::Error::other(why))).await;
        break ExportEnd::UpstreamError;
    };
    reader.state.metrics.export_ended(end, records);
    tracing::info!(%request_id, records, bytes, end = end_name(end), "export ended");
}

fn end_name(end: ExportEnd) -> &'static str {
    match end {
        ExportEnd::Done => "done",
        ExportEnd::MaxRecords => "max_records",
        ExportEnd::MaxBytes => "max_bytes",
        ExportEnd::TimeLimit => "time_limit",
        ExportEnd::UpstreamError => "upstream_error",
        ExportEnd::ClientGone => "client_gone",
    }
}

const CSV_HEADER: &str = "partition,offset,timestamp,key,value,headers\r\n";

/// One record as a line of the file (with its line break).
fn encode(format: ExportFormat, message: &Message) -> String {
    match format {
        ExportFormat::Ndjson => {
            let mut line = serde_json::to_string(message).expect("a Message serialises");
            line.push('\n');
            line
        }
        ExportFormat::Csv => csv_row(message),
    }
}

/// `partition,offset,timestamp,key,value,headers`, CRLF-terminated as
/// RFC 4180 has it: key and value as [`text`], headers as a JSON object of
/// name → text (null for a header without a value; of repeated names the
/// last one), an absent timestamp, key or value (a tombstone) empty.
fn csv_row(message: &Message) -> String {
    let fields = [
        message.partition.to_string(),
        message.offset.to_string(),
        message.timestamp.map(|t| t.to_string()).unwrap_or_default(),
        message.key.as_ref().map(text).unwrap_or_default(),
        message.value.as_ref().map(text).unwrap_or_default(),
        headers_json(&message.headers),
    ];
    let mut row = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

/// A key, value or header value as text: the decoded JSON when the record
/// was decoded with its schema, else the bytes, base64 ones as `base64:…`.
fn text(data: &Data) -> String {
    match (&data.decoded, data.base64) {
        (Some(decoded), _) => decoded.to_string(),
        (None, true) => format!("base64:{}", data.data),
        (None, false) => data.data.clone(),
    }
}

fn headers_json(headers: &[Header]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|h| {
            let value = h
                .value
                .as_ref()
                .map_or(serde_json::Value::Null, |v| text(v).into());
            (h.key.clone(), value)
        })
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// RFC 4180: a field with a comma, a quote or a line break is quoted, its
/// quotes doubled.
fn csv_field(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

/// The topic as a file name: Kafka's topic characters as they are, anything
/// else (which no topic has) `_`.
fn file_name(topic: &str) -> String {
    topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Data {
        Data::text(text)
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_nothing_else() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn csv_rows_use_decoded_json_base64_and_header_objects() {
        let message = Message {
            partition: 1,
            offset: 42,
            timestamp: None,
            key: Some(Data {
                data: "AAE=".into(),
                base64: true,
                ..Data::default()
            }),
            value: Some(Data {
                data: "\0raw".into(),
                decoded: Some(serde_json::json!({"a": "x,y"})),
                ..Data::default()
            }),
            headers: vec![
                Header {
                    key: "trace".into(),
                    value: Some(data("t-1")),
                },
                Header {
                    key: "empty".into(),
                    value: None,
                },
            ],
        };
        assert_eq!(
            csv_row(&message),
            "1,42,,base64:AAE=,\"{\"\"a\"\":\"\"x,y\"\"}\",\"{\"\"empty\"\":null,\"\"trace\"\":\"\"t-1\"\"}\"\r\n"
        );
        let tombstone = Message {
            value: None,
            key: Some(data("k")),
            headers: vec![],
            timestamp: Some(7),
            ..message
        };
        assert_eq!(csv_row(&tombstone), "1,42,7,k,,{}\r\n");
    }

    #[test]
    fn the_browse_asks_for_whole_pages_of_the_range() {
        let query = ExportQuery {
            partition: Some("0,2".into()),
            filter: Some("value.a == \"x&y\"".into()),
            ..ExportQuery::default()
        };
        assert_eq!(
            browse_query(&query, None),
            "partition=0%2C2&filter=value.a+%3D%3D+%22x%26y%22&limit=500&whole=true"
        );
        assert!(browse_query(&query, Some("c/1")).ends_with("&whole=true&cursor=c%2F1"));
    }

    #[test]
    fn file_names_keep_topic_characters_only() {
        assert_eq!(file_name("orders.v1_eu-2"), "orders.v1_eu-2");
        assert_eq!(file_name("a\"b\\c"), "a_b_c");
    }
}
