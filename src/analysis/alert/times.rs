//! The event times of the streaming buffer, for time-window conditions: the newest time,
//! and the first buffered event at or after a given time, each in O(log n) however the
//! times are ordered (they may go back, repeat or be missing).

use std::collections::VecDeque;

use crate::model::Event;

/// A max segment tree over a ring of slots, one per buffered event: event number `seq`
/// lives in slot `seq % cap`. A slot holds the event's time (`None` without one, or when
/// empty); `None` is below every time.
#[derive(Clone, Debug, Default)]
pub(crate) struct Times {
    /// `tree[cap + slot]` is a slot; `tree[i]` the max of `tree[2i]` and `tree[2i + 1]`.
    tree: Vec<Option<i64>>,
}

impl Times {
    fn cap(&self) -> usize {
        self.tree.len() / 2
    }

    /// Times of `buffer`, whose first event is number `base`.
    pub(crate) fn build(buffer: &VecDeque<Event>, base: u64) -> Self {
        let cap = buffer.len().next_power_of_two().max(16);
        let mut times = Self {
            tree: vec![None; 2 * cap],
        };
        for (k, e) in buffer.iter().enumerate() {
            times.set(base + k as u64, e.time().map(|t| t.0));
        }
        times
    }

    /// Whether `len` events fit.
    pub(crate) fn fits(&self, len: usize) -> bool {
        len <= self.cap()
    }

    /// Sets event `seq`'s slot (`None`: forgotten, or no time).
    pub(crate) fn set(&mut self, seq: u64, time: Option<i64>) {
        let cap = self.cap();
        let mut i = cap + (seq % cap as u64) as usize;
        self.tree[i] = time;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].max(self.tree[2 * i + 1]);
        }
    }

    /// The newest time buffered.
    pub(crate) fn newest(&self) -> Option<i64> {
        self.tree.get(1).copied().flatten()
    }

    /// The number of the first event in `base..end` (the buffer) whose time is at or
    /// after `from`; `end` when none is.
    pub(crate) fn first_from(&self, from: i64, base: u64, end: u64) -> u64 {
        let cap = self.cap() as u64;
        if end <= base || cap == 0 {
            return end;
        }
        let lo = base % cap;
        let hi = lo + (end - base);
        let found = if hi <= cap {
            self.first(1, 0, cap, lo, hi, from).map(|s| s - lo)
        } else {
            self.first(1, 0, cap, lo, cap, from)
                .map(|s| s - lo)
                .or_else(|| {
                    self.first(1, 0, cap, 0, hi - cap, from)
                        .map(|s| s + cap - lo)
                })
        };
        found.map_or(end, |offset| base + offset)
    }

    /// The first slot in `lo..hi` holding a time at or after `from`, searching node `node`
    /// that covers `node_lo..node_hi`.
    fn first(
        &self,
        node: usize,
        node_lo: u64,
        node_hi: u64,
        lo: u64,
        hi: u64,
        from: i64,
    ) -> Option<u64> {
        if hi <= node_lo || node_hi <= lo || self.tree[node].is_none_or(|t| t < from) {
            return None;
        }
        if node_hi - node_lo == 1 {
            return Some(node_lo);
        }
        let mid = (node_lo + node_hi) / 2;
        self.first(2 * node, node_lo, mid, lo, hi, from)
            .or_else(|| self.first(2 * node + 1, mid, node_hi, lo, hi, from))
    }
}
