//! Spans exported over OTLP, when an endpoint is configured.
//!
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`
//! (OTLP/HTTP with protobuf; in AWS the ADOT collector beside the process,
//! which passes them on to X-Ray) turns it on, and the other standard
//! variables apply (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`). Without
//! an endpoint no exporter exists and nothing else changes: the trace context
//! still travels from hop to hop ([`crate::trace`]) and is in every log line.
//!
//! With one, each request's `request` span ([`crate::server`]) is an
//! OpenTelemetry span whose parent is the caller's `traceparent` and whose id
//! is the one passed on to the next hop, so the spans of the BFF and of the
//! Lambdas form one tree. They leave in batches, from a thread of their own;
//! a Lambda sends what it has at the end of each invocation ([`flush`]),
//! before its environment may be frozen.

use std::{
    sync::OnceLock,
    time::{Duration, Instant},
};

use opentelemetry::{
    Context,
    trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _},
};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{SpanExporter, WithHttpConfig};
use opentelemetry_sdk::{
    Resource,
    trace::{IdGenerator, SdkTracerProvider},
};
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{Layer, registry::LookupSpan};

use crate::trace::{self, TraceContext};

/// One OTLP request may take this long; a collector that does not answer in
/// time loses that batch, never the request being served.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Whether an endpoint is configured.
fn configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

/// The subscriber layer that turns spans into OpenTelemetry spans, when an
/// endpoint is configured. `service` names the process unless
/// `OTEL_SERVICE_NAME` does. Called once, before logging is up (so a broken
/// exporter configuration is said on stderr).
pub(crate) fn layer<S>(service: &'static str) -> Option<impl Layer<S>>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    if !configured() {
        return None;
    }
    let exporter = match SpanExporter::builder()
        .with_http()
        .with_http_client(BlockingHttp::default())
        .build()
    {
        Ok(exporter) => exporter,
        Err(e) => {
            eprintln!("spans are not exported: the OTLP exporter cannot be set up: {e}");
            return None;
        }
    };
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(service);
    }
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_id_generator(XrayCompatibleIds)
        .with_resource(resource.build())
        .build();
    let tracer = provider.tracer("configurator");
    PROVIDER.set(provider).ok()?;
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// This hop's place in the trace. When spans are exported, `span` becomes a
/// child of `parent` and its own ids are the hop's (what goes on in
/// `traceparent` is then the exported span); otherwise, or when `span` is
/// filtered out, the hop is a new span of `parent`'s trace, or a new trace.
pub(crate) fn hop(span: &tracing::Span, parent: Option<TraceContext>) -> TraceContext {
    let own = || TraceContext::hop_under(parent);
    if PROVIDER.get().is_none() {
        return own();
    }
    if let Some(parent) = parent {
        let (trace_id, span_id) = parent.ids();
        let flags = if parent.sampled() {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let remote = SpanContext::new(
            TraceId::from_bytes(trace_id),
            SpanId::from_bytes(span_id),
            flags,
            true,
            TraceState::default(),
        );
        // Fails only without the layer, which `PROVIDER` being set rules out.
        let _ = span.set_parent(Context::new().with_remote_span_context(remote));
    }
    let context = span.context();
    let exported = context.span().span_context().clone();
    TraceContext::from_ids(
        exported.trace_id().to_bytes(),
        exported.span_id().to_bytes(),
        exported.is_sampled(),
    )
    .unwrap_or_else(own)
}

/// Sends the spans ended so far, waiting at most for one export. A Lambda
/// calls this after each invocation: between invocations its process may be
/// frozen, and spans still in the batch would leave late or never.
pub async fn flush() {
    let Some(provider) = PROVIDER.get().cloned() else {
        return;
    };
    let started = Instant::now();
    // force_flush blocks until the batch thread has exported.
    let flushed = tokio::task::spawn_blocking(move || provider.force_flush()).await;
    if let Ok(Err(e)) = flushed {
        tracing::warn!(error = %e, waited_ms = started.elapsed().as_millis() as u64, "spans could not be exported");
    }
}

/// Exports what is left and stops the exporter; for a server's shutdown.
pub async fn shutdown() {
    if let Some(provider) = PROVIDER.get().cloned() {
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}

/// New trace ids as X-Ray's (the time first, see [`crate::trace`]), so a
/// trace the BFF starts is one X-Ray takes as it is.
#[derive(Debug)]
struct XrayCompatibleIds;

impl IdGenerator for XrayCompatibleIds {
    fn new_trace_id(&self) -> TraceId {
        TraceId::from_bytes(trace::new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        SpanId::from_bytes(trace::new_span_id())
    }
}

/// The OTLP requests, sent from the batch processor's own thread, which runs
/// no async runtime: reqwest's blocking client fits it. Built there on first
/// use, since a blocking client must not be made (or dropped) inside the
/// servers' runtime.
#[derive(Debug, Default)]
struct BlockingHttp(OnceLock<reqwest::blocking::Client>);

#[async_trait::async_trait]
impl HttpClient for BlockingHttp {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = match self.0.get() {
            Some(client) => client,
            None => {
                let client = reqwest::blocking::Client::builder()
                    .timeout(EXPORT_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?;
                self.0.get_or_init(|| client)
            }
        };
        let (parts, body) = request.into_parts();
        let answer = client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body.to_vec())
            .send()?;
        let status = answer.status();
        let headers = answer.headers().clone();
        // A collector's answer is a few bytes (partial success at most).
        let body = answer.bytes()?;
        let mut response = Response::builder().status(status).body(body)?;
        *response.headers_mut() = headers;
        Ok(response)
    }
}
