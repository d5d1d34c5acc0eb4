//! The batcher's deadlines, quinn-proto style: one slot per kind, next deadline = min.
//!
//! The table only stores instants; it never reads a clock. The batcher decides what an
//! expired slot means.

use crate::time::Millis;

/// The kinds of deadline the batcher keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    /// The oldest buffered record has waited `flush_interval`.
    Flush = 0,
    /// The backoff before retrying the batch at the front of the queue ends.
    Retry = 1,
    /// The in-flight request has had no answer for `request_timeout + 1 s`.
    Response = 2,
    /// The shutdown deadline.
    Shutdown = 3,
}

/// At most one pending instant per [`Timer`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TimerTable {
    slots: [Option<Millis>; 4],
}

impl TimerTable {
    pub(crate) fn set(&mut self, timer: Timer, at: Millis) {
        self.slots[timer as usize] = Some(at);
    }

    pub(crate) fn set_opt(&mut self, timer: Timer, at: Option<Millis>) {
        self.slots[timer as usize] = at;
    }

    pub(crate) fn clear(&mut self, timer: Timer) {
        self.slots[timer as usize] = None;
    }

    pub(crate) fn get(&self, timer: Timer) -> Option<Millis> {
        self.slots[timer as usize]
    }

    /// Whether `timer` is set and due at `now`.
    pub(crate) fn is_expired(&self, timer: Timer, now: Millis) -> bool {
        self.get(timer).is_some_and(|at| at <= now)
    }

    /// The earliest pending instant, if any.
    pub(crate) fn next(&self) -> Option<Millis> {
        self.slots.iter().flatten().min().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_deadline_is_the_minimum_of_the_set_slots() {
        let mut t = TimerTable::default();
        assert_eq!(t.next(), None);
        t.set(Timer::Shutdown, Millis(50));
        t.set(Timer::Retry, Millis(20));
        t.set_opt(Timer::Flush, Some(Millis(30)));
        assert_eq!(t.next(), Some(Millis(20)));
        t.clear(Timer::Retry);
        assert_eq!(t.next(), Some(Millis(30)));
        assert!(t.is_expired(Timer::Flush, Millis(30)));
        assert!(!t.is_expired(Timer::Flush, Millis(29)));
        assert!(!t.is_expired(Timer::Response, Millis(1000)));
        assert_eq!(t.get(Timer::Shutdown), Some(Millis(50)));
    }
}
