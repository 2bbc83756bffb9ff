//! Running inside AWS Lambda. Events come from Kong's aws-lambda plugin
//! (API Gateway v1 shaped, `awsgateway_compatible`), from API Gateway (v1, v2)
//! or from an ALB; lambda_http turns each into an `http::Request` for the
//! same router that serves local mode.
//!
//! Kong's serializer differs from API Gateway in two ways that make
//! lambda_http refuse the whole event, so the raw JSON is mended first:
//! - a query parameter without a value (`?verbose`) arrives as JSON `true`,
//!   where a string is expected;
//! - `requestContext.requestTimeEpoch` is `start_time * 1000`, a float, where
//!   an integer is expected.

use axum::Router;
use lambda_http::{
    Adapter, Context, LambdaEvent, Service, lambda_runtime, request::LambdaRequest, service_fn,
};
use serde_json::Value;

/// Polls the Lambda runtime API for events until the process ends. Spans
/// are sent before each answer (telemetry::flush): after it, Lambda may
/// freeze the process until the next event, or end it.
pub async fn run(app: Router) -> Result<(), lambda_http::Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = app.clone();
        async move {
            let answer = handle(app, event.payload, event.context).await;
            configurator_api::telemetry::flush().await;
            answer
        }
    }))
    .await
}

/// The lag sampler: every event (a schedule's; its content is not read)
/// runs one sample of every cluster and answers with what each did.
pub async fn run_sampler(
    state: crate::AppState,
    config: crate::lag::sampler::SamplerConfig,
) -> Result<(), lambda_http::Error> {
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            let runs = crate::lag::sampler::run_once(&state.clusters, &state.policy.health, &config).await;
            serde_json::to_value(runs).map_err(|e| -> lambda_http::Error { Box::new(e) })
        }
    }))
    .await
}

/// One event: mend, parse, route, and answer in the event's own response shape.
pub async fn handle(app: Router, mut event: Value, context: Context) -> Result<Value, lambda_http::Error> {
    normalize(&mut event);
    let request: LambdaRequest =
        serde_json::from_value(event).map_err(|e| format!("not an API Gateway, ALB or Kong event: {e}"))?;
    let mut adapter = Adapter::from(app);
    let response = adapter.call(LambdaEvent::new(request, context)).await?;
    Ok(serde_json::to_value(response)?)
}

/// Mends the Kong-isms above in place; any other event passes unchanged.
pub fn normalize(event: &mut Value) {
    for key in ["queryStringParameters", "multiValueQueryStringParameters"] {
        if let Some(Value::Object(params)) = event.get_mut(key) {
            for value in params.values_mut() {
                match value {
                    Value::Array(items) => items.iter_mut().for_each(to_text),
                    other => to_text(other),
                }
            }
        }
    }
    if let Some(epoch) = event.pointer_mut("/requestContext/requestTimeEpoch")
        && let Some(ms) = epoch.as_f64().filter(|_| !epoch.is_i64())
    {
        *epoch = Value::from(ms as i64);
    }
}

/// `true` (a flag without a value) becomes `""`; numbers become their text.
fn to_text(value: &mut Value) {
    match value {
        Value::Bool(true) => *value = Value::String(String::new()),
        Value::Bool(false) => *value = Value::String("false".into()),
        Value::Number(n) => *value = Value::String(n.to_string()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::normalize;

    #[test]
    fn kong_flags_and_float_epochs_become_what_api_gateway_sends() {
        let mut event = json!({
            "queryStringParameters": {"verbose": true, "page": "2", "limit": 50},
            "multiValueQueryStringParameters": {"verbose": [true], "page": ["2"]},
            "requestContext": {"requestTimeEpoch": 1763750000123.456},
        });
        normalize(&mut event);
        assert_eq!(
            event["queryStringParameters"],
            json!({"verbose": "", "page": "2", "limit": "50"})
        );
        assert_eq!(
            event["multiValueQueryStringParameters"],
            json!({"verbose": [""], "page": ["2"]})
        );
        assert_eq!(
            event["requestContext"]["requestTimeEpoch"],
            json!(1763750000123_i64)
        );
    }

    #[test]
    fn api_gateway_events_pass_unchanged() {
        let original = json!({
            "queryStringParameters": null,
            "requestContext": {"requestTimeEpoch": 1763750000123_i64, "stage": "prod"},
        });
        let mut event = original.clone();
        normalize(&mut event);
        assert_eq!(event, original);
    }
}
