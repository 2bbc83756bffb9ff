//! Where API calls go, chosen by configuration:
//! - **HTTP**: the Lambdas' local server (the embedded default), or Kong in
//!   production, which also gets the BFF's own key (`apikey`) so it can require
//!   both the user's token and the BFF's identity;
//! - **Lambda**: a direct `Invoke` with aws-sdk-lambda, for deployments without
//!   Kong. The event is the API Gateway v1 proxy event Kong's aws-lambda plugin
//!   builds (`awsgateway_compatible`), so the Lambdas see the same thing either way.

use std::{collections::HashMap, time::Duration};

use aws_sdk_lambda::primitives::Blob;
use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::{config::UpstreamConfig, error::BffError};

/// One API call on its way out.
pub struct ApiRequest<'a> {
    pub method: &'a Method,
    /// `/api/v1/…`
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Already filtered: only headers meant for the API.
    pub headers: &'a HeaderMap,
    pub body: Bytes,
    pub access_token: &'a str,
}

/// The API's answer, body still streaming where the transport allows.
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Body,
}

pub enum Upstream {
    Http {
        client: reqwest::Client,
        base: Url,
        api_key: Option<String>,
    },
    Lambda {
        client: aws_sdk_lambda::Client,
        function: String,
    },
}

impl Upstream {
    pub async fn new(config: &UpstreamConfig) -> anyhow::Result<Self> {
        Ok(match &config.lambda_function {
            Some(function) => {
                let timeouts = aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(config.timeout)
                    .connect_timeout(Duration::from_secs(3))
                    .build();
                // Credentials and region from the default chain (task role,
                // environment, …); AWS_ENDPOINT_URL_LAMBDA points it elsewhere.
                let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .timeout_config(timeouts)
                    .load()
                    .await;
                Self::Lambda {
                    client: aws_sdk_lambda::Client::new(&sdk),
                    function: function.clone(),
                }
            }
            None => Self::Http {
                client: reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .timeout(config.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?,
                base: config.url.clone(),
                api_key: config.api_key.as_ref().map(|k| k.expose().to_owned()),
            },
        })
    }

    pub async fn send(&self, request: ApiRequest<'_>) -> Result<ApiResponse, BffError> {
        match self {
            Self::Http {
                client,
                base,
                api_key,
            } => send_http(client, base, api_key.as_deref(), request).await,
            Self::Lambda { client, function } => invoke(client, function, request).await,
        }
    }
}

async fn send_http(
    client: &reqwest::Client,
    base: &Url,
    api_key: Option<&str>,
    request: ApiRequest<'_>,
) -> Result<ApiResponse, BffError> {
    let mut url = base.clone();
    url.set_path(&format!("{}{}", base.path().trim_end_matches('/'), request.path));
    url.set_query(request.query);
    let mut outgoing = client
        .request(request.method.clone(), url)
        .headers(request.headers.clone())
        .bearer_auth(request.access_token)
        .body(request.body);
    if let Some(key) = api_key {
        outgoing = outgoing.header("apikey", key);
    }
    let response = outgoing.send().await.map_err(|e| {
        if e.is_timeout() {
            BffError::UpstreamTimeout
        } else {
            tracing::warn!(error = %e, "API upstream unreachable");
            BffError::UpstreamUnavailable("the API is not reachable right now; try again shortly".into())
        }
    })?;
    Ok(ApiResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: Body::from_stream(response.bytes_stream()),
    })
}

async fn invoke(
    client: &aws_sdk_lambda::Client,
    function: &str,
    request: ApiRequest<'_>,
) -> Result<ApiResponse, BffError> {
    let event = gateway_event(&request);
    let payload = serde_json::to_vec(&event).map_err(BffError::internal)?;
    let output = client
        .invoke()
        .function_name(function)
        .payload(Blob::new(payload))
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(error = ?e, function, "Lambda invoke failed");
            BffError::UpstreamUnavailable("the API function could not be invoked; try again shortly".into())
        })?;
    if let Some(kind) = output.function_error() {
        // An unhandled error or a crash inside the function (real Lambda: 200
        // with X-Amz-Function-Error). Its details are in the function's log.
        tracing::error!(function, kind, "the API function failed");
        return Err(BffError::UpstreamUnavailable(
            "the API function failed; see its log".into(),
        ));
    }
    let bytes = output.payload().map(|p| p.as_ref()).unwrap_or_default();
    proxy_response(bytes)
}

/// The API Gateway v1 proxy event, field for field as Kong's aws-lambda
/// plugin serialises a request (`awsgateway_compatible = true`): no `stage`,
/// a `requestContext`, and the body base64-encoded whenever there is one.
fn gateway_event(request: &ApiRequest<'_>) -> Value {
    let mut headers = HashMap::<&str, &str>::new();
    let mut multi_headers = HashMap::<&str, Vec<&str>>::new();
    let authorization = format!("Bearer {}", request.access_token);
    let pairs = request
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .chain([("authorization", authorization.as_str())]);
    for (name, value) in pairs {
        headers.entry(name).or_insert(value);
        multi_headers.entry(name).or_default().push(value);
    }
    let mut query = HashMap::<String, String>::new();
    let mut multi_query = HashMap::<String, Vec<String>>::new();
    for (k, v) in url::form_urlencoded::parse(request.query.unwrap_or_default().as_bytes()) {
        query.entry(k.to_string()).or_insert_with(|| v.to_string());
        multi_query.entry(k.to_string()).or_default().push(v.to_string());
    }
    let (body, is_base64) = if request.body.is_empty() {
        (String::new(), false)
    } else {
        (BASE64.encode(&request.body), true)
    };
    let request_id = headers.get("x-request-id").copied().unwrap_or_default();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    json!({
        "resource": request.path,
        "path": request.path,
        "httpMethod": request.method.as_str(),
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "pathParameters": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "body": body,
        "isBase64Encoded": is_base64,
        "requestContext": {
            "path": request.path,
            "protocol": "HTTP/1.1",
            "httpMethod": request.method.as_str(),
            "domainName": "configurator-bff",
            "domainPrefix": "configurator-bff",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "configurator-bff"},
            "requestId": request_id,
            "requestTimeEpoch": now_ms,
            "resourcePath": request.path,
        },
    })
}

/// What a proxy-integration function answers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyResponse {
    status_code: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    multi_value_headers: HashMap<String, Vec<String>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    is_base64_encoded: bool,
}

fn proxy_response(payload: &[u8]) -> Result<ApiResponse, BffError> {
    let answer: ProxyResponse = serde_json::from_slice(payload).map_err(|e| {
        tracing::error!(error = %e, "the API function's answer is not a proxy response");
        BffError::UpstreamUnavailable("the API function answered in an unexpected shape".into())
    })?;
    let status = StatusCode::from_u16(answer.status_code).map_err(BffError::internal)?;
    let mut headers = HeaderMap::new();
    let singles = answer.headers.iter();
    let multis = answer
        .multi_value_headers
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k, v)));
    for (name, value) in singles.chain(multis) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    let body = answer.body.unwrap_or_default();
    let body = if answer.is_base64_encoded {
        BASE64.decode(body).map_err(BffError::internal)?
    } else {
        body.into_bytes()
    };
    Ok(ApiResponse {
        status,
        headers,
        body: Body::from(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_has_the_shape_kong_sends() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let request = ApiRequest {
            method: &Method::POST,
            path: "/api/v1/topics",
            query: Some("validate_only=true&tag=a&tag=b"),
            headers: &headers,
            body: Bytes::from_static(br#"{"name":"t"}"#),
            access_token: "tok",
        };
        let event = gateway_event(&request);
        assert_eq!(event["httpMethod"], "POST");
        assert_eq!(event["path"], "/api/v1/topics");
        assert_eq!(event["headers"]["authorization"], "Bearer tok");
        assert_eq!(event["multiValueQueryStringParameters"]["tag"], json!(["a", "b"]));
        assert_eq!(event["queryStringParameters"]["tag"], "a");
        assert_eq!(event["isBase64Encoded"], true);
        assert_eq!(
            BASE64.decode(event["body"].as_str().unwrap()).unwrap(),
            br#"{"name":"t"}"#
        );
        assert_eq!(event["requestContext"]["requestId"], "r-1");
        assert!(event.get("stage").is_none() && event["requestContext"].get("stage").is_none());
    }

    #[test]
    fn reads_a_proxy_response_with_a_base64_body() {
        let payload = json!({
            "statusCode": 201,
            "headers": {"content-type": "application/json"},
            "multiValueHeaders": {"x-request-id": ["r-2"]},
            "body": BASE64.encode(br#"{"ok":true}"#),
            "isBase64Encoded": true,
        });
        let response = proxy_response(&serde_json::to_vec(&payload).unwrap())
            .ok()
            .unwrap();
        assert_eq!(response.status, StatusCode::CREATED);
        assert_eq!(response.headers["x-request-id"], "r-2");
        assert_eq!(response.headers["content-type"], "application/json");
    }

    #[test]
    fn a_non_proxy_answer_is_a_clear_upstream_error() {
        let error = proxy_response(br#"{"errorMessage":"boom"}"#).err().unwrap();
        assert!(matches!(error, BffError::UpstreamUnavailable(_)));
    }
}
