//! Accounting: why records were dropped and where every tracked record is now.

use std::fmt;

/// Why records left the batcher without being delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DropReason {
    /// The buffer was over `max_buffer_events` or `max_buffer_bytes`; the oldest
    /// non-critical records went first.
    BufferFull,
    /// A batch failed `1 + max_retries` times in a row.
    RetriesExhausted,
    /// The collector refused the batch with a final status (400, 401, 403, 404, ...).
    Rejected,
    /// One record cannot fit in a request, or the collector answered 413 to a batch of one.
    TooLarge,
    /// Still pending when the shutdown deadline passed, or pushed after shutdown.
    ShutdownTimeout,
    /// More than `max_held_events` were held for `only_on_error`; the oldest run went.
    HoldFull,
    /// Input the host could not decode (see [`Batcher::note_invalid`](super::Batcher::note_invalid)).
    Invalid,
}

impl DropReason {
    /// Every reason, in declaration order.
    pub const ALL: [Self; 7] = [
        Self::BufferFull,
        Self::RetriesExhausted,
        Self::Rejected,
        Self::TooLarge,
        Self::ShutdownTimeout,
        Self::HoldFull,
        Self::Invalid,
    ];

    /// The snake_case name used in logs, stats and at the JS boundary.
    ///
    /// ```
    /// use agentlens::batch::DropReason;
    /// assert_eq!(DropReason::RetriesExhausted.as_str(), "retries_exhausted");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BufferFull => "buffer_full",
            Self::RetriesExhausted => "retries_exhausted",
            Self::Rejected => "rejected",
            Self::TooLarge => "too_large",
            Self::ShutdownTimeout => "shutdown_timeout",
            Self::HoldFull => "hold_full",
            Self::Invalid => "invalid",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl serde::Serialize for DropReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Dropped records, counted per reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DropCounts {
    /// See [`DropReason::BufferFull`].
    pub buffer_full: u64,
    /// See [`DropReason::RetriesExhausted`].
    pub retries_exhausted: u64,
    /// See [`DropReason::Rejected`].
    pub rejected: u64,
    /// See [`DropReason::TooLarge`].
    pub too_large: u64,
    /// See [`DropReason::ShutdownTimeout`].
    pub shutdown_timeout: u64,
    /// See [`DropReason::HoldFull`].
    pub hold_full: u64,
    /// See [`DropReason::Invalid`].
    pub invalid: u64,
}

impl DropCounts {
    /// All dropped records.
    pub fn total(&self) -> u64 {
        DropReason::ALL.iter().map(|&r| self.get(r)).sum()
    }

    /// The count for one reason.
    pub fn get(&self, reason: DropReason) -> u64 {
        match reason {
            DropReason::BufferFull => self.buffer_full,
            DropReason::RetriesExhausted => self.retries_exhausted,
            DropReason::Rejected => self.rejected,
            DropReason::TooLarge => self.too_large,
            DropReason::ShutdownTimeout => self.shutdown_timeout,
            DropReason::HoldFull => self.hold_full,
            DropReason::Invalid => self.invalid,
        }
    }

    pub(crate) fn add(&mut self, reason: DropReason, count: u64) {
        let slot = match reason {
            DropReason::BufferFull => &mut self.buffer_full,
            DropReason::RetriesExhausted => &mut self.retries_exhausted,
            DropReason::Rejected => &mut self.rejected,
            DropReason::TooLarge => &mut self.too_large,
            DropReason::ShutdownTimeout => &mut self.shutdown_timeout,
            DropReason::HoldFull => &mut self.hold_full,
            DropReason::Invalid => &mut self.invalid,
        };
        *slot = slot.saturating_add(count);
    }
}

/// Where every record the batcher was given is now.
///
/// At every step `tracked == delivered + dropped.total() + sampled_out + pending`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Records given to the batcher (pushed, or reported invalid).
    pub tracked: u64,
    /// Records in requests the collector acknowledged with a 2xx.
    pub delivered: u64,
    /// Records left out by sampling or by `only_on_error` (not failures).
    pub sampled_out: u64,
    /// Records queued, in flight or held.
    pub pending: u64,
    /// Records dropped, per reason.
    pub dropped: DropCounts,
    /// Requests handed to the host, retries included.
    pub requests: u64,
    /// Retries scheduled after a failed attempt.
    pub retries: u64,
    /// Records a destination refused in a partial success (OTLP `rejected_spans`),
    /// also counted in `dropped.rejected`.
    pub partial_rejected: u64,
    /// Body bytes of the pending records.
    pub buffered_bytes: u64,
    /// The last request that failed, if any has: what went wrong, and whether its
    /// records were given up. Kept after later successes, as a record of the last trouble.
    pub last_error: Option<super::Failure>,
}

impl Stats {
    /// Whether `tracked == delivered + dropped.total() + sampled_out + pending`.
    ///
    /// ```
    /// use agentlens::batch::Stats;
    /// assert!(Stats::default().identity_holds());
    /// ```
    pub fn identity_holds(&self) -> bool {
        let accounted = self
            .delivered
            .checked_add(self.dropped.total())
            .and_then(|n| n.checked_add(self.sampled_out))
            .and_then(|n| n.checked_add(self.pending));
        accounted == Some(self.tracked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_distinct() {
        let names: Vec<_> = DropReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            [
                "buffer_full",
                "retries_exhausted",
                "rejected",
                "too_large",
                "shutdown_timeout",
                "hold_full",
                "invalid"
            ]
        );
        for (i, r) in DropReason::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
        }
    }

    #[test]
    fn counts_add_up_per_reason() {
        let mut d = DropCounts::default();
        for (i, r) in DropReason::ALL.into_iter().enumerate() {
            d.add(r, i as u64 + 1);
        }
        assert_eq!(d.total(), 28);
        assert_eq!(d.get(DropReason::Invalid), 7);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["hold_full"], 6);
    }

    #[test]
    fn identity_detects_a_lost_record() {
        let s = Stats {
            tracked: 3,
            delivered: 1,
            sampled_out: 1,
            ..Stats::default()
        };
        assert!(!s.identity_holds());
        let s = Stats { pending: 1, ..s };
        assert!(s.identity_holds());
    }
}
