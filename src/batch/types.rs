//! What goes into the batcher and what comes out: records, outcomes, requests, notices
//! and outputs.

use super::{DropReason, Failure};
use crate::time::Millis;

/// Where a flush began; see [`super::Batcher::flush`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlushMark(pub u64);

/// How a record affects batching and what may be dropped for space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// An ordinary event.
    Normal,
    /// An error event: under `only_on_error` it marks its run as failed.
    Error,
    /// The end of a run. Never dropped for space; under `only_on_error` it releases or
    /// discards the run's held records.
    RunEnd {
        /// The run failed.
        error: bool,
    },
    /// The end of a session. Never dropped for space, and it triggers a flush.
    SessionEnd,
}

impl Class {
    pub(super) const fn is_critical(self) -> bool {
        matches!(self, Self::RunEnd { .. } | Self::SessionEnd)
    }
}

/// One already-redacted, already-encoded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The encoded event (for [`super::Framing::AGENTLENS`], one JSON object).
    pub body: Box<[u8]>,
    /// Its session id, `""` if none. The sampling key.
    pub session: Box<str>,
    /// Its run id, if it belongs to a run. The sampling key without a session, and the
    /// hold key for `only_on_error`.
    pub run: Option<Box<str>>,
    /// Its class.
    pub class: Class,
    /// A host sampler's decision for this event's session or run; `None` applies
    /// [`super::Config::sample_rate`].
    pub sampled: Option<bool>,
}

/// The result of a request, as the host saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP status arrived.
    Status {
        /// The status code.
        code: u16,
        /// The `Retry-After` header as a delay (see [`super::parse_retry_after`]).
        retry_after: Option<Millis>,
    },
    /// The host gave up waiting.
    Timeout,
    /// The connection failed before a status arrived.
    Network,
}

/// A request for the host to perform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Report the result with [`super::Batcher::handle_response`] and this id.
    pub id: u64,
    /// The body, framing included.
    pub body: Vec<u8>,
    /// Records in the body.
    pub events: usize,
    /// How long the host should wait for an answer.
    pub timeout: Millis,
}

/// Something for the host to count or log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Records were dropped. Counts are coalesced: one notice per reason per burst of
    /// outputs, so a host can log one warning per burst.
    Dropped {
        /// Why.
        reason: DropReason,
        /// How many.
        count: u64,
    },
    /// A request was acknowledged.
    Delivered {
        /// Records in it.
        events: u64,
    },
    /// A request failed and its batch will be retried after `delay`.
    Retrying {
        /// The failed request's id.
        request: u64,
        /// Which retry this will be: 1 for the first.
        attempt: u32,
        /// The wait before it.
        delay: Millis,
    },
    /// A request failed. `warn` is set on the first failure of each kind worth a
    /// warning (see [`super::Problem`]): hosts that log it get one line per cause.
    Failed {
        /// The failed request's id.
        request: u64,
        /// What went wrong and what became of the request's records.
        failure: Failure,
        /// Whether the host should warn about it.
        warn: bool,
    },
    /// A request was acknowledged with a partial success: `rejected` of its records were
    /// refused (dropped `rejected`), the rest delivered. `warn` is set the first time the
    /// destination explained why (the pipeline keeps the explanation).
    PartialSuccess {
        /// The request's id.
        request: u64,
        /// Records refused.
        rejected: u64,
        /// Whether the host should warn about it.
        warn: bool,
    },
    /// Shutdown finished: nothing is pending any more. Totals are over the batcher's life.
    ShutdownComplete {
        /// Records delivered.
        delivered: u64,
        /// Records dropped, all reasons.
        dropped: u64,
    },
}

/// What the host should do next.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send this request and report its result with [`super::Batcher::handle_response`].
    Send(Request),
    /// Count or log this.
    Event(Notice),
    /// Nothing to do until `Some(deadline)` (call [`super::Batcher::handle_timeout`] then), or
    /// until the next input if `None`.
    Wait(Option<Millis>),
}

/// Buffer use, for tests that check the memory bounds.
#[cfg(feature = "testing")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Records queued (not in flight).
    pub queued: usize,
    /// Of those, `RunEnd` and `SessionEnd` records.
    pub queued_critical: usize,
    /// Records in the request in flight.
    pub inflight: usize,
    /// Records held for `only_on_error`.
    pub held: usize,
    /// Body bytes of all of the above.
    pub bytes: usize,
    /// The id of the request in flight.
    pub inflight_id: Option<u64>,
}
