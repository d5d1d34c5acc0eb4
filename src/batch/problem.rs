//! Delivery problems: why a request failed, in words a host can put in one warning.
//!
//! The batcher reports every failed request as a [`Notice::Failed`](super::Notice::Failed)
//! carrying a [`Problem`], and keeps the last one in [`Stats::last_error`](super::Stats).
//! It also decides which failures deserve a warning, so that every host warns alike: the
//! first failure of each kind that says something is wrong with the destination (it
//! cannot be reached, does not answer, refuses the key, the path or the events), and the
//! first time a retryable kind (rate limiting, server errors) or a 413 makes the batcher
//! give up. A rate limit or a 503 that a retry gets through, or a 413 that splitting the
//! batch gets through, is not worth a warning.

use super::{DropReason, Outcome};

/// Why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The connection failed before a status arrived (refused, DNS, reset, TLS).
    Network,
    /// No answer in time (the host's timeout, the batcher's own, or a 408).
    Timeout,
    /// 401 or 403: the destination refused the credentials.
    Unauthorized,
    /// 404 or 405: nothing receives events at that URL.
    NotFound,
    /// 413: too large, even split down to one event.
    TooLarge,
    /// 429: the destination asked us to slow down.
    RateLimited,
    /// 5xx: the destination failed.
    Server,
    /// Any other final status (400, 422, 3xx, ...): the destination refused the events.
    Rejected,
}

impl Problem {
    const ALL: [Self; 8] = [
        Self::Network,
        Self::Timeout,
        Self::Unauthorized,
        Self::NotFound,
        Self::TooLarge,
        Self::RateLimited,
        Self::Server,
        Self::Rejected,
    ];

    /// The failure an outcome is, or `None` for a 2xx.
    pub fn of(outcome: Outcome) -> Option<Self> {
        Some(match outcome {
            Outcome::Network => Self::Network,
            Outcome::Timeout => Self::Timeout,
            Outcome::Status { code, .. } => match code {
                200..=299 => return None,
                401 | 403 => Self::Unauthorized,
                404 | 405 => Self::NotFound,
                408 => Self::Timeout,
                413 => Self::TooLarge,
                429 => Self::RateLimited,
                500..=599 => Self::Server,
                _ => Self::Rejected,
            },
        })
    }

    /// The snake_case name used in stats and at the JS boundary.
    ///
    /// ```
    /// use agentlens::batch::Problem;
    /// assert_eq!(Problem::RateLimited.as_str(), "rate_limited");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::TooLarge => "too_large",
            Self::RateLimited => "rate_limited",
            Self::Server => "server_error",
            Self::Rejected => "rejected",
        }
    }

    /// Whether one failure of this kind already means the destination is misconfigured
    /// or unreachable (warn at once), rather than busy or handled (warn only on giving
    /// up): a 413 is answered by splitting the batch, and only a single event refused
    /// as too large is a problem.
    const fn alarming(self) -> bool {
        !matches!(self, Self::RateLimited | Self::Server | Self::TooLarge)
    }

    fn bit(self) -> u16 {
        let i = Self::ALL.iter().position(|&p| p == self).unwrap_or(0);
        1 << i
    }
}

impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The last failed request, as [`Stats::last_error`](super::Stats) reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// What went wrong.
    pub problem: Problem,
    /// The HTTP status, when one arrived.
    pub status: Option<u16>,
    /// Why its records were dropped, if they were (`rejected`, `too_large`,
    /// `retries_exhausted`, `shutdown_timeout`); `None` while they wait for a retry.
    pub gave_up: Option<DropReason>,
    /// Requests that have failed so far, all kinds.
    pub count: u64,
}

/// Which kinds of failure have been warned about.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Warned(u16);

impl Warned {
    /// Whether this failure is the first of its kind worth a warning; marks it warned.
    pub(crate) fn first(&mut self, problem: Problem, gave_up: Option<DropReason>) -> bool {
        let worth = problem.alarming() || gave_up.is_some();
        if !worth || self.0 & problem.bit() != 0 {
            return false;
        }
        self.0 |= problem.bit();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Millis;

    fn status(code: u16) -> Option<Problem> {
        Problem::of(Outcome::Status {
            code,
            retry_after: None,
        })
    }

    #[test]
    fn statuses_map_to_problems() {
        assert_eq!(status(204), None);
        assert_eq!(status(401), Some(Problem::Unauthorized));
        assert_eq!(status(403), Some(Problem::Unauthorized));
        assert_eq!(status(404), Some(Problem::NotFound));
        assert_eq!(status(408), Some(Problem::Timeout));
        assert_eq!(status(413), Some(Problem::TooLarge));
        assert_eq!(status(429), Some(Problem::RateLimited));
        assert_eq!(status(503), Some(Problem::Server));
        assert_eq!(status(400), Some(Problem::Rejected));
        assert_eq!(status(302), Some(Problem::Rejected));
        assert_eq!(Problem::of(Outcome::Network), Some(Problem::Network));
        let _ = Millis::ZERO;
    }

    #[test]
    fn alarming_kinds_warn_at_once_busy_kinds_only_on_giving_up_and_each_once() {
        let mut w = Warned::default();
        assert!(w.first(Problem::Network, None));
        assert!(!w.first(Problem::Network, None));
        assert!(!w.first(Problem::Network, Some(DropReason::RetriesExhausted)));
        assert!(!w.first(Problem::Server, None));
        assert!(!w.first(Problem::RateLimited, None));
        assert!(w.first(Problem::Server, Some(DropReason::RetriesExhausted)));
        assert!(!w.first(Problem::Server, Some(DropReason::RetriesExhausted)));
        assert!(w.first(Problem::Unauthorized, Some(DropReason::Rejected)));
        assert!(
            !w.first(Problem::TooLarge, None),
            "a 413 the split gets through"
        );
        assert!(w.first(Problem::TooLarge, Some(DropReason::TooLarge)));
    }
}
