//! Checking events against their topic's schema, and writing them.
//!
//! A topic's schema is the registry's latest value schema (on a cluster with
//! a registry; the values are encoded and framed for it) or its built-in
//! JSON Schema (the values are written as the JSON posted). A topic without
//! one takes no events: governed events need a contract.

use std::sync::Arc;

use configurator_api::{
    ErrorDetail, Event, EventSchemaSource, EventWritten, SchemaChoice, SchemaRef,
    trace::{TRACEPARENT, TraceContext},
};
use futures_util::future::join_all;
use rdkafka::{
    message::{Header, OwnedHeaders},
    producer::FutureRecord,
};

use super::request::{Posted, invalid_events};
use crate::{
    clusters::OnCluster,
    error::ApiError,
    kafka::{kafka_error, schemas::violations},
    registry::Encoder,
};

/// The schema a topic's events are checked (and encoded) with.
pub enum Contract {
    Registry(Encoder),
    Builtin(Arc<jsonschema::Validator>),
}

/// The topic's contract; 409 `no_schema` when it has none.
pub async fn contract(on: &OnCluster, topic: &str) -> Result<Contract, ApiError> {
    match on.registry() {
        Some(registry) => {
            let Some(found) = registry.value_schema(topic).await? else {
                return Err(no_schema(on, topic, EventSchemaSource::Registry));
            };
            let choice = SchemaChoice {
                name: found.name,
                version: found.latest_version,
                message: None,
                compression: Default::default(),
            };
            Ok(Contract::Registry(registry.encoder(&choice, "value").await?))
        }
        None => match on.kafka.validator(topic).await? {
            Some(validator) => Ok(Contract::Builtin(validator)),
            None => Err(no_schema(on, topic, EventSchemaSource::Builtin)),
        },
    }
}

fn no_schema(on: &OnCluster, topic: &str, source: EventSchemaSource) -> ApiError {
    let where_ = match source {
        EventSchemaSource::Registry => "no value schema in the cluster's schema registry",
        _ => "no JSON Schema",
    };
    ApiError::conflict(
        "no_schema",
        format!(
            "{topic} on {} has {where_}: events are only accepted for topics with a schema.",
            on.id()
        ),
    )
}

/// One event ready to write.
pub struct Encoded {
    key: Option<Vec<u8>>,
    value: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
}

/// Every event checked against the contract, and encoded; 400
/// `invalid_events` naming each failing field when any fails. Each carries
/// the post's span as `traceparent`, unless the service sent its own.
pub fn encode_all(
    posted: &Posted,
    contract: &Contract,
    trace: &TraceContext,
) -> Result<(Vec<Encoded>, Option<SchemaRef>), ApiError> {
    let mut out = Vec::with_capacity(posted.events.len());
    let mut details = Vec::new();
    let mut schema = None;
    for (index, event) in posted.events.iter().enumerate() {
        let at = format!("{}/value", posted.pointer(index));
        let value = match contract {
            Contract::Builtin(validator) => {
                let found = violations(validator, &event.value);
                if found.is_empty() {
                    Some(event.value.to_string().into_bytes())
                } else {
                    details.extend(found.into_iter().map(|d| ErrorDetail {
                        path: format!("{at}{}", d.path),
                        message: d.message,
                    }));
                    None
                }
            }
            Contract::Registry(encoder) => match encoder.encode(&event.value) {
                Ok((bytes, used)) => {
                    schema.get_or_insert(used);
                    Some(bytes)
                }
                Err(e) if e.details.is_empty() => {
                    details.push(ErrorDetail {
                        path: at,
                        message: e.message,
                    });
                    None
                }
                Err(e) => {
                    details.extend(e.details.into_iter().map(|d| ErrorDetail {
                        path: format!("{at}{}", d.path),
                        message: d.message,
                    }));
                    None
                }
            },
        };
        if let Some(value) = value {
            out.push(encoded(event, value, trace));
        }
    }
    if details.is_empty() {
        Ok((out, schema))
    } else {
        Err(invalid_events(details, posted.events.len()))
    }
}

fn encoded(event: &Event, value: Vec<u8>, trace: &TraceContext) -> Encoded {
    let mut headers: Vec<(String, Vec<u8>)> = event
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
        .collect();
    if !event.headers.contains_key(TRACEPARENT) {
        headers.push((TRACEPARENT.to_owned(), trace.traceparent().into_bytes()));
    }
    Encoded {
        key: event.key.as_ref().map(|k| k.clone().into_bytes()),
        value,
        headers,
    }
}

/// Writes the events not written yet (`done[i]` is `Some` for those that
/// were), all at once so the producer batches them; per event, where it went
/// or why not.
pub async fn write_all(
    on: &OnCluster,
    topic: &str,
    events: &[Encoded],
    done: &[Option<EventWritten>],
) -> Result<Vec<Result<EventWritten, ApiError>>, ApiError> {
    let producer = on.kafka.producer()?;
    let timeout = on.kafka.timeout();
    let sends = events.iter().enumerate().map(|(i, e)| async move {
        if let Some(Some(written)) = done.get(i) {
            return Ok(written.clone());
        }
        let headers = e.headers.iter().fold(
            OwnedHeaders::new_with_capacity(e.headers.len()),
            |hs, (key, value)| {
                hs.insert(Header {
                    key,
                    value: Some(value),
                })
            },
        );
        let mut record = FutureRecord::<[u8], [u8]>::to(topic)
            .payload(&e.value)
            .headers(headers);
        if let Some(key) = &e.key {
            record = record.key(key);
        }
        match producer.send(record, timeout).await {
            Ok(d) => Ok(EventWritten {
                partition: d.partition,
                offset: d.offset,
            }),
            Err((e, _)) => Err(ApiError::from(kafka_error(e, timeout))),
        }
    });
    Ok(join_all(sends).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(headers: &[(&str, &str)]) -> Event {
        Event {
            key: Some("k".into()),
            value: serde_json::json!({}),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn an_event_carries_the_posts_trace_unless_the_service_sent_its_own() {
        let trace = TraceContext::start();
        let written = encoded(&event(&[("source", "it")]), b"{}".to_vec(), &trace);
        assert_eq!(
            written.headers,
            [
                ("source".to_owned(), b"it".to_vec()),
                (TRACEPARENT.to_owned(), trace.traceparent().into_bytes()),
            ]
        );
        let theirs = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let written = encoded(&event(&[(TRACEPARENT, theirs)]), b"{}".to_vec(), &trace);
        assert_eq!(
            written.headers,
            [(TRACEPARENT.to_owned(), theirs.as_bytes().to_vec())]
        );
    }
}
