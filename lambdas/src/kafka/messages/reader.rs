//! How one read (a browse page, a tail poll, a copy step, one message) sees
//! each record for the person asking: decoded with the cluster's registry,
//! masked by the policy, then matched against the text filter (`q`) and the
//! CEL filter. Masking comes before the filters, so no filter can tell a
//! masked value, and [`Reader::convert`] builds the answer from the masked
//! parts only.

use std::{borrow::Cow, sync::Arc};

use configurator_api::{Data, DecodeProblem, Header, MASKED, Message as ApiMessage};
use rdkafka::message::{BorrowedMessage, Headers, Message as _};
use serde_json::Value;

use super::{
    Cut, PREVIEW_DECODED_BYTES, data,
    filter::{Filter, FilterInput},
    json_len,
    mask::{Masked, Masks, Part},
};
use crate::{
    error::ApiError,
    registry::{Decoding, PageDecoder},
};

/// Which records a read keeps: the text filter and the CEL filter, both
/// checked before the permission and before anything is read.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    needle: Option<String>,
    filter: Option<Arc<Filter>>,
}

impl Selection {
    pub fn parse(q: Option<&str>, filter: Option<&str>) -> Result<Self, ApiError> {
        Ok(Self {
            needle: q.filter(|q| !q.is_empty()).map(str::to_owned),
            filter: filter
                .filter(|f| !f.trim().is_empty())
                .map(Filter::compile)
                .transpose()?
                .map(Arc::new),
        })
    }

    pub fn is_everything(&self) -> bool {
        self.needle.is_none() && self.filter.is_none()
    }

    /// 403 `filter_on_masked_field` when the CEL filter reads a field
    /// masked for the caller: evaluated on the masked record it could not
    /// match the value anyway, and saying so is clearer than an empty page.
    pub fn refuse_masked(&self, masks: &Masks, topic: &str) -> Result<(), ApiError> {
        let Some(filter) = &self.filter else { return Ok(()) };
        match filter.references().iter().find_map(|r| masks.covering(r)) {
            Some(field) => Err(ApiError::new(
                http::StatusCode::FORBIDDEN,
                "filter_on_masked_field",
                format!(
                    "The filter reads {field}, which is masked for you on {topic}; you cannot filter on it (messages:unmask lets you)."
                ),
            )
            .with_field("filter")),
            None => Ok(()),
        }
    }
}

/// A key or value as the caller may see it.
struct SeenPart {
    decoding: Option<Decoding>,
    masked: Masked,
}

/// A record that matched, as the caller may see it.
pub struct Seen {
    key: Option<SeenPart>,
    value: Option<SeenPart>,
}

/// Decodes, masks and filters the records of one read.
pub struct Reader {
    decoder: PageDecoder,
    masks: Masks,
    selection: Selection,
    filter_errors: u64,
}

impl Reader {
    pub fn new(decoder: PageDecoder, masks: Masks, selection: Selection) -> Self {
        Self {
            decoder,
            masks,
            selection,
            filter_errors: 0,
        }
    }

    /// The record as the caller may see it, when it matches the selection.
    pub fn see(&mut self, message: &BorrowedMessage<'_>) -> Option<Seen> {
        let key = message.key().map(|k| self.part(Part::Key, k));
        let value = message.payload().map(|v| self.part(Part::Value, v));
        let seen = Seen { key, value };
        let texts = |part: &Option<SeenPart>, bytes: Option<&[u8]>| text_of(part.as_ref(), bytes);
        if let Some(needle) = &self.selection.needle {
            let found = [
                texts(&seen.key, message.key()),
                texts(&seen.value, message.payload()),
            ]
            .iter()
            .flatten()
            .any(|t| t.contains(needle.as_str()));
            if !found {
                return None;
            }
        }
        if let Some(filter) = &self.selection.filter {
            let key = json_of(seen.key.as_ref(), message.key());
            let value = json_of(seen.value.as_ref(), message.payload());
            let headers = self.header_texts(message);
            let input = FilterInput {
                key: &key,
                value: &value,
                headers: &headers,
                partition: message.partition(),
                offset: message.offset(),
                timestamp: message.timestamp().to_millis(),
            };
            match filter.matches(&input) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(_) => {
                    self.filter_errors += 1;
                    return None;
                }
            }
        }
        Some(seen)
    }

    fn part(&mut self, part: Part, bytes: &[u8]) -> SeenPart {
        let decoding = self.decoder.decode(bytes);
        let masked = if self.masks.is_empty() {
            Masked::Clear
        } else {
            let parsed;
            let json = match &decoding {
                Some(Decoding { result: Ok(v), .. }) => Some(v),
                Some(_) => None,
                None => {
                    parsed = serde_json::from_slice::<Value>(bytes).ok();
                    parsed.as_ref()
                }
            };
            self.masks.apply(&part, json)
        };
        SeenPart { decoding, masked }
    }

    fn header_texts(&self, message: &BorrowedMessage<'_>) -> Vec<(String, Option<String>)> {
        message
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| {
                        let text = if self.masks.hides_header(h.key) {
                            Some(MASKED.to_owned())
                        } else {
                            h.value.map(|v| String::from_utf8_lossy(v).into_owned())
                        };
                        (h.key.to_owned(), text)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The record as the API shows it, and the bytes it adds to a JSON answer.
    pub fn convert(&self, message: &BorrowedMessage<'_>, cut: Cut, seen: Seen) -> (ApiMessage, u64) {
        let mut size = 0;
        let mut part = |bytes: &[u8], seen: SeenPart| {
            let shown = shown(bytes, cut, seen);
            size += json_len(&shown.data);
            if let Some(decoded) = &shown.decoded {
                size += serde_json::to_string(decoded).map_or(0, |t| t.len()) as u64;
            }
            shown
        };
        let key = message.key().zip(seen.key).map(|(k, s)| part(k, s));
        let value = message.payload().zip(seen.value).map(|(v, s)| part(v, s));
        let headers = message
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| Header {
                        key: h.key.to_owned(),
                        value: h.value.map(|v| {
                            if self.masks.hides_header(h.key) {
                                masked_whole(None)
                            } else {
                                data(v, cut)
                            }
                        }),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        size += headers
            .iter()
            .map(|h| json_len(&h.key) + h.value.as_ref().map_or(0, |v| json_len(&v.data)))
            .sum::<u64>();
        let converted = ApiMessage {
            partition: message.partition(),
            offset: message.offset(),
            timestamp: message.timestamp().to_millis(),
            key,
            value,
            headers,
        };
        (converted, size)
    }

    /// Set when the registry could not be asked during this read.
    pub fn outage(&self) -> Option<DecodeProblem> {
        self.decoder.outage()
    }

    pub fn filter_errors(&self) -> u64 {
        self.filter_errors
    }

    /// Whether something of this topic is masked for the caller.
    pub fn masks_anything(&self) -> bool {
        !self.masks.is_empty()
    }
}

/// The text the `q` filter searches: the masked JSON of a masked part, the
/// decoded JSON of a decoded one, the text of any other.
fn text_of(part: Option<&SeenPart>, bytes: Option<&[u8]>) -> Option<String> {
    let part = part?;
    match &part.masked {
        Masked::Whole => return Some(MASKED.to_owned()),
        Masked::Fields(json, _) => return Some(json.to_string()),
        Masked::Clear => {}
    }
    match &part.decoding {
        Some(Decoding { result: Ok(v), .. }) => serde_json::to_string(v).ok(),
        _ => bytes.and_then(|b| std::str::from_utf8(b).ok()).map(str::to_owned),
    }
}

/// What the CEL filter sees of a key or value: its (masked or decoded)
/// JSON, the parsed JSON of JSON text, a string for other text, `null` for
/// none or binary.
/// Borrowed where the record already holds it: this runs for every record a
/// CEL filter reads.
fn json_of<'a>(part: Option<&'a SeenPart>, bytes: Option<&[u8]>) -> Cow<'a, Value> {
    let Some(part) = part else {
        return Cow::Owned(Value::Null);
    };
    match &part.masked {
        Masked::Whole => return Cow::Owned(Value::String(MASKED.to_owned())),
        Masked::Fields(json, _) => return Cow::Borrowed(json),
        Masked::Clear => {}
    }
    if let Some(Decoding { result: Ok(v), .. }) = &part.decoding {
        return Cow::Borrowed(v);
    }
    let Some(bytes) = bytes else {
        return Cow::Owned(Value::Null);
    };
    Cow::Owned(
        serde_json::from_slice(bytes).unwrap_or_else(|_| match std::str::from_utf8(bytes) {
            Ok(text) => Value::String(text.to_owned()),
            Err(_) => Value::Null,
        }),
    )
}

/// A key or value as an answer carries it.
fn shown(bytes: &[u8], cut: Cut, seen: SeenPart) -> Data {
    let schema = seen.decoding.as_ref().and_then(|d| d.schema.clone());
    match seen.masked {
        Masked::Whole => return masked_whole(schema),
        Masked::Fields(json, paths) => {
            let text = json.to_string();
            let mut shown = data(text.as_bytes(), cut);
            let decoded_before = matches!(&seen.decoding, Some(Decoding { result: Ok(_), .. }));
            if decoded_before && shown.full_size.is_none() {
                shown.decoded = Some(json);
            }
            shown.schema = schema;
            shown.masked = paths;
            return shown;
        }
        Masked::Clear => {}
    }
    let mut shown = data(bytes, cut);
    if let Some(decoding) = seen.decoding {
        shown.schema = decoding.schema;
        match decoding.result {
            Ok(value) => {
                let length = serde_json::to_string(&value).map_or(0, |t| t.len());
                if cut == Cut::Preview && length > PREVIEW_DECODED_BYTES {
                    shown.undecoded = Some(DecodeProblem {
                        code: "too_large_for_preview".into(),
                        message: format!(
                            "Decoded, this is {length} bytes of JSON; open the message to see it whole."
                        ),
                    });
                } else {
                    shown.decoded = Some(value);
                }
            }
            Err(problem) => shown.undecoded = Some(problem),
        }
    }
    shown
}

fn masked_whole(schema: Option<configurator_api::SchemaRef>) -> Data {
    Data {
        data: MASKED.to_owned(),
        schema,
        masked: vec!["*".to_owned()],
        ..Data::default()
    }
}
