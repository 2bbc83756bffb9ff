//! Produce: one message, checked (size, base64, the topic's schema) before
//! it reaches Kafka.

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use configurator_api::{Data, MAX_MESSAGE_BYTES, ProduceRequest, Produced};
use rdkafka::{
    message::{Header as KafkaHeader, OwnedHeaders},
    producer::FutureRecord,
};

use crate::{
    error::ApiError,
    kafka::{Kafka, kafka_error},
};

/// A produce request as bytes, checked: base64 decodes, headers have keys,
/// the whole is within [`MAX_MESSAGE_BYTES`].
#[derive(Debug, Clone)]
pub struct Outgoing {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
    partition: Option<i32>,
}

impl Outgoing {
    pub fn parse(request: &ProduceRequest) -> Result<Self, ApiError> {
        let key = request.key.as_ref().map(|d| decode(d, "key")).transpose()?;
        let value = request.value.as_ref().map(|d| decode(d, "value")).transpose()?;
        let mut size = key.as_ref().map_or(0, Vec::len) + value.as_ref().map_or(0, Vec::len);
        let mut headers = Vec::with_capacity(request.headers.len());
        for (i, h) in request.headers.iter().enumerate() {
            if h.key.is_empty() {
                return Err(ApiError::invalid(
                    &format!("headers.{i}.key"),
                    "invalid_header",
                    "A header needs a key.",
                ));
            }
            let bytes = h
                .value
                .as_ref()
                .map(|d| decode(d, &format!("headers.{i}.value")))
                .transpose()?;
            size += h.key.len() + bytes.as_ref().map_or(0, Vec::len);
            headers.push((h.key.clone(), bytes));
        }
        if size > MAX_MESSAGE_BYTES {
            return Err(ApiError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large",
                format!("The message has {size} bytes; at most {MAX_MESSAGE_BYTES} can be produced."),
            ));
        }
        if let Some(p) = request.partition
            && p < 0
        {
            return Err(ApiError::invalid(
                "partition",
                "invalid_partition",
                "A partition number is 0 or more.",
            ));
        }
        Ok(Self {
            key,
            value,
            headers,
            partition: request.partition,
        })
    }

    pub fn partition(&self) -> Option<i32> {
        self.partition
    }
}

impl Kafka {
    pub async fn produce(&self, topic: &str, message: &Outgoing) -> Result<Produced, ApiError> {
        let (meta, index) = self.topic_meta(topic).await?;
        if let Some(p) = message.partition
            && !meta.topics[index].partitions.iter().any(|q| q.id == p)
        {
            return Err(ApiError::invalid(
                "partition",
                "invalid_partition",
                format!("{topic} has no partition {p}."),
            ));
        }
        self.check_against_schema(topic, message.value.as_deref()).await?;

        let headers = message.headers.iter().fold(
            OwnedHeaders::new_with_capacity(message.headers.len()),
            |hs, (key, value)| {
                hs.insert(KafkaHeader {
                    key,
                    value: value.as_deref(),
                })
            },
        );
        let mut record = FutureRecord::<[u8], [u8]>::to(topic).headers(headers);
        if let Some(key) = message.key.as_deref() {
            record = record.key(key);
        }
        if let Some(value) = message.value.as_deref() {
            record = record.payload(value);
        }
        if let Some(p) = message.partition {
            record = record.partition(p);
        }
        let timeout = self.timeout();
        match self.producer()?.send(record, timeout).await {
            Ok(delivery) => Ok(Produced {
                partition: delivery.partition,
                offset: delivery.offset,
                key_schema: None,
                value_schema: None,
            }),
            // Too large for the topic's max.message.bytes is one of these.
            Err((e, _)) => Err(kafka_error(e, timeout).into()),
        }
    }
}

fn decode(data: &Data, field: &str) -> Result<Vec<u8>, ApiError> {
    if data.base64 {
        BASE64.decode(&data.data).map_err(|_| {
            ApiError::invalid(
                field,
                "invalid_base64",
                format!("{field} is marked base64 but is not."),
            )
        })
    } else {
        Ok(data.data.clone().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_checked_before_anything_is_sent() {
        let request = |value: Data| ProduceRequest {
            value: Some(value),
            ..ProduceRequest::default()
        };
        let binary = Data {
            data: BASE64.encode([0xff, 0x00]),
            base64: true,
            ..Data::default()
        };
        assert_eq!(
            Outgoing::parse(&request(binary)).unwrap().value,
            Some(vec![0xff, 0x00])
        );
        let bad = Data {
            data: "not base64!".into(),
            base64: true,
            ..Data::default()
        };
        assert_eq!(Outgoing::parse(&request(bad)).unwrap_err().code, "invalid_base64");
        let huge = Data::text("x".repeat(MAX_MESSAGE_BYTES + 1));
        assert_eq!(
            Outgoing::parse(&request(huge)).unwrap_err().code,
            "message_too_large"
        );
    }
}
