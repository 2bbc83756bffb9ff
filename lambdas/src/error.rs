//! The API's errors and how each becomes an HTTP answer with the shared
//! error envelope. Handlers return `Result<_, ApiError>`; nothing else builds
//! error responses.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use configurator_api::{ErrorDetail, ErrorEnvelope, Permission, server::error_response};

/// One error answer: status, stable machine-readable code, a sentence for a
/// person, and optionally the request field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub details: Vec<ErrorDetail>,
    /// What a refusal names (other errors get their cluster from
    /// [`crate::clusters::name_the_cluster`]); boxed to keep errors small.
    pub refusal: Option<Box<Refusal>>,
    /// What went wrong on our side, for the log only (see [`ApiError::internal`]).
    detail: Option<Box<str>>,
}

/// The cluster and permission a 403 is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub cluster: String,
    pub permission: Permission,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            details: Vec::new(),
            refusal: None,
            detail: None,
        }
    }

    /// 400: the request is wrong; `code` says how (e.g. `invalid_topic_name`).
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400 about one field of the request.
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self::bad_request(code, message).with_field(field)
    }

    /// No usable bearer token; the message says what was wrong with it.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    /// Authenticated, but the policy does not allow this; the message names
    /// the missing permission.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403 for a permission missing on one cluster: the body names both
    /// (`error.cluster`, `error.permission`), for people and for programs.
    pub fn missing_permission(cluster: &str, permission: Permission, on: impl std::fmt::Display) -> Self {
        let mut error = Self::forbidden(format!(
            "You do not have the permission {permission} on {on} in cluster {cluster}."
        ));
        error.refusal = Some(Box::new(Refusal {
            cluster: cluster.to_owned(),
            permission,
        }));
        error
    }

    /// 404 for a cluster that is not configured, or that the caller may not
    /// see: the same answer, so it does not reveal which clusters exist.
    pub fn cluster_not_found(cluster: &str) -> Self {
        Self::not_found(
            "cluster_not_found",
            format!("There is no cluster {cluster} that you may see."),
        )
        .with_field("cluster")
    }

    /// One of the topics no generic endpoint may change or read
    /// ([`configurator_api::is_protected_topic`]), whatever the person's role.
    pub fn protected_topic(topic: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "protected_topic",
            format!(
                "{topic} is kept by Kafka or by Configurator itself (offsets, the audit trail, schemas): \
                 no one may produce to, purge, delete, reconfigure or browse it here. \
                 The audit trail is on the Audit page, a topic's schema on its Schema tab."
            ),
        )
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// The broker does not implement the operation (e.g. CreatePartitions on
    /// some Kafka-compatible brokers).
    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, "not_supported_by_broker", message)
    }

    /// The signing keys could not be fetched, so no token can be checked.
    pub fn identity_provider_unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "identity_provider_unavailable",
            message,
        )
    }

    /// The broker could not be reached.
    pub fn kafka_unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "kafka_unavailable", message)
    }

    /// The broker was reached but did not finish in time.
    pub fn kafka_timeout(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GATEWAY_TIMEOUT, "kafka_timeout", message)
    }

    /// Anything unexpected: the detail goes to the log (when the answer is
    /// sent, once), not to the caller.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; the request id identifies it in the logs.",
        );
        error.detail = Some(detail.to_string().into());
        error
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_details(mut self, details: Vec<ErrorDetail>) -> Self {
        self.details = details;
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.detail {
            tracing::error!(%detail, "internal error");
        }
        let mut envelope = ErrorEnvelope::new(self.code, self.message).with_details(self.details);
        if let Some(field) = self.field {
            envelope = envelope.with_field(field);
        }
        if let Some(refusal) = self.refusal {
            envelope.error.cluster = Some(refusal.cluster);
            envelope.error.permission = Some(refusal.permission);
        }
        let mut response = error_response(self.status, envelope);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
