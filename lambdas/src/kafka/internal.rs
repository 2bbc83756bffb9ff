//! Configurator's own topics (audit log, schemas): created on first use with
//! the settings they need, so a fresh cluster needs no preparation.

use rdkafka::{
    admin::{NewTopic, TopicReplication},
    types::RDKafkaErrorCode,
};
use tokio::sync::OnceCell;

use super::{Kafka, KafkaError, error_code, kafka_error};

/// One internal topic; `ready` remembers that it exists.
pub struct InternalTopic {
    pub name: &'static str,
    configs: &'static [(&'static str, &'static str)],
    ready: OnceCell<()>,
}

impl InternalTopic {
    pub const fn new(name: &'static str, configs: &'static [(&'static str, &'static str)]) -> Self {
        Self {
            name,
            configs,
            ready: OnceCell::const_new(),
        }
    }

    /// Creates the topic (one partition, to keep its order; replicated up to
    /// three times) unless it exists.
    pub async fn ensure(&self, kafka: &Kafka) -> Result<(), KafkaError> {
        self.ready
            .get_or_try_init(|| async {
                let meta = kafka.metadata().await?;
                if meta.topics.iter().any(|t| t.name == self.name) {
                    return Ok(());
                }
                let replication = meta.brokers.len().clamp(1, 3) as i32;
                let mut topic = NewTopic::new(self.name, 1, TopicReplication::Fixed(replication));
                for (key, value) in self.configs {
                    topic = topic.set(key, value);
                }
                let timeout = kafka.timeout();
                let results = kafka
                    .admin
                    .create_topics([&topic], &kafka.admin_options())
                    .await
                    .map_err(|e| kafka_error(e, timeout))?;
                kafka.forget_recent_metadata();
                match results.into_iter().next() {
                    Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) | Some(Ok(_)) | None => Ok(()),
                    Some(Err((_, code))) => Err(error_code(code, self.name, timeout)),
                }
            })
            .await
            .map(|_| ())
    }
}
