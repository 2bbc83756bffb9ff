//! Where sessions live, chosen by configuration (`SESSION_STORE`): memory for
//! one BFF process, Redis for several. Both get the same rule on the way in:
//! a record without an identity (a browser that started a login and has not
//! finished it) lives only as long as a login attempt may take, not for the
//! idle timeout of a signed-in session. The rule sits here, on every save,
//! because tower-sessions re-saves a session with the layer's expiry on each
//! request that touches it.

use std::time::Duration;

use fred::prelude::{ClientLike, Pool};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store,
};
use tower_sessions_redis_store::{RedisStore, fred};

use super::{IDENTITY_KEY, TOKENS_FIELD, memory::MemoryStore};
use crate::config::SessionConfig;

#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// How long an anonymous record may live (the login attempt timeout).
    anonymous_ttl: time::Duration,
}

#[derive(Debug, Clone)]
enum Backend {
    /// One BFF process (the default).
    Memory(MemoryStore),
    /// Several BFF processes share sessions (ElastiCache in production).
    Redis(RedisStore<Pool>),
}

impl Store {
    /// `memory`, or a `redis://` / `rediss://` URL.
    pub async fn connect(config: &SessionConfig) -> anyhow::Result<Self> {
        let backend = if config.store.expose() == "memory" {
            Backend::Memory(MemoryStore::new(config.max_anonymous, sweep_interval(config)))
        } else {
            Backend::Redis(RedisStore::new(redis_pool(config.store.expose()).await?))
        };
        Ok(Self {
            backend,
            anonymous_ttl: time::Duration::seconds(config.login_timeout.as_secs() as i64),
        })
    }

    /// Whether a new anonymous session may be started: the memory store keeps
    /// at most `SESSION_MAX_ANONYMOUS`; Redis evicts by its own policy.
    pub fn admits_anonymous(&self) -> bool {
        match &self.backend {
            Backend::Memory(memory) => memory.admits_anonymous(),
            Backend::Redis(_) => true,
        }
    }

    /// (records, anonymous records) held in memory; `None` for Redis.
    pub fn memory_counts(&self) -> Option<(usize, usize)> {
        match &self.backend {
            Backend::Memory(memory) => Some(memory.counts()),
            Backend::Redis(_) => None,
        }
    }

    /// The record as it may be stored, and whether it is anonymous.
    fn limited(&self, record: &Record) -> (Option<Record>, bool) {
        let anonymous = !record.data.contains_key(IDENTITY_KEY) && !record.data.contains_key(TOKENS_FIELD);
        let latest = OffsetDateTime::now_utc() + self.anonymous_ttl;
        if anonymous && record.expiry_date > latest {
            let mut shortened = record.clone();
            shortened.expiry_date = latest;
            (Some(shortened), true)
        } else {
            (None, anonymous)
        }
    }
}

/// Often enough that an expired record does not outlive its expiry by much,
/// rarely enough to cost nothing: a tenth of the shorter lifetime, 1–60 s.
fn sweep_interval(config: &SessionConfig) -> Duration {
    (config.login_timeout.min(config.idle_timeout) / 10)
        .clamp(Duration::from_secs(1), Duration::from_secs(60))
}

async fn redis_pool(url: &str) -> anyhow::Result<Pool> {
    let config = fred::prelude::Config::from_url(url)
        .map_err(|e| anyhow::anyhow!("SESSION_STORE is neither `memory` nor a Redis URL: {e}"))?;
    // Commands fail after two seconds instead of queueing while Redis is
    // down; the pool reconnects by itself when it is back.
    let performance = fred::types::config::PerformanceConfig {
        default_command_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let connection = fred::types::config::ConnectionConfig {
        connection_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let reconnect = fred::types::config::ReconnectPolicy::new_exponential(0, 100, 5_000, 2);
    let pool = Pool::new(config, Some(performance), Some(connection), Some(reconnect), 4)?;
    pool.init()
        .await
        // Name the host, never the URL: it may carry the Redis AUTH token.
        .map_err(|e| anyhow::anyhow!("cannot reach the session store at {}: {e}", redis_host(url)))?;
    Ok(pool)
}

#[async_trait::async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let (shortened, anonymous) = self.limited(record);
        if let Some(mut shortened) = shortened {
            self.create_record(&mut shortened, anonymous).await?;
            record.id = shortened.id;
            return Ok(());
        }
        self.create_record(record, anonymous).await
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (shortened, anonymous) = self.limited(record);
        let record = shortened.as_ref().unwrap_or(record);
        match &self.backend {
            Backend::Memory(s) => s.save(record, anonymous),
            Backend::Redis(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match &self.backend {
            Backend::Memory(s) => s.load(id),
            Backend::Redis(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match &self.backend {
            Backend::Memory(s) => {
                s.delete(id);
                Ok(())
            }
            Backend::Redis(s) => s.delete(id).await,
        }
    }
}

impl Store {
    async fn create_record(&self, record: &mut Record, anonymous: bool) -> session_store::Result<()> {
        match &self.backend {
            Backend::Memory(s) => s.create(record, anonymous),
            Backend::Redis(s) => s.create(record).await,
        }
    }
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
