//! Configurator's own topics (audit log, schemas): created on first use with
//! the settings they need, so a fresh cluster needs no preparation. Each
//! cluster's clients remember which of them exist ([`Ensured`]): every
//! cluster has its own.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rdkafka::{
    admin::{NewTopic, TopicReplication},
    types::RDKafkaErrorCode,
};
use tokio::sync::OnceCell;

use super::{Kafka, KafkaError, error_code, kafka_error};

/// One internal topic: its name and the settings it is created with.
pub struct InternalTopic {
    pub name: &'static str,
    partitions: i32,
    configs: &'static [(&'static str, &'static str)],
}

/// The internal topics one cluster's clients know to exist.
#[derive(Default)]
pub struct Ensured(Mutex<HashMap<&'static str, Arc<OnceCell<()>>>>);

impl InternalTopic {
    /// A topic of one partition, to keep its order.
    pub const fn new(name: &'static str, configs: &'static [(&'static str, &'static str)]) -> Self {
        Self {
            name,
            partitions: 1,
            configs,
        }
    }

    /// A topic spread over `partitions`, for records read by key.
    pub const fn spread(
        name: &'static str,
        partitions: i32,
        configs: &'static [(&'static str, &'static str)],
    ) -> Self {
        Self {
            name,
            partitions,
            configs,
        }
    }

    /// Creates the topic on `kafka`'s cluster (replicated up to three times)
    /// unless it exists, and waits until its partitions have a leader, so the
    /// caller can read it at once.
    pub async fn ensure(&self, kafka: &Kafka) -> Result<(), KafkaError> {
        let cell = Arc::clone(
            kafka
                .ensured
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .entry(self.name)
                .or_default(),
        );
        cell.get_or_try_init(|| async {
            let meta = kafka.metadata().await?;
            if meta.topics.iter().any(|t| t.name == self.name) {
                return Ok(());
            }
            let replication = meta.brokers.len().clamp(1, 3) as i32;
            let mut topic = NewTopic::new(self.name, self.partitions, TopicReplication::Fixed(replication));
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
                Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) | Some(Ok(_)) | None => {}
                Some(Err((_, code))) => return Err(error_code(code, self.name, timeout)),
            }
            self.await_leader(kafka).await
        })
        .await
        .map(|_| ())
    }

    /// A topic just created is not in every broker's metadata at once.
    async fn await_leader(&self, kafka: &Kafka) -> Result<(), KafkaError> {
        let deadline = Instant::now() + kafka.timeout();
        loop {
            let meta = kafka.metadata().await?;
            let led = meta
                .topics
                .iter()
                .find(|t| t.name == self.name)
                .is_some_and(|t| !t.partitions.is_empty() && t.partitions.iter().all(|p| p.leader >= 0));
            if led {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(KafkaError::Stalled {
                    topic: self.name.to_owned(),
                    waited: kafka.timeout(),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
