//! What both servers share: JSON logging, request ids, trace context and the
//! access log.
//!
//! Handlers put an [`ErrorEnvelope`] into the response extensions when they
//! answer with an error; the middleware stamps the request id into it, so
//! every error a person sees can be found in the logs of every hop.

use std::time::Instant;

use axum::{
    Json,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tracing::Instrument;

use crate::{
    ErrorEnvelope, REQUEST_ID_HEADER, telemetry,
    trace::{TRACEPARENT, TRACERESPONSE, TraceContext},
};

/// An error answer in the shared envelope, marked for the middleware below.
pub fn error_response(status: StatusCode, envelope: ErrorEnvelope) -> Response {
    let mut response = (status, Json(envelope.clone())).into_response();
    response.extensions_mut().insert(envelope);
    response
}

/// The ids of one request, in its extensions: the one this server gave it
/// (in its logs, its error answers and its audit records) and the one the
/// caller sent, which anyone can set to anything and so is only ever kept
/// beside it.
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub own: String,
    pub client: Option<String>,
}

/// Gives every request an id of this server's own, keeps the caller's
/// `X-Request-Id` (the browser, the BFF or Kong send one) beside it, passes
/// the own id on in the request (so a proxy forwards it: the next hop logs it
/// as its client id), returns it on the response, puts it into every error
/// envelope, and logs one JSON line per request with both ids.
///
/// The same for the trace: the request's span ([`telemetry::hop`]: a child of
/// the caller's `traceparent`, or a new trace) goes into its extensions
/// (handlers put it on the records they produce), replaces its `traceparent`
/// (a proxy passes this hop on as the next one's parent) and is named in the
/// answer's `traceresponse`; its trace id is in the access log and in every
/// line logged while the request is handled.
pub async fn request_id_and_access_log(mut request: Request, next: Next) -> Response {
    let client = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_acceptable_id(v))
        .map(str::to_owned);
    let request_id = uuid::Uuid::new_v4().to_string();
    let id_header = HeaderValue::from_str(&request_id).expect("ids are plain ASCII");
    request.headers_mut().insert(REQUEST_ID_HEADER, id_header.clone());
    request.extensions_mut().insert(RequestIds {
        own: request_id.clone(),
        client: client.clone(),
    });
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    // The `otel.*`, `http.*` and `url.*` fields are for an exported span
    // (crate::telemetry): its kind, and the attributes trace viewers show.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        trace_id = tracing::field::Empty,
        otel.kind = "server",
        http.request.method = %method,
        url.path = %path,
        http.response.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    let trace = telemetry::hop(&span, TraceContext::of_request(request.headers()));
    let trace_id = trace.trace_id();
    span.record("trace_id", trace_id.as_str());
    request.headers_mut().insert(TRACEPARENT, trace.header_value());
    request.extensions_mut().insert(trace);

    let mut response = next.run(request).instrument(span.clone()).await;
    span.record("http.response.status_code", i64::from(response.status().as_u16()));
    if response.status().is_server_error() {
        span.record("otel.status_code", "error");
    }
    drop(span);

    if let Some(envelope) = response.extensions_mut().remove::<ErrorEnvelope>() {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        response = (status, Json(envelope.with_request_id(&request_id))).into_response();
        for (name, value) in headers.iter().filter(|(n, _)| *n != header::CONTENT_LENGTH) {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response.headers_mut().insert(REQUEST_ID_HEADER, id_header);
    response.headers_mut().insert(TRACERESPONSE, trace.header_value());
    tracing::info!(
        request_id = %request_id,
        client_request_id = client.as_deref().unwrap_or_default(),
        trace_id,
        span_id = trace.span_id(),
        %method,
        path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// Ids are echoed into logs and headers: keep them short and plain.
fn is_acceptable_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// JSON logs on stdout (CloudWatch ingests them as they are); `RUST_LOG`
/// tunes the detail, `info` by default. Spans are exported too when an OTLP
/// endpoint is configured ([`telemetry`]); `service` names this process there.
pub fn init_logging(service: &'static str) {
    use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = fmt::layer().json().with_current_span(false).with_target(false);
    tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(telemetry::layer(service))
        .init();
}

/// A setting that must not end up in logs (a client secret, a SASL
/// password): `Debug` shows only that it is set; [`Secret::expose`] is the
/// one way to the value, easy to find in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}
