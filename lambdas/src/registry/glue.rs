//! AWS Glue Schema Registry through the AWS SDK: credentials from the
//! default chain, `AWS_ENDPOINT_URL_GLUE` for another endpoint (moto
//! locally), each call bounded by the registry's deadline.
//!
//! A call the endpoint does not implement is a 501 `not_supported_by_registry`:
//! moto answers such calls with a bare HTTP 500 that carries no AWS error code,
//! which real Glue never does (its errors are typed), so that answer is read
//! as "this endpoint lacks the call" rather than as an outage.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_glue::{
    Client,
    config::http::HttpResponse,
    error::{ProvideErrorMetadata, SdkError},
    operation::get_schema_version::GetSchemaVersionOutput,
    types::{Compatibility, DataFormat, RegistryId, SchemaId, SchemaVersionNumber},
};
use configurator_api::SchemaFormat;
use http::StatusCode;
use tokio::sync::OnceCell;

use crate::error::ApiError;

/// Names one registry listing reads at most per call to Glue.
const PAGE: i32 = 100;

pub struct Glue {
    registry: String,
    region: Option<String>,
    endpoint: Option<String>,
    timeout: Duration,
    /// Made on first use: loading the AWS configuration is async.
    client: OnceCell<Client>,
}

/// One schema version as Glue gives it.
#[derive(Debug, Clone)]
pub struct GlueVersion {
    pub version_id: String,
    pub schema_name: Option<String>,
    pub version: Option<i64>,
    pub format: SchemaFormat,
    pub definition: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GlueSchema {
    pub format: SchemaFormat,
    pub compatibility: String,
    pub latest_version: Option<i64>,
}

/// Which version of a schema.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    Latest,
    Number(i64),
}

impl Glue {
    pub fn new(
        registry: String,
        region: Option<String>,
        endpoint: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            registry,
            region,
            endpoint,
            timeout,
            client: OnceCell::new(),
        }
    }

    async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .timeout_config(
                        TimeoutConfig::builder()
                            .operation_timeout(self.timeout)
                            .operation_attempt_timeout(self.timeout)
                            .connect_timeout(self.timeout)
                            .build(),
                    )
                    .retry_config(RetryConfig::standard().with_max_attempts(2));
                if let Some(region) = &self.region {
                    loader = loader.region(Region::new(region.clone()));
                }
                if let Some(endpoint) = &self.endpoint {
                    loader = loader.endpoint_url(endpoint);
                }
                Client::new(&loader.load().await)
            })
            .await
    }

    fn schema_id(&self, name: &str) -> SchemaId {
        SchemaId::builder()
            .registry_name(&self.registry)
            .schema_name(name)
            .build()
    }

    pub async fn version_by_id(&self, version_id: &str) -> Result<GlueVersion, ApiError> {
        let out = self
            .client()
            .await
            .get_schema_version()
            .schema_version_id(version_id)
            .send()
            .await
            .map_err(|e| refusal(e, "GetSchemaVersion"))?;
        version(out)
    }

    pub async fn version(&self, name: &str, which: Which) -> Result<GlueVersion, ApiError> {
        let number = match which {
            Which::Latest => SchemaVersionNumber::builder().latest_version(true).build(),
            Which::Number(n) => SchemaVersionNumber::builder().version_number(n).build(),
        };
        let out = self
            .client()
            .await
            .get_schema_version()
            .schema_id(self.schema_id(name))
            .schema_version_number(number)
            .send()
            .await
            .map_err(|e| refusal(e, "GetSchemaVersion"))?;
        version(out)
    }

    pub async fn schema(&self, name: &str) -> Result<GlueSchema, ApiError> {
        let out = self
            .client()
            .await
            .get_schema()
            .schema_id(self.schema_id(name))
            .send()
            .await
            .map_err(|e| refusal(e, "GetSchema"))?;
        Ok(GlueSchema {
            format: format_of(out.data_format())?,
            compatibility: out.compatibility().map_or("NONE", |c| c.as_str()).to_owned(),
            latest_version: out.latest_schema_version(),
        })
    }

    /// The registry's schema names, at most `max`; `true` when there are more.
    pub async fn names(&self, max: usize) -> Result<(Vec<String>, bool), ApiError> {
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client()
                .await
                .list_schemas()
                .registry_id(RegistryId::builder().registry_name(&self.registry).build())
                .max_results(PAGE)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| refusal(e, "ListSchemas"))?;
            names.extend(
                out.schemas()
                    .iter()
                    .filter_map(|s| s.schema_name().map(str::to_owned)),
            );
            token = out.next_token().map(str::to_owned);
            if names.len() >= max {
                let more = token.is_some() || names.len() > max;
                names.truncate(max);
                return Ok((names, more));
            }
            if token.is_none() {
                return Ok((names, false));
            }
        }
    }

    /// Version numbers, oldest first (at most `max`).
    pub async fn version_numbers(&self, name: &str, max: usize) -> Result<Vec<i64>, ApiError> {
        let mut numbers = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client()
                .await
                .list_schema_versions()
                .schema_id(self.schema_id(name))
                .max_results(PAGE)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| refusal(e, "ListSchemaVersions"))?;
            numbers.extend(out.schemas().iter().filter_map(|v| v.version_number()));
            token = out.next_token().map(str::to_owned);
            if token.is_none() || numbers.len() >= max {
                numbers.sort_unstable();
                numbers.truncate(max);
                return Ok(numbers);
            }
        }
    }

    /// Creates the schema with its first version.
    pub async fn create(
        &self,
        name: &str,
        format: SchemaFormat,
        definition: &str,
        compatibility: Option<&str>,
    ) -> Result<GlueVersion, ApiError> {
        let out = self
            .client()
            .await
            .create_schema()
            .registry_id(RegistryId::builder().registry_name(&self.registry).build())
            .schema_name(name)
            .data_format(data_format(format))
            .set_compatibility(compatibility.map(Compatibility::from))
            .schema_definition(definition)
            .send()
            .await
            .map_err(|e| refusal(e, "CreateSchema"))?;
        let version_id = out.schema_version_id().unwrap_or_default();
        self.version_by_id(version_id).await
    }

    pub async fn register(&self, name: &str, definition: &str) -> Result<GlueVersion, ApiError> {
        let out = self
            .client()
            .await
            .register_schema_version()
            .schema_id(self.schema_id(name))
            .schema_definition(definition)
            .send()
            .await
            .map_err(|e| refusal(e, "RegisterSchemaVersion"))?;
        let version_id = out.schema_version_id().unwrap_or_default();
        self.version_by_id(version_id).await
    }

    /// Glue's check is of validity (the definition parses as its format),
    /// not of compatibility with earlier versions: Glue judges that when a
    /// version is registered (its status becomes FAILURE).
    pub async fn check_validity(
        &self,
        format: SchemaFormat,
        definition: &str,
    ) -> Result<(bool, Option<String>), ApiError> {
        let out = self
            .client()
            .await
            .check_schema_version_validity()
            .data_format(data_format(format))
            .schema_definition(definition)
            .send()
            .await
            .map_err(|e| refusal(e, "CheckSchemaVersionValidity"))?;
        Ok((out.valid(), out.error().map(str::to_owned)))
    }

    pub async fn set_compatibility(&self, name: &str, mode: &str) -> Result<(), ApiError> {
        self.client()
            .await
            .update_schema()
            .schema_id(self.schema_id(name))
            .compatibility(Compatibility::from(mode))
            .send()
            .await
            .map_err(|e| refusal(e, "UpdateSchema"))?;
        Ok(())
    }
}

fn version(out: GetSchemaVersionOutput) -> Result<GlueVersion, ApiError> {
    Ok(GlueVersion {
        version_id: out.schema_version_id().unwrap_or_default().to_owned(),
        // arn:aws:glue:REGION:ACCOUNT:schema/REGISTRY/NAME
        schema_name: out
            .schema_arn()
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_owned),
        version: out.version_number(),
        format: format_of(out.data_format())?,
        definition: out.schema_definition().unwrap_or_default().to_owned(),
        status: out.status().map(|s| s.as_str().to_owned()),
        created_at: out.created_time().map(str::to_owned),
    })
}

fn format_of(format: Option<&DataFormat>) -> Result<SchemaFormat, ApiError> {
    match format {
        Some(DataFormat::Avro) => Ok(SchemaFormat::Avro),
        Some(DataFormat::Protobuf) => Ok(SchemaFormat::Protobuf),
        Some(DataFormat::Json) => Ok(SchemaFormat::Json),
        other => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "unsupported_schema",
            format!(
                "Glue holds a schema of format {}, which the console cannot read.",
                other.map_or("(none)", |f| f.as_str())
            ),
        )),
    }
}

fn data_format(format: SchemaFormat) -> DataFormat {
    match format {
        SchemaFormat::Avro => DataFormat::Avro,
        SchemaFormat::Protobuf => DataFormat::Protobuf,
        SchemaFormat::Json => DataFormat::Json,
    }
}

/// A Glue error as ours.
fn refusal<E: ProvideErrorMetadata + std::error::Error + 'static>(
    error: SdkError<E, HttpResponse>,
    call: &str,
) -> ApiError {
    let status = error.raw_response().map(|r| r.status().as_u16());
    match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "registry_unavailable",
                format!("AWS Glue did not answer {call} in time or cannot be reached."),
            );
        }
        SdkError::ServiceError(_) => {}
        other => {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "registry_unavailable",
                format!("AWS Glue's answer to {call} could not be read: {other}."),
            );
        }
    }
    let message = error.message().unwrap_or("no message").to_owned();
    match error.code() {
        Some("EntityNotFoundException") => {
            ApiError::not_found("schema_not_found", format!("Glue: {message}"))
        }
        Some("AlreadyExistsException") => ApiError::conflict("schema_exists", format!("Glue: {message}")),
        Some("InvalidInputException") => ApiError::invalid(
            "definition",
            "invalid_schema",
            format!("Glue refused the input: {message}"),
        ),
        Some("AccessDeniedException") => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "registry_refused",
            format!("The Lambdas' role may not call Glue {call}: {message}"),
        ),
        Some("ResourceNumberLimitExceededException") => {
            ApiError::conflict("registry_limit", format!("Glue: {message}"))
        }
        Some("ThrottlingException") => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "registry_unavailable",
            format!("Glue is throttling {call}; try again in a moment."),
        ),
        None if status == Some(500) => ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_supported_by_registry",
            format!(
                "This Glue endpoint does not implement {call} (the local registry, moto, lacks it); AWS Glue does."
            ),
        ),
        code => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "registry_error",
            format!("Glue {call} failed ({}): {message}", code.unwrap_or("no code")),
        ),
    }
}
