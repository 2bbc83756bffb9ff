//! The one place that talks to Kafka. Clients are created once per process
//! (a Lambda keeps them warm between invocations) and shared by all requests.
//! Only the admin client is made up front; the producer, the offsets lister
//! and the reading consumer are made on first use, so a function makes only
//! the clients its routes use: the `cluster` function never asks for a
//! producer id its role may not get, and none opens connections it never
//! needs on a cold start.
//!
//! librdkafka's calls block their thread, so every call runs on tokio's
//! blocking pool ([`Kafka::blocking`]) and is bounded by the configured
//! request timeout: a broker that does not answer is a 503 within it.
//!
//! Each resource has its own module; operations rdkafka 0.39 does not wrap
//! (IncrementalAlterConfigs, consumer-group offsets, DescribeCluster) go
//! through librdkafka's C API in [`ffi`].

mod error;
pub mod ffi;
pub mod groups;
pub mod internal;
pub mod lag_history;
pub mod messages;
pub mod metadata;
pub mod peek;
pub mod recent;
pub mod schemas;
pub mod topics;

use std::{
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use rdkafka::{
    ClientConfig,
    admin::AdminClient,
    consumer::{BaseConsumer, Consumer},
    producer::FutureProducer,
};

use crate::config::KafkaConfig;

pub use self::{
    context::KafkaContext,
    error::{KafkaError, error_code, kafka_error},
};

mod context;

pub type Admin = AdminClient<KafkaContext>;

pub struct Kafka {
    pub(crate) admin: Arc<Admin>,
    /// Made on first use, like the two below ([`Kafka::producer`]).
    producer: OnceLock<Result<FutureProducer<KafkaContext>, KafkaError>>,
    /// Answers ListOffsets (watermarks, offsets for times); has no group.
    lister: OnceLock<Result<Arc<BaseConsumer<KafkaContext>>, KafkaError>>,
    /// Reads records for browse, audit and schemas; see [`Kafka::read`].
    reader: OnceLock<Result<Arc<Mutex<BaseConsumer<KafkaContext>>>, KafkaError>>,
    /// Reads single records for time lag and last-record times ([`peek`]).
    peeker: OnceLock<Result<Arc<Mutex<BaseConsumer<KafkaContext>>>, KafkaError>>,
    /// The topics' JSON Schemas, as read from their internal topic.
    pub(crate) schemas: schemas::SchemaCache,
    /// What the topic list last read; see [`recent`].
    recent: recent::RecentMetadata,
    /// Which internal topics exist on this cluster.
    pub(crate) ensured: internal::Ensured,
    /// The cluster answered that it lacks OffsetDelete ([`groups`]).
    pub(crate) no_offset_delete: std::sync::atomic::AtomicBool,
    pub(crate) config: KafkaConfig,
}

impl Kafka {
    /// Creates the admin client; the others follow on first use. No request
    /// is made here, so a process starts even while the broker is down.
    pub fn new(config: &KafkaConfig) -> anyhow::Result<Self> {
        let admin = client_config(config).create_with_context(KafkaContext::new(config))?;
        Ok(Self {
            admin: Arc::new(admin),
            producer: OnceLock::new(),
            lister: OnceLock::new(),
            reader: OnceLock::new(),
            peeker: OnceLock::new(),
            schemas: schemas::SchemaCache::default(),
            recent: recent::RecentMetadata::default(),
            ensured: internal::Ensured::default(),
            no_offset_delete: std::sync::atomic::AtomicBool::new(false),
            config: config.clone(),
        })
    }

    /// The idempotent producer (writes, audit records, schemas).
    pub(crate) fn producer(&self) -> Result<&FutureProducer<KafkaContext>, KafkaError> {
        made(&self.producer, || {
            client_config(&self.config)
                // The API answers once the write is durable on the in-sync replicas.
                .set("acks", "all")
                .set("enable.idempotence", "true")
                .set("linger.ms", "0")
                .set(
                    "message.timeout.ms",
                    self.config.request_timeout.as_millis().to_string(),
                )
                .set("message.max.bytes", "1048576")
                .create_with_context(KafkaContext::new(&self.config))
        })
    }

    /// The consumer that only lists offsets. It has no `group.id`: it never
    /// commits, so it needs no group coordinator (nor the IAM right to one).
    pub(crate) fn lister(&self) -> Result<Arc<BaseConsumer<KafkaContext>>, KafkaError> {
        made(&self.lister, || {
            client_config(&self.config)
                .set("enable.auto.commit", "false")
                .create_with_context(KafkaContext::new(&self.config))
                .map(Arc::new)
        })
        .cloned()
    }

    fn reader(&self) -> Result<Arc<Mutex<BaseConsumer<KafkaContext>>>, KafkaError> {
        made(&self.reader, || {
            client_config(&self.config)
                .set("group.id", "configurator-browser")
                .set("enable.auto.commit", "false")
                .set("enable.auto.offset.store", "false")
                .set("enable.partition.eof", "true")
                .set("fetch.wait.max.ms", "50")
                // Prefetch little: a Lambda has little memory and a browse reads little.
                .set("queued.max.messages.kbytes", "8192")
                .create_with_context(KafkaContext::new(&self.config))
                .map(|consumer| Arc::new(Mutex::new(consumer)))
        })
        .cloned()
    }

    pub fn timeout(&self) -> Duration {
        self.config.request_timeout
    }

    /// Runs `read` with the process's one reading consumer (browse, audit,
    /// schemas), off the async workers. It never joins a group or commits:
    /// `read` assigns the partitions and offsets it wants.
    pub async fn read<T, E, F>(&self, read: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<KafkaError> + Send + 'static,
        F: FnOnce(&BaseConsumer<KafkaContext>, Duration) -> Result<T, E> + Send + 'static,
    {
        let reader = self.reader()?;
        let timeout = self.timeout();
        tokio::task::spawn_blocking(move || {
            let consumer = reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let result = read(&consumer, timeout);
            // Leave nothing assigned: the next reader starts clean.
            let _ = consumer.unassign();
            result
        })
        .await
        .map_err(|e| KafkaError::client(format!("kafka read task failed: {e}")))?
    }

    /// Runs a blocking librdkafka call off the async workers.
    pub async fn blocking<T, E, F>(&self, call: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<KafkaError> + Send + 'static,
        F: FnOnce(&Admin, Duration) -> Result<T, E> + Send + 'static,
    {
        let admin = Arc::clone(&self.admin);
        let timeout = self.timeout();
        tokio::task::spawn_blocking(move || call(&admin, timeout))
            .await
            .map_err(|e| KafkaError::client(format!("kafka task failed: {e}")))?
    }

    /// The admin operations' options: the broker gets the same deadline we wait for.
    pub fn admin_options(&self) -> rdkafka::admin::AdminOptions {
        rdkafka::admin::AdminOptions::new()
            .request_timeout(Some(self.timeout()))
            .operation_timeout(Some(self.timeout()))
    }
}

/// The client in `cell`, made by `make` the first time. A failure (a
/// setting librdkafka refuses) is kept, so every request says the same.
fn made<T>(
    cell: &OnceLock<Result<T, KafkaError>>,
    make: impl FnOnce() -> Result<T, rdkafka::error::KafkaError>,
) -> Result<&T, KafkaError> {
    cell.get_or_init(|| make().map_err(|e| KafkaError::client(format!("cannot create the client: {e}"))))
        .as_ref()
        .map_err(Clone::clone)
}

/// Settings every client of ours starts from (admin, producer, consumer),
/// including the security protocol of the cluster.
pub fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut cc = ClientConfig::new();
    cc.set("bootstrap.servers", &config.bootstrap_servers)
        .set("client.id", "configurator")
        // Fail fast and visibly instead of retrying for minutes.
        .set("socket.connection.setup.timeout.ms", "3000")
        .set("reconnect.backoff.max.ms", "2000")
        .set("topic.metadata.refresh.interval.ms", "30000");
    config.security.apply(&mut cc);
    cc
}

/// Kafka's own topics start with `__` (`__consumer_offsets`,
/// `__transaction_state`), and so do Configurator's (`__configurator_*`).
pub fn is_internal(topic: &str) -> bool {
    topic.starts_with("__")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Kafka;
    use crate::config::{KafkaConfig, KafkaSecurity};

    #[test]
    fn only_the_admin_client_is_made_up_front() {
        let kafka = Kafka::new(&KafkaConfig {
            // Nothing listens here; making clients connects to nothing.
            bootstrap_servers: "127.0.0.1:1".into(),
            request_timeout: Duration::from_millis(100),
            topic_list_max_age: Duration::ZERO,
            security: KafkaSecurity::None { tls: false },
        })
        .unwrap();
        assert!(
            kafka.producer.get().is_none() && kafka.lister.get().is_none() && kafka.reader.get().is_none()
        );
        kafka.lister().unwrap();
        assert!(kafka.lister.get().is_some());
        assert!(
            kafka.producer.get().is_none(),
            "listing offsets makes no producer"
        );
    }
}
