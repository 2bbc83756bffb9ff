use axum::Json;
use serde_json::{Value, json};

/// Liveness only: it answers without touching Kafka or the IdP, so a load
/// balancer never takes the API out because a dependency is slow.
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}
