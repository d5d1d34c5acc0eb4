//! The bounded buffer of records waiting to be sent.
//!
//! A FIFO of encoded records with event and byte counts kept up to date, so no operation
//! re-scans it. Each record gets a sequence number when queued; numbers only grow, so the
//! deque stays sorted by them even when a failed batch is put back at the front.
//!
//! Dropping the oldest *non-critical* record must not rescan the critical records
//! (`RunEnd`, `SessionEnd`) that pile up at the front during an outage: a low-water mark
//! (`drop_from`) remembers that every live non-critical record has a sequence number at
//! or above it, and a dropped record becomes a tombstone until it reaches the front or a
//! compaction (once tombstones outnumber live records) sweeps it. Both keep a drop
//! amortised O(log n) (a binary search for the mark) rather than O(n).

use std::collections::VecDeque;

use crate::time::Millis;

/// One queued record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) seq: u64,
    /// When it entered the queue (for the flush interval).
    pub(crate) arrived: Millis,
    pub(crate) body: Box<[u8]>,
    /// `RunEnd` or `SessionEnd`: never dropped for space.
    pub(crate) critical: bool,
}

#[derive(Debug)]
struct Slot {
    entry: Entry,
    alive: bool,
}

/// FIFO of [`Entry`] with O(1) counts.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    slots: VecDeque<Slot>,
    events: usize,
    bytes: usize,
    critical: usize,
    dead: usize,
    /// Every live non-critical entry has `seq >= drop_from`.
    drop_from: u64,
    next_seq: u64,
}

impl Queue {
    /// Live records.
    pub(crate) fn events(&self) -> usize {
        self.events
    }

    /// Body bytes of the live records.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Live critical records.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn critical(&self) -> usize {
        self.critical
    }

    /// The sequence number the next pushed record will get.
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The oldest live record. The front slot is always live.
    pub(crate) fn front(&self) -> Option<&Entry> {
        self.slots.front().map(|s| &s.entry)
    }

    /// Appends a record and returns its sequence number.
    pub(crate) fn push_back(&mut self, arrived: Millis, body: Box<[u8]>, critical: bool) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.count_in(body.len(), critical);
        self.slots.push_back(Slot {
            entry: Entry {
                seq,
                arrived,
                body,
                critical,
            },
            alive: true,
        });
        seq
    }

    /// Removes and returns the oldest live record.
    pub(crate) fn pop_front(&mut self) -> Option<Entry> {
        let slot = self.slots.pop_front()?;
        debug_assert!(slot.alive);
        self.count_out(slot.entry.body.len(), slot.entry.critical);
        self.pop_dead_front();
        Some(slot.entry)
    }

    /// Puts back a batch taken from the front, keeping its order, ahead of everything.
    pub(crate) fn push_front_batch(&mut self, entries: Vec<Entry>) {
        debug_assert!(
            entries
                .last()
                .zip(self.front())
                .is_none_or(|(last, front)| last.seq < front.seq)
        );
        if let Some(first) = entries.iter().find(|e| !e.critical) {
            self.drop_from = self.drop_from.min(first.seq);
        }
        for entry in entries.into_iter().rev() {
            self.count_in(entry.body.len(), entry.critical);
            self.slots.push_front(Slot { entry, alive: true });
        }
    }

    /// Drops the oldest live non-critical record. Returns its body size, or `None` if
    /// every live record is critical.
    pub(crate) fn drop_oldest_noncritical(&mut self) -> Option<usize> {
        if self.events == self.critical {
            return None;
        }
        let start = self.slots.partition_point(|s| s.entry.seq < self.drop_from);
        let offset = self
            .slots
            .range(start..)
            .position(|s| s.alive && !s.entry.critical)?;
        let at = start + offset;
        let slot = &mut self.slots[at];
        slot.alive = false;
        let len = slot.entry.body.len();
        slot.entry.body = Box::default();
        self.drop_from = slot.entry.seq + 1;
        self.count_out(len, false);
        self.dead += 1;
        self.pop_dead_front();
        if self.dead > 64 && self.dead > self.events {
            self.slots.retain(|s| s.alive);
            self.dead = 0;
        }
        Some(len)
    }

    /// Removes everything. Returns how many live records there were.
    pub(crate) fn clear(&mut self) -> usize {
        let n = self.events;
        *self = Self {
            next_seq: self.next_seq,
            drop_from: self.next_seq,
            ..Self::default()
        };
        n
    }

    fn pop_dead_front(&mut self) {
        while self.slots.front().is_some_and(|s| !s.alive) {
            self.slots.pop_front();
            self.dead -= 1;
        }
    }

    fn count_in(&mut self, len: usize, critical: bool) {
        self.events += 1;
        self.bytes += len;
        self.critical += usize::from(critical);
    }

    fn count_out(&mut self, len: usize, critical: bool) {
        self.events -= 1;
        self.bytes -= len;
        self.critical -= usize::from(critical);
    }

    /// Live records in order, for tests.
    #[cfg(test)]
    fn live(&self) -> Vec<u64> {
        self.slots
            .iter()
            .filter(|s| s.alive)
            .map(|s| s.entry.seq)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Box<[u8]> {
        vec![b'x'; n].into()
    }

    #[test]
    fn counts_follow_pushes_and_pops() {
        let mut q = Queue::default();
        assert_eq!(q.push_back(Millis(1), body(3), false), 0);
        assert_eq!(q.push_back(Millis(2), body(4), true), 1);
        assert_eq!((q.events(), q.bytes(), q.critical()), (2, 7, 1));
        assert_eq!(q.front().unwrap().arrived, Millis(1));
        let e = q.pop_front().unwrap();
        assert_eq!((e.seq, e.body.len()), (0, 3));
        assert_eq!((q.events(), q.bytes(), q.critical()), (1, 4, 1));
        assert_eq!(q.clear(), 1);
        assert_eq!((q.events(), q.bytes(), q.front()), (0, 0, None));
        assert_eq!(q.push_back(Millis(3), body(1), false), 2);
    }

    #[test]
    fn drops_skip_critical_records_and_keep_order() {
        let mut q = Queue::default();
        for i in 0..6 {
            let _ = q.push_back(Millis(0), body(1), i % 3 == 0);
        }
        // live: 0c 1 2 3c 4 5
        assert_eq!(q.drop_oldest_noncritical(), Some(1));
        assert_eq!(q.drop_oldest_noncritical(), Some(1));
        assert_eq!(q.live(), [0, 3, 4, 5]);
        assert_eq!(q.drop_oldest_noncritical(), Some(1));
        assert_eq!(q.drop_oldest_noncritical(), Some(1));
        assert_eq!(q.drop_oldest_noncritical(), None);
        assert_eq!(q.live(), [0, 3]);
        assert_eq!((q.events(), q.critical()), (2, 2));
    }

    #[test]
    fn a_put_back_batch_is_droppable_again_and_stays_in_front() {
        let mut q = Queue::default();
        for _ in 0..4 {
            let _ = q.push_back(Millis(0), body(2), false);
        }
        let batch = vec![q.pop_front().unwrap(), q.pop_front().unwrap()];
        assert_eq!(q.drop_oldest_noncritical(), Some(2)); // seq 2
        q.push_front_batch(batch);
        assert_eq!(q.live(), [0, 1, 3]);
        assert_eq!(q.drop_oldest_noncritical(), Some(2));
        assert_eq!(q.live(), [1, 3]);
        assert_eq!(q.front().unwrap().seq, 1);
    }

    #[test]
    fn tombstones_behind_a_critical_front_are_compacted() {
        let mut q = Queue::default();
        let _ = q.push_back(Millis(0), body(1), true);
        for _ in 0..10_000 {
            let _ = q.push_back(Millis(0), body(1), false);
            assert_eq!(q.drop_oldest_noncritical(), Some(1));
        }
        assert_eq!(q.events(), 1);
        assert!(q.slots.len() <= 66, "{} slots", q.slots.len());
        assert_eq!(q.pop_front().unwrap().seq, 0);
        assert_eq!(q.front(), None);
    }
}
