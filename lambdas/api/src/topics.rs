use serde::{Deserialize, Serialize};

/// `GET /api/v1/topics`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicList {
    pub topics: Vec<TopicSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSummary {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    /// Kafka's own topics (`__consumer_offsets`, …) and Configurator's
    /// (`__configurator_*`): hidden by default in the console.
    pub internal: bool,
}
