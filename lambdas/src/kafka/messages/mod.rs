//! Reading (browse, one message) and writing (produce) records.
//!
//! Every read is bounded: a browse by records, time and bytes
//! ([`browse`]), one message by [`SHOW_MAX_BYTES`] ([`fetch`]). Request
//! input is parsed and checked before the permission check and before any
//! broker call (`Browse::parse`, `Outgoing::parse`).

pub mod browse;
pub mod fetch;
pub mod produce;

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use configurator_api::{Data, DecodeProblem, Header, Message as ApiMessage, PREVIEW_BYTES};
use rdkafka::{
    Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError as ClientError,
    message::{BorrowedMessage, Headers},
};

use super::{KafkaContext, KafkaError, kafka_error};
use crate::registry::{Decoding, PageDecoder};

pub use self::{browse::Browse, produce::Outgoing};

/// Reads `[from, to)` of one partition, handing each record to `each`.
pub fn read_range(
    consumer: &BaseConsumer<KafkaContext>,
    topic: &str,
    partition: i32,
    from: i64,
    to: i64,
    timeout: Duration,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) -> Result<(), KafkaError> {
    if from >= to {
        return Ok(());
    }
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(from))
        .map_err(|e| kafka_error(e, timeout))?;
    consumer.assign(&tpl).map_err(|e| kafka_error(e, timeout))?;
    let deadline = Instant::now() + timeout;
    let mut next = from;
    while next < to {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(KafkaError::Stalled {
                topic: topic.to_owned(),
                waited: timeout,
            });
        }
        match consumer.poll(remaining.min(Duration::from_millis(200))) {
            Some(Ok(message)) => {
                next = rdkafka::Message::offset(&message) + 1;
                if next <= to {
                    each(&message);
                }
            }
            Some(Err(ClientError::PartitionEOF(p))) if reached_end(consumer, topic, p, to) => break,
            // An end-of-partition left over from an earlier read of this
            // consumer: the records are still to come.
            Some(Err(ClientError::PartitionEOF(_))) => {}
            Some(Err(e)) => return Err(kafka_error(e, timeout)),
            None => {}
        }
    }
    Ok(())
}

/// Whether an end-of-partition event is this read's: the consumer's
/// position has reached `to`. The one reading consumer is reused, so an event
/// of an earlier assignment can still be queued and must not end this read.
pub fn reached_end(consumer: &BaseConsumer<KafkaContext>, topic: &str, partition: i32, to: i64) -> bool {
    consumer.position().ok().is_some_and(|positions| {
        positions
            .find_partition(topic, partition)
            .is_some_and(|p| matches!(p.offset(), Offset::Offset(o) if o >= to))
    })
}

/// How much of each part of a record an answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The first [`PREVIEW_BYTES`] of each key, value and header value.
    Preview,
    Whole,
}

/// Largest decoded key or value a list carries, as JSON; a larger one is
/// shown raw there and decoded whole by the single-message endpoint.
pub const PREVIEW_DECODED_BYTES: usize = 4 * PREVIEW_BYTES;

/// A record's key and value as the cluster's registry decodes them (`None`:
/// not framed for it).
#[derive(Default)]
pub struct RecordDecoding {
    key: Option<Decoding>,
    value: Option<Decoding>,
}

impl RecordDecoding {
    pub fn of(message: &BorrowedMessage<'_>, decoder: &mut PageDecoder) -> Self {
        use rdkafka::Message as _;
        Self {
            key: message.key().and_then(|k| decoder.decode(k)),
            value: message.payload().and_then(|v| decoder.decode(v)),
        }
    }

    /// Whether `needle` is in the key or value: in the decoded JSON of a
    /// decoded part, in the text of any other.
    pub fn contains(&self, message: &BorrowedMessage<'_>, needle: &str) -> bool {
        use rdkafka::Message as _;
        let has = |decoding: &Option<Decoding>, bytes: Option<&[u8]>| match decoding {
            Some(Decoding {
                result: Ok(value), ..
            }) => serde_json::to_string(value).is_ok_and(|t| t.contains(needle)),
            _ => bytes
                .and_then(|b| std::str::from_utf8(b).ok())
                .is_some_and(|text| text.contains(needle)),
        };
        has(&self.key, message.key()) || has(&self.value, message.payload())
    }
}

/// A record as the API shows it, and the bytes it adds to a JSON answer.
pub fn convert(message: &BorrowedMessage<'_>, cut: Cut, decoding: RecordDecoding) -> (ApiMessage, u64) {
    use rdkafka::Message as _;
    let mut size = 0;
    let mut part = |bytes: &[u8], decoding: Option<Decoding>| {
        let mut shown = data(bytes, cut);
        size += json_len(&shown.data);
        if let Some(decoding) = decoding {
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
                        size += length as u64;
                        shown.decoded = Some(value);
                    }
                }
                Err(problem) => shown.undecoded = Some(problem),
            }
        }
        shown
    };
    let key = message.key().map(|k| part(k, decoding.key));
    let value = message.payload().map(|v| part(v, decoding.value));
    let headers = message
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| Header {
                    key: h.key.to_owned(),
                    value: h.value.map(|v| part(v, None)),
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    size += headers.iter().map(|h| json_len(&h.key)).sum::<u64>();
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

/// UTF-8 text as is, anything else as base64; with [`Cut::Preview`], only the
/// first [`PREVIEW_BYTES`] (on a character boundary), and the whole size.
pub fn data(bytes: &[u8], cut: Cut) -> Data {
    let (shown, full_size) = if cut == Cut::Preview && bytes.len() > PREVIEW_BYTES {
        (&bytes[..PREVIEW_BYTES], Some(bytes.len() as u64))
    } else {
        (bytes, None)
    };
    let (data, base64) = match std::str::from_utf8(shown) {
        Ok(text) => (text.to_owned(), false),
        // A cut in the middle of a character: keep the text up to it.
        Err(e) if full_size.is_some() && e.error_len().is_none() && std::str::from_utf8(bytes).is_ok() => (
            String::from_utf8_lossy(&shown[..e.valid_up_to()]).into_owned(),
            false,
        ),
        Err(_) => (BASE64.encode(shown), true),
    };
    Data {
        data,
        base64,
        full_size,
        ..Data::default()
    }
}

/// Bytes `text` takes as a JSON string (quotes left out): what the answer's
/// budget counts, since escaping can make text several times longer.
fn json_len(text: &str) -> u64 {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_travel_as_base64() {
        assert_eq!(data(b"hello", Cut::Preview), Data::text("hello"));
        let binary = data(&[0xff, 0x00], Cut::Preview);
        assert!(binary.base64);
        assert_eq!(BASE64.decode(binary.data).unwrap(), vec![0xff, 0x00]);
    }

    #[test]
    fn previews_are_cut_on_a_character_boundary_and_say_the_whole_size() {
        let long = "é".repeat(PREVIEW_BYTES); // two bytes each
        let preview = data(long.as_bytes(), Cut::Preview);
        assert!(!preview.base64);
        assert_eq!(preview.full_size, Some(2 * PREVIEW_BYTES as u64));
        assert_eq!(preview.data.len(), PREVIEW_BYTES);
        let odd = format!("x{long}");
        let preview = data(odd.as_bytes(), Cut::Preview);
        assert_eq!(
            preview.data.len(),
            PREVIEW_BYTES - 1,
            "the split character is left out"
        );
        assert!(!preview.base64);
        let binary = data(&vec![0xff; PREVIEW_BYTES + 1], Cut::Preview);
        assert!(binary.base64);
        assert_eq!(BASE64.decode(&binary.data).unwrap().len(), PREVIEW_BYTES);
        assert_eq!(data(long.as_bytes(), Cut::Whole).full_size, None);
    }

    #[test]
    fn the_json_length_counts_escapes() {
        assert_eq!(json_len("abc"), 3);
        assert_eq!(json_len("a\"b"), 4);
        assert_eq!(json_len("\u{1}"), 6);
    }
}
