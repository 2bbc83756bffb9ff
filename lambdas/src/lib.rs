//! Configurator's Kafka-management API.
//!
//! One axum [`Router`] serves every route; `main.rs` runs it either inside
//! AWS Lambda (behind Kong's aws-lambda plugin) or as a plain HTTP server for
//! local development. Requests flow: request id and access log
//! ([`configurator_api::server`]) →
//! route → [`auth::Principal`] (JWT check, roles) → [`clusters::OnCluster`]
//! (the cluster in the path) → handler (permission check with [`policy`]) →
//! that cluster's [`kafka::Kafka`].

pub mod audit;
pub mod auth;
pub mod authorizer;
pub mod clusters;
pub mod config;
pub mod error;
pub mod extract;
pub mod ingest;
pub mod kafka;
pub mod lag;
pub mod lambda;
pub mod policy;
pub mod registry;
mod routes;
pub mod validate;

use std::sync::Arc;

use axum::{Router, middleware};
use configurator_api::routes::Function;

use crate::{
    audit::signing::AuditKeys, auth::JwtVerifier, clusters::Clusters, config::Config, policy::Policy,
};

/// What every request handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub verifier: Arc<JwtVerifier>,
    /// The configured clusters, each with its own clients.
    pub clusters: Arc<Clusters>,
    pub policy: Arc<Policy>,
    /// Sign the audit records this process writes and verify those it reads.
    pub audit_keys: Arc<AuditKeys>,
    /// The function this process serves (all routes when `None`).
    pub function: Option<Function>,
}

impl AppState {
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            verifier: Arc::new(JwtVerifier::new(config.oidc.clone())),
            clusters: Arc::new(Clusters::new(config.clusters.clone())),
            policy: Arc::new(Policy::load(config.policy_file.as_deref())?),
            audit_keys: Arc::new(config.audit_keys.clone()),
            function: config.function,
        })
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest(configurator_api::API_PREFIX, routes::api(state.function))
        .fallback(routes::not_found)
        .layer(middleware::from_fn(
            configurator_api::server::request_id_and_access_log,
        ))
        .with_state(state)
}
