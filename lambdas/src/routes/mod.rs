//! API v1: every operation of [`configurator_api::routes::OPERATIONS`] mapped
//! to its handler. A deployed function mounts only its own group's
//! operations; local mode mounts them all. Cluster-scoped operations (the
//! handlers' docs give their paths relative to `/clusters/{cluster}`) get
//! [`clusters::name_the_cluster`] around them.

mod audit;
mod cluster;
mod events;
mod groups;
mod health;
mod me;
mod messages;
mod openapi;
mod registry;
mod schema;
mod topics;

use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    http::{Method, Uri},
    middleware,
    routing::{MethodRouter, delete, get, patch, post, put},
};
use configurator_api::routes::{Function, OPERATIONS, Operation, OperationId};

use crate::{AppState, clusters, error::ApiError};

pub fn api(function: Option<Function>) -> Router<AppState> {
    let mine = |op: &&Operation| function.is_none_or(|f| f == op.function || op.permission.is_none());
    // Every function answers health, openapi, me and the cluster list: the
    // load balancer and the console may reach any of them.
    let (scoped, global): (Vec<&Operation>, Vec<&Operation>) =
        OPERATIONS.iter().filter(mine).partition(|op| op.cluster_scoped());
    // Each route names its operation, for the checks that depend on it
    // (a service client may only reach the ingest API).
    let mount = |router: Router<AppState>, op: &&Operation| {
        router.route(op.path, handler(op.id).layer(Extension(op.id)))
    };
    let scoped = scoped
        .iter()
        .fold(Router::new(), mount)
        .route_layer(middleware::from_fn(clusters::name_the_cluster));
    global
        .iter()
        .fold(Router::new(), mount)
        .merge(scoped)
        .method_not_allowed_fallback(method_not_allowed)
}

/// The handler of each operation: an exhaustive match, so an operation added
/// to the route table without a handler does not compile.
fn handler(id: OperationId) -> MethodRouter<AppState> {
    use OperationId as Id;
    match id {
        Id::Health => get(health::health),
        Id::Openapi => get(openapi::document),
        Id::Me => get(me::me),
        Id::ListClusters => get(cluster::list_clusters),
        Id::GetCluster => get(cluster::get_cluster),
        Id::GetAudit => get(audit::get_audit),
        Id::ExportAudit => get(audit::export_audit),
        Id::ListTopics => get(topics::list_topics),
        Id::CreateTopic => post(topics::create_topic),
        Id::GetTopic => get(topics::get_topic),
        Id::DeleteTopic => delete(topics::delete_topic),
        Id::GetTopicConfigs => get(topics::get_topic_configs),
        Id::AlterTopicConfigs => patch(topics::alter_topic_configs),
        Id::AddPartitions => post(topics::add_partitions),
        Id::PurgeTopic => post(topics::purge_topic),
        Id::GetSchema => get(schema::get_schema),
        Id::PutSchema => put(schema::put_schema),
        Id::DeleteSchema => delete(schema::delete_schema),
        Id::GetTopicSchemas => get(registry::get_topic_schemas),
        Id::ListSchemas => get(registry::list_schemas),
        Id::GetRegistrySchema => get(registry::get_registry_schema),
        Id::GetSchemaVersion => get(registry::get_schema_version),
        Id::RegisterSchemaVersion => post(registry::register_schema_version),
        Id::CheckSchemaCompatibility => post(registry::check_schema_compatibility),
        Id::SetSchemaCompatibility => put(registry::set_schema_compatibility),
        Id::BrowseMessages => get(messages::browse_messages),
        Id::GetMessage => get(messages::get_message),
        Id::ProduceMessage => post(messages::produce_message),
        Id::TailMessages => get(messages::tail_messages),
        Id::CopyMessages => post(messages::copy_messages),
        Id::ListGroups => get(groups::list_groups),
        Id::GetGroup => get(groups::get_group),
        Id::DeleteGroup => delete(groups::delete_group),
        Id::ResetOffsets => post(groups::reset_offsets),
        Id::GetLagHistory => get(groups::get_lag_history),
        Id::DeleteGroupOffsets => post(groups::delete_group_offsets),
        // Its body is bounded by the handler, with the API's own 413.
        Id::PublishEvents => post(events::publish_events).layer(DefaultBodyLimit::disable()),
        Id::ListEventTopics => get(events::list_event_topics),
        Id::GetEventTopic => get(events::get_event_topic),
    }
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(
        "not_found",
        format!("No API route matches {method} {}.", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not support {method}.", uri.path()),
    )
}
