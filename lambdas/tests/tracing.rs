//! Spans over OTLP: the Lambdas' own binary, given an endpoint, exports each
//! request's span as a child of the caller's `traceparent`, with the span id
//! it answered in `traceresponse` and put on the record it produced. The
//! collector is a test server that keeps what it is sent.

mod support;

use std::time::{Duration, Instant};

use axum::{body::Bytes, http::StatusCode, routing::post};
use opentelemetry_proto::tonic::{
    collector::trace::v1::ExportTraceServiceRequest,
    common::v1::{AnyValue, KeyValue, any_value::Value as Any},
    trace::v1::{Span, span::SpanKind},
};
use prost::Message as _;
use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    message::Headers,
};
use serde_json::json;
use support::{Binary, Idp, bootstrap_servers, create_topic, unique};
use tokio::sync::mpsc;

const CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// A collector on an ephemeral port: every `POST /v1/traces` body, decoded.
async fn collector() -> (String, mpsc::UnboundedReceiver<ExportTraceServiceRequest>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(ExportTraceServiceRequest::decode(body).expect("OTLP protobuf"));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Any> {
    attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref())
        .and_then(|AnyValue { value }| value.as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The record's `traceparent`, read with a consumer of its own.
fn record_traceparent(topic: &str) -> String {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", "it-tracing")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning).unwrap();
    consumer.assign(&tpl).unwrap();
    let message = consumer.poll(Duration::from_secs(10)).expect("a record").unwrap();
    let headers = message.headers().expect("headers");
    let header = headers
        .iter()
        .find(|h| h.key == "traceparent")
        .expect("a traceparent header");
    String::from_utf8(header.value.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn a_request_span_is_exported_under_the_callers_span_with_the_ids_it_passed_on() {
    let (endpoint, mut exported) = collector().await;
    let idp = Idp::start().await;
    let topic = unique("it.traced");
    create_topic(&topic, 1).await;
    let binary = Binary::start(
        &idp.issuer,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            // Batches leave after 100 ms rather than 5 s.
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let url = format!("{}/topics/{topic}/messages", binary.base);
    let http = reqwest::Client::new();
    let token = idp.token("oscar", &["kafka-operators"]);
    let mut answer = None;
    for _ in 0..100 {
        let sent = http
            .post(&url)
            .bearer_auth(&token)
            .header("traceparent", CALLER)
            .json(&json!({"key": {"data": "traced"}, "value": {"data": "{}"}}))
            .send()
            .await;
        if let Ok(response) = sent {
            answer = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = answer.expect("the Lambdas' server came up");
    assert_eq!(answer.status(), 201);
    let hop = answer.headers()["traceresponse"].to_str().unwrap().to_owned();
    let span_id = hop.split('-').nth(2).unwrap().to_owned();
    assert!(hop.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "{hop}");

    // The exported span: in the caller's trace, under the caller's span, with
    // the id the answer named.
    let deadline = Instant::now() + Duration::from_secs(15);
    let (span, service): (Span, Option<Any>) = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let batch = tokio::time::timeout(left, exported.recv())
            .await
            .expect("the span was exported within 15 s")
            .unwrap();
        let found = batch.resource_spans.into_iter().find_map(|resource| {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| attribute(&r.attributes, "service.name").cloned());
            resource
                .scope_spans
                .into_iter()
                .flat_map(|scope| scope.spans)
                .find(|s| s.name == "request" && hex(&s.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736")
                .map(|span| (span, service))
        });
        if let Some(found) = found {
            break found;
        }
    };
    assert_eq!(hex(&span.parent_span_id), "00f067aa0ba902b7");
    assert_eq!(hex(&span.span_id), span_id);
    assert_eq!(span.kind, SpanKind::Server as i32);
    assert_eq!(
        attribute(&span.attributes, "http.response.status_code"),
        Some(&Any::IntValue(201))
    );
    assert!(
        matches!(attribute(&span.attributes, "url.path"), Some(Any::StringValue(p)) if p.ends_with("/messages"))
    );
    assert_eq!(service, Some(Any::StringValue("configurator-lambdas".into())));

    // And the record carries the exported span as its parent.
    assert_eq!(record_traceparent(&topic), hop);
}
