//! The one place that talks to Kafka. Clients are created once per process
//! (a Lambda keeps them warm between invocations) and shared by all requests.

use std::{sync::Arc, time::Duration};

use configurator_api::TopicSummary;
use rdkafka::{
    ClientConfig,
    admin::AdminClient,
    client::DefaultClientContext,
    error::{KafkaError, RDKafkaErrorCode},
};

use crate::{config::KafkaConfig, error::ApiError};

/// Settings every client of ours starts from (admin, producer, consumer).
pub fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut cc = ClientConfig::new();
    cc.set("bootstrap.servers", &config.bootstrap_servers)
        .set("client.id", "configurator")
        // Fail fast and visibly instead of retrying for minutes.
        .set("socket.connection.setup.timeout.ms", "3000")
        .set("reconnect.backoff.max.ms", "2000");
    cc
}

pub struct Kafka {
    admin: Arc<AdminClient<DefaultClientContext>>,
    timeout: Duration,
}

impl Kafka {
    /// Creates the clients; no connection is made until the first request,
    /// so a process starts even while the broker is down.
    pub fn new(config: &KafkaConfig) -> anyhow::Result<Self> {
        let admin = client_config(config).create()?;
        Ok(Self {
            admin: Arc::new(admin),
            timeout: config.request_timeout,
        })
    }

    pub async fn list_topics(&self) -> Result<Vec<TopicSummary>, ApiError> {
        let admin = Arc::clone(&self.admin);
        let timeout = self.timeout;
        // librdkafka's metadata call blocks its thread; keep it off the async workers.
        let topics = tokio::task::spawn_blocking(move || {
            let metadata = admin.inner().fetch_metadata(None, timeout)?;
            Ok::<_, KafkaError>(
                metadata
                    .topics()
                    .iter()
                    .map(|t| TopicSummary {
                        name: t.name().to_owned(),
                        partitions: t.partitions().len() as u32,
                        replication_factor: t.partitions().first().map_or(0, |p| p.replicas().len() as u32),
                        internal: is_internal(t.name()),
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(|e| ApiError::Internal(format!("metadata task failed: {e}")))?
        .map_err(|e| kafka_error(e, timeout))?;
        let mut topics = topics;
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(topics)
    }
}

/// Kafka's own topics start with `__` (`__consumer_offsets`,
/// `__transaction_state`), and so do Configurator's (`__configurator_*`).
pub fn is_internal(topic: &str) -> bool {
    topic.starts_with("__")
}

/// Maps a client error to the API's: an unreachable broker is a 503 the
/// caller can retry, anything else is ours to investigate.
fn kafka_error(error: KafkaError, timeout: Duration) -> ApiError {
    let code = error.rdkafka_error_code();
    match code {
        Some(
            RDKafkaErrorCode::OperationTimedOut
            | RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::RequestTimedOut
            | RDKafkaErrorCode::BrokerNotAvailable,
        ) => ApiError::KafkaUnavailable(format!(
            "The Kafka cluster did not answer within {} s; try again shortly.",
            timeout.as_secs_f32()
        )),
        _ => ApiError::Internal(format!("kafka: {error}")),
    }
}
