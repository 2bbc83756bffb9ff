//! The API's errors and how each becomes an HTTP answer with the shared
//! error envelope. Handlers return `Result<_, ApiError>`; nothing else builds
//! error responses.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use configurator_api::{ErrorEnvelope, server::error_response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No usable bearer token; the message says what was wrong with it.
    #[error("{0}")]
    Unauthenticated(String),
    /// Authenticated, but the policy does not allow this; the message names
    /// the missing permission.
    #[error("{0}")]
    Forbidden(String),
    /// The signing keys could not be fetched, so no token can be checked.
    #[error("{0}")]
    IdentityProviderUnavailable(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The broker did not answer in time or refused the connection.
    #[error("{0}")]
    KafkaUnavailable(String),
    /// Anything unexpected; details go to the log, not to the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::IdentityProviderUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "identity_provider_unavailable")
            }
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::KafkaUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "kafka_unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "Something went wrong on our side; the request id identifies it in the logs.".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = error_response(status, ErrorEnvelope::new(code, message));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
