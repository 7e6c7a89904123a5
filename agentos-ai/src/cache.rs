//! A small LRU cache with a time-to-live for generated Blueprints, keyed by the normalised
//! request and the generator configuration.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use crate::event::GenerationEvent;

/// What a cached generation returns.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    /// The answer's events as first streamed: its `Token`s and `Component`s, the closing
    /// `Thought` and `Complete` with the validated Blueprint.
    pub(crate) events: Arc<[GenerationEvent]>,
    /// Where it came from, for the thought on a hit.
    pub(crate) origin: Arc<str>,
}

#[derive(Debug)]
struct Entry {
    value: Cached,
    inserted: Instant,
    last_used: u64,
}

/// Least-recently-used eviction above `capacity`; entries as old as `ttl` are misses.
#[derive(Debug)]
pub(crate) struct Cache {
    entries: HashMap<String, Entry>,
    capacity: usize,
    ttl: Duration,
    clock: u64,
}

impl Cache {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Cache {
        Cache {
            entries: HashMap::new(),
            capacity,
            ttl,
            clock: 0,
        }
    }

    pub(crate) fn get(&mut self, key: &str) -> Option<Cached> {
        self.clock += 1;
        let entry = self.entries.get_mut(key)?;
        if entry.inserted.elapsed() >= self.ttl {
            self.entries.remove(key);
            return None;
        }
        entry.last_used = self.clock;
        Some(entry.value.clone())
    }

    pub(crate) fn insert(&mut self, key: String, value: Cached) {
        if self.capacity == 0 {
            return;
        }
        self.clock += 1;
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.last_used)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(
            key,
            Entry {
                value,
                inserted: Instant::now(),
                last_used: self.clock,
            },
        );
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(origin: &str) -> Cached {
        Cached {
            events: Arc::from([GenerationEvent::Token("{}".to_owned())]),
            origin: Arc::from(origin),
        }
    }

    #[test]
    fn evicts_the_least_recently_used() {
        let mut cache = Cache::new(2, Duration::from_secs(60));
        cache.insert("a".into(), value("a"));
        cache.insert("b".into(), value("b"));
        assert!(cache.get("a").is_some());
        cache.insert("c".into(), value("c"));
        assert!(cache.get("b").is_none(), "b was least recently used");
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn expired_entries_are_misses_and_zero_capacity_stores_nothing() {
        let mut cache = Cache::new(4, Duration::ZERO);
        cache.insert("a".into(), value("a"));
        assert!(cache.get("a").is_none());
        let mut none = Cache::new(0, Duration::from_secs(1));
        none.insert("a".into(), value("a"));
        assert_eq!(none.len(), 0);
    }
}
