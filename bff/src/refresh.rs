//! Keeps a session's access token usable, refreshing it at most once at a time
//! per session: ten parallel API calls at expiry cause one refresh grant, and
//! the other nine wait for it and use its result. (A second concurrent grant
//! would replay a rotated refresh token, which makes the IdP revoke the whole
//! grant and sign the person out.)

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use time::OffsetDateTime;

use crate::{
    AppState,
    error::BffError,
    metrics::{RefreshResult, SessionEnd},
    oidc::OidcError,
    session::{Identity, TokenSet, now_unix},
};

#[derive(Default)]
pub struct Refresher {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Why the caller wants tokens.
pub enum Need {
    /// Tokens fit to send: refreshed only when close to expiry.
    Usable,
    /// The API refused this access token: refresh unless another request
    /// already replaced it.
    Replace(String),
}

impl Refresher {
    pub async fn tokens(
        &self,
        state: &AppState,
        identity: &Identity,
        need: Need,
    ) -> Result<TokenSet, BffError> {
        let current = load(state, identity).await?;
        if !must_refresh(state, &current, &need) {
            return Ok(current);
        }

        let lock = self.lock_for(&identity.token_ref);
        let result = {
            let _guard = lock.lock().await;
            // Re-read under the lock: whoever held it may have refreshed already.
            let current = load(state, identity).await?;
            if must_refresh(state, &current, &need) {
                refresh(state, identity, &current).await
            } else {
                Ok(current)
            }
        };
        self.release(&identity.token_ref, lock);
        result
    }

    fn lock_for(&self, token_ref: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().expect("lock map is never poisoned");
        Arc::clone(locks.entry(token_ref.to_owned()).or_default())
    }

    /// Forgets the lock once nobody else holds or waits for it.
    fn release(&self, token_ref: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self.locks.lock().expect("lock map is never poisoned");
        // Two references: the map's and ours. Waiters hold clones of their own.
        if Arc::strong_count(&lock) == 2 {
            locks.remove(token_ref);
        }
    }
}

fn must_refresh(state: &AppState, tokens: &TokenSet, need: &Need) -> bool {
    match need {
        Need::Usable => {
            tokens.access_expires_at - (state.config.oidc.refresh_skew.as_secs() as i64) <= now_unix()
        }
        Need::Replace(refused) => tokens.access_token == *refused,
    }
}

async fn load(state: &AppState, identity: &Identity) -> Result<TokenSet, BffError> {
    state
        .vault
        .load(&identity.token_ref)
        .await?
        .ok_or_else(|| state.unauthenticated())
}

async fn refresh(state: &AppState, identity: &Identity, current: &TokenSet) -> Result<TokenSet, BffError> {
    let provider = state
        .provider
        .get()
        .await
        .ok_or(BffError::IdentityProviderUnavailable)?;
    match provider.refresh(current).await {
        Ok(tokens) => {
            let until = OffsetDateTime::from_unix_timestamp(
                identity.signed_in_at + state.config.session.absolute_timeout.as_secs() as i64,
            )
            .map_err(BffError::internal)?;
            state.vault.replace(&identity.token_ref, &tokens, until).await?;
            state.metrics.refresh(RefreshResult::Ok);
            tracing::info!(sub = %identity.sub, "access token refreshed");
            Ok(tokens)
        }
        Err(OidcError::Unavailable(why)) => {
            state.metrics.refresh(RefreshResult::IdpUnavailable);
            tracing::warn!(%why, "token refresh failed: identity provider unavailable");
            Err(BffError::IdentityProviderUnavailable)
        }
        Err(why) => {
            // Revoked, expired, or replayed: the grant is gone, so is the session.
            state.metrics.refresh(RefreshResult::Refused);
            state.metrics.session_ended(SessionEnd::RefreshRefused);
            tracing::info!(sub = %identity.sub, %why, "refresh refused; ending the session");
            state.vault.delete(&identity.token_ref).await?;
            Err(state.unauthenticated())
        }
    }
}
