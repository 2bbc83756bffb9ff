//! The audit trail: every mutating call, allowed or refused, becomes one
//! record in the internal topic `__configurator_audit` and one JSON log line
//! (which CloudWatch keeps even if the topic write fails).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use configurator_api::AuditRecord;
use rdkafka::{Message, producer::FutureRecord};
use serde_json::Value;

use crate::{
    AppState,
    auth::Principal,
    error::ApiError,
    kafka::{Kafka, internal::InternalTopic, kafka_error},
    policy::{Action, Resource},
};

pub static AUDIT_TOPIC: InternalTopic = InternalTopic::new(
    "__configurator_audit",
    &[("cleanup.policy", "delete"), ("retention.ms", "7776000000")], // 90 days
);

pub const MAX_LIMIT: u32 = 1000;

impl AppState {
    /// Every mutating handler goes through here: check `action` on
    /// `resource`, run `work` only if allowed, and audit the outcome, allowed
    /// or refused. (`work` is an unpolled future: nothing happens unless allowed.)
    pub async fn mutate<T>(
        &self,
        caller: &Principal,
        action: Action,
        resource: Resource<'_>,
        parameters: Value,
        success: StatusCode,
        work: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let outcome = match caller.require(&self.policy, action, resource) {
            Ok(()) => work.await,
            Err(refused) => Err(refused),
        };
        self.kafka
            .audited(caller, action, resource, parameters, outcome, success)
            .await
    }
}

impl Kafka {
    /// Records `outcome` of `action` on `resource` and hands it back
    /// unchanged. Handlers use [`AppState::mutate`]; only produce calls this
    /// itself, because its record names where the message was written.
    pub async fn audited<T>(
        &self,
        caller: &Principal,
        action: Action,
        resource: Resource<'_>,
        parameters: Value,
        outcome: Result<T, ApiError>,
        success: StatusCode,
    ) -> Result<T, ApiError> {
        let (result, status) = match &outcome {
            Ok(_) => ("ok".to_owned(), success.as_u16()),
            Err(e) => (e.code.to_owned(), e.status.as_u16()),
        };
        let record = AuditRecord {
            time: now_ms(),
            subject: caller.claims.sub.clone(),
            name: caller.display_name().to_owned(),
            action: action.name().to_owned(),
            resource: resource.key(),
            parameters,
            result,
            status,
            request_id: caller.request_id.clone(),
        };
        let line = serde_json::to_string(&record).expect("audit records serialise");
        tracing::info!(audit = %line, "audit");
        if let Err(e) = self.write_audit(&record.resource, &line).await {
            tracing::error!(error = %e, audit = %line, "the audit record could not be written to Kafka");
        }
        outcome
    }

    async fn write_audit(&self, key: &str, line: &str) -> Result<(), ApiError> {
        AUDIT_TOPIC.ensure(self).await?;
        let record = FutureRecord::to(AUDIT_TOPIC.name).key(key).payload(line);
        self.producer
            .send(record, self.timeout())
            .await
            .map(|_| ())
            .map_err(|(e, _)| kafka_error(e, self.timeout()))
    }

    /// The latest `limit` records, newest first.
    pub async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, ApiError> {
        AUDIT_TOPIC.ensure(self).await?;
        let marks = self.watermarks(vec![(AUDIT_TOPIC.name.to_owned(), 0)]).await?;
        let (low, high) = marks
            .get(&(AUDIT_TOPIC.name.to_owned(), 0))
            .copied()
            .unwrap_or((0, 0));
        let start = (high - i64::from(limit)).max(low);
        if start >= high {
            return Ok(Vec::new());
        }
        let mut records = self
            .read(move |consumer, timeout| {
                let mut records = Vec::new();
                crate::kafka::messages::read_range(
                    consumer,
                    AUDIT_TOPIC.name,
                    0,
                    start,
                    high,
                    timeout,
                    |m| {
                        if let Some(Ok(record)) = m.payload().map(serde_json::from_slice::<AuditRecord>) {
                            records.push(record);
                        }
                    },
                )?;
                Ok(records)
            })
            .await?;
        records.reverse();
        Ok(records)
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
