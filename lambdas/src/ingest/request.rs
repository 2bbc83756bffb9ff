//! A post to the ingest API, read and checked before anything else happens:
//! its size, its shape (one event or `{"events": [...]}`), each event's
//! size and headers, and the idempotency key. Every problem of every event
//! is reported at once, each at its JSON pointer.

use configurator_api::{
    EVENT_MAX_BYTES, EVENTS_MAX_BATCH, EVENTS_MAX_BODY_BYTES, ErrorDetail, Event, IDEMPOTENCY_KEY_MAX_LEN,
};
use http::{HeaderMap, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Problems listed in one answer at most.
const MAX_DETAILS: usize = 50;

/// A checked post.
#[derive(Debug)]
pub struct Posted {
    pub events: Vec<Event>,
    /// Whether it came as `{"events": [...]}` (pointers then start `/events/N`).
    pub batch: bool,
    /// SHA-256 of the canonical JSON of the events: a retry with the same
    /// idempotency key must post the same events.
    pub fingerprint: String,
}

impl Posted {
    /// The JSON pointer of event `index`.
    pub fn pointer(&self, index: usize) -> String {
        if self.batch {
            format!("/events/{index}")
        } else {
            String::new()
        }
    }
}

pub fn parse(body: &[u8]) -> Result<Posted, ApiError> {
    if body.len() > EVENTS_MAX_BODY_BYTES {
        return Err(too_large(body.len()));
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid("body", "invalid_json", format!("The body is not JSON: {e}.")))?;
    let fingerprint = hex::encode(Sha256::digest(json.to_string()));
    let (items, batch) = match json {
        Value::Object(mut fields) if fields.contains_key("events") => {
            let events = fields.remove("events").expect("checked");
            if let Some(other) = fields.keys().next() {
                return Err(ApiError::invalid(
                    other,
                    "unknown_field",
                    format!("A batch has only `events`; {other:?} is not known."),
                ));
            }
            let Value::Array(items) = events else {
                return Err(ApiError::invalid(
                    "events",
                    "invalid_events",
                    "`events` must be a list of events.",
                ));
            };
            if items.is_empty() || items.len() > EVENTS_MAX_BATCH {
                return Err(ApiError::invalid(
                    "events",
                    "invalid_batch_size",
                    format!(
                        "A batch has 1 to {EVENTS_MAX_BATCH} events; this one has {}.",
                        items.len()
                    ),
                ));
            }
            (items, true)
        }
        one @ Value::Object(_) => (vec![one], false),
        _ => {
            return Err(ApiError::invalid(
                "body",
                "invalid_events",
                "The body is one event ({\"value\": …}) or a batch ({\"events\": [...]}).",
            ));
        }
    };
    let mut events = Vec::with_capacity(items.len());
    let mut details = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let at = if batch {
            format!("/events/{index}")
        } else {
            String::new()
        };
        match serde_path_to_error::deserialize::<_, Event>(item) {
            Ok(event) => {
                check_event(&event, &at, &mut details);
                events.push(event);
            }
            Err(e) => {
                let inner = e.path().to_string();
                let path = if inner == "." {
                    at
                } else {
                    format!("{at}/{}", inner.replace('.', "/"))
                };
                details.push(ErrorDetail {
                    path,
                    message: e.into_inner().to_string(),
                });
            }
        }
    }
    if !details.is_empty() {
        return Err(invalid_events(details, events.len().max(1)));
    }
    Ok(Posted {
        events,
        batch,
        fingerprint,
    })
}

/// Size and headers of one event.
fn check_event(event: &Event, at: &str, details: &mut Vec<ErrorDetail>) {
    let size = event.key.as_ref().map_or(0, String::len)
        + event.value.to_string().len()
        + event
            .headers
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>();
    if size > EVENT_MAX_BYTES {
        details.push(ErrorDetail {
            path: at.to_owned(),
            message: format!("The event has {size} bytes; at most {EVENT_MAX_BYTES} are accepted."),
        });
    }
    if event.headers.contains_key("") {
        details.push(ErrorDetail {
            path: format!("{at}/headers"),
            message: "A header needs a name.".into(),
        });
    }
    if event.value.is_null() {
        details.push(ErrorDetail {
            path: format!("{at}/value"),
            message: "An event has a value (null would be a tombstone, which the ingest API does not write)."
                .into(),
        });
    }
}

/// 400 `invalid_events`: nothing of the post was written.
pub fn invalid_events(mut details: Vec<ErrorDetail>, of: usize) -> ApiError {
    let count = details.len();
    details.truncate(MAX_DETAILS);
    let first = details
        .first()
        .map(|d| {
            format!(
                " The first: {} at {}.",
                d.message,
                if d.path.is_empty() { "/" } else { &d.path }
            )
        })
        .unwrap_or_default();
    ApiError::invalid(
        "events",
        "invalid_events",
        format!("{count} problem(s) in {of} event(s); nothing was written.{first}"),
    )
    .with_details(details)
}

fn too_large(bytes: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!(
            "The body has {bytes} bytes; a post carries at most {EVENTS_MAX_BODY_BYTES} (send smaller batches)."
        ),
    )
}

/// The `Idempotency-Key` header, when sent: 1–200 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(configurator_api::IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().ok().filter(|k| {
        !k.is_empty() && k.len() <= IDEMPOTENCY_KEY_MAX_LEN && k.bytes().all(|b| b.is_ascii_graphic())
    });
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::invalid(
            "Idempotency-Key",
            "invalid_idempotency_key",
            format!(
                "An Idempotency-Key is 1 to {IDEMPOTENCY_KEY_MAX_LEN} visible ASCII characters (a UUID, say)."
            ),
        )
    })
}

/// Reads the body, refusing more than [`EVENTS_MAX_BODY_BYTES`] with a 413
/// (Kong refuses larger ones before they reach a Lambda).
pub async fn read_body(body: axum::body::Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, EVENTS_MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large(EVENTS_MAX_BODY_BYTES + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_event_or_a_batch_and_every_problem_at_its_pointer() {
        let one = parse(br#"{"key":"k1","value":{"id":1},"headers":{"source":"test"}}"#).unwrap();
        assert!(!one.batch && one.events.len() == 1 && one.events[0].key.as_deref() == Some("k1"));
        let batch = parse(br#"{"events":[{"value":1},{"value":{"b":2}}]}"#).unwrap();
        assert!(batch.batch && batch.events.len() == 2);
        // The fingerprint is of the JSON, not its spacing.
        let spaced = parse(br#"{ "events" : [ {"value": 1}, {"value": {"b": 2}} ] }"#).unwrap();
        assert_eq!(batch.fingerprint, spaced.fingerprint);

        let e =
            parse(br#"{"events":[{"value":1},{"valu":2},{"value":null},{"value":1,"headers":{"":"x"}}]}"#)
                .unwrap_err();
        assert_eq!((e.status, e.code), (StatusCode::BAD_REQUEST, "invalid_events"));
        let paths: Vec<&str> = e.details.iter().map(|d| d.path.as_str()).collect();
        // The unknown field is named where it is.
        assert_eq!(paths, ["/events/1/valu", "/events/2/value", "/events/3/headers"]);
        assert!(e.message.starts_with("3 problem(s)"), "{}", e.message);

        assert_eq!(parse(br#"{"events":[]}"#).unwrap_err().code, "invalid_batch_size");
        assert_eq!(parse(b"[1]").unwrap_err().code, "invalid_events");
        assert_eq!(parse(b"{").unwrap_err().code, "invalid_json");
        assert_eq!(
            parse(br#"{"events":[],"x":1}"#).unwrap_err().code,
            "unknown_field"
        );
        let big = format!(r#"{{"value":"{}"}}"#, "x".repeat(EVENT_MAX_BYTES));
        assert_eq!(parse(big.as_bytes()).unwrap_err().details.len(), 1);
    }

    #[test]
    fn an_idempotency_key_is_short_visible_ascii() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("idempotency-key", v.parse().unwrap());
            idempotency_key(&h)
        };
        assert_eq!(with("3f2b-1").unwrap().as_deref(), Some("3f2b-1"));
        assert!(with("has space").is_err() && with(&"k".repeat(201)).is_err());
        assert_eq!(idempotency_key(&HeaderMap::new()).unwrap(), None);
    }
}
