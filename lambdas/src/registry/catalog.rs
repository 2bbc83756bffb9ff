//! The registry's schemas as the `/schemas` routes show them: listing,
//! one schema with its versions, one version, registering, the
//! compatibility verdict and mode, and a topic's key and value schemas.
//! Each answer is the registry's own; where the registry lacks a call
//! (moto lacks several Glue calls) the answer is 501 `not_supported_by_registry`.

use configurator_api::{
    CompatibilityVerdict, NameStrategy, NewSchemaVersion, Registered, RegistryKind, SCHEMA_LIST_MAX_SCAN,
    SchemaFormat, SchemaSubject, SchemaSummary, SchemaVersion,
};
use http::StatusCode;

use super::{
    Client, Registry,
    confluent::{Register, type_name},
    glue::{GlueVersion, Which},
};
use crate::error::ApiError;

/// Versions one schema answer lists at most.
pub const MAX_VERSIONS: usize = 1000;

/// A version as the route names it: a number or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSel {
    Latest,
    Number(i64),
}

impl VersionSel {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        match text {
            "latest" => Ok(Self::Latest),
            n => n
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Self::Number)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "version",
                        "invalid_version",
                        format!("{n:?} is not a version: use a number from 1, or latest."),
                    )
                }),
        }
    }

    fn text(self) -> String {
        match self {
            Self::Latest => "latest".into(),
            Self::Number(n) => n.to_string(),
        }
    }
}

impl Registry {
    /// The modes this registry accepts, for checking input before anything is asked.
    pub fn modes(&self) -> &'static [&'static str] {
        self.kind().modes()
    }

    pub fn check_mode(&self, mode: &str) -> Result<(), ApiError> {
        if self.modes().contains(&mode) {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "compatibility",
                "invalid_compatibility",
                format!(
                    "{mode:?} is not a compatibility mode of {}: use one of {}.",
                    self.kind().label(),
                    self.modes().join(", ")
                ),
            ))
        }
    }

    /// Every schema name with what one call tells about it, at most
    /// [`SCHEMA_LIST_MAX_SCAN`]; `true` when the registry has more.
    pub async fn list(&self) -> Result<(Vec<SchemaSummary>, bool), ApiError> {
        match &self.client {
            Client::Confluent(c) => {
                let mut all = c.latest_of_all().await?;
                let truncated = all.len() > SCHEMA_LIST_MAX_SCAN;
                all.truncate(SCHEMA_LIST_MAX_SCAN);
                Ok((
                    all.into_iter()
                        .filter_map(|s| {
                            Some(SchemaSummary {
                                format: s.format().ok(),
                                latest_version: s.version,
                                name: s.subject?,
                            })
                        })
                        .collect(),
                    truncated,
                ))
            }
            Client::Glue(g) => {
                let (names, truncated) = g.names(SCHEMA_LIST_MAX_SCAN).await?;
                Ok((
                    names
                        .into_iter()
                        .map(|name| SchemaSummary {
                            name,
                            format: None,
                            latest_version: None,
                        })
                        .collect(),
                    truncated,
                ))
            }
        }
    }

    /// One schema's summary, `None` when the registry has no such name.
    pub async fn summary(&self, name: &str) -> Result<Option<SchemaSummary>, ApiError> {
        let found = match &self.client {
            Client::Confluent(c) => c.version(name, "latest").await.and_then(|v| {
                Ok(SchemaSummary {
                    name: name.to_owned(),
                    format: Some(v.format()?),
                    latest_version: v.version,
                })
            }),
            Client::Glue(g) => g.schema(name).await.map(|s| SchemaSummary {
                name: name.to_owned(),
                format: Some(s.format),
                latest_version: s.latest_version,
            }),
        };
        match found {
            Ok(summary) => Ok(Some(summary)),
            Err(e) if e.status == StatusCode::NOT_FOUND => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn subject(&self, name: &str) -> Result<SchemaSubject, ApiError> {
        let (compatibility, versions, latest) = match &self.client {
            Client::Confluent(c) => {
                let versions = c.versions(name).await?;
                let latest = self.version(name, VersionSel::Latest).await?;
                (c.compatibility(name).await?, versions, latest)
            }
            Client::Glue(g) => {
                let schema = g.schema(name).await?;
                let versions = match g.version_numbers(name, MAX_VERSIONS).await {
                    Ok(numbers) => numbers,
                    // Without ListSchemaVersions (moto), the versions are
                    // 1..=latest as GetSchema counts them; one deleted since
                    // answers 404 when opened.
                    Err(e) if e.code == "not_supported_by_registry" => {
                        let latest = schema.latest_version.unwrap_or(0);
                        ((latest - MAX_VERSIONS as i64 + 1).max(1)..=latest).collect()
                    }
                    Err(e) => return Err(e),
                };
                let latest = self.version(name, VersionSel::Latest).await?;
                (schema.compatibility, versions, latest)
            }
        };
        Ok(SchemaSubject {
            name: name.to_owned(),
            registry: self.info(),
            format: latest.format,
            compatibility,
            versions,
            latest,
        })
    }

    pub async fn version(&self, name: &str, which: VersionSel) -> Result<SchemaVersion, ApiError> {
        let mut version = match &self.client {
            Client::Confluent(c) => {
                let v = c.version(name, &which.text()).await?;
                SchemaVersion {
                    name: name.to_owned(),
                    format: v.format()?,
                    version: v.version.unwrap_or_default(),
                    id: v.id.map(|i| i.to_string()).unwrap_or_default(),
                    definition: v.schema,
                    references: v.references,
                    message_types: Vec::new(),
                    status: None,
                    created_at: None,
                }
            }
            Client::Glue(g) => {
                let which = match which {
                    VersionSel::Latest => Which::Latest,
                    VersionSel::Number(n) => Which::Number(n),
                };
                glue_version(name, g.version(name, which).await?)
            }
        };
        if version.format == SchemaFormat::Protobuf && version.references.is_empty() {
            version.message_types = super::codec::Codec::compile(version.format, &version.definition, &[])
                .map(|c| c.message_types())
                .unwrap_or_default();
        }
        Ok(version)
    }

    /// Registers `new` under `name`, creating the subject or schema when it
    /// does not exist.
    pub async fn register(&self, name: &str, new: &NewSchemaVersion) -> Result<Registered, ApiError> {
        match &self.client {
            Client::Confluent(c) => {
                let created = match c.versions(name).await {
                    Ok(_) => false,
                    Err(e) if e.code == "schema_not_found" => true,
                    Err(e) => return Err(e),
                };
                if created && let Some(mode) = &new.compatibility {
                    c.set_compatibility(name, mode).await?;
                }
                let id = c.register(name, &register_body(new)).await?;
                let under = c.versions_of_id(id).await?;
                let version = under
                    .iter()
                    .filter(|u| u.subject == name)
                    .map(|u| u.version)
                    .max()
                    .ok_or_else(|| {
                        ApiError::new(
                            StatusCode::BAD_GATEWAY,
                            "registry_error",
                            format!(
                                "The registry registered schema id {id} but does not list it under {name}."
                            ),
                        )
                    })?;
                Ok(Registered {
                    version: self.version(name, VersionSel::Number(version)).await?,
                    created,
                })
            }
            Client::Glue(g) => {
                let exists = match g.schema(name).await {
                    Ok(_) => true,
                    Err(e) if e.status == StatusCode::NOT_FOUND => false,
                    Err(e) => return Err(e),
                };
                let version = if exists {
                    g.register(name, &new.definition).await?
                } else {
                    g.create(name, new.format, &new.definition, new.compatibility.as_deref())
                        .await?
                };
                Ok(Registered {
                    version: glue_version(name, version),
                    created: !exists,
                })
            }
        }
    }

    /// The registry's verdict on `new` against the latest version of `name`.
    pub async fn check(&self, name: &str, new: &NewSchemaVersion) -> Result<CompatibilityVerdict, ApiError> {
        match &self.client {
            Client::Confluent(c) => {
                let compatibility = c.compatibility(name).await?;
                match c.check(name, &register_body(new)).await {
                    Ok(verdict) => Ok(CompatibilityVerdict {
                        compatible: verdict.is_compatible,
                        compatibility,
                        messages: verdict.messages,
                    }),
                    Err(e) if matches!(e.code, "schema_not_found" | "version_not_found") => {
                        Ok(CompatibilityVerdict {
                            compatible: true,
                            compatibility,
                            messages: vec![format!(
                                "{name} has no versions yet: any valid schema can be its first."
                            )],
                        })
                    }
                    Err(e) => Err(e),
                }
            }
            Client::Glue(g) => {
                let compatibility = match g.schema(name).await {
                    Ok(schema) => schema.compatibility,
                    Err(e) if e.status == StatusCode::NOT_FOUND => "NONE".to_owned(),
                    Err(e) => return Err(e),
                };
                let (valid, error) = g.check_validity(new.format, &new.definition).await?;
                let mut messages: Vec<String> = error.into_iter().collect();
                messages.push(format!(
                    "Glue checks that the definition is valid here; it judges compatibility ({compatibility}) when the version is registered."
                ));
                Ok(CompatibilityVerdict {
                    compatible: valid,
                    compatibility,
                    messages,
                })
            }
        }
    }

    pub async fn set_compatibility(&self, name: &str, mode: &str) -> Result<(), ApiError> {
        match &self.client {
            Client::Confluent(c) => {
                // Setting a mode on a subject that does not exist would create
                // its config silently; refuse as the schema is not there.
                c.versions(name).await?;
                c.set_compatibility(name, mode).await
            }
            Client::Glue(g) => g.set_compatibility(name, mode).await,
        }
    }

    /// The names a topic's key and value schemas have under the configured
    /// strategy (or mapping): `(key names, value names)`.
    /// The registry schema a topic's values are written with: the first of
    /// its value names (by the naming strategy) that exists.
    pub async fn value_schema(&self, topic: &str) -> Result<Option<SchemaSummary>, ApiError> {
        let (_, names) = self.topic_names(topic).await?;
        for name in names {
            if let Some(found) = self.summary(&name).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    pub async fn topic_names(&self, topic: &str) -> Result<(Vec<String>, Vec<String>), ApiError> {
        if let Some(names) = self.settings.names.get(topic) {
            return Ok((
                names.key.iter().cloned().collect(),
                names.value.iter().cloned().collect(),
            ));
        }
        Ok(match self.settings.strategy {
            NameStrategy::TopicName => match self.kind() {
                RegistryKind::Glue => (vec![format!("{topic}-key")], vec![topic.to_owned()]),
                _ => (vec![format!("{topic}-key")], vec![format!("{topic}-value")]),
            },
            NameStrategy::TopicRecordName => {
                let prefix = format!("{topic}-");
                let (all, _) = self.list().await?;
                let names = all.into_iter().map(|s| s.name).filter(|n| n.starts_with(&prefix));
                (Vec::new(), names.collect())
            }
            NameStrategy::RecordName => (Vec::new(), Vec::new()),
        })
    }
}

fn register_body(new: &NewSchemaVersion) -> Register<'_> {
    Register {
        schema: &new.definition,
        schema_type: type_name(new.format),
        references: &new.references,
    }
}

fn glue_version(name: &str, v: GlueVersion) -> SchemaVersion {
    SchemaVersion {
        name: v.schema_name.unwrap_or_else(|| name.to_owned()),
        version: v.version.unwrap_or_default(),
        id: v.version_id,
        format: v.format,
        definition: v.definition,
        references: Vec::new(),
        message_types: Vec::new(),
        status: v.status,
        created_at: v.created_at,
    }
}
