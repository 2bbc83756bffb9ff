//! The audit trail: every mutating call, allowed or refused, becomes one
//! signed record in the internal topic `__configurator_audit` and one JSON log
//! line (which CloudWatch keeps even if the topic write fails).
//!
//! The topic is protected: no generic endpoint produces to, purges, deletes,
//! alters or browses it ([`configurator_api::is_protected_topic`]); it is read
//! only through the audit API, which checks every record's signature
//! ([`signing`]) and reads it page by page ([`trail`]).

pub mod csv;
pub mod signing;
pub mod trail;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use configurator_api::{AuditRecord, Permission, is_protected_topic};
use rdkafka::{
    message::{Header, OwnedHeaders},
    producer::FutureRecord,
};
use serde_json::Value;

use crate::{
    AppState,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    kafka::{Kafka, KafkaError, internal::InternalTopic, kafka_error},
    policy::Resource,
};

/// Largest record written: parameters that would make it larger (a huge
/// config patch) are replaced by their size, so the trail's reader can bound
/// what it holds.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

pub static AUDIT_TOPIC: InternalTopic = InternalTopic::new(
    "__configurator_audit",
    &[("cleanup.policy", "delete"), ("retention.ms", "7776000000")], // 90 days
);

impl AppState {
    /// Every mutating handler goes through here: refuse a protected topic,
    /// check `action` on `resource` of `on`'s cluster, run `work` only if
    /// allowed, and audit the outcome, allowed or refused, in that cluster's
    /// trail. (`work` is an unpolled future: nothing
    /// happens unless allowed.) Handlers validate their input before calling
    /// this, so a bad request is a 400 and leaves no record.
    #[allow(clippy::too_many_arguments)] // each named at the call, as in the record
    pub async fn mutate<T>(
        &self,
        caller: &Principal,
        on: &OnCluster,
        action: Permission,
        resource: Resource<'_>,
        parameters: Value,
        success: StatusCode,
        work: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let outcome = match allowed(self, caller, on.id(), action, resource) {
            Ok(()) => work.await,
            Err(refused) => Err(refused),
        };
        self.audited(caller, on, action, resource, parameters, outcome, success)
            .await
    }

    /// Records `outcome` of `action` on `resource` and hands it back
    /// unchanged. Handlers use [`AppState::mutate`]; only produce calls this
    /// itself, because its record names where the message was written.
    #[allow(clippy::too_many_arguments)] // each named at the call, as in the record
    pub async fn audited<T>(
        &self,
        caller: &Principal,
        on: &OnCluster,
        action: Permission,
        resource: Resource<'_>,
        parameters: Value,
        outcome: Result<T, ApiError>,
        success: StatusCode,
    ) -> Result<T, ApiError> {
        let (result, status) = match &outcome {
            Ok(_) => ("ok".to_owned(), success.as_u16()),
            Err(e) => (e.code.to_owned(), e.status.as_u16()),
        };
        let mut record = AuditRecord {
            time: now_ms(),
            subject: caller.claims.sub.clone(),
            name: caller.display_name().to_owned(),
            action: action.name().to_owned(),
            cluster: on.id().to_owned(),
            resource: resource.key(),
            parameters,
            result,
            status,
            request_id: caller.request_ids.own.clone(),
            client_request_id: caller.request_ids.client.clone(),
        };
        let mut line = serde_json::to_string(&record).expect("audit records serialise");
        if line.len() > MAX_RECORD_BYTES {
            record.parameters =
                serde_json::json!({"left_out": format!("{} bytes of parameters", line.len())});
            line = serde_json::to_string(&record).expect("audit records serialise");
        }
        tracing::info!(audit = %line, "audit");
        let signature = self.audit_keys.sign(line.as_bytes());
        if let Err(e) = on.kafka.write_audit(&record.resource, &line, &signature).await {
            tracing::error!(error = %e, audit = %line, "the audit record could not be written to Kafka");
        }
        outcome
    }
}

/// The checks before any mutation: a protected topic is refused for everyone,
/// then the policy decides.
pub fn allowed(
    state: &AppState,
    caller: &Principal,
    cluster: &str,
    action: Permission,
    resource: Resource<'_>,
) -> Result<(), ApiError> {
    if let Resource::Topic(topic) = resource {
        refuse_protected(topic)?;
    }
    caller.require(&state.policy, cluster, action, resource)
}

/// 403 `protected_topic` for the topics no generic endpoint may touch.
pub fn refuse_protected(topic: &str) -> Result<(), ApiError> {
    if is_protected_topic(topic) {
        Err(ApiError::protected_topic(topic))
    } else {
        Ok(())
    }
}

impl Kafka {
    async fn write_audit(&self, key: &str, line: &str, signature: &str) -> Result<(), KafkaError> {
        AUDIT_TOPIC.ensure(self).await?;
        let headers = OwnedHeaders::new().insert(Header {
            key: signing::SIGNATURE_HEADER,
            value: Some(signature),
        });
        // Always partition 0: the trail is read as one ordered partition, even
        // if a broker created the topic with more (auto-creation on a write
        // that raced the creation above).
        let record = FutureRecord::to(AUDIT_TOPIC.name)
            .partition(0)
            .key(key)
            .payload(line)
            .headers(headers);
        self.producer()?
            .send(record, self.timeout())
            .await
            .map(|_| ())
            .map_err(|(e, _)| kafka_error(e, self.timeout()))
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
