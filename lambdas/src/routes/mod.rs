//! API v1: every operation of [`configurator_api::routes::OPERATIONS`] mapped
//! to its handler. A deployed function mounts only its own group's
//! operations; local mode mounts them all.

mod audit;
mod cluster;
mod groups;
mod health;
mod me;
mod messages;
mod openapi;
mod schema;
mod topics;

use axum::{
    Router,
    http::{Method, Uri},
    routing::{MethodRouter, delete, get, patch, post, put},
};
use configurator_api::routes::{Function, OPERATIONS, Operation};

use crate::{AppState, error::ApiError};

pub fn api(function: Option<Function>) -> Router<AppState> {
    OPERATIONS
        .iter()
        // Every function answers health, openapi and me: the load balancer and the
        // console may reach any of them.
        .filter(|op| function.is_none_or(|f| f == op.function || op.permission.is_none()))
        .fold(Router::new(), |router, op| router.route(op.path, handler(op)))
        .method_not_allowed_fallback(method_not_allowed)
}

/// The handler of each operation id. A new operation in the route table
/// without an arm here fails the tests (and the process at start).
fn handler(op: &Operation) -> MethodRouter<AppState> {
    match op.id {
        "health" => get(health::health),
        "openapi" => get(openapi::document),
        "me" => get(me::me),
        "get_cluster" => get(cluster::get_cluster),
        "get_audit" => get(audit::get_audit),
        "export_audit" => get(audit::export_audit),
        "list_topics" => get(topics::list_topics),
        "create_topic" => post(topics::create_topic),
        "get_topic" => get(topics::get_topic),
        "delete_topic" => delete(topics::delete_topic),
        "get_topic_configs" => get(topics::get_topic_configs),
        "alter_topic_configs" => patch(topics::alter_topic_configs),
        "add_partitions" => post(topics::add_partitions),
        "purge_topic" => post(topics::purge_topic),
        "get_schema" => get(schema::get_schema),
        "put_schema" => put(schema::put_schema),
        "delete_schema" => delete(schema::delete_schema),
        "browse_messages" => get(messages::browse_messages),
        "get_message" => get(messages::get_message),
        "produce_message" => post(messages::produce_message),
        "list_groups" => get(groups::list_groups),
        "get_group" => get(groups::get_group),
        "delete_group" => delete(groups::delete_group),
        "reset_offsets" => post(groups::reset_offsets),
        other => panic!("API operation {other} has no handler"),
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
