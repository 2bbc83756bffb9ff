//! What the BFF keeps per browser, all server-side; the browser holds only the
//! opaque session-id cookie.
//!
//! Two records per signed-in browser:
//! - the cookie session (tower-sessions): the [`Identity`] and any
//!   [`PendingLogin`]s. It is re-saved on every request (that is how the idle
//!   timeout slides), and since a request may save a copy it loaded before a
//!   concurrent request changed it, it holds only data that never changes
//!   after login;
//! - the token record ([`TokenVault`]), keyed by `Identity::token_ref` and
//!   written only at login and by the single-flight refresh. Rotated refresh
//!   tokens live here, so a stale session copy can never put back a refresh
//!   token the IdP has already consumed (which would revoke the whole grant).

mod memory;
mod store;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store,
};

pub use store::Store;

/// Session key of the signed-in [`Identity`].
pub const IDENTITY_KEY: &str = "identity";
/// Session key of the login attempts in flight, by OAuth `state`.
pub const PENDING_LOGINS_KEY: &str = "pending_logins";
/// At most this many login attempts are remembered per browser.
pub const MAX_PENDING_LOGINS: usize = 8;

/// Who is signed in, from the verified ID token. Never changes after login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub sub: String,
    pub name: String,
    pub email: Option<String>,
    pub groups: Vec<String>,
    /// Unix seconds; the absolute timeout counts from here.
    pub signed_in_at: i64,
    /// Id of this session's token record.
    pub token_ref: String,
}

/// One login attempt between `/auth/login` and `/auth/callback`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub pkce_verifier: String,
    pub nonce: String,
    pub return_to: String,
    /// Unix seconds; attempts older than ten minutes are refused.
    pub started_at: i64,
}

pub type PendingLogins = HashMap<String, PendingLogin>;

/// The IdP's tokens for one session. Never leaves the server.
#[derive(Clone, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    /// Unix seconds.
    pub access_expires_at: i64,
}

impl std::fmt::Debug for TokenSet {
    // Tokens must not end up in logs by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_expires_at", &self.access_expires_at)
            .finish_non_exhaustive()
    }
}

/// Token records, in the same store as the sessions.
#[derive(Debug, Clone)]
pub struct TokenVault {
    store: Store,
}

/// The one field of a token record.
const TOKENS_FIELD: &str = "tokens";

impl TokenVault {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Stores a new token record that lives until `until`; returns its id.
    pub async fn create(&self, tokens: &TokenSet, until: OffsetDateTime) -> session_store::Result<String> {
        let mut record = Self::record(Id::default(), tokens, until)?;
        self.store.create(&mut record).await?;
        Ok(record.id.to_string())
    }

    pub async fn load(&self, token_ref: &str) -> session_store::Result<Option<TokenSet>> {
        let Ok(id) = token_ref.parse::<Id>() else {
            return Ok(None);
        };
        let Some(mut record) = self.store.load(&id).await? else {
            return Ok(None);
        };
        record
            .data
            .remove(TOKENS_FIELD)
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    pub async fn replace(
        &self,
        token_ref: &str,
        tokens: &TokenSet,
        until: OffsetDateTime,
    ) -> session_store::Result<()> {
        let id = token_ref
            .parse::<Id>()
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        self.store.save(&Self::record(id, tokens, until)?).await
    }

    pub async fn delete(&self, token_ref: &str) -> session_store::Result<()> {
        match token_ref.parse::<Id>() {
            Ok(id) => self.store.delete(&id).await,
            Err(_) => Ok(()),
        }
    }

    fn record(id: Id, tokens: &TokenSet, until: OffsetDateTime) -> session_store::Result<Record> {
        let value = serde_json::to_value(tokens).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        Ok(Record {
            id,
            data: HashMap::from([(TOKENS_FIELD.to_owned(), value)]),
            expiry_date: until,
        })
    }
}

pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}
