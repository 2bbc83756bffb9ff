//! Which clusters this deployment serves: a TOML list (`CLUSTERS_FILE`, or
//! the same text in `CLUSTERS_TOML`, which is how Terraform hands it to a
//! Lambda), or one cluster from the single-cluster variables
//! (`KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_AUTH`, …) so existing setups keep
//! working. A bad list stops the process with the reason, naming the cluster
//! and the field.
//!
//! ```toml
//! default = "prod-eu"          # optional: where cluster-less URLs go; the first otherwise
//! [[clusters]]
//! id = "prod-eu"               # [a-z0-9-], 1–63, unique: in URLs and policy patterns
//! name = "Production EU"       # optional, the id otherwise
//! environment = "prod"         # optional label, colour-coded in the console
//! bootstrap_servers = "b-1.example:9098,b-2.example:9098"
//! auth = "msk-iam"             # none (default) | scram-sha-512 | scram-sha-256 | msk-iam
//! tls = false                  # auth = "none" only
//! region = "eu-central-1"      # msk-iam only; AWS_REGION otherwise
//! username = "svc"             # scram only
//! password_env = "PROD_EU_PW"  # scram only: the variable holding the password (never the file)
//! request_timeout_ms = 4000    # optional; KAFKA_REQUEST_TIMEOUT_MS otherwise
//! [clusters.schema_registry]   # optional: see registry::settings
//! kind = "glue"                # builtin (default) | glue | confluent
//! registry_name = "prod-eu"
//! ```

use std::{collections::HashSet, env, time::Duration};

use anyhow::{Context, bail};
use configurator_api::check_cluster_id;
use serde::Deserialize;

use crate::{
    config::{KafkaConfig, KafkaSecurity, var_or},
    registry::settings::{RegistryEntry, RegistrySettings},
};

/// Every configured cluster, in the order people see them.
#[derive(Debug, Clone)]
pub struct ClusterSet {
    pub clusters: Vec<ClusterSettings>,
    /// The id cluster-less (old single-cluster) URLs go to.
    pub default: String,
}

#[derive(Debug, Clone)]
pub struct ClusterSettings {
    pub id: String,
    pub name: String,
    pub environment: String,
    pub kafka: KafkaConfig,
    /// `None`: the built-in per-topic JSON Schema store.
    pub schema_registry: Option<RegistrySettings>,
}

/// What the process-wide variables give every cluster that does not say
/// otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    pub request_timeout: Duration,
    pub topic_list_max_age: Duration,
}

impl ClusterSet {
    /// From `CLUSTERS_FILE`, `CLUSTERS_TOML` or the single-cluster variables.
    pub fn from_env(defaults: Defaults) -> anyhow::Result<Self> {
        let file = env::var("CLUSTERS_FILE").ok().filter(|v| !v.is_empty());
        let inline = env::var("CLUSTERS_TOML").ok().filter(|v| !v.trim().is_empty());
        match (file, inline) {
            (Some(_), Some(_)) => bail!("set CLUSTERS_FILE or CLUSTERS_TOML, not both"),
            (Some(path), None) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the clusters file {path}"))?;
                Self::parse(&text, defaults).with_context(|| format!("the clusters file {path} is not valid"))
            }
            (None, Some(text)) => Self::parse(&text, defaults).context("CLUSTERS_TOML is not valid"),
            (None, None) => Self::single_from_env(defaults),
        }
    }

    /// One cluster from today's variables: `CLUSTER_ID` (default `local`),
    /// `CLUSTER_NAME`, `CLUSTER_ENVIRONMENT`, and the `KAFKA_*` settings.
    pub fn single_from_env(defaults: Defaults) -> anyhow::Result<Self> {
        let id = var_or("CLUSTER_ID", "local");
        check_cluster_id(&id).map_err(|why| anyhow::anyhow!("CLUSTER_ID: {why}"))?;
        let cluster = ClusterSettings {
            name: var_or("CLUSTER_NAME", &id),
            environment: var_or("CLUSTER_ENVIRONMENT", ""),
            kafka: KafkaConfig {
                bootstrap_servers: var_or("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                request_timeout: defaults.request_timeout,
                topic_list_max_age: defaults.topic_list_max_age,
                security: KafkaSecurity::from_env()?,
            },
            schema_registry: RegistrySettings::from_env()?,
            id: id.clone(),
        };
        Ok(Self {
            clusters: vec![cluster],
            default: id,
        })
    }

    pub fn parse(text: &str, defaults: Defaults) -> anyhow::Result<Self> {
        let file: ClustersFile = toml::from_str(text)?;
        if file.clusters.is_empty() {
            bail!("it names no cluster: add at least one [[clusters]] table");
        }
        let mut seen = HashSet::new();
        let mut clusters = Vec::with_capacity(file.clusters.len());
        for (index, entry) in file.clusters.into_iter().enumerate() {
            let label = if entry.id.is_empty() {
                format!("cluster #{}", index + 1)
            } else {
                format!("cluster {:?}", entry.id)
            };
            let cluster = entry.into_settings(defaults).with_context(|| label.clone())?;
            if !seen.insert(cluster.id.clone()) {
                bail!("{label}: field id: another cluster already has this id");
            }
            clusters.push(cluster);
        }
        let default = match file.default {
            Some(id) if seen.contains(&id) => id,
            Some(id) => bail!("field default: {id:?} is not the id of a cluster in the list"),
            None => clusters[0].id.clone(),
        };
        Ok(Self { clusters, default })
    }

    pub fn get(&self, id: &str) -> Option<&ClusterSettings> {
        self.clusters.iter().find(|c| c.id == id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClustersFile {
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    clusters: Vec<ClusterEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterEntry {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    environment: String,
    bootstrap_servers: String,
    #[serde(default = "no_auth")]
    auth: String,
    #[serde(default)]
    tls: bool,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default)]
    request_timeout_ms: Option<u64>,
    #[serde(default)]
    topic_list_max_age_ms: Option<u64>,
    #[serde(default)]
    schema_registry: Option<RegistryEntry>,
}

fn no_auth() -> String {
    "none".into()
}

impl ClusterEntry {
    fn into_settings(self, defaults: Defaults) -> anyhow::Result<ClusterSettings> {
        check_cluster_id(&self.id).map_err(|why| anyhow::anyhow!("field id: {why}"))?;
        if self.bootstrap_servers.trim().is_empty() {
            bail!("field bootstrap_servers: must list at least one host:port");
        }
        let unexpected = |field: &str, set: bool| {
            if set {
                bail!(
                    "field {field}: only used with auth = {}",
                    match field {
                        "tls" => "\"none\"",
                        "region" => "\"msk-iam\"",
                        _ => "\"scram-sha-512\" or \"scram-sha-256\"",
                    }
                )
            }
            Ok(())
        };
        let scram = |mechanism: &'static str| -> anyhow::Result<KafkaSecurity> {
            let username = self
                .username
                .clone()
                .filter(|u| !u.is_empty())
                .context("field username: must be set with SCRAM")?;
            let variable = self.password_env.clone().filter(|v| !v.is_empty()).context(
                "field password_env: must name the environment variable that holds the SCRAM password",
            )?;
            let password = env::var(&variable)
                .ok()
                .filter(|p| !p.is_empty())
                .with_context(|| {
                    format!("field password_env: the environment variable {variable} is not set")
                })?;
            Ok(KafkaSecurity::Scram {
                mechanism,
                username,
                password: password.into(),
            })
        };
        let security = match self.auth.as_str() {
            "none" => {
                unexpected("region", self.region.is_some())?;
                unexpected("username", self.username.is_some() || self.password_env.is_some())?;
                KafkaSecurity::None { tls: self.tls }
            }
            "scram-sha-512" | "scram-sha-256" => {
                unexpected("tls", self.tls)?;
                unexpected("region", self.region.is_some())?;
                scram(if self.auth == "scram-sha-512" {
                    "SCRAM-SHA-512"
                } else {
                    "SCRAM-SHA-256"
                })?
            }
            "msk-iam" => {
                unexpected("tls", self.tls)?;
                unexpected("username", self.username.is_some() || self.password_env.is_some())?;
                KafkaSecurity::MskIam {
                    region: self
                        .region
                        .clone()
                        .or_else(|| env::var("AWS_REGION").ok())
                        .filter(|r| !r.is_empty())
                        .context("field region: must be set for msk-iam when AWS_REGION is not")?,
                }
            }
            other => {
                bail!("field auth: must be none, scram-sha-512, scram-sha-256 or msk-iam, not {other:?}")
            }
        };
        let schema_registry = self
            .schema_registry
            .map(RegistryEntry::resolve)
            .transpose()?
            .flatten();
        let millis = |ms: Option<u64>, default: Duration| ms.map_or(default, Duration::from_millis);
        Ok(ClusterSettings {
            name: self
                .name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| self.id.clone()),
            environment: self.environment,
            kafka: KafkaConfig {
                bootstrap_servers: self.bootstrap_servers,
                request_timeout: millis(self.request_timeout_ms, defaults.request_timeout),
                topic_list_max_age: millis(self.topic_list_max_age_ms, defaults.topic_list_max_age),
                security,
            },
            schema_registry,
            id: self.id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::settings::Backend;

    const DEFAULTS: Defaults = Defaults {
        request_timeout: Duration::from_secs(4),
        topic_list_max_age: Duration::from_secs(5),
    };

    #[test]
    fn a_list_of_clusters_with_their_own_auth() {
        let set = ClusterSet::parse(
            r#"
            default = "b"
            [[clusters]]
            id = "a"
            environment = "dev"
            bootstrap_servers = "127.0.0.1:9092"
            [[clusters]]
            id = "b"
            name = "Production"
            environment = "prod"
            bootstrap_servers = "b-1:9098"
            auth = "msk-iam"
            region = "eu-central-1"
            request_timeout_ms = 2500
            [clusters.schema_registry]
            kind = "glue"
            registry_name = "events"
            "#,
            DEFAULTS,
        )
        .unwrap();
        assert_eq!(set.default, "b");
        let a = set.get("a").unwrap();
        assert_eq!(a.name, "a");
        assert_eq!(a.kafka.security, KafkaSecurity::None { tls: false });
        assert_eq!(a.kafka.request_timeout, Duration::from_secs(4));
        let b = set.get("b").unwrap();
        assert_eq!(b.name, "Production");
        assert_eq!(b.kafka.request_timeout, Duration::from_millis(2500));
        assert_eq!(
            b.kafka.security,
            KafkaSecurity::MskIam {
                region: "eu-central-1".into()
            }
        );
        assert!(matches!(
            b.schema_registry.as_ref().map(|r| &r.backend),
            Some(Backend::Glue { registry_name, .. }) if registry_name == "events"
        ));
    }

    #[test]
    fn a_bad_list_names_the_cluster_and_the_field() {
        let one = |body: &str| format!("[[clusters]]\nbootstrap_servers = \"h:1\"\n{body}\n");
        for (text, needles) in [
            (one("id = \"Prod\""), vec!["cluster \"Prod\"", "field id"]),
            (
                one("id = \"a\"\nauth = \"kerberos\""),
                vec!["cluster \"a\"", "field auth", "kerberos"],
            ),
            (
                one(
                    "id = \"a\"\nauth = \"scram-sha-512\"\nusername = \"u\"\npassword_env = \"CONFIGURATOR_TEST_UNSET_PW\"",
                ),
                vec!["cluster \"a\"", "password_env", "CONFIGURATOR_TEST_UNSET_PW"],
            ),
            (
                one("id = \"a\"\nregion = \"x\""),
                vec!["cluster \"a\"", "field region"],
            ),
            (
                format!("{}{}", one("id = \"a\""), one("id = \"a\"")),
                vec!["cluster \"a\"", "already has this id"],
            ),
            (
                format!("default = \"z\"\n{}", one("id = \"a\"")),
                vec!["field default", "\"z\""],
            ),
            (one("id = \"a\"\ncolour = \"red\""), vec!["colour"]),
            ("default = \"a\"\n".to_owned(), vec!["no cluster"]),
        ] {
            let error = format!("{:#}", ClusterSet::parse(&text, DEFAULTS).unwrap_err());
            for needle in needles {
                assert!(error.contains(needle), "{needle:?} not in {error:?}");
            }
        }
    }
}
