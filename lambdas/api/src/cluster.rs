use serde::{Deserialize, Serialize};

/// `GET /api/v1/cluster`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClusterInfo {
    pub cluster_id: Option<String>,
    /// Broker id of the controller, when the cluster names one.
    pub controller: Option<i32>,
    pub brokers: Vec<Broker>,
    pub topic_count: u32,
    pub partition_count: u32,
    pub under_replicated_partitions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Broker {
    pub id: i32,
    pub host: String,
    pub port: u16,
    pub rack: Option<String>,
}
