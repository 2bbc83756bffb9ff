//! Produce: one message, checked (size, base64, the topic's schema) before
//! it reaches Kafka. A key or value given with a registry schema is JSON,
//! encoded and framed for the cluster's registry ([`Registry::encode`]).

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use std::sync::Arc;

use configurator_api::{
    Data, MAX_MESSAGE_BYTES, ProduceRequest, Produced, SchemaChoice,
    trace::{TRACEPARENT, TraceContext},
};
use rdkafka::{
    message::{Header as KafkaHeader, OwnedHeaders},
    producer::FutureRecord,
};
use serde_json::Value;

use crate::{
    error::ApiError,
    kafka::{Kafka, kafka_error},
    registry::Registry,
};

/// A produce request as bytes, checked: base64 decodes, headers have keys,
/// the whole is within [`MAX_MESSAGE_BYTES`].
#[derive(Debug, Clone)]
pub struct Outgoing {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
    partition: Option<i32>,
    /// The key and value to encode with a registry schema, as JSON.
    key_schema: Option<(SchemaChoice, Value)>,
    value_schema: Option<(SchemaChoice, Value)>,
}

impl Outgoing {
    pub fn parse(request: &ProduceRequest) -> Result<Self, ApiError> {
        let key = request.key.as_ref().map(|d| decode(d, "key")).transpose()?;
        let value = request.value.as_ref().map(|d| decode(d, "value")).transpose()?;
        let key_schema = with_schema(request.key_schema.as_ref(), key.as_deref(), "key")?;
        let value_schema = with_schema(request.value_schema.as_ref(), value.as_deref(), "value")?;
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
            key_schema,
            value_schema,
        })
    }

    pub fn partition(&self) -> Option<i32> {
        self.partition
    }

    /// The record carries the request's span in a `traceparent` header, so a
    /// consumer continues the producer's trace, unless the person set one
    /// (then it is theirs to choose). Not counted against
    /// [`MAX_MESSAGE_BYTES`]: 55 bytes, far inside Kafka's own limit.
    pub fn traced(mut self, trace: &TraceContext) -> Self {
        if !self.headers.iter().any(|(key, _)| key == TRACEPARENT) {
            self.headers
                .push((TRACEPARENT.to_owned(), Some(trace.traceparent().into_bytes())));
        }
        self
    }

    /// Whether a part is to be encoded with a registry schema.
    pub fn uses_registry(&self) -> bool {
        self.key_schema.is_some() || self.value_schema.is_some()
    }
}

/// The JSON a part with a registry schema must be; the schema name checked.
fn with_schema(
    choice: Option<&SchemaChoice>,
    bytes: Option<&[u8]>,
    field: &str,
) -> Result<Option<(SchemaChoice, Value)>, ApiError> {
    let Some(choice) = choice else { return Ok(None) };
    if choice.name.trim().is_empty() {
        return Err(ApiError::invalid(
            &format!("{field}_schema.name"),
            "invalid_schema_name",
            "Name the schema (a subject or Glue schema name).",
        ));
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::invalid(
            field,
            "value_required",
            format!(
                "The {field} is to be encoded with {}: send it as JSON.",
                choice.name
            ),
        )
    })?;
    let json = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::invalid(
            field,
            "value_not_json",
            format!(
                "The {field} is to be encoded with {}, so it must be JSON: {e}.",
                choice.name
            ),
        )
    })?;
    Ok(Some((choice.clone(), json)))
}

impl Kafka {
    /// `registry`: the cluster's, `None` with the built-in JSON Schema store
    /// (then the value is checked against the topic's schema, if it has one).
    pub async fn produce(
        &self,
        topic: &str,
        message: &Outgoing,
        registry: Option<&Arc<Registry>>,
    ) -> Result<Produced, ApiError> {
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
        let (mut key, mut value) = (message.key.clone(), message.value.clone());
        let (mut key_schema, mut value_schema) = (None, None);
        match registry {
            Some(registry) => {
                if let Some((choice, json)) = &message.key_schema {
                    let (bytes, schema) = registry.encode(choice, json, "key").await?;
                    (key, key_schema) = (Some(bytes), Some(schema));
                }
                if let Some((choice, json)) = &message.value_schema {
                    let (bytes, schema) = registry.encode(choice, json, "value").await?;
                    (value, value_schema) = (Some(bytes), Some(schema));
                }
                let size = key.as_ref().map_or(0, Vec::len) + value.as_ref().map_or(0, Vec::len);
                if size > MAX_MESSAGE_BYTES {
                    return Err(ApiError::new(
                        http::StatusCode::PAYLOAD_TOO_LARGE,
                        "message_too_large",
                        format!(
                            "Encoded, the message has {size} bytes; at most {MAX_MESSAGE_BYTES} can be produced."
                        ),
                    ));
                }
            }
            None => self.check_against_schema(topic, message.value.as_deref()).await?,
        }

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
        if let Some(key) = key.as_deref() {
            record = record.key(key);
        }
        if let Some(value) = value.as_deref() {
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
                key_schema,
                value_schema,
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
