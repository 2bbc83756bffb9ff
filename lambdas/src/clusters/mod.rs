//! Many clusters, one API: the configured clusters ([`settings`]), each with
//! its own Kafka clients, created on first use and kept for the life of the
//! process. A cluster that is down only costs its own requests: its clients,
//! reading consumer and timeouts are its own.
//!
//! A request names its cluster in the path (`/clusters/{cluster}/…`);
//! [`OnCluster`] checks the id, finds the cluster and hands the handler its
//! clients. Whether the caller may see or act on that cluster is the
//! policy's question, asked in [`crate::auth::Principal::require`].

pub mod health;
mod settings;

use std::sync::{Arc, OnceLock};

use axum::{
    extract::{FromRequestParts, Request},
    http::request::Parts,
    middleware::Next,
    response::Response,
};
use configurator_api::{API_PREFIX, ErrorEnvelope, check_cluster_id};

pub use self::settings::{ClusterSet, ClusterSettings, Defaults};
use crate::{AppState, error::ApiError, extract, kafka::Kafka, registry::Registry};

/// Every configured cluster, in configuration order.
pub struct Clusters {
    clusters: Vec<Arc<Cluster>>,
    default: String,
}

pub struct Cluster {
    pub settings: ClusterSettings,
    /// Made on first use; an error (a librdkafka setting it refuses) is kept
    /// too, so every request says the same thing.
    kafka: OnceLock<Result<Arc<Kafka>, String>>,
    /// `None`: the built-in per-topic JSON Schema store.
    pub registry: Option<Arc<Registry>>,
}

impl Clusters {
    pub fn new(set: ClusterSet) -> Self {
        Self {
            clusters: set
                .clusters
                .into_iter()
                .map(|settings| {
                    Arc::new(Cluster {
                        registry: settings
                            .schema_registry
                            .clone()
                            .map(|r| Arc::new(Registry::new(r))),
                        settings,
                        kafka: OnceLock::new(),
                    })
                })
                .collect(),
            default: set.default,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Cluster>> {
        self.clusters.iter().find(|c| c.id() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Cluster>> {
        self.clusters.iter()
    }

    /// Where cluster-less (old single-cluster) URLs go.
    pub fn default_id(&self) -> &str {
        &self.default
    }
}

impl Cluster {
    pub fn id(&self) -> &str {
        &self.settings.id
    }

    /// The cluster's clients. Creating them connects to nothing, so this
    /// answers at once even when the cluster is down.
    pub fn kafka(&self) -> Result<Arc<Kafka>, ApiError> {
        self.kafka
            .get_or_init(|| {
                Kafka::new(&self.settings.kafka)
                    .map(Arc::new)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(|why| {
                ApiError::internal(format!(
                    "the Kafka clients for cluster {} cannot be created: {why}",
                    self.id()
                ))
            })
    }
}

/// The `{cluster}` of a request's path, checked and found, with its clients.
/// A malformed id is a 400; an id no cluster has is a 404
/// (`cluster_not_found`), the same answer as for a cluster the caller may
/// not see, so the answer does not tell which clusters exist.
pub struct OnCluster {
    pub cluster: Arc<Cluster>,
    pub kafka: Arc<Kafka>,
}

impl OnCluster {
    pub fn id(&self) -> &str {
        self.cluster.id()
    }

    pub fn registry(&self) -> Option<&Arc<Registry>> {
        self.cluster.registry.as_ref()
    }

    /// The registry, for the `/schemas` routes: 409 `no_schema_registry` on
    /// a cluster that keeps its topics' JSON Schemas in its own store.
    pub fn require_registry(&self) -> Result<&Arc<Registry>, ApiError> {
        self.registry().ok_or_else(|| {
            ApiError::conflict(
                "no_schema_registry",
                format!(
                    "Cluster {} has no schema registry configured; its topics' JSON Schemas are in the built-in store (GET …/topics/{{topic}}/schema).",
                    self.id()
                ),
            )
        })
    }
}

impl FromRequestParts<AppState> for OnCluster {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = extract::path_params(parts, state).await?;
        let id = extract::param(&params, "cluster")?;
        check_cluster_id(id).map_err(|why| ApiError::invalid("cluster", "invalid_cluster_id", why))?;
        let cluster = state
            .clusters
            .get(id)
            .ok_or_else(|| ApiError::cluster_not_found(id))?
            .clone();
        let kafka = cluster.kafka()?;
        Ok(Self { cluster, kafka })
    }
}

/// Middleware for the cluster's routes: every error answer names the
/// cluster (`error.cluster`), so a person with five clusters open knows
/// which one is down, and a 5xx says so in its sentence too. It edits the
/// envelope [`configurator_api::server::error_response`] leaves in the
/// response's extensions, which the request-id middleware around it renders.
pub async fn name_the_cluster(request: Request, next: Next) -> Response {
    let cluster = cluster_in_path(request.uri().path()).map(str::to_owned);
    let mut response = next.run(request).await;
    let server_error = response.status().is_server_error();
    if let (Some(cluster), Some(envelope)) = (cluster, response.extensions_mut().get_mut::<ErrorEnvelope>())
        && envelope.error.cluster.is_none()
    {
        if server_error {
            envelope.error.message = format!("Cluster {cluster}: {}", envelope.error.message);
        }
        envelope.error.cluster = Some(cluster);
    }
    response
}

/// `local-b` from `/api/v1/clusters/local-b/topics`, when it is a valid id.
fn cluster_in_path(path: &str) -> Option<&str> {
    // Inside the nested API router the prefix is already gone.
    let path = path.strip_prefix(API_PREFIX).unwrap_or(path);
    let rest = path.strip_prefix("/clusters/")?;
    let id = rest.split('/').next()?;
    check_cluster_id(id).ok().map(|()| id)
}

#[cfg(test)]
mod tests {
    use super::cluster_in_path;

    #[test]
    fn the_cluster_is_read_from_the_path() {
        assert_eq!(
            cluster_in_path("/api/v1/clusters/local-b/topics"),
            Some("local-b")
        );
        assert_eq!(cluster_in_path("/api/v1/clusters/local-b"), Some("local-b"));
        assert_eq!(cluster_in_path("/api/v1/clusters"), None);
        assert_eq!(cluster_in_path("/api/v1/clusters/Bad%20Id/topics"), None);
        assert_eq!(cluster_in_path("/clusters/local-a/audit"), Some("local-a"));
        assert_eq!(cluster_in_path("/api/v1/me"), None);
    }
}
