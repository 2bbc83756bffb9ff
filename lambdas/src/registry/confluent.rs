//! A Confluent-compatible schema registry's REST API (Confluent, Redpanda,
//! Karapace, Apicurio's compatibility API): the calls the console needs, each
//! with the registry's deadline and a bounded answer.

use std::time::Duration;

use configurator_api::{SchemaFormat, SchemaReference};
use http::StatusCode;
use reqwest::{Method, Response};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::json;

use super::settings::ConfluentAuth;
use crate::error::ApiError;

/// Largest registry answer read, in bytes: a listing of every schema's
/// latest version in a large registry fits; a runaway answer does not.
const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;
const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

pub struct Confluent {
    http: reqwest::Client,
    url: String,
    auth: ConfluentAuth,
}

/// A schema as `GET /schemas/ids/{id}` and `GET /subjects/{s}/versions/{v}` give it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub id: Option<u32>,
    #[serde(default)]
    pub version: Option<i64>,
    /// Absent for Avro.
    #[serde(default)]
    pub schema_type: Option<String>,
    pub schema: String,
    #[serde(default)]
    pub references: Vec<SchemaReference>,
}

impl Subject {
    pub fn format(&self) -> Result<SchemaFormat, ApiError> {
        format_of(self.schema_type.as_deref())
    }
}

pub fn format_of(schema_type: Option<&str>) -> Result<SchemaFormat, ApiError> {
    match schema_type.unwrap_or("AVRO") {
        "AVRO" => Ok(SchemaFormat::Avro),
        "PROTOBUF" => Ok(SchemaFormat::Protobuf),
        "JSON" => Ok(SchemaFormat::Json),
        other => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "unsupported_schema",
            format!("The registry holds a schema of type {other}, which the console cannot read."),
        )),
    }
}

pub fn type_name(format: SchemaFormat) -> Option<&'static str> {
    match format {
        SchemaFormat::Avro => None,
        SchemaFormat::Protobuf => Some("PROTOBUF"),
        SchemaFormat::Json => Some("JSON"),
    }
}

#[derive(Debug, Deserialize)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i64,
}

#[derive(Debug, Deserialize)]
struct RegistryError {
    #[serde(default)]
    error_code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Deserialize)]
pub struct Compatibility {
    pub is_compatible: bool,
    #[serde(default)]
    pub messages: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Register<'a> {
    pub schema: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub references: &'a [SchemaReference],
}

impl Confluent {
    pub fn new(url: String, auth: ConfluentAuth, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .expect("a reqwest client with timeouts builds");
        Self { http, url, auth }
    }

    pub async fn schema_by_id(&self, id: u32) -> Result<Subject, ApiError> {
        self.get(&format!("/schemas/ids/{id}")).await
    }

    /// The subjects and versions a schema id is registered under.
    pub async fn versions_of_id(&self, id: u32) -> Result<Vec<SubjectVersion>, ApiError> {
        self.get(&format!("/schemas/ids/{id}/versions")).await
    }

    /// Every subject's latest version, in one call.
    pub async fn latest_of_all(&self) -> Result<Vec<Subject>, ApiError> {
        self.get("/schemas?latestOnly=true").await
    }

    pub async fn versions(&self, subject: &str) -> Result<Vec<i64>, ApiError> {
        self.get(&format!("/subjects/{}/versions", segment(subject)))
            .await
    }

    /// `version`: a number or `latest`.
    pub async fn version(&self, subject: &str, version: &str) -> Result<Subject, ApiError> {
        self.get(&format!("/subjects/{}/versions/{version}", segment(subject)))
            .await
    }

    /// The subject's compatibility mode, the registry-wide one when it has none.
    pub async fn compatibility(&self, subject: &str) -> Result<String, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Config {
            compatibility_level: String,
        }
        let config: Result<Config, ApiError> = self
            .get(&format!("/config/{}?defaultToGlobal=true", segment(subject)))
            .await;
        match config {
            Ok(c) => Ok(c.compatibility_level),
            // Registries without per-subject config answer 404 (40408).
            Err(e) if e.status == StatusCode::NOT_FOUND => {
                Ok(self.get::<Config>("/config").await?.compatibility_level)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn set_compatibility(&self, subject: &str, mode: &str) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .call(
                Method::PUT,
                &format!("/config/{}", segment(subject)),
                Some(&json!({ "compatibility": mode })),
            )
            .await?;
        Ok(())
    }

    pub async fn register(&self, subject: &str, body: &Register<'_>) -> Result<u32, ApiError> {
        #[derive(Deserialize)]
        struct Id {
            id: u32,
        }
        let id: Id = self
            .call(
                Method::POST,
                &format!("/subjects/{}/versions", segment(subject)),
                Some(body),
            )
            .await?;
        Ok(id.id)
    }

    /// The registry's verdict on `body` against the subject's latest version.
    pub async fn check(&self, subject: &str, body: &Register<'_>) -> Result<Compatibility, ApiError> {
        self.call(
            Method::POST,
            &format!(
                "/compatibility/subjects/{}/versions/latest?verbose=true",
                segment(subject)
            ),
            Some(body),
        )
        .await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.call::<T, ()>(Method::GET, path, None).await
    }

    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header(http::header::ACCEPT, CONTENT_TYPE);
        if let Some(body) = body {
            request = request
                .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
                .body(serde_json::to_vec(body).expect("requests serialise"));
        }
        request = match &self.auth {
            ConfluentAuth::None => request,
            ConfluentAuth::Basic { username, password } => {
                request.basic_auth(username, Some(password.expose()))
            }
            ConfluentAuth::Bearer(token) => request.bearer_auth(token.expose()),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let bytes = read_capped(response).await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "registry_error",
                    format!("The schema registry's answer to {path} is not what its API documents: {e}."),
                )
            });
        }
        let error: RegistryError = serde_json::from_slice(&bytes).unwrap_or(RegistryError {
            error_code: i64::from(status.as_u16()),
            message: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
        });
        Err(refusal(status, error))
    }
}

/// A subject as one path segment.
fn segment(subject: &str) -> String {
    url::form_urlencoded::byte_serialize(subject.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

async fn read_capped(mut response: Response) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "registry_error",
                format!("The schema registry answered with more than {MAX_ANSWER_BYTES} bytes."),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn unreachable(error: reqwest::Error) -> ApiError {
    let why = if error.is_timeout() {
        "did not answer in time".to_owned()
    } else if error.is_connect() {
        "cannot be reached".to_owned()
    } else {
        format!("failed: {error}")
    };
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "registry_unavailable",
        format!("The schema registry {why}."),
    )
}

/// The registry's own error codes (its API reference) as ours.
fn refusal(status: StatusCode, error: RegistryError) -> ApiError {
    let said = error.message;
    match (status.as_u16(), error.error_code) {
        (_, 40401) => ApiError::not_found(
            "schema_not_found",
            format!("The registry has no such subject ({said})."),
        ),
        (_, 40402) => ApiError::not_found(
            "version_not_found",
            format!("The registry has no such version ({said})."),
        ),
        (_, 40403) => ApiError::not_found(
            "unknown_schema_id",
            format!("The registry has no such schema ({said})."),
        ),
        (409, _) => ApiError::new(
            StatusCode::CONFLICT,
            "incompatible_schema",
            format!("The registry refused the schema as incompatible: {said}"),
        ),
        (422, 42201) => ApiError::invalid(
            "definition",
            "invalid_schema",
            format!("The registry refused the schema: {said}"),
        ),
        (422, 42203) => ApiError::invalid(
            "compatibility",
            "invalid_compatibility",
            format!("The registry refused the compatibility mode: {said}"),
        ),
        (422, _) => ApiError::invalid(
            "definition",
            "invalid_schema",
            format!("The registry refused the request: {said}"),
        ),
        (401 | 403, _) => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "registry_refused",
            format!("The schema registry refused the console's credentials ({status}): {said}"),
        ),
        (404, _) => ApiError::not_found(
            "schema_not_found",
            format!("The registry has no such resource ({said})."),
        ),
        _ => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "registry_error",
            format!("The schema registry answered {status}: {said}"),
        ),
    }
}
