//! Whether the IdP answers right now, asked before a login sends the browser
//! there.
//!
//! Discovery happens once; after that the provider is always "known", and
//! without this check an IdP that went down would get every browser sent on to
//! an unreachable page. The answer is cached briefly (up: [`UP_FOR`], down:
//! [`DOWN_FOR`]), and one probe runs at a time, so a flood of logins costs the
//! IdP at most one request per couple of seconds, and a login never waits
//! longer than [`PROBE_TIMEOUT`].

use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use url::Url;

pub const UP_FOR: Duration = Duration::from_secs(2);
pub const DOWN_FOR: Duration = Duration::from_secs(1);
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Reachability {
    /// The issuer's discovery document: every OpenID Provider serves it.
    probe: Url,
    last: Mutex<Option<(Instant, bool)>>,
}

impl Reachability {
    pub fn new(issuer: &str) -> Result<Self, url::ParseError> {
        Ok(Self {
            probe: Url::parse(&format!("{issuer}/.well-known/openid-configuration"))?,
            last: Mutex::default(),
        })
    }

    pub async fn is_up(&self, http: &reqwest::Client) -> bool {
        let mut last = self.last.lock().await;
        if let Some((at, up)) = *last {
            let fresh_for = if up { UP_FOR } else { DOWN_FOR };
            if at.elapsed() < fresh_for {
                return up;
            }
        }
        let up = match http.get(self.probe.clone()).timeout(PROBE_TIMEOUT).send().await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        };
        if !up {
            tracing::warn!(probe = %self.probe, "the identity provider does not answer");
        }
        *last = Some((Instant::now(), up));
        up
    }
}
