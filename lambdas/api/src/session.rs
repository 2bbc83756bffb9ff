//! What the BFF tells the SPA about the signed-in person. (The BFF's own
//! endpoints, not the Lambdas', but the SPA needs the same types.)

use serde::{Deserialize, Serialize};

/// `GET {base}/auth/me`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub sub: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub groups: Vec<String>,
    /// Unix seconds: when the session ends unless used again (idle timeout),
    /// capped by the absolute timeout.
    pub session_expires_at: i64,
}

/// `POST {base}/auth/logout`: where the browser goes next to end the IdP session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutResponse {
    pub logout_url: String,
}
