//! The cluster's metadata as plain owned data: librdkafka's metadata object
//! is tied to its thread, ours crosses `.await`s.
//! The topic list reads it through a short-lived cache ([`super::recent`]).

use std::time::Duration;

use rdkafka::metadata::Metadata;

use super::{Admin, Kafka, KafkaError, kafka_error};

pub struct ClusterMeta {
    pub brokers: Vec<BrokerMeta>,
    pub topics: Vec<TopicMeta>,
}

pub struct BrokerMeta {
    pub id: i32,
    pub host: String,
    pub port: u16,
}

pub struct TopicMeta {
    pub name: String,
    pub partitions: Vec<PartitionMeta>,
}

pub struct PartitionMeta {
    pub id: i32,
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
}

impl TopicMeta {
    pub fn replication_factor(&self) -> u32 {
        self.partitions.first().map_or(0, |p| p.replicas.len() as u32)
    }

    pub fn under_replicated(&self) -> u32 {
        self.partitions
            .iter()
            .filter(|p| p.isr.len() < p.replicas.len())
            .count() as u32
    }
}

impl Kafka {
    /// Brokers and all topics. Always all: asking for one topic by name can
    /// make a broker with `auto.create.topics.enable` create it.
    pub async fn metadata(&self) -> Result<ClusterMeta, KafkaError> {
        self.blocking(read_metadata).await
    }

    /// One topic's metadata, or 404.
    pub async fn topic_meta(&self, topic: &str) -> Result<(ClusterMeta, usize), KafkaError> {
        let meta = self.metadata().await?;
        let index = meta
            .topics
            .iter()
            .position(|t| t.name == topic)
            .ok_or_else(|| KafkaError::TopicNotFound(topic.to_owned()))?;
        Ok((meta, index))
    }
}

/// One Metadata request for every topic (blocking).
pub fn read_metadata(admin: &Admin, timeout: Duration) -> Result<ClusterMeta, KafkaError> {
    let metadata = admin
        .inner()
        .fetch_metadata(None, timeout)
        .map_err(|e| kafka_error(e, timeout))?;
    Ok(ClusterMeta::from(&metadata))
}

impl From<&Metadata> for ClusterMeta {
    fn from(metadata: &Metadata) -> Self {
        Self {
            brokers: metadata
                .brokers()
                .iter()
                .map(|b| BrokerMeta {
                    id: b.id(),
                    host: b.host().to_owned(),
                    port: b.port() as u16,
                })
                .collect(),
            topics: metadata
                .topics()
                .iter()
                // A topic being deleted can linger with an error; it is not there.
                .filter(|t| t.error().is_none())
                .map(|t| TopicMeta {
                    name: t.name().to_owned(),
                    partitions: t
                        .partitions()
                        .iter()
                        .map(|p| PartitionMeta {
                            id: p.id(),
                            leader: p.leader(),
                            replicas: p.replicas().to_vec(),
                            isr: p.isr().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
