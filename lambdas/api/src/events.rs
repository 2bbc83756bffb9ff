//! Governed event ingestion for services (EventGate's use): a service with
//! its own client-credentials token posts JSON events to a topic it may
//! publish to; each is validated against the topic's schema (the built-in
//! JSON Schema, or the registry's latest value schema, then encoded with the
//! registry's framing) and a batch is written only when every event passes.
//!
//! - `POST /clusters/{cluster}/topics/{topic}/events`: one [`Event`] or
//!   `{"events": [...]}` → 202 [`EventsAccepted`]; the optional
//!   [`IDEMPOTENCY_KEY_HEADER`] makes a retried post answer from the first
//!   one instead of writing again (for [`IDEMPOTENCY_WINDOW_MINUTES`]).
//! - `GET /clusters/{cluster}/events/topics`: the catalogue, the topics the
//!   caller may publish to ([`EventTopicList`]).
//! - `GET /clusters/{cluster}/events/topics/{topic}/schema`: what an event of
//!   that topic must look like ([`EventTopic`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{SchemaFormat, SchemaRef};

/// Events one post carries at most.
pub const EVENTS_MAX_BATCH: usize = 500;
/// Bytes one post's body has at most (Kong's request-size limit is the same).
pub const EVENTS_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Bytes one event has at most once encoded (key + value + headers).
pub const EVENT_MAX_BYTES: usize = 256 * 1024;
/// Header naming a post's idempotency key: 1–[`IDEMPOTENCY_KEY_MAX_LEN`]
/// visible ASCII characters, chosen by the service (a UUID is usual).
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 200;
/// How long a key is remembered: a retry within it writes nothing new.
pub const IDEMPOTENCY_WINDOW_MINUTES: u32 = 60;
/// Topics the catalogue lists at most (each one's schema is looked up).
pub const EVENT_TOPICS_MAX: usize = 200;

/// One event. `value` is the event itself, as JSON; `key` (a string) picks
/// the partition; headers are strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub value: serde_json::Value,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A batch: written whole or not at all (every event is checked first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// 1–[`EVENTS_MAX_BATCH`] events.
    pub events: Vec<Event>,
}

/// The body of a post: one event or a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EventsRequest {
    Batch(EventBatch),
    One(Event),
}

/// Where one event was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EventWritten {
    pub partition: i32,
    pub offset: i64,
}

/// 202: every event was written, in the order posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EventsAccepted {
    pub topic: String,
    pub events: Vec<EventWritten>,
    /// The registry schema the values were encoded with; absent with the
    /// built-in JSON Schema (the values are written as the JSON posted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaRef>,
    /// True when this answers a retry: the events were written by the first
    /// post with the same idempotency key, and nothing was written now.
    #[serde(default)]
    pub replayed: bool,
}

/// One topic of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EventTopicSummary {
    pub name: String,
    /// Where its schema lives: `builtin` (the console's JSON Schema) or the
    /// registry's kind; `none`: no schema, so no events can be posted yet.
    pub schema: EventSchemaSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventSchemaSource {
    Builtin,
    Registry,
    None,
}

/// `GET /clusters/{cluster}/events/topics`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EventTopicList {
    pub topics: Vec<EventTopicSummary>,
    /// More topics matched than [`EVENT_TOPICS_MAX`].
    #[serde(default)]
    pub truncated: bool,
}

/// `GET /clusters/{cluster}/events/topics/{topic}/schema`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EventTopic {
    pub name: String,
    pub source: EventSchemaSource,
    /// The schema's definition as text (JSON Schema, Avro or Protobuf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The registry schema new events are encoded with: its name (subject
    /// or Glue schema), latest version and format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SchemaFormat>,
    pub max_batch: usize,
    pub max_event_bytes: usize,
    pub max_body_bytes: usize,
    pub idempotency_window_minutes: u32,
}
