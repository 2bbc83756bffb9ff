//! The metadata behind the topic list, reused for a few seconds
//! (`TOPIC_LIST_MAX_AGE_MS`). With 10,000 topics one Metadata request costs
//! far more than the search, sort and page built from it, and a person
//! searching sends several requests a second.
//!
//! - A request finds the last read if it is younger than the max age;
//!   otherwise it reads, and requests arriving meanwhile wait for that one
//!   read instead of each asking the broker.
//! - Once the last read is past half the max age, a request still uses it but
//!   starts the next read in the background, so someone who keeps searching
//!   never waits for the broker.
//! - Creating or deleting topics or partitions through this process forgets
//!   the last read, so the person who did it sees the change at once. Other
//!   processes (Lambda instances) see it within the max age.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Instant,
};

use super::{
    Kafka,
    metadata::{ClusterMeta, read_metadata},
};
use crate::error::ApiError;

#[derive(Default)]
pub struct RecentMetadata {
    last: Arc<Mutex<Last>>,
    /// Held by the read under way, if any.
    reading: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Last {
    read: Option<(Instant, Arc<ClusterMeta>)>,
    /// Counts what was forgotten: a read that started before a change must
    /// not be kept after it.
    generation: u64,
}

impl Last {
    fn lock(last: &Mutex<Last>) -> MutexGuard<'_, Last> {
        last.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keep(&mut self, generation: u64, read_at: Instant, meta: Arc<ClusterMeta>) {
        if self.generation == generation {
            self.read = Some((read_at, meta));
        }
    }
}

impl Kafka {
    /// The metadata as of at most `TOPIC_LIST_MAX_AGE_MS` ago. Only for views
    /// where a moment's delay is harmless (the topic list): anything that
    /// checks or changes a topic reads [`Kafka::metadata`].
    pub async fn recent_metadata(&self) -> Result<Arc<ClusterMeta>, ApiError> {
        let max_age = self.config.topic_list_max_age;
        let young = |last: &Last| {
            last.read
                .as_ref()
                .filter(|(read_at, _)| read_at.elapsed() < max_age)
                .map(|(read_at, meta)| (read_at.elapsed(), Arc::clone(meta)))
        };
        // (The lock is released at the end of this statement: `read_ahead` takes it.)
        let found = young(&Last::lock(&self.recent.last));
        if let Some((age, meta)) = found {
            if age >= max_age / 2 {
                self.read_ahead();
            }
            return Ok(meta);
        }
        let _reading = self.recent.reading.lock().await;
        // The read we waited for may have brought what we need.
        let generation = {
            let last = Last::lock(&self.recent.last);
            if let Some((_, meta)) = young(&last) {
                return Ok(meta);
            }
            last.generation
        };
        let read_at = Instant::now();
        let meta = Arc::new(self.metadata().await?);
        Last::lock(&self.recent.last).keep(generation, read_at, Arc::clone(&meta));
        Ok(meta)
    }

    /// Starts the next read in the background unless one is under way. A
    /// failed read is dropped: the next request past the max age reads again
    /// and reports the error.
    fn read_ahead(&self) {
        let Ok(reading) = Arc::clone(&self.recent.reading).try_lock_owned() else {
            return;
        };
        let (admin, last, timeout) = (
            Arc::clone(&self.admin),
            Arc::clone(&self.recent.last),
            self.timeout(),
        );
        let generation = Last::lock(&last).generation;
        tokio::spawn(async move {
            let read_at = Instant::now();
            if let Ok(Ok(meta)) = tokio::task::spawn_blocking(move || read_metadata(&admin, timeout)).await {
                Last::lock(&last).keep(generation, read_at, Arc::new(meta));
            }
            drop(reading);
        });
    }

    /// Called after this process creates or deletes topics or partitions.
    pub fn forget_recent_metadata(&self) {
        let mut last = Last::lock(&self.recent.last);
        last.read = None;
        last.generation += 1;
    }
}
