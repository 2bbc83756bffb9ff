//! The API v1 route table. Each resource has its own module.

mod health;
mod me;
mod topics;

use axum::{
    Router,
    http::{Method, Uri},
    routing::get,
};

use crate::{AppState, error::ApiError};

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/me", get(me::me))
        .route("/topics", get(topics::list))
        .method_not_allowed_fallback(method_not_allowed)
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("No API route matches {method} {}.", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not support {method}.", uri.path()))
}
