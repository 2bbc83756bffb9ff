//! The session store of a single BFF process: a map in memory that forgets.
//!
//! tower-sessions' own `MemoryStore` only hides expired records from `load`
//! and never deletes them, so every anonymous `/auth/login` (a bot, a health
//! check that follows redirects, a person who never comes back from the IdP)
//! would stay in memory for the life of the process. Here a sweep removes
//! expired records periodically, and the map gives its memory back when it
//! has shrunk. Records are kept as compact JSON bytes, one allocation each,
//! rather than as `serde_json::Value` trees: a fraction of the memory, and
//! far less for the allocator to fragment.
//!
//! Anonymous records (a pending login, no identity) are counted, so the login
//! route can refuse new ones past a cap (see [`MemoryStore::admits_anonymous`])
//! instead of letting a flood of logins grow the process without bound.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store;

struct Entry {
    /// `Record::data` as JSON.
    data: Box<[u8]>,
    expiry_date: OffsetDateTime,
    anonymous: bool,
}

#[derive(Default)]
struct Map {
    records: HashMap<Id, Entry>,
    anonymous: usize,
}

impl Map {
    fn put(&mut self, id: Id, entry: Entry) {
        self.anonymous += usize::from(entry.anonymous);
        if let Some(old) = self.records.insert(id, entry) {
            self.anonymous -= usize::from(old.anonymous);
        }
    }

    fn remove(&mut self, id: &Id) {
        if let Some(old) = self.records.remove(id) {
            self.anonymous -= usize::from(old.anonymous);
        }
    }

    fn sweep(&mut self, now: OffsetDateTime) {
        let mut gone_anonymous = 0;
        self.records.retain(|_, entry| {
            let keep = entry.expiry_date > now;
            gone_anonymous += usize::from(!keep && entry.anonymous);
            keep
        });
        self.anonymous -= gone_anonymous;
        // A map that held a flood keeps its table until told otherwise.
        if self.records.capacity() > 1024 && self.records.capacity() > 4 * self.records.len() {
            self.records.shrink_to_fit();
        }
    }
}

#[derive(Clone)]
pub struct MemoryStore {
    map: Arc<Mutex<Map>>,
    max_anonymous: usize,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("max_anonymous", &self.max_anonymous)
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// A store whose expired records are removed every `sweep_every`, by a
    /// task that ends when the last clone of the store is dropped.
    pub fn new(max_anonymous: usize, sweep_every: Duration) -> Self {
        let store = Self {
            map: Arc::default(),
            max_anonymous,
        };
        tokio::spawn(sweep(Arc::downgrade(&store.map), sweep_every));
        store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Map> {
        // Nothing panics while holding the lock; a poisoned map is still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether another anonymous record fits under the cap.
    pub fn admits_anonymous(&self) -> bool {
        self.lock().anonymous < self.max_anonymous
    }

    /// (all records, anonymous ones), expired but not yet swept included.
    pub fn counts(&self) -> (usize, usize) {
        let map = self.lock();
        (map.records.len(), map.anonymous)
    }

    pub fn create(&self, record: &mut Record, anonymous: bool) -> session_store::Result<()> {
        let entry = entry(record, anonymous)?;
        let mut map = self.lock();
        while map.records.contains_key(&record.id) {
            // Ids are 128 random bits; a collision is theory, but cheap to rule out.
            record.id = Id::default();
        }
        map.put(record.id, entry);
        Ok(())
    }

    pub fn save(&self, record: &Record, anonymous: bool) -> session_store::Result<()> {
        let entry = entry(record, anonymous)?;
        self.lock().put(record.id, entry);
        Ok(())
    }

    pub fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let map = self.lock();
        let Some(entry) = map.records.get(id) else {
            return Ok(None);
        };
        if entry.expiry_date <= OffsetDateTime::now_utc() {
            return Ok(None);
        }
        let data =
            serde_json::from_slice(&entry.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: entry.expiry_date,
        }))
    }

    pub fn delete(&self, id: &Id) {
        self.lock().remove(id);
    }
}

fn entry(record: &Record, anonymous: bool) -> session_store::Result<Entry> {
    let data = serde_json::to_vec(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok(Entry {
        data: data.into_boxed_slice(),
        expiry_date: record.expiry_date,
        anonymous,
    })
}

async fn sweep(map: Weak<Mutex<Map>>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(map) = map.upgrade() else { return };
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.sweep(OffsetDateTime::now_utc());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use time::OffsetDateTime;
    use tower_sessions::session::{Id, Record};

    use super::MemoryStore;

    fn record(expires_in: time::Duration) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::from([("k".to_owned(), serde_json::json!({"v": 1}))]),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn expired_records_are_swept_and_uncounted() {
        let store = MemoryStore::new(10, std::time::Duration::from_secs(1));
        let mut short = record(time::Duration::milliseconds(-1));
        let mut long = record(time::Duration::minutes(5));
        store.create(&mut short, true).unwrap();
        store.create(&mut long, false).unwrap();
        assert_eq!(store.counts(), (2, 1));
        assert!(
            store.load(&short.id).unwrap().is_none(),
            "expired is never loaded"
        );
        assert_eq!(store.load(&long.id).unwrap().unwrap(), long);

        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert_eq!(store.counts(), (1, 0), "the sweep removed the expired record");
    }

    #[tokio::test]
    async fn the_anonymous_cap_counts_replacements_once() {
        let store = MemoryStore::new(2, std::time::Duration::from_secs(60));
        let mut a = record(time::Duration::minutes(5));
        store.create(&mut a, true).unwrap();
        store.save(&a, true).unwrap();
        assert!(store.admits_anonymous());
        let mut b = record(time::Duration::minutes(5));
        store.create(&mut b, true).unwrap();
        assert!(!store.admits_anonymous());
        // Signing in turns an anonymous record into a counted-out one.
        store.save(&b, false).unwrap();
        assert!(store.admits_anonymous());
        store.delete(&a.id);
        assert_eq!(store.counts(), (1, 0));
    }
}
