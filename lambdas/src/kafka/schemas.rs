//! Each topic's optional JSON Schema, kept in the cluster itself: the
//! compacted internal topic `__configurator_schemas`, keyed by topic name
//! (a tombstone removes a schema). No extra server.
//!
//! Every process keeps a cache and, before each use, reads whatever was
//! written since (usually nothing: one watermark lookup), so a schema saved
//! through one Lambda instance holds in all of them at once.

use std::{collections::HashMap, sync::Arc};

use configurator_api::{ErrorDetail, MAX_SCHEMA_BYTES, TopicSchema};
use rdkafka::{Message, producer::FutureRecord};
use serde_json::Value;
use tokio::sync::Mutex;

use super::{Kafka, KafkaError, internal::InternalTopic, kafka_error, messages::read_range};
use crate::error::ApiError;

pub static SCHEMA_TOPIC: InternalTopic =
    InternalTopic::new("__configurator_schemas", &[("cleanup.policy", "compact")]);

/// Largest number of validation errors reported for one value.
const MAX_DETAILS: usize = 20;
/// Records of the schema topic read per step of a catch-up.
const CATCH_UP_STEP: i64 = 500;
/// A stored record larger than this is not a schema this API wrote.
const MAX_STORED_BYTES: usize = MAX_SCHEMA_BYTES + 4096;

/// Where and how `instance` breaks the schema (at most [`MAX_DETAILS`]).
pub fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<ErrorDetail> {
    validator
        .iter_errors(instance)
        .take(MAX_DETAILS)
        .map(|e| ErrorDetail {
            path: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

#[derive(Default)]
pub struct SchemaCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The next offset of the schema topic to read.
    next: i64,
    schemas: HashMap<String, Entry>,
}

struct Entry {
    schema: TopicSchema,
    validator: Arc<jsonschema::Validator>,
}

impl Kafka {
    pub async fn schema(&self, topic: &str) -> Result<Option<TopicSchema>, ApiError> {
        Ok(self.catch_up().await?.get(topic).map(|e| e.schema.clone()))
    }

    /// Stores `schema` for `topic` (checked with [`check_schema`] first).
    pub async fn put_schema(&self, topic: &str, schema: TopicSchema) -> Result<TopicSchema, ApiError> {
        let payload = serde_json::to_vec(&schema).expect("schemas serialise");
        self.write_schema(topic, Some(&payload)).await?;
        Ok(schema)
    }

    /// Removes the topic's schema; 404 when it has none.
    pub async fn delete_schema(&self, topic: &str) -> Result<(), ApiError> {
        if self.schema(topic).await?.is_none() {
            return Err(no_schema(topic));
        }
        self.write_schema(topic, None).await
    }

    /// For produce: a value that breaks the topic's schema is a 400 listing
    /// each violation (JSON pointer + message). Topics without one accept anything.
    pub async fn check_against_schema(&self, topic: &str, value: Option<&[u8]>) -> Result<(), ApiError> {
        let Some(validator) = self.validator(topic).await? else {
            return Ok(());
        };
        let text = value.ok_or_else(|| {
            ApiError::invalid(
                "value",
                "value_required",
                format!("{topic} has a schema: send a JSON value."),
            )
        })?;
        let instance: Value = serde_json::from_slice(text).map_err(|e| {
            ApiError::invalid(
                "value",
                "value_not_json",
                format!("{topic} has a JSON Schema, so the value must be JSON: {e}."),
            )
        })?;
        let details = violations(&validator, &instance);
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "value",
                "schema_validation_failed",
                format!(
                    "The value does not match {topic}'s schema ({} problem(s)); nothing was written.",
                    details.len()
                ),
            )
            .with_details(details))
        }
    }

    /// The topics that have a JSON Schema.
    pub async fn schema_topics(&self) -> Result<std::collections::HashSet<String>, ApiError> {
        Ok(self.catch_up().await?.keys().cloned().collect())
    }

    /// The compiled JSON Schema of `topic`, if it has one (to check many values).
    pub async fn validator(&self, topic: &str) -> Result<Option<Arc<jsonschema::Validator>>, ApiError> {
        Ok(self
            .catch_up()
            .await?
            .get(topic)
            .map(|e| Arc::clone(&e.validator)))
    }

    async fn write_schema(&self, topic: &str, payload: Option<&[u8]>) -> Result<(), ApiError> {
        SCHEMA_TOPIC.ensure(self).await?;
        let mut record = FutureRecord::<str, [u8]>::to(SCHEMA_TOPIC.name).key(topic);
        if let Some(payload) = payload {
            record = record.payload(payload);
        }
        self.producer()?
            .send(record, self.timeout())
            .await
            .map_err(|(e, _)| kafka_error(e, self.timeout()))?;
        // Read our own write back, so the next call here sees it.
        self.catch_up().await.map(|_| ())
    }

    /// Reads the schema topic from where this process left off to its end.
    async fn catch_up(&self) -> Result<tokio::sync::MappedMutexGuard<'_, HashMap<String, Entry>>, ApiError> {
        SCHEMA_TOPIC.ensure(self).await?;
        let mut state = self.schemas.state.lock().await;
        let key = (SCHEMA_TOPIC.name.to_owned(), 0);
        let (low, high) = self
            .watermarks(vec![key.clone()])
            .await?
            .get(&key)
            .copied()
            .unwrap_or((0, 0));
        // In steps of CATCH_UP_STEP records, so a new process reading a long
        // history holds one step at a time.
        while high > state.next.max(low) {
            let from = state.next.max(low);
            let to = high.min(from + CATCH_UP_STEP);
            let records = self
                .read(move |consumer, timeout| {
                    let mut records = Vec::new();
                    read_range(consumer, SCHEMA_TOPIC.name, 0, from, to, timeout, |m| {
                        let Some(Ok(topic)) = m.key().map(std::str::from_utf8) else { return };
                        match m.payload() {
                            Some(p) if p.len() > MAX_STORED_BYTES => {
                                tracing::warn!(%topic, bytes = p.len(), "a stored schema is too large; ignored");
                            }
                            payload => records.push((topic.to_owned(), payload.map(<[u8]>::to_vec))),
                        }
                    })?;
                    Ok::<_, KafkaError>(records)
                })
                .await?;
            for (topic, payload) in records {
                match payload.and_then(|p| serde_json::from_slice::<TopicSchema>(&p).ok()) {
                    Some(schema) => match compile(&schema.schema) {
                        Ok(validator) => {
                            state.schemas.insert(
                                topic,
                                Entry {
                                    schema,
                                    validator: Arc::new(validator),
                                },
                            );
                        }
                        Err(e) => {
                            tracing::warn!(%topic, error = %e, "a stored schema does not compile; ignored")
                        }
                    },
                    None => {
                        state.schemas.remove(&topic);
                    }
                }
            }
            state.next = to;
        }
        Ok(tokio::sync::MutexGuard::map(state, |s| &mut s.schemas))
    }
}

/// Before the permission check: a schema of at most [`MAX_SCHEMA_BYTES`] that
/// compiles.
pub fn check_schema(schema: &Value) -> Result<(), ApiError> {
    let size = serde_json::to_vec(schema).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_SCHEMA_BYTES {
        return Err(ApiError::new(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "schema_too_large",
            format!("The schema has {size} bytes; a topic's schema can have at most {MAX_SCHEMA_BYTES}."),
        )
        .with_field("schema"));
    }
    compile(schema).map(|_| ())
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, ApiError> {
    if !schema.is_object() && !schema.is_boolean() {
        return Err(ApiError::invalid(
            "schema",
            "invalid_schema",
            "A JSON Schema is an object (or true/false).",
        ));
    }
    jsonschema::validator_for(schema).map_err(|e| {
        ApiError::invalid(
            "schema",
            "invalid_schema",
            format!("This is not a valid JSON Schema: {e}."),
        )
    })
}

pub fn no_schema(topic: &str) -> ApiError {
    ApiError::not_found("schema_not_found", format!("{topic} has no schema."))
}
