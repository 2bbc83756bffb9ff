//! API v1: every operation of [`configurator_api::routes::OPERATIONS`] mapped
//! to its handler. A deployed function mounts only its own group's
//! operations; local mode mounts them all.

mod groups;
mod health;
mod me;
mod topics;

use axum::{
    Router,
    http::{Method, Uri},
    routing::{MethodRouter, delete, get, post},
};
use configurator_api::routes::{Function, OPERATIONS, Operation};

use crate::{AppState, error::ApiError};

pub fn api(function: Option<Function>) -> Router<AppState> {
    OPERATIONS
        .iter()
        // Every function answers health, openapi and me: the load balancer and the
        // console may reach any of them.
        .filter(|op| function.is_none_or(|f| f == op.function || op.permission.is_none()))
        .fold(Router::new(), |router, op| match handler(op) {
            Some(h) => router.route(op.path, h),
            None => router,
        })
        .method_not_allowed_fallback(method_not_allowed)
}

/// The handler of each operation id. A new operation in the route table
/// without an arm here fails the tests (and the process at start).
fn handler(op: &Operation) -> Option<MethodRouter<AppState>> {
    Some(match op.id {
        "health" => get(health::health),
        "me" => get(me::me),
        "list_topics" => get(topics::list),
        "list_groups" => get(groups::list),
        "get_group" => get(groups::get),
        "delete_group" => delete(groups::delete),
        "reset_offsets" => post(groups::reset_offsets),
        _ => return None,
    })
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found("not_found", format!("No API route matches {method} {}.", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not support {method}.", uri.path()),
    )
}
