//! Reading (browse, one message) and writing (produce) records.
//!
//! Every read is bounded: a browse by records, time and bytes
//! ([`browse`]), a tail poll by its wait and scan ([`tail`]), a copy step by
//! records and bytes ([`copy`]), one message by [`SHOW_MAX_BYTES`]
//! ([`fetch`]). Each read sees records through a [`reader::Reader`]:
//! decoded, masked for the caller, filtered. Request input is parsed and
//! checked before the permission check and before any broker call
//! (`Browse::parse`, `Tail::parse`, `CopyRun::parse`, `Outgoing::parse`).
//!
//! [`SHOW_MAX_BYTES`]: configurator_api::SHOW_MAX_BYTES

pub mod browse;
pub mod copy;
pub mod fetch;
pub mod filter;
pub mod mask;
pub mod produce;
pub mod reader;
pub mod tail;

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use configurator_api::{Data, PREVIEW_BYTES};
use rdkafka::{
    Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError as ClientError,
    message::BorrowedMessage,
};

use super::{KafkaContext, KafkaError, kafka_error};

pub use self::{browse::Browse, copy::CopyRun, produce::Outgoing, tail::Tail};

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
