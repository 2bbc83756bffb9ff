//! Schema registries: records framed for AWS Glue Schema Registry or a
//! Confluent-compatible registry are decoded in every read path
//! ([`PageDecoder`]) and encoded on produce ([`Registry::encode`]); the
//! registry's schemas are shown and changed through the `/schemas` routes
//! ([`catalog`]).
//!
//! Schema ids (Confluent) and schema version ids (Glue) never change what
//! they name, so a compiled schema is cached by id for the life of the
//! process, bounded by [`MAX_CACHED`].

pub mod catalog;
pub mod codec;
mod confluent;
mod glue;
pub mod settings;
pub mod wire;

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use configurator_api::{
    DecodeProblem, GlueCompression, MAX_MESSAGE_BYTES, RegistryInfo, RegistryKind, SchemaChoice,
    SchemaFormat, SchemaRef, SchemaReference,
};
use http::StatusCode;
use serde_json::Value;

use self::{
    codec::{Codec, Dependency, Wire},
    confluent::Confluent,
    glue::{Glue, Which},
    settings::{Backend, RegistrySettings},
    wire::{Frame, confluent_frame, glue_frame},
};
use crate::error::ApiError;

/// Compiled schemas kept per process.
pub const MAX_CACHED: usize = 1000;
/// Confluent references followed at most, in all (they may nest).
const MAX_REFERENCES: usize = 32;
/// Largest key or value a read decodes, in bytes.
pub const DECODE_MAX_BYTES: usize = 4 * 1024 * 1024;

pub struct Registry {
    settings: RegistrySettings,
    client: Client,
    cache: Mutex<Cache>,
}

enum Client {
    Glue(Glue),
    Confluent(Confluent),
}

/// A compiled schema and what it is (its `message` left unset).
pub struct Resolved {
    pub codec: Codec,
    pub schema: SchemaRef,
}

/// Where a record's schema is, as its frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SchemaKey {
    Confluent(u32),
    Glue(uuid::Uuid),
}

#[derive(Default)]
struct Cache {
    by_key: HashMap<SchemaKey, Arc<Resolved>>,
    /// Insertion order: the oldest makes way past [`MAX_CACHED`].
    order: VecDeque<SchemaKey>,
}

impl Registry {
    pub fn new(settings: RegistrySettings) -> Self {
        let client = match &settings.backend {
            Backend::Glue {
                registry_name,
                region,
                endpoint,
            } => Client::Glue(Glue::new(
                registry_name.clone(),
                region.clone(),
                endpoint.clone(),
                settings.timeout,
            )),
            Backend::Confluent { url, auth } => {
                Client::Confluent(Confluent::new(url.clone(), auth.clone(), settings.timeout))
            }
        };
        Self {
            settings,
            client,
            cache: Mutex::default(),
        }
    }

    pub fn info(&self) -> RegistryInfo {
        self.settings.info()
    }

    pub fn kind(&self) -> RegistryKind {
        self.info().kind
    }

    pub fn settings(&self) -> &RegistrySettings {
        &self.settings
    }

    /// The compiled schema a frame names, from the cache or the registry.
    async fn resolve(&self, key: SchemaKey) -> Result<Arc<Resolved>, ApiError> {
        if let Some(hit) = self.cache.lock().expect("cache lock").by_key.get(&key) {
            return Ok(Arc::clone(hit));
        }
        let resolved = Arc::new(match (&self.client, key) {
            (Client::Confluent(c), SchemaKey::Confluent(id)) => {
                let found = c.schema_by_id(id).await?;
                let format = found.format()?;
                let dependencies = self.dependencies(c, &found.references).await?;
                // The subject and version are the registry's to say; an id can be
                // under several subjects, the first is shown.
                let under = c.versions_of_id(id).await.ok().and_then(|v| v.into_iter().next());
                Resolved {
                    codec: compile(format, &found.schema, &dependencies)?,
                    schema: SchemaRef {
                        format,
                        registry: RegistryKind::Confluent,
                        name: under.as_ref().map(|u| u.subject.clone()),
                        version: under.map(|u| u.version),
                        id: id.to_string(),
                        message: None,
                    },
                }
            }
            (Client::Glue(g), SchemaKey::Glue(version_id)) => {
                let found = g.version_by_id(&version_id.to_string()).await?;
                Resolved {
                    codec: compile(found.format, &found.definition, &[])?,
                    schema: SchemaRef {
                        format: found.format,
                        registry: RegistryKind::Glue,
                        name: found.schema_name,
                        version: found.version,
                        id: version_id.to_string(),
                        message: None,
                    },
                }
            }
            (_, key) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "wrong_registry",
                    format!(
                        "The record is framed for {}, but this cluster's registry is {}.",
                        match key {
                            SchemaKey::Confluent(_) => "a Confluent-compatible registry",
                            SchemaKey::Glue(_) => "AWS Glue Schema Registry",
                        },
                        self.kind().label()
                    ),
                ));
            }
        });
        let mut cache = self.cache.lock().expect("cache lock");
        if cache.by_key.insert(key, Arc::clone(&resolved)).is_none() {
            cache.order.push_back(key);
        }
        while cache.order.len() > MAX_CACHED {
            if let Some(oldest) = cache.order.pop_front() {
                cache.by_key.remove(&oldest);
            }
        }
        Ok(resolved)
    }

    /// The definitions Confluent references name, depth first, bounded.
    async fn dependencies(
        &self,
        c: &Confluent,
        references: &[SchemaReference],
    ) -> Result<Vec<Dependency>, ApiError> {
        let mut out: Vec<Dependency> = Vec::new();
        let mut todo: Vec<SchemaReference> = references.to_vec();
        while let Some(reference) = todo.pop() {
            if out.iter().any(|d| d.name == reference.name) {
                continue;
            }
            if out.len() >= MAX_REFERENCES {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "unsupported_schema",
                    format!(
                        "The schema references more than {MAX_REFERENCES} others; the console stops there."
                    ),
                ));
            }
            let found = c
                .version(&reference.subject, &reference.version.to_string())
                .await?;
            todo.extend(found.references.iter().cloned());
            out.push(Dependency {
                name: reference.name,
                definition: found.schema,
            });
        }
        Ok(out)
    }

    /// Produce: the JSON `value` encoded with the chosen schema and framed
    /// for this registry, and what it was encoded with. `field` is `key` or
    /// `value`, for the errors.
    pub async fn encode(
        &self,
        choice: &SchemaChoice,
        value: &Value,
        field: &str,
    ) -> Result<(Vec<u8>, SchemaRef), ApiError> {
        self.encoder(choice, field).await?.encode(value)
    }

    /// The chosen schema looked up once, to encode many values with
    /// (a batch of events asks the registry once, not per event).
    pub async fn encoder(&self, choice: &SchemaChoice, field: &str) -> Result<Encoder, ApiError> {
        let (key, framing) = match &self.client {
            Client::Confluent(c) => {
                if choice.compression != GlueCompression::None {
                    return Err(ApiError::invalid(
                        &format!("{field}_schema.compression"),
                        "invalid_compression",
                        "Compression is part of Glue's framing; a Confluent-compatible registry has none.",
                    ));
                }
                let version = choice
                    .version
                    .map_or_else(|| "latest".to_owned(), |v| v.to_string());
                let found = c.version(&choice.name, &version).await?;
                let id = found.id.ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_GATEWAY,
                        "registry_error",
                        "The registry gave a version without its id.",
                    )
                })?;
                (SchemaKey::Confluent(id), Wire::Confluent)
            }
            Client::Glue(g) => {
                let which = choice.version.map_or(Which::Latest, Which::Number);
                let found = g.version(&choice.name, which).await?;
                let id = uuid::Uuid::parse_str(&found.version_id).map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_GATEWAY,
                        "registry_error",
                        "Glue gave a schema version id that is not a UUID.",
                    )
                })?;
                (SchemaKey::Glue(id), Wire::Glue)
            }
        };
        Ok(Encoder {
            resolved: self.resolve(key).await?,
            key,
            framing,
            choice: choice.clone(),
            field: field.to_owned(),
        })
    }
}

/// A registry schema resolved for produce ([`Registry::encoder`]).
pub struct Encoder {
    resolved: Arc<Resolved>,
    key: SchemaKey,
    framing: Wire,
    choice: SchemaChoice,
    field: String,
}

impl Encoder {
    pub fn encode(&self, value: &Value) -> Result<(Vec<u8>, SchemaRef), ApiError> {
        let (resolved, key, framing, choice, field) = (
            &self.resolved,
            self.key,
            self.framing,
            &self.choice,
            self.field.as_str(),
        );
        let body = resolved
            .codec
            .encode(value, choice.message.as_deref(), framing)
            .map_err(|e| {
                let status = if e.code == "unknown_message_type" {
                    "message"
                } else {
                    ""
                };
                let at = if status.is_empty() {
                    field.to_owned()
                } else {
                    format!("{field}_schema.message")
                };
                ApiError::invalid(
                    &at,
                    e.code,
                    format!(
                        "{} ({} {} v{}): {}",
                        field,
                        resolved.schema.format.label(),
                        choice.name,
                        resolved.schema.version.unwrap_or_default(),
                        e.message
                    ),
                )
                .with_details(e.details)
            })?;
        let bytes = match key {
            SchemaKey::Confluent(id) => confluent_frame(id, &body),
            SchemaKey::Glue(id) => glue_frame(id, choice.compression, &body),
        };
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large",
                format!(
                    "Encoded, the {field} has {} bytes; at most {MAX_MESSAGE_BYTES} can be produced.",
                    bytes.len()
                ),
            ));
        }
        let mut schema = resolved.schema.clone();
        schema.name = Some(choice.name.clone());
        schema.message = match resolved.codec.format() {
            SchemaFormat::Protobuf => choice
                .message
                .clone()
                .or_else(|| resolved.codec.message_types().into_iter().next()),
            _ => None,
        };
        Ok((bytes, schema))
    }
}

fn compile(format: SchemaFormat, definition: &str, dependencies: &[Dependency]) -> Result<Codec, ApiError> {
    Codec::compile(format, definition, dependencies).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "unsupported_schema",
            format!(
                "The registry's {} schema cannot be compiled: {}",
                format.label(),
                e.message
            ),
        )
    })
}

/// A key or value of a read: decoded, or why not.
pub struct Decoding {
    pub schema: Option<SchemaRef>,
    pub result: Result<Value, DecodeProblem>,
}

/// Decodes the records of one read (a page, one message). Runs on the
/// blocking thread that reads Kafka, and asks the registry for schemas it
/// has not cached by blocking on the runtime; each unknown id is asked once
/// per page, and after the registry fails to answer, not again in that page
/// (the page reports it once: [`PageDecoder::outage`]).
pub struct PageDecoder {
    registry: Option<Arc<Registry>>,
    runtime: Option<tokio::runtime::Handle>,
    failed: HashMap<SchemaKey, DecodeProblem>,
    outage: Option<DecodeProblem>,
}

impl PageDecoder {
    /// Must be made on the runtime (it keeps its handle).
    pub fn new(registry: Option<Arc<Registry>>) -> Self {
        Self {
            runtime: registry.as_ref().map(|_| tokio::runtime::Handle::current()),
            registry,
            failed: HashMap::new(),
            outage: None,
        }
    }

    pub fn none() -> Self {
        Self::new(None)
    }

    pub fn outage(&self) -> Option<DecodeProblem> {
        self.outage.clone()
    }

    /// `None` when the bytes carry no registry framing (or the cluster has no registry).
    pub fn decode(&mut self, bytes: &[u8]) -> Option<Decoding> {
        let registry = self.registry.as_ref()?;
        let frame = Frame::detect(bytes)?;
        let key = match frame {
            Frame::Confluent { id, .. } => SchemaKey::Confluent(id),
            Frame::Glue { version_id, .. } => SchemaKey::Glue(version_id),
        };
        if bytes.len() > DECODE_MAX_BYTES {
            return Some(Decoding {
                schema: None,
                result: Err(problem(
                    "too_large_to_decode",
                    format!(
                        "The record has {} bytes; the console decodes up to {DECODE_MAX_BYTES}.",
                        bytes.len()
                    ),
                )),
            });
        }
        let resolved = match self.failed.get(&key) {
            Some(known) => Err(known.clone()),
            None => match &self.outage {
                // A cached schema still decodes during an outage.
                Some(outage) => registry
                    .cache
                    .lock()
                    .expect("cache lock")
                    .by_key
                    .get(&key)
                    .cloned()
                    .ok_or_else(|| outage.clone()),
                None => {
                    let runtime = self.runtime.as_ref().expect("made with a registry");
                    runtime.block_on(registry.resolve(key)).map_err(|e| {
                        let p = problem(e.code, e.message);
                        if e.status == StatusCode::SERVICE_UNAVAILABLE {
                            self.outage = Some(p.clone());
                        } else {
                            self.failed.insert(key, p.clone());
                        }
                        p
                    })
                }
            },
        };
        let resolved = match resolved {
            Ok(r) => r,
            Err(p) => {
                return Some(Decoding {
                    schema: None,
                    result: Err(p),
                });
            }
        };
        let mut schema = resolved.schema.clone();
        let result = frame
            .body()
            .and_then(|body| resolved.codec.decode(&body, frame.wire()))
            .map(|decoded| {
                schema.message = decoded.message;
                decoded.value
            })
            .map_err(|e| problem(e.code, e.message));
        Some(Decoding {
            schema: Some(schema),
            result,
        })
    }
}

fn problem(code: &str, message: impl Into<String>) -> DecodeProblem {
    DecodeProblem {
        code: code.to_owned(),
        message: message.into(),
    }
}
