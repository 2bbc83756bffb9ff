//! A cluster's schema registry in configuration: the `[clusters.schema_registry]`
//! table of the clusters file, or `SCHEMA_REGISTRY` for a single cluster.
//!
//! ```toml
//! [clusters.schema_registry]
//! kind = "glue"                     # builtin (the default) | glue | confluent
//! registry_name = "prod-eu"         # glue
//! region = "eu-central-1"           # glue, optional: AWS_REGION otherwise
//! endpoint = "http://127.0.0.1:5000" # glue, optional: another endpoint (moto, a VPC endpoint's DNS name)
//! url = "https://sr.example.com"    # confluent
//! username = "svc"                  # confluent basic auth, with password_env
//! password_env = "SR_PASSWORD"      # the variable holding the password (never the file)
//! token_env = "SR_TOKEN"            # confluent bearer token, instead of basic auth
//! strategy = "topic_name"           # topic_name | topic_record_name | record_name
//! request_timeout_ms = 2000         # each registry call, default 2000
//! [clusters.schema_registry.names]  # optional: a topic's schema names, overriding the strategy
//! orders = { value = "OrderPlaced", key = "OrderId" }
//! ```
//!
//! Glue takes its credentials from the default AWS chain;
//! `AWS_ENDPOINT_URL_GLUE` points it at another endpoint (moto locally).

use std::{collections::BTreeMap, env, time::Duration};

use anyhow::{Context, bail};
use configurator_api::{NameStrategy, RegistryInfo, RegistryKind, server::Secret};
use serde::Deserialize;

/// Each registry call's deadline unless configured.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct RegistrySettings {
    pub backend: Backend,
    pub strategy: NameStrategy,
    /// Topic → its key and value schema names, when configured.
    pub names: BTreeMap<String, TopicNames>,
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Glue {
        registry_name: String,
        region: Option<String>,
        /// Instead of AWS's (`AWS_ENDPOINT_URL_GLUE` does the same process-wide).
        endpoint: Option<String>,
    },
    Confluent {
        /// Without a trailing `/`.
        url: String,
        auth: ConfluentAuth,
    },
}

/// `Debug` shows no secret ([`Secret`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfluentAuth {
    None,
    Basic { username: String, password: Secret },
    Bearer(Secret),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicNames {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

impl RegistrySettings {
    pub fn info(&self) -> RegistryInfo {
        match &self.backend {
            Backend::Glue { registry_name, .. } => RegistryInfo {
                kind: RegistryKind::Glue,
                name: registry_name.clone(),
            },
            Backend::Confluent { url, .. } => RegistryInfo {
                kind: RegistryKind::Confluent,
                name: url.clone(),
            },
        }
    }

    /// `SCHEMA_REGISTRY` = `builtin` (or unset), `glue:<registry-name>` or
    /// `confluent:<url>`; Confluent credentials from
    /// `SCHEMA_REGISTRY_USERNAME` + `SCHEMA_REGISTRY_PASSWORD`, or
    /// `SCHEMA_REGISTRY_TOKEN`.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let value = env::var("SCHEMA_REGISTRY").unwrap_or_default();
        let entry = match value.split_once(':') {
            _ if value.is_empty() || value == "builtin" => return Ok(None),
            Some(("glue", name)) => RegistryEntry {
                kind: "glue".into(),
                registry_name: Some(name.to_owned()),
                ..RegistryEntry::default()
            },
            Some(("confluent", url)) => RegistryEntry {
                kind: "confluent".into(),
                url: Some(url.to_owned()),
                username: env::var("SCHEMA_REGISTRY_USERNAME")
                    .ok()
                    .filter(|u| !u.is_empty()),
                password_env: Some("SCHEMA_REGISTRY_PASSWORD".into()).filter(|v| env::var(v).is_ok()),
                token_env: Some("SCHEMA_REGISTRY_TOKEN".into()).filter(|v| env::var(v).is_ok()),
                ..RegistryEntry::default()
            },
            _ => {
                bail!("SCHEMA_REGISTRY: use builtin, glue:<registry-name> or confluent:<url>, not {value:?}")
            }
        };
        entry.resolve().context("SCHEMA_REGISTRY")
    }
}

/// The table as written; [`RegistryEntry::resolve`] checks it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    kind: String,
    #[serde(default)]
    registry_name: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default)]
    token_env: Option<String>,
    #[serde(default)]
    strategy: NameStrategy,
    #[serde(default)]
    request_timeout_ms: Option<u64>,
    #[serde(default)]
    names: BTreeMap<String, TopicNames>,
}

impl RegistryEntry {
    /// `None` for `builtin`. Errors name the field, prefixed `schema_registry.`.
    pub fn resolve(self) -> anyhow::Result<Option<RegistrySettings>> {
        let only = |field: &str, set: bool, kind: &str| {
            if set {
                bail!("field schema_registry.{field}: only used with kind = {kind:?}");
            }
            Ok(())
        };
        let secret = |field: &str, variable: &str| -> anyhow::Result<Secret> {
            env::var(variable)
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::from)
                .with_context(|| {
                    format!("field schema_registry.{field}: the environment variable {variable} is not set")
                })
        };
        let backend = match self.kind.as_str() {
            "builtin" => return Ok(None),
            "glue" => {
                only("url", self.url.is_some(), "confluent")?;
                only(
                    "username",
                    self.username.is_some() || self.password_env.is_some() || self.token_env.is_some(),
                    "confluent",
                )?;
                let registry_name = self
                    .registry_name
                    .filter(|n| !n.is_empty())
                    .context("field schema_registry.registry_name: must name the Glue registry")?;
                if !valid_glue_name(&registry_name) {
                    bail!(
                        "field schema_registry.registry_name: {registry_name:?} is not a Glue registry name (letters, digits, - _ $ # ., at most 255)"
                    );
                }
                let endpoint = self.endpoint.filter(|e| !e.is_empty());
                if let Some(e) = &endpoint
                    && url::Url::parse(e).map_or(true, |u| !matches!(u.scheme(), "http" | "https"))
                {
                    bail!("field schema_registry.endpoint: must be an http(s) URL, not {e:?}");
                }
                Backend::Glue {
                    registry_name,
                    region: self.region.filter(|r| !r.is_empty()),
                    endpoint,
                }
            }
            "confluent" => {
                only("registry_name", self.registry_name.is_some(), "glue")?;
                only("region", self.region.is_some(), "glue")?;
                only("endpoint", self.endpoint.is_some(), "glue")?;
                let url = self
                    .url
                    .filter(|u| !u.is_empty())
                    .context("field schema_registry.url: must be the registry's http(s) URL")?;
                let parsed = url::Url::parse(&url)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                let Some(parsed) = parsed else {
                    bail!("field schema_registry.url: must be an http(s) URL, not {url:?}");
                };
                if !parsed.username().is_empty() || parsed.password().is_some() {
                    bail!("field schema_registry.url: put credentials in username/password_env, not the URL");
                }
                let auth = match (self.username, self.password_env, self.token_env) {
                    (None, None, None) => ConfluentAuth::None,
                    (Some(username), Some(variable), None) => ConfluentAuth::Basic {
                        password: secret("password_env", &variable)?,
                        username,
                    },
                    (None, None, Some(variable)) => ConfluentAuth::Bearer(secret("token_env", &variable)?),
                    (_, _, Some(_)) => {
                        bail!(
                            "field schema_registry.token_env: use a token or username/password_env, not both"
                        )
                    }
                    _ => bail!(
                        "field schema_registry.username: basic auth needs both username and password_env"
                    ),
                };
                Backend::Confluent {
                    url: url.trim_end_matches('/').to_owned(),
                    auth,
                }
            }
            other => bail!("field schema_registry.kind: must be builtin, glue or confluent, not {other:?}"),
        };
        Ok(Some(RegistrySettings {
            backend,
            strategy: self.strategy,
            names: self.names,
            timeout: self
                .request_timeout_ms
                .map_or(DEFAULT_TIMEOUT, Duration::from_millis),
        }))
    }
}

/// Glue's pattern for registry and schema names.
pub fn valid_glue_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_$#.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Option<RegistrySettings>> {
        toml::from_str::<RegistryEntry>(text)?.resolve()
    }

    #[test]
    fn glue_and_confluent_tables() {
        let glue = parse("kind = \"glue\"\nregistry_name = \"events\"\nstrategy = \"topic_record_name\"")
            .unwrap()
            .unwrap();
        assert_eq!(
            glue.backend,
            Backend::Glue {
                registry_name: "events".into(),
                region: None,
                endpoint: None,
            }
        );
        assert_eq!(glue.strategy, NameStrategy::TopicRecordName);
        let confluent = parse(
            "kind = \"confluent\"\nurl = \"http://127.0.0.1:8081/\"\n[names]\norders = { value = \"Order\" }",
        )
        .unwrap()
        .unwrap();
        assert!(
            matches!(&confluent.backend, Backend::Confluent { url, auth: ConfluentAuth::None } if url == "http://127.0.0.1:8081")
        );
        assert_eq!(confluent.names["orders"].value.as_deref(), Some("Order"));
        assert!(parse("kind = \"builtin\"").unwrap().is_none());
    }

    #[test]
    fn a_bad_table_names_the_field() {
        for (text, needle) in [
            ("kind = \"glue\"", "registry_name"),
            ("kind = \"glue\"\nregistry_name = \"a b\"", "registry_name"),
            (
                "kind = \"glue\"\nregistry_name = \"a\"\nurl = \"http://x\"",
                "url",
            ),
            ("kind = \"confluent\"\nurl = \"ftp://x\"", "url"),
            ("kind = \"confluent\"\nurl = \"https://u:p@x\"", "credentials"),
            (
                "kind = \"confluent\"\nurl = \"https://x\"\nusername = \"u\"",
                "password_env",
            ),
            (
                "kind = \"confluent\"\nurl = \"https://x\"\ntoken_env = \"CONFIGURATOR_TEST_UNSET_TOKEN\"",
                "CONFIGURATOR_TEST_UNSET_TOKEN",
            ),
            ("kind = \"karapace\"", "kind"),
            ("kind = \"glue\"\nregistry_name = \"a\"\ncolour = 1", "colour"),
        ] {
            let error = format!("{:#}", parse(text).unwrap_err());
            assert!(error.contains(needle), "{needle:?} not in {error:?}");
        }
    }

    #[test]
    fn credentials_stay_out_of_debug() {
        let auth = ConfluentAuth::Basic {
            username: "svc".into(),
            password: Secret::from("hunter2".to_owned()),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
