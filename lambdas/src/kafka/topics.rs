//! Topics: listing with search and paging, detail, create, delete, configs,
//! partitions and purge.

use std::collections::HashMap;

use configurator_api::{SortOrder, TopicList, TopicQuery, TopicSort, TopicSummary};
use rdkafka::{Offset, TopicPartitionList, consumer::Consumer};

use super::{Kafka, is_internal, kafka_error, metadata::TopicMeta};
use crate::error::ApiError;

/// Low and high watermark of each (topic, partition).
pub type Watermarks = HashMap<(String, i32), (i64, i64)>;

pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

impl Kafka {
    /// One page of the topics `visible` lets the caller see. Metadata for all
    /// topics is one request; watermarks are fetched only for the page's
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

        let metadata = self.metadata().await?;
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

        // Sorting by messages needs every match's watermarks; otherwise only the page's.
        let watermarks = if sort == TopicSort::Messages {
            let marks = self.watermarks(partitions_of(&matches)).await?;
            matches.sort_by(|a, b| (messages(a, &marks), &a.name).cmp(&(messages(b, &marks), &b.name)));
            if descending {
                matches.reverse();
            }
            Some(marks)
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
        let page_topics: Vec<&TopicMeta> =
            matches.into_iter().skip(start).take(per_page as usize).collect();
        let marks = match watermarks {
            Some(marks) => marks,
            None => self.watermarks(partitions_of(&page_topics)).await?,
        };
        Ok(TopicList {
            topics: page_topics.iter().map(|t| summary(t, &marks)).collect(),
            total,
            page,
            per_page,
        })
    }

    /// Watermarks of many partitions at once: two ListOffsets rounds
    /// (earliest, latest) that librdkafka batches per leader.
    pub async fn watermarks(&self, partitions: Vec<(String, i32)>) -> Result<Watermarks, ApiError> {
        if partitions.is_empty() {
            return Ok(Watermarks::new());
        }
        let lister = std::sync::Arc::clone(&self.lister);
        let timeout = self.timeout();
        tokio::task::spawn_blocking(move || {
            let query = |offset: Offset| {
                let mut tpl = TopicPartitionList::with_capacity(partitions.len());
                for (topic, partition) in &partitions {
                    tpl.add_partition_offset(topic, *partition, offset)
                        .map_err(|e| kafka_error(e, timeout))?;
                }
                lister.offsets_for_times(tpl, timeout).map_err(|e| kafka_error(e, timeout))
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
        .map_err(|e| ApiError::internal(format!("watermark task failed: {e}")))?
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
    }
}
