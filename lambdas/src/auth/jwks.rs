//! Verifies access tokens against the identity provider's published keys.
//!
//! Keys are fetched on first use and cached. A token signed with a key id we
//! have not seen triggers one refetch (the IdP may have rotated keys), but at
//! most once per [`REFETCH_INTERVAL`], so a stream of forged `kid`s cannot
//! turn into a stream of requests to the IdP.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

use super::Claims;
use crate::config::OidcConfig;

const REFETCH_INTERVAL: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
/// Tolerated clock difference between the IdP and us.
const LEEWAY_SECS: u64 = 30;
/// Algorithms we accept; the header's `alg` is never trusted beyond this list.
const ACCEPTED: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The token is not acceptable; the text is safe to show the caller.
    #[error("{0}")]
    Rejected(String),
    /// We could not get the keys to check it with.
    #[error("{0}")]
    KeysUnavailable(String),
}

pub struct JwtVerifier {
    config: OidcConfig,
    http: reqwest::Client,
    keys: RwLock<HashMap<String, DecodingKey>>,
    /// Serialises refetches and remembers when the last one happened.
    last_fetch: Mutex<Option<Instant>>,
}

#[derive(Deserialize)]
struct Discovery {
    jwks_uri: String,
}

impl JwtVerifier {
    pub fn new(config: OidcConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .expect("a default HTTP client always builds");
        Self {
            config,
            http,
            keys: RwLock::default(),
            last_fetch: Mutex::default(),
        }
    }

    /// Where services get client-credentials tokens, when configured.
    pub fn token_url(&self) -> Option<&str> {
        self.config.token_url.as_deref()
    }

    /// The claim that carries the IdP groups.
    pub fn groups_claim(&self) -> &str {
        &self.config.groups_claim
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| VerifyError::Rejected("The access token is not a well-formed JWT.".into()))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(VerifyError::Rejected(format!(
                "The access token is signed with {:?}; only RS256 and ES256 are accepted.",
                header.alg
            )));
        }
        let kid = header.kid.unwrap_or_default();
        let key = match self.cached_key(&kid).await {
            Some(key) => key,
            None => {
                self.refetch().await?;
                self.cached_key(&kid).await.ok_or_else(|| {
                    VerifyError::Rejected(
                        "The access token is signed with a key the identity provider does not publish."
                            .into(),
                    )
                })?
            }
        };

        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| VerifyError::Rejected(rejection_message(e.kind())))
    }

    async fn cached_key(&self, kid: &str) -> Option<DecodingKey> {
        self.keys.read().await.get(kid).cloned()
    }

    async fn refetch(&self) -> Result<(), VerifyError> {
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            // Fetched moments ago (perhaps by a concurrent caller): the key set
            // we hold is current, so an unknown kid is simply unknown.
            return Ok(());
        }
        let set = self.fetch_key_set().await?;
        let keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let key = DecodingKey::from_jwk(jwk).ok()?;
                Some((jwk.common.key_id.clone().unwrap_or_default(), key))
            })
            .collect::<HashMap<_, _>>();
        tracing::info!(count = keys.len(), "fetched the identity provider's signing keys");
        *self.keys.write().await = keys;
        *last = Some(Instant::now());
        Ok(())
    }

    async fn fetch_key_set(&self) -> Result<JwkSet, VerifyError> {
        let unavailable = |what: &str, e: reqwest::Error| {
            tracing::warn!(error = %e, "{what}");
            VerifyError::KeysUnavailable(format!(
                "The identity provider's signing keys could not be fetched ({what}); try again shortly."
            ))
        };
        let jwks_uri = match &self.config.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    self.config.issuer.trim_end_matches('/')
                );
                let discovery: Discovery = self
                    .get_json(&url)
                    .await
                    .map_err(|e| unavailable("discovery failed", e))?;
                discovery.jwks_uri
            }
        };
        self.get_json(&jwks_uri)
            .await
            .map_err(|e| unavailable("key set request failed", e))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> reqwest::Result<T> {
        self.http.get(url).send().await?.error_for_status()?.json().await
    }
}

fn rejection_message(kind: &jsonwebtoken::errors::ErrorKind) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::ExpiredSignature => "The access token has expired.",
        K::ImmatureSignature => "The access token is not valid yet.",
        K::InvalidSignature => "The access token's signature is not valid.",
        K::InvalidIssuer => "The access token was issued by an issuer this API does not trust.",
        K::InvalidAudience => "The access token is not meant for this API.",
        K::MissingRequiredClaim(_) => "The access token lacks a required claim (exp, iss, aud, sub).",
        K::InvalidAlgorithm => "The access token's algorithm does not match its key.",
        _ => "The access token is not valid.",
    }
    .to_owned()
}
