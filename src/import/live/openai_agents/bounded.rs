//! A map that remembers at most a fixed number of entries, forgetting the oldest first.
//!
//! The keyed part ([`Index`]: key → slot, insertion order) is not generic, so the mapper's
//! three maps share one copy of the hash map code in the wasm build; values live in a slab.

use std::collections::{HashMap, VecDeque};

/// Keys to slots, in insertion order, at most `cap`.
struct Index {
    slots: HashMap<String, (u64, u32)>,
    /// Keys in insertion order, with the insertion they name (stale ones are skipped).
    order: VecDeque<(u64, String)>,
    free: Vec<u32>,
    next_slot: u32,
    next: u64,
    cap: usize,
}

impl Index {
    /// The slot for `key` (a new one, or its old one), and the slots forgotten to make room.
    fn insert(&mut self, key: String, forgotten: &mut Vec<u32>) -> u32 {
        let seq = self.next;
        self.next += 1;
        let slot = match self.slots.get(&key) {
            Some(&(_, slot)) => slot,
            None => self.free.pop().unwrap_or_else(|| {
                self.next_slot += 1;
                self.next_slot - 1
            }),
        };
        self.slots.insert(key.clone(), (seq, slot));
        self.order.push_back((seq, key));
        while self.slots.len() > self.cap {
            let Some((seq, key)) = self.order.pop_front() else {
                break;
            };
            if self.slots.get(&key).is_some_and(|(s, _)| *s == seq) {
                forgotten.extend(self.remove(&key));
            }
        }
        if self.order.len() > 2 * self.slots.len() + 64 {
            let slots = &self.slots;
            self.order
                .retain(|(seq, key)| slots.get(key).is_some_and(|(s, _)| s == seq));
        }
        slot
    }

    fn get(&self, key: &str) -> Option<u32> {
        self.slots.get(key).map(|(_, slot)| *slot)
    }

    fn remove(&mut self, key: &str) -> Option<u32> {
        let (_, slot) = self.slots.remove(key)?;
        self.free.push(slot);
        Some(slot)
    }
}

/// Entries by key, at most `cap`; inserting past it forgets the oldest entry.
pub(super) struct Bounded<V> {
    index: Index,
    values: Vec<Option<V>>,
}

impl<V> Bounded<V> {
    /// An empty map of at most `cap` entries.
    pub(super) fn new(cap: usize) -> Self {
        let index = Index {
            slots: HashMap::new(),
            order: VecDeque::new(),
            free: Vec::new(),
            next_slot: 0,
            next: 0,
            cap: cap.max(1),
        };
        Self {
            index,
            values: Vec::new(),
        }
    }

    /// Inserts (or replaces) `key`; returns how many entries were forgotten to make room.
    pub(super) fn insert(&mut self, key: String, value: V) -> u64 {
        let mut forgotten = Vec::new();
        let slot = self.index.insert(key, &mut forgotten) as usize;
        for s in &forgotten {
            self.values[*s as usize] = None;
        }
        if slot >= self.values.len() {
            self.values.resize_with(slot + 1, || None);
        }
        self.values[slot] = Some(value);
        forgotten.len() as u64
    }

    pub(super) fn get(&self, key: &str) -> Option<&V> {
        self.values[self.index.get(key)? as usize].as_ref()
    }

    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.values[self.index.get(key)? as usize].as_mut()
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<V> {
        self.values[self.index.remove(key)? as usize].take()
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.index.slots.len()
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
        assert!(m.get("k0").is_none() && m.get("k3") == Some(&3));
        assert_eq!(m.insert("k3".into(), 30), 0, "replacing is not growing");
        assert_eq!((m.get("k3"), m.len()), (Some(&30), 3));
        for i in 0..1000 {
            m.insert(format!("x{i}"), i);
            assert_eq!(m.remove(&format!("x{i}")), Some(i));
        }
        assert_eq!(m.len(), 2, "one forgotten for the first, then each removed");
        assert!(m.index.order.len() <= 2 * 3 + 65, "{}", m.index.order.len());
        assert!(m.values.len() <= 4, "slots are reused: {}", m.values.len());
    }
}
