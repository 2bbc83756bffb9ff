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

use std::collections::HashMap;

use fred::prelude::{ClientLike, Pool};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::{
    MemoryStore, SessionStore,
    session::{Id, Record},
    session_store,
};
use tower_sessions_redis_store::{RedisStore, fred};

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

/// Where sessions live; chosen by configuration (`SESSION_STORE`).
#[derive(Debug, Clone)]
pub enum Store {
    /// One BFF process (the default).
    Memory(MemoryStore),
    /// Several BFF processes share sessions (ElastiCache in production).
    Redis(RedisStore<Pool>),
}

impl Store {
    /// `memory`, or a `redis://` / `rediss://` URL.
    pub async fn connect(spec: &str) -> anyhow::Result<Self> {
        if spec == "memory" {
            return Ok(Self::Memory(MemoryStore::default()));
        }
        let config = fred::prelude::Config::from_url(spec)
            .map_err(|e| anyhow::anyhow!("SESSION_STORE is neither `memory` nor a Redis URL: {e}"))?;
        // Commands fail after two seconds instead of queueing while Redis is
        // down; the pool reconnects by itself when it is back.
        let performance = fred::types::config::PerformanceConfig {
            default_command_timeout: std::time::Duration::from_secs(2),
            ..Default::default()
        };
        let connection = fred::types::config::ConnectionConfig {
            connection_timeout: std::time::Duration::from_secs(2),
            ..Default::default()
        };
        let reconnect = fred::types::config::ReconnectPolicy::new_exponential(0, 100, 5_000, 2);
        let pool = Pool::new(config, Some(performance), Some(connection), Some(reconnect), 4)?;
        pool.init()
            .await
            // Name the host, never the URL: it may carry the Redis AUTH token.
            .map_err(|e| anyhow::anyhow!("cannot reach the session store at {}: {e}", redis_host(spec)))?;
        Ok(Self::Redis(RedisStore::new(pool)))
    }
}

#[async_trait::async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Memory(s) => s.create(record).await,
            Self::Redis(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Memory(s) => s.save(record).await,
            Self::Redis(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Memory(s) => s.load(id).await,
            Self::Redis(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Memory(s) => s.delete(id).await,
            Self::Redis(s) => s.delete(id).await,
        }
    }
}

/// Token records, in the same store as the sessions.
#[derive(Debug, Clone)]
pub struct TokenVault {
    store: Store,
}

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

/// `host:port` of a Redis URL, without user, password or path: safe to log.
fn redis_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_logged_redis_host_carries_no_credentials() {
        assert_eq!(
            super::redis_host("rediss://:s3cret@cache.internal:6379/0"),
            "cache.internal:6379"
        );
        assert_eq!(super::redis_host("redis://user:pw@h:1"), "h:1");
        assert_eq!(super::redis_host("redis://127.0.0.1:16379"), "127.0.0.1:16379");
    }
}
