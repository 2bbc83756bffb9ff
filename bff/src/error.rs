//! The BFF's own errors. API callers always get the shared JSON envelope; the
//! login callback turns errors into a page (see `routes::auth`).

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use configurator_api::{ErrorEnvelope, server::error_response};
use tower_sessions::session_store;

#[derive(Debug, thiserror::Error)]
pub enum BffError {
    /// No session, or it ended (expired, logged out, refresh refused).
    #[error("Your session has ended; please sign in again.")]
    Unauthenticated { login_url: String },
    #[error("This request lacks the `X-CSRF: 1` header that the console always sends.")]
    CsrfHeaderMissing,
    #[error("{0}")]
    PayloadTooLarge(String),
    /// An API path the proxy will not forward (see `routes::api_path`).
    #[error("{0}")]
    InvalidPath(#[from] crate::routes::api_path::InvalidPath),
    #[error("The sign-in service is not reachable right now; try again in a moment.")]
    IdentityProviderUnavailable,
    /// Redis (or whatever keeps the sessions) did not answer in time.
    #[error("The console cannot reach its session store right now; try again in a moment.")]
    SessionStoreUnavailable,
    #[error("The API did not answer: {0}")]
    UpstreamUnavailable(String),
    #[error("The API did not answer in time.")]
    UpstreamTimeout,
    /// A session's live tails in flight are at `TAILS_PER_SESSION`.
    #[error("You are following {0} topics already; stop one to follow another.")]
    TooManyTails(usize),
    /// A query parameter of the BFF's own routes (the export) is wrong.
    #[error("{0}")]
    InvalidQuery(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl BffError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }
}

/// A store that cannot be reached is a 503 the caller may retry; a record
/// that does not encode or decode is a fault of ours.
impl From<session_store::Error> for BffError {
    fn from(error: session_store::Error) -> Self {
        match error {
            session_store::Error::Backend(detail) => {
                tracing::warn!(%detail, "session store unavailable");
                Self::SessionStoreUnavailable
            }
            other => Self::internal(other),
        }
    }
}

impl From<tower_sessions::session::Error> for BffError {
    fn from(error: tower_sessions::session::Error) -> Self {
        match error {
            tower_sessions::session::Error::Store(store) => store.into(),
            other => Self::internal(other),
        }
    }
}

impl IntoResponse for BffError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::Unauthenticated { .. } => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::CsrfHeaderMissing => (StatusCode::FORBIDDEN, "csrf_header_missing"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::InvalidPath(_) => (StatusCode::BAD_REQUEST, "invalid_path"),
            Self::IdentityProviderUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, "identity_provider_unavailable")
            }
            Self::SessionStoreUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "session_store_unavailable"),
            Self::UpstreamUnavailable(_) => (StatusCode::BAD_GATEWAY, "upstream_unavailable"),
            Self::UpstreamTimeout => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
            Self::TooManyTails(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_tails"),
            Self::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "invalid_query"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let message = match &self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "Something went wrong in the console's server; the request id identifies it in the logs."
                    .to_owned()
            }
            other => other.to_string(),
        };
        let mut envelope = ErrorEnvelope::new(code, message);
        if let Self::Unauthenticated { login_url } = self {
            envelope = envelope.with_login_url(login_url);
        }
        error_response(status, envelope)
    }
}
