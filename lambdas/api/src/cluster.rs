use serde::{Deserialize, Serialize};

use crate::Permission;

/// `GET /api/v1/clusters/{cluster}`
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

/// `GET /api/v1/clusters`: the clusters the caller may see, in configuration
/// order. Each is asked concurrently, so the answer takes as long as the
/// slowest cluster, at most 2.5 s (or its request timeout, when shorter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClusterList {
    pub clusters: Vec<ClusterSummary>,
    /// Where the console goes when a URL names no cluster (the old
    /// single-cluster URLs); `None` when the caller may see none.
    pub default_cluster: Option<String>,
}

/// One cluster as the overview and the cluster switcher show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClusterSummary {
    /// The id in URLs and the policy (`local-a`, `prod-eu`).
    pub id: String,
    /// The name people know it by.
    pub name: String,
    /// The environment label (`prod`, `staging`, `dev`): see [`EnvironmentTone`].
    pub environment: String,
    pub health: ClusterHealth,
    /// What the caller may do on this cluster.
    pub permissions: Vec<Permission>,
}

/// Whether a cluster answered, and its totals when the caller may read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClusterHealth {
    Reachable {
        /// How long the cluster took to answer, in milliseconds.
        elapsed_ms: u64,
        /// `None` without `cluster:read` on this cluster.
        totals: Option<ClusterTotals>,
    },
    Unreachable {
        elapsed_ms: u64,
        /// Why, in a sentence (e.g. no broker answered within 4 s).
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClusterTotals {
    pub brokers: u32,
    pub topics: u32,
    pub partitions: u32,
    pub under_replicated_partitions: u32,
    /// The lag of every consumer group the caller may read, summed; `None`
    /// without `groups:read` there, or when the groups did not answer in time.
    #[serde(default)]
    pub total_lag: Option<u64>,
}

/// What the caller may do on one cluster (`GET /me`, `/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClusterAccess {
    pub cluster: String,
    pub name: String,
    pub environment: String,
    pub permissions: Vec<Permission>,
    /// Where the cluster's schemas live: its registry, or the built-in store.
    #[serde(default = "builtin")]
    pub schemas: crate::RegistryKind,
}

fn builtin() -> crate::RegistryKind {
    crate::RegistryKind::Builtin
}

/// How loudly the console marks an environment, so nobody changes prod
/// thinking it is dev. Derived from the label, the same way everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentTone {
    /// `prod`, `production`, `live` (and `prod-…`, `…-prod`): red.
    Production,
    /// `staging`, `stage`, `preprod`, `uat`, `qa`: amber.
    Staging,
    /// `dev`, `development`, `local`, `test`, `sandbox`: green.
    Development,
    /// Anything else: neutral.
    Other,
}

impl EnvironmentTone {
    pub fn of(label: &str) -> Self {
        let label = label.to_ascii_lowercase();
        let words: Vec<&str> = label.split(['-', '_', ' ', '.']).collect();
        let has = |names: &[&str]| words.iter().any(|w| names.contains(w));
        // Staging first: "preprod" is not prod.
        if has(&["staging", "stage", "preprod", "uat", "qa"]) {
            Self::Staging
        } else if has(&["prod", "production", "live", "prd"]) {
            Self::Production
        } else if has(&["dev", "development", "local", "test", "sandbox"]) {
            Self::Development
        } else {
            Self::Other
        }
    }

    /// The CSS class suffix the console uses (`env-production`, …).
    pub fn css(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Staging => "staging",
            Self::Development => "development",
            Self::Other => "other",
        }
    }
}

/// Longest cluster id.
pub const CLUSTER_ID_MAX_LEN: usize = 63;

/// A cluster id goes into URLs, policy patterns and IAM names: 1–63 of
/// `a-z 0-9 -`, starting with a letter or digit. `Err` says what is wrong.
pub fn check_cluster_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > CLUSTER_ID_MAX_LEN {
        return Err(format!(
            "A cluster id has 1 to {CLUSTER_ID_MAX_LEN} characters, not {}.",
            id.len()
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || id.starts_with('-')
    {
        return Err(format!(
            "A cluster id has only lower-case letters, digits and '-' and does not start with '-': {id:?} does not."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_labels_get_a_tone() {
        use EnvironmentTone::*;
        for (label, tone) in [
            ("prod", Production),
            ("Production", Production),
            ("eu-prod", Production),
            ("preprod", Staging),
            ("staging", Staging),
            ("dev", Development),
            ("local", Development),
            ("playground", Other),
            ("product-x", Other),
        ] {
            assert_eq!(EnvironmentTone::of(label), tone, "{label}");
        }
    }

    #[test]
    fn cluster_ids_are_url_and_policy_safe() {
        for good in ["local-a", "prod", "msk-eu-central-1"] {
            assert!(check_cluster_id(good).is_ok(), "{good}");
        }
        for bad in ["", "Local", "a b", "-a", "a/b", "a.b", &"x".repeat(64)] {
            assert!(check_cluster_id(bad).is_err(), "{bad}");
        }
    }
}
