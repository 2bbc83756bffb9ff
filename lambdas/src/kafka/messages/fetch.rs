//! One message, whole: what a browse shows as a preview, fetched by its
//! address (partition and offset).

use configurator_api::{Message as ApiMessage, SHOW_MAX_BYTES};

use std::sync::Arc;

use super::{
    Cut,
    mask::Masks,
    read_range,
    reader::{Reader, Selection},
};
use crate::{
    error::ApiError,
    kafka::{Kafka, KafkaError},
    registry::{PageDecoder, Registry},
};

impl Kafka {
    /// Framed for `registry`, the key and value come decoded whole; what
    /// `masks` names comes masked.
    pub async fn message(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        registry: Option<Arc<Registry>>,
        masks: Masks,
    ) -> Result<ApiMessage, ApiError> {
        let (meta, index) = self.topic_meta(topic).await?;
        if !meta.topics[index].partitions.iter().any(|p| p.id == partition) {
            return Err(KafkaError::PartitionNotFound {
                topic: topic.to_owned(),
                partition,
            }
            .into());
        }
        let key = (topic.to_owned(), partition);
        let marks = self.watermarks(vec![key.clone()]).await?;
        let (low, high) = marks.get(&key).copied().unwrap_or((0, 0));
        if !(low..high).contains(&offset) {
            return Err(ApiError::not_found(
                "message_not_found",
                format!(
                    "Partition {partition} of {topic} holds offsets {low} to {high} (exclusive); {offset} is not among them."
                ),
            ));
        }
        let topic_name = topic.to_owned();
        let mut reader = Reader::new(PageDecoder::new(registry), masks, Selection::default());
        let found = self
            .read(move |consumer, timeout| {
                let mut found = None;
                read_range(
                    consumer,
                    &topic_name,
                    partition,
                    offset,
                    offset + 1,
                    timeout,
                    |m| {
                        if rdkafka::Message::offset(m) != offset {
                            return;
                        }
                        let size = whole_size(m);
                        found = Some(if size > SHOW_MAX_BYTES {
                            Err(size)
                        } else {
                            let seen = reader.see(m).expect("no selection: every record is seen");
                            Ok(reader.convert(m, Cut::Whole, seen).0)
                        });
                    },
                )?;
                Ok::<_, KafkaError>(found)
            })
            .await?;
        match found {
            Some(Ok(message)) => Ok(message),
            Some(Err(size)) => Err(ApiError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large_to_show",
                format!(
                    "The message has {size} bytes; the console shows messages of up to {SHOW_MAX_BYTES} bytes whole. Read it with a Kafka client."
                ),
            )),
            // Compaction or a transaction marker left a gap at that offset.
            None => Err(ApiError::not_found(
                "message_not_found",
                format!(
                    "There is no message at offset {offset} of partition {partition} (compacted away, or a transaction marker)."
                ),
            )),
        }
    }
}

fn whole_size(message: &rdkafka::message::BorrowedMessage<'_>) -> usize {
    use rdkafka::message::{Headers, Message};
    let headers = message
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| h.key.len() + h.value.map_or(0, <[u8]>::len))
                .sum()
        })
        .unwrap_or(0);
    message.key().map_or(0, <[u8]>::len) + message.payload().map_or(0, <[u8]>::len) + headers
}
