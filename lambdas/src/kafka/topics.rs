//! Topics: listing with search and paging, detail, create, delete, configs,
//! partitions and purge.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use configurator_api::{
    ConfigEntry, ConfigPatch, CreateTopic, PartitionInfo, PurgeRequest, PurgeResult, PurgedPartition,
    SortOrder, TIME_LAG_BUDGET_MS, TopicDetail, TopicList, TopicQuery, TopicSort, TopicSummary,
};
use rdkafka::{
    Offset, TopicPartitionList,
    admin::{ConfigSource, NewPartitions, NewTopic, ResourceSpecifier, TopicReplication},
    consumer::Consumer,
    types::RDKafkaErrorCode,
};

use super::{
    Kafka, KafkaError, error_code, is_internal, kafka_error, lag_history::Baseline, metadata::TopicMeta,
};
use crate::{audit::now_ms, error::ApiError, validate};

/// Low and high watermark of each (topic, partition).
pub type Watermarks = HashMap<(String, i32), (i64, i64)>;

pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

impl Kafka {
    /// One page of the topics `visible` lets the caller see. Metadata for all
    /// topics is one request, reused for a few seconds; watermarks are fetched only for the page's
    /// partitions (for all matches when sorting by message count), in one
    /// ListOffsets round per broker and direction.
    pub async fn list_topics(
        &self,
        query: &TopicQuery,
        visible: impl Fn(&str) -> bool,
    ) -> Result<TopicList, ApiError> {
        let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid(
                "per_page",
                "invalid_per_page",
                format!("per_page must be between 1 and {MAX_PER_PAGE}."),
            ));
        }
        let page = query.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::invalid("page", "invalid_page", "page starts at 1."));
        }
        let needle = query.q.as_deref().unwrap_or("").to_lowercase();
        let with_internal = query.internal.unwrap_or(false);

        let metadata = self.recent_metadata().await?;
        let now = now_ms();
        let mut matches: Vec<&TopicMeta> = metadata
            .topics
            .iter()
            .filter(|t| with_internal || !is_internal(&t.name))
            .filter(|t| needle.is_empty() || t.name.to_lowercase().contains(&needle))
            .filter(|t| visible(&t.name))
            .collect();
        let total = matches.len() as u32;
        let sort = query.sort.unwrap_or_default();
        let descending = query.order.unwrap_or_default() == SortOrder::Desc;

        let names = |topics: &[&TopicMeta]| topics.iter().map(|t| t.name.clone()).collect::<HashSet<_>>();
        let rate = |t: &TopicMeta, marks: &Watermarks, baseline: &Baseline| {
            baseline.rate(&t.name, ends(t, marks), now)
        };
        // Sorting by messages or rate needs every match's watermarks (and
        // rate baselines); otherwise only the page's.
        let every = if matches!(sort, TopicSort::Messages | TopicSort::Rate) {
            let (marks, baseline) = tokio::try_join!(self.watermarks(partitions_of(&matches)), async {
                match sort {
                    TopicSort::Rate => self.rate_baseline(&metadata, now, names(&matches)).await,
                    _ => Ok(Baseline::default()),
                }
            })?;
            if sort == TopicSort::Messages {
                matches.sort_by(|a, b| (messages(a, &marks), &a.name).cmp(&(messages(b, &marks), &b.name)));
            } else {
                // Unknown rates last, whatever the order.
                let unknown = if descending { -1.0 } else { f64::MAX };
                let key = |t: &TopicMeta| rate(t, &marks, &baseline).unwrap_or(unknown);
                matches.sort_by(|a, b| key(a).total_cmp(&key(b)).then_with(|| a.name.cmp(&b.name)));
            }
            if descending {
                matches.reverse();
            }
            Some((marks, baseline))
        } else {
            match sort {
                TopicSort::Partitions => {
                    matches.sort_by(|a, b| (a.partitions.len(), &a.name).cmp(&(b.partitions.len(), &b.name)))
                }
                _ => matches.sort_by(|a, b| a.name.cmp(&b.name)),
            }
            if descending {
                matches.reverse();
            }
            None
        };
        let start = ((page - 1) * per_page) as usize;
        let page_topics: Vec<&TopicMeta> = matches.into_iter().skip(start).take(per_page as usize).collect();
        let (marks, baseline) = match every {
            Some((marks, baseline)) if sort == TopicSort::Rate => (marks, baseline),
            Some((marks, _)) => (
                marks,
                self.rate_baseline(&metadata, now, names(&page_topics)).await?,
            ),
            None => tokio::try_join!(
                self.watermarks(partitions_of(&page_topics)),
                self.rate_baseline(&metadata, now, names(&page_topics))
            )?,
        };
        Ok(TopicList {
            topics: page_topics
                .iter()
                .map(|t| TopicSummary {
                    messages_per_min: rate(t, &marks, &baseline),
                    ..summary(t, &marks)
                })
                .collect(),
            total,
            page,
            per_page,
        })
    }

    /// Watermarks of many partitions at once: two ListOffsets rounds
    /// (earliest, latest) that librdkafka batches per leader.
    pub async fn watermarks(&self, partitions: Vec<(String, i32)>) -> Result<Watermarks, KafkaError> {
        if partitions.is_empty() {
            return Ok(Watermarks::new());
        }
        let lister = self.lister()?;
        let timeout = self.timeout();
        tokio::task::spawn_blocking(move || {
            let query = |offset: Offset| {
                let mut tpl = TopicPartitionList::with_capacity(partitions.len());
                for (topic, partition) in &partitions {
                    tpl.add_partition_offset(topic, *partition, offset)
                        .map_err(|e| kafka_error(e, timeout))?;
                }
                lister
                    .offsets_for_times(tpl, timeout)
                    .map_err(|e| kafka_error(e, timeout))
            };
            let low = query(Offset::Beginning)?;
            let high = query(Offset::End)?;
            let mut marks = Watermarks::with_capacity(partitions.len());
            for e in low.elements() {
                marks.insert((e.topic().to_owned(), e.partition()), (raw(e.offset()), 0));
            }
            for e in high.elements() {
                if let Some(entry) = marks.get_mut(&(e.topic().to_owned(), e.partition())) {
                    entry.1 = raw(e.offset()).max(entry.0);
                }
            }
            Ok(marks)
        })
        .await
        .map_err(|e| KafkaError::client(format!("watermark task failed: {e}")))?
    }
}

impl Kafka {
    /// The first offset at or after `time` (Unix ms) in each partition;
    /// `None` where no message is that recent.
    pub async fn offsets_for_time(
        &self,
        keys: &[(String, i32)],
        time: i64,
    ) -> Result<HashMap<(String, i32), Option<i64>>, KafkaError> {
        let lister = self.lister()?;
        let timeout = self.timeout();
        let keys = keys.to_vec();
        tokio::task::spawn_blocking(move || {
            let mut tpl = TopicPartitionList::with_capacity(keys.len());
            for (topic, partition) in &keys {
                tpl.add_partition_offset(topic, *partition, Offset::Offset(time))
                    .map_err(|e| kafka_error(e, timeout))?;
            }
            let found = lister
                .offsets_for_times(tpl, timeout)
                .map_err(|e| kafka_error(e, timeout))?;
            let mut offsets = HashMap::with_capacity(keys.len());
            for e in found.elements() {
                if let Err(error) = e.error() {
                    return Err(kafka_error(error, timeout));
                }
                let offset = match e.offset() {
                    Offset::Offset(o) if o >= 0 => Some(o),
                    _ => None,
                };
                offsets.insert((e.topic().to_owned(), e.partition()), offset);
            }
            Ok(offsets)
        })
        .await
        .map_err(|e| KafkaError::client(format!("offsets-for-times task failed: {e}")))?
    }
}

fn raw(offset: Offset) -> i64 {
    offset.to_raw().unwrap_or(0).max(0)
}

fn partitions_of(topics: &[&TopicMeta]) -> Vec<(String, i32)> {
    topics
        .iter()
        .flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.id)))
        .collect()
}

/// The sum of the topic's end offsets: what it has ever been written, as
/// far as its offsets tell.
fn ends(topic: &TopicMeta, marks: &Watermarks) -> i64 {
    topic
        .partitions
        .iter()
        .filter_map(|p| marks.get(&(topic.name.clone(), p.id)))
        .map(|(_, high)| *high)
        .sum()
}

fn messages(topic: &TopicMeta, marks: &Watermarks) -> u64 {
    topic
        .partitions
        .iter()
        .filter_map(|p| marks.get(&(topic.name.clone(), p.id)))
        .map(|(low, high)| (high - low).max(0) as u64)
        .sum()
}

pub fn summary(topic: &TopicMeta, marks: &Watermarks) -> TopicSummary {
    TopicSummary {
        name: topic.name.clone(),
        partitions: topic.partitions.len() as u32,
        replication_factor: topic.replication_factor(),
        internal: is_internal(&topic.name),
        messages: messages(topic, marks),
        under_replicated_partitions: topic.under_replicated(),
        messages_per_min: None,
    }
}

impl Kafka {
    /// Creates a topic after checking everything Kafka would refuse (and some
    /// things a lenient broker would accept).
    pub async fn create_topic(&self, request: &CreateTopic) -> Result<(), ApiError> {
        let meta = self.metadata().await?;
        validate::replication_factor(request.replication_factor, meta.brokers.len())?;
        if meta.topics.iter().any(|t| t.name == request.name) {
            return Err(topic_exists(&request.name));
        }
        let mut topic = NewTopic::new(
            &request.name,
            request.partitions,
            TopicReplication::Fixed(request.replication_factor.into()),
        );
        for (key, value) in &request.configs {
            topic = topic.set(key, value);
        }
        let timeout = self.timeout();
        let results = self
            .admin
            .create_topics([&topic], &self.admin_options())
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        match results.into_iter().next() {
            Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => Err(topic_exists(&request.name)),
            Some(Err((_, RDKafkaErrorCode::InvalidConfig | RDKafkaErrorCode::PolicyViolation))) => {
                Err(KafkaError::ConfigsRefused {
                    detail: "invalid or forbidden by the cluster's policy".into(),
                }
                .into())
            }
            Some(Err((_, RDKafkaErrorCode::InvalidReplicationFactor))) => {
                Err(KafkaError::ReplicationFactorRefused.into())
            }
            Some(Err((_, code))) => Err(error_code(code, &request.name, timeout).into()),
            Some(Ok(_)) | None => {
                self.forget_recent_metadata();
                Ok(self.await_topic(&request.name).await?)
            }
        }
    }

    /// Waits (within the request timeout) until the metadata shows a topic
    /// the controller has just created: on a multi-broker cluster the broker
    /// we ask can learn of it a moment later, and the caller reads it next.
    async fn await_topic(&self, name: &str) -> Result<(), KafkaError> {
        let deadline = tokio::time::Instant::now() + self.timeout();
        loop {
            match self.topic_meta(name).await {
                Err(KafkaError::TopicNotFound(_)) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => return other.map(|_| ()),
            }
        }
    }

    pub async fn delete_topic(&self, name: &str) -> Result<(), ApiError> {
        self.topic_meta(name).await?;
        let timeout = self.timeout();
        let results = self
            .admin
            .delete_topics(&[name], &self.admin_options())
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        self.forget_recent_metadata();
        match results.into_iter().next() {
            Some(Err((_, code))) => Err(error_code(code, name, timeout).into()),
            Some(Ok(_)) | None => Ok(()),
        }
    }

    /// Partitions with leaders, replicas, ISR, watermarks and the newest
    /// record's time, plus configs and the produce rate.
    pub async fn topic_detail(&self, name: &str) -> Result<TopicDetail, ApiError> {
        let now = now_ms();
        let (meta, index) = self.topic_meta(name).await?;
        let topic = &meta.topics[index];
        let (marks, configs, baseline) = tokio::try_join!(
            async { Ok::<_, ApiError>(self.watermarks(partitions_of(&[topic])).await?) },
            self.topic_configs(name),
            async {
                Ok(self
                    .rate_baseline(&meta, now, HashSet::from([name.to_owned()]))
                    .await?)
            },
        )?;
        let newest: Vec<(String, i32, i64)> = marks
            .iter()
            .filter(|(_, (low, high))| high > low)
            .map(|((t, p), (_, high))| (t.clone(), *p, high - 1))
            .collect();
        let times = self
            .record_times(newest, Duration::from_millis(TIME_LAG_BUDGET_MS))
            .await?;
        let partitions: Vec<PartitionInfo> = topic
            .partitions
            .iter()
            .map(|p| {
                let (low, high) = marks.get(&(name.to_owned(), p.id)).copied().unwrap_or((0, 0));
                PartitionInfo {
                    partition: p.id,
                    leader: p.leader,
                    replicas: p.replicas.clone(),
                    isr: p.isr.clone(),
                    low_watermark: low,
                    high_watermark: high,
                    messages: (high - low).max(0) as u64,
                    last_record_ms: times.get(&(name.to_owned(), p.id, high - 1)).copied(),
                }
            })
            .collect();
        Ok(TopicDetail {
            name: name.to_owned(),
            internal: is_internal(name),
            replication_factor: topic.replication_factor(),
            messages: messages(topic, &marks),
            messages_per_min: baseline.rate(name, ends(topic, &marks), now),
            last_record_ms: partitions.iter().filter_map(|p| p.last_record_ms).max(),
            size_bytes: None,
            partitions,
            configs,
        })
    }

    /// The topic's configs as the cluster reports them (some brokers report
    /// only the ones set on the topic).
    pub async fn topic_configs(&self, name: &str) -> Result<Vec<ConfigEntry>, ApiError> {
        let timeout = self.timeout();
        let results = self
            .admin
            .describe_configs([&ResourceSpecifier::Topic(name)], &self.admin_options())
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        let resource = match results.into_iter().next() {
            Some(Ok(resource)) => resource,
            Some(Err(code)) => return Err(error_code(code, name, timeout).into()),
            None => return Ok(Vec::new()),
        };
        let mut entries: Vec<ConfigEntry> = resource
            .entries
            .into_iter()
            .map(|e| ConfigEntry {
                value: if e.is_sensitive { None } else { e.value },
                source: config_source(e.source).into(),
                name: e.name,
                is_default: e.is_default,
                read_only: e.is_read_only,
                sensitive: e.is_sensitive,
            })
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// Sets and resets configs with IncrementalAlterConfigs: keys not named
    /// keep their values (the legacy AlterConfigs would reset them all).
    pub async fn alter_topic_configs(&self, name: &str, patch: &ConfigPatch) -> Result<(), ApiError> {
        self.topic_meta(name).await?;
        let (name, patch) = (name.to_owned(), patch.clone());
        let altered = self.blocking(move |admin, timeout| {
            super::ffi::incremental_alter_topic_configs(admin, &name, &patch.set, &patch.delete, timeout)
        });
        Ok(altered.await?)
    }

    /// Raises the partition count. Brokers without CreatePartitions answer 501.
    pub async fn add_partitions(&self, name: &str, count: i32) -> Result<(), ApiError> {
        let (meta, index) = self.topic_meta(name).await?;
        let current = meta.topics[index].partitions.len() as i32;
        if count <= current {
            return Err(ApiError::invalid(
                "count",
                "partitions_not_increased",
                format!(
                    "{name} has {current} partitions; the new count must be larger (Kafka cannot remove partitions)."
                ),
            ));
        }
        let timeout = self.timeout();
        let results = self
            .admin
            .create_partitions([&NewPartitions::new(name, count as usize)], &self.admin_options())
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        self.forget_recent_metadata();
        match results.into_iter().next() {
            Some(Err((_, code))) => Err(error_code(code, "CreatePartitions", timeout).into()),
            Some(Ok(_)) | None => Ok(()),
        }
    }

    /// Deletes records below `before_offset` (default: all) in the chosen
    /// partitions (default: all) with DeleteRecords.
    pub async fn purge(&self, name: &str, request: &PurgeRequest) -> Result<PurgeResult, ApiError> {
        let (meta, index) = self.topic_meta(name).await?;
        let topic = &meta.topics[index];
        let chosen: Vec<i32> = match &request.partitions {
            None => topic.partitions.iter().map(|p| p.id).collect(),
            Some(list) if list.is_empty() => {
                return Err(ApiError::invalid(
                    "partitions",
                    "invalid_partition",
                    "Name at least one partition.",
                ));
            }
            Some(list) => {
                if let Some(bad) = list
                    .iter()
                    .find(|p| !topic.partitions.iter().any(|q| q.id == **p))
                {
                    return Err(ApiError::invalid(
                        "partitions",
                        "invalid_partition",
                        format!("{name} has no partition {bad}."),
                    ));
                }
                list.clone()
            }
        };
        let marks = self
            .watermarks(chosen.iter().map(|p| (name.to_owned(), *p)).collect())
            .await?;
        let mut tpl = TopicPartitionList::new();
        for p in &chosen {
            let (low, high) = marks.get(&(name.to_owned(), *p)).copied().unwrap_or((0, 0));
            let before = match request.before_offset {
                None => high,
                Some(offset) if (low..=high).contains(&offset) => offset,
                Some(offset) => {
                    return Err(ApiError::invalid(
                        "before_offset",
                        "offset_out_of_range",
                        format!("Partition {p} holds offsets {low}–{high}; {offset} is outside them."),
                    ));
                }
            };
            tpl.add_partition_offset(name, *p, Offset::Offset(before))
                .map_err(|e| kafka_error(e, self.timeout()))?;
        }
        let timeout = self.timeout();
        let result = self
            .admin
            .delete_records(&tpl, &self.admin_options())
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        let mut partitions = Vec::with_capacity(chosen.len());
        for e in result.elements() {
            if let Err(err) = e.error() {
                return Err(kafka_error(err, timeout).into());
            }
            partitions.push(PurgedPartition {
                partition: e.partition(),
                low_watermark: raw(e.offset()),
            });
        }
        partitions.sort_by_key(|p| p.partition);
        Ok(PurgeResult { partitions })
    }
}

fn topic_exists(name: &str) -> ApiError {
    KafkaError::TopicExists(name.to_owned()).into()
}

fn config_source(source: ConfigSource) -> &'static str {
    match source {
        ConfigSource::DynamicTopic => "topic",
        ConfigSource::DynamicBroker | ConfigSource::StaticBroker => "broker",
        ConfigSource::DynamicDefaultBroker => "cluster",
        ConfigSource::Default => "default",
        _ => "unknown",
    }
}
