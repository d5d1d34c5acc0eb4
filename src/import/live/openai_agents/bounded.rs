//! A map that remembers at most a fixed number of entries, forgetting the oldest first.

use std::collections::{HashMap, VecDeque};

/// Entries by key, at most `cap`; inserting past it forgets the oldest entry.
pub(super) struct Bounded<V> {
    map: HashMap<String, (u64, V)>,
    /// Keys in insertion order, with the insertion they name (stale ones are skipped).
    order: VecDeque<(u64, String)>,
    next: u64,
    cap: usize,
}

impl<V> Bounded<V> {
    /// An empty map of at most `cap` entries.
    pub(super) fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
            cap: cap.max(1),
        }
    }

    /// Inserts (or replaces) `key`; returns how many entries were forgotten to make room.
    pub(super) fn insert(&mut self, key: String, value: V) -> u64 {
        let seq = self.next;
        self.next += 1;
        self.map.insert(key.clone(), (seq, value));
        self.order.push_back((seq, key));
        let mut forgotten = 0;
        while self.map.len() > self.cap {
            let Some((seq, key)) = self.order.pop_front() else {
                break;
            };
            if self.map.get(&key).is_some_and(|(s, _)| *s == seq) {
                self.map.remove(&key);
                forgotten += 1;
            }
        }
        if self.order.len() > 2 * self.map.len() + 64 {
            let map = &self.map;
            self.order
                .retain(|(seq, key)| map.get(key).is_some_and(|(s, _)| s == seq));
        }
        forgotten
    }

    pub(super) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key).map(|(_, v)| v)
    }

    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key).map(|(_, v)| v)
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<V> {
        self.map.remove(key).map(|(_, v)| v)
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_past_its_cap_and_keeps_its_order_list_small() {
        let mut m = Bounded::new(3);
        for i in 0..3 {
            assert_eq!(m.insert(format!("k{i}"), i), 0);
        }
        assert_eq!(m.insert("k3".into(), 3), 1);
        assert!(m.get("k0").is_none() && m.get("k3").is_some());
        for i in 0..1000 {
            m.insert(format!("x{i}"), i);
            m.remove(&format!("x{i}"));
        }
        assert_eq!(m.len(), 2, "one forgotten for the first, then each removed");
        assert!(m.order.len() <= 2 * 3 + 65, "{}", m.order.len());
    }
}
