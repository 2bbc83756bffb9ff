//! Request extractors whose rejections are API errors in the shared envelope
//! (axum's own answer with plain text).

use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::{error::ApiError, validate};

/// A JSON request body. Malformed JSON, wrong types and a missing
/// `Content-Type: application/json` are 400s that say what is wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::bad_request(
                "invalid_body",
                format!(
                    "The request body does not have the expected shape: {}",
                    e.body_text()
                ),
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                "malformed_json",
                format!("The request body is not valid JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::bad_request(
                "unsupported_media_type",
                "Send the request body as JSON with `Content-Type: application/json`.",
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "The request body is too large.",
            )),
            Err(other) => Err(ApiError::bad_request("invalid_body", other.body_text())),
        }
    }
}

/// Query parameters; a wrong type (e.g. `page=abc`) is a 400 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|e| ApiError::bad_request("invalid_query", format!("Invalid query parameters: {e}.")))
    }
}

/// The `{topic}` path parameter, checked against Kafka's naming rules before
/// anything else happens: a name no topic can have is a 400 naming the
/// field, never a 403 or 404.
pub struct TopicPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TopicPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = path_params(parts, state).await?;
        let topic = param(&params, "topic")?;
        validate::topic_name(topic).map_err(|e| e.with_field("topic"))?;
        Ok(Self(topic.to_owned()))
    }
}

/// The `{group}` path parameter: Kafka allows almost any group id, but not
/// an empty one, and control characters are never what a person meant.
pub struct GroupPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for GroupPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = path_params(parts, state).await?;
        let group = param(&params, "group")?;
        validate::group_id(group)?;
        Ok(Self(group.to_owned()))
    }
}

/// Longest schema name (subject or Glue schema name) the API accepts.
pub const MAX_SCHEMA_NAME_BYTES: usize = 1000;

/// The `{schema}` path parameter: a Confluent subject or Glue schema name,
/// not empty, without control characters, at most [`MAX_SCHEMA_NAME_BYTES`],
/// and not `.` or `..` (which proxies and browsers resolve away in a path,
/// so no request could name them reliably).
pub struct SchemaPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SchemaPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = path_params(parts, state).await?;
        let name = param(&params, "schema")?;
        if name.trim().is_empty()
            || matches!(name, "." | "..")
            || name.len() > MAX_SCHEMA_NAME_BYTES
            || name.chars().any(char::is_control)
        {
            return Err(ApiError::invalid(
                "schema",
                "invalid_schema_name",
                format!(
                    "A schema name is 1 to {MAX_SCHEMA_NAME_BYTES} bytes of printable characters, and not . or .. alone."
                ),
            ));
        }
        Ok(Self(name.to_owned()))
    }
}

/// `{topic}/partitions/{partition}/offsets/{offset}`: one record's address.
pub struct RecordPath {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for RecordPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = path_params(parts, state).await?;
        let topic = param(&params, "topic")?;
        validate::topic_name(topic).map_err(|e| e.with_field("topic"))?;
        let number = |name: &str| {
            let text = param(&params, name)?;
            text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::invalid(
                    name,
                    if name == "partition" {
                        "invalid_partition"
                    } else {
                        "invalid_offset"
                    },
                    format!("{name} must be a whole number of at least 0, not {text:?}."),
                )
            })
        };
        let partition = number("partition")?;
        let offset = number("offset")?;
        let partition = i32::try_from(partition).map_err(|_| {
            ApiError::invalid(
                "partition",
                "invalid_partition",
                "No topic has that many partitions.",
            )
        })?;
        Ok(Self {
            topic: topic.to_owned(),
            partition,
            offset,
        })
    }
}

pub(crate) async fn path_params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<std::collections::HashMap<String, String>, ApiError> {
    axum::extract::Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map(|axum::extract::Path(params)| params)
        .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
}

pub(crate) fn param<'a>(
    params: &'a std::collections::HashMap<String, String>,
    name: &str,
) -> Result<&'a str, ApiError> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| ApiError::internal(format!("the route has no {{{name}}} parameter")))
}
