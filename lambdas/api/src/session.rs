//! What the BFF tells the SPA about the signed-in person. (The BFF's own
//! endpoints, not the Lambdas', but the SPA needs the same types.)

use serde::{Deserialize, Serialize};

use crate::ClusterAccess;

/// `GET {base}/auth/me`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    pub sub: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub groups: Vec<String>,
    /// What the API's policy allows this person on each cluster they may
    /// see, for showing only the actions they can take. Empty when the API
    /// could not be asked; every call is checked by the API regardless.
    #[serde(default)]
    pub clusters: Vec<ClusterAccess>,
    /// Unix seconds: when the session ends unless used again (idle timeout),
    /// capped by the absolute timeout.
    pub session_expires_at: i64,
    /// The deployment's label (the BFF's `ENVIRONMENT_LABEL`, e.g. `dev`),
    /// shown in the console's header.
    #[serde(default)]
    pub environment: String,
}

/// `POST {base}/auth/logout`: where the browser goes next to end the IdP session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LogoutResponse {
    pub logout_url: String,
}

/// `GET /api/v1/me` (the API): the caller as the API sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Me {
    pub subject: String,
    pub name: String,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    /// Per cluster, in configuration order; clusters the caller may do
    /// nothing on are left out.
    pub clusters: Vec<ClusterAccess>,
}

impl SessionInfo {
    /// What the person may do on `cluster`; `None` for a cluster they may not see.
    pub fn access(&self, cluster: &str) -> Option<&ClusterAccess> {
        self.clusters.iter().find(|c| c.cluster == cluster)
    }

    /// Whether the person holds `permission` on `cluster`.
    pub fn can(&self, cluster: &str, permission: crate::Permission) -> bool {
        self.access(cluster)
            .is_some_and(|c| c.permissions.contains(&permission))
    }
}
