//! The IdP's ID-token signing keys, fetched again when they stop matching.
//!
//! Discovery fetches the JWKS once. When the IdP rotates its keys (locally:
//! an IdP restart, which generates new ones), every ID token is signed with a
//! key we do not hold, and without a refetch every login would fail until the
//! BFF restarts. So a signature failure triggers one refetch, at most once per
//! [`REFETCH_INTERVAL`] (the same rule as the Lambdas' `auth/jwks.rs`): a burst
//! of bad tokens cannot become a burst of requests to the IdP.

use std::{
    sync::RwLock,
    time::{Duration, Instant},
};

use openidconnect::{JsonWebKeySetUrl, core::CoreJsonWebKeySet};
use tokio::sync::Mutex;

use super::OidcError;

pub const REFETCH_INTERVAL: Duration = Duration::from_secs(30);

pub struct SigningKeys {
    url: JsonWebKeySetUrl,
    keys: RwLock<CoreJsonWebKeySet>,
    /// Serialises refetches; when the last one happened (discovery's own
    /// fetch does not count, so the first rotation is picked up at once).
    last_refetch: Mutex<Option<Instant>>,
}

/// What a refetch found.
#[derive(Debug, PartialEq, Eq)]
pub enum Refetch {
    /// New keys are in place: verifying again may succeed.
    Changed,
    /// The IdP publishes what we hold, or a refetch happened moments ago.
    Unchanged,
}

impl SigningKeys {
    pub fn new(url: JsonWebKeySetUrl, keys: CoreJsonWebKeySet) -> Self {
        Self {
            url,
            keys: RwLock::new(keys),
            last_refetch: Mutex::default(),
        }
    }

    pub fn current(&self) -> CoreJsonWebKeySet {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Fetches the key set again, unless the last refetch is recent.
    pub async fn refetch(&self, http: &reqwest::Client) -> Result<Refetch, OidcError> {
        let mut last = self.last_refetch.lock().await;
        let held = self.current();
        if last.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            return Ok(Refetch::Unchanged);
        }
        *last = Some(Instant::now());
        let fetched = CoreJsonWebKeySet::fetch_async(&self.url, http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("the signing keys could not be fetched: {e}")))?;
        if fetched == held {
            return Ok(Refetch::Unchanged);
        }
        tracing::info!(
            keys = fetched.keys().len(),
            "the identity provider's signing keys changed; using the new set"
        );
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = fetched;
        Ok(Refetch::Changed)
    }
}
