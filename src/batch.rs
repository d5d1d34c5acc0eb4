//! The batching and retry state machine.
//!
//! [`Batcher`] groups already-redacted, already-encoded records into requests and decides
//! when to send, retry or drop them. It performs no I/O, reads no clock and draws no
//! randomness of its own: time arrives as `now` arguments and jitter comes from the seed
//! given to [`Batcher::new`]. It never panics on input.
//!
//! What it fixes in the AgentLens Python transport (reference B.2): requests are split to
//! the backend's 500-event limit instead of sending 600 and losing them all; failures back
//! off exponentially with jitter instead of retrying on the next trigger; 4xx answers other
//! than 408, 413 and 429 are final instead of retried; and every record ends in exactly one
//! place, so `tracked == delivered + dropped + sampled_out + pending` holds at every step.
//!
//! One request is in flight at a time. That keeps per-session order exact: a failed batch
//! goes back to the front of the queue and nothing else is sent until it is resolved.

use std::collections::VecDeque;

use crate::time::Millis;

mod backoff;
mod classify;
mod config;
mod problem;
mod queue;
mod sample;
mod send;
mod stats;
mod timers;
mod types;

pub use classify::parse_retry_after;
pub use config::{Config, ConfigError, Framing, Policy};
pub use problem::{Failure, Problem};
pub use stats::{DropCounts, DropReason, Stats};
#[cfg(feature = "testing")]
pub use types::Usage;
pub use types::{Class, FlushMark, Notice, Outcome, Output, Record, Request};

use backoff::Rng;
#[cfg(feature = "testing")]
pub(crate) use backoff::Rng as SeedRng;
use problem::Warned;
use queue::{Entry, Queue};
use sample::{End, Hold, Offer};
use timers::{Timer, TimerTable};

#[derive(Debug)]
struct Inflight {
    id: u64,
    entries: Vec<Entry>,
    bytes: usize,
}

/// Groups encoded records into requests and decides when to send, retry or drop them.
///
/// `Batcher` performs no I/O and never reads a clock. Drive it like this:
/// 1. Apply exactly one input: [`push`](Self::push), [`handle_response`](Self::handle_response),
///    [`handle_timeout`](Self::handle_timeout), [`flush`](Self::flush) or
///    [`shutdown`](Self::shutdown).
/// 2. Call [`poll_output`](Self::poll_output) until it returns [`Output::Wait`], performing
///    every [`Output::Send`].
/// 3. Sleep until the returned deadline, or until the next input arrives.
///
/// Spurious `handle_timeout` calls are harmless, and `poll_output` fires due timers
/// itself. `now` should never go backwards; if it does, nothing breaks, but timers fire
/// late.
///
/// # Panics
/// Never, whatever the input (records, ids, outcomes, instants).
///
/// ```
/// use agentlens::batch::{Batcher, Class, Config, Outcome, Output, Record};
/// use agentlens::time::Millis;
///
/// let mut b = Batcher::new(Config::default().with_batch_size(2), 7);
/// for i in 0..2 {
///     let body = format!("{{\"seq\":{i}}}").into_bytes().into_boxed_slice();
///     b.push(Millis(0), Record { body, session: "s".into(), run: None, class: Class::Normal, sampled: None });
/// }
/// let Output::Send(req) = b.poll_output(Millis(0)) else { panic!() };
/// assert_eq!(req.body, br#"{"events":[{"seq":0},{"seq":1}]}"#);
/// b.handle_response(Millis(5), req.id, Outcome::Status { code: 200, retry_after: None });
/// assert!(matches!(b.poll_output(Millis(5)), Output::Event(_)));
/// assert_eq!(b.poll_output(Millis(5)), Output::Wait(None));
/// assert_eq!(b.stats().delivered, 2);
/// ```
#[derive(Debug)]
pub struct Batcher {
    config: Config,
    rng: Rng,
    timers: TimerTable,
    queue: Queue,
    hold: Hold,
    inflight: Option<Inflight>,
    /// End sequence numbers (exclusive) of batches that must be sent on their own: a
    /// failed batch awaiting its retry, and the halves of a batch split after a 413.
    segments: VecDeque<u64>,
    /// Queued records with a lower sequence number are due now (flush, session end,
    /// retry).
    flush_until: u64,
    /// Consecutive failed attempts of the batch at the front.
    failures: u32,
    next_id: u64,
    notices: VecDeque<Notice>,
    /// Drop counts not yet reported, per reason; a `Dropped` placeholder in `notices`
    /// marks where each will be reported.
    unreported: [u64; 7],
    shutdown_deadline: Option<Millis>,
    shut_down: bool,
    warned: Warned,
    stats: Stats,
}

impl Batcher {
    /// A batcher with `config` (assumed [validated](Config::validate)); `seed` drives
    /// the retry jitter.
    pub fn new(config: Config, seed: u64) -> Self {
        debug_assert_eq!(config.validate(), Ok(()));
        Self {
            config,
            rng: Rng::new(seed),
            timers: TimerTable::default(),
            queue: Queue::default(),
            hold: Hold::default(),
            inflight: None,
            segments: VecDeque::new(),
            flush_until: 0,
            failures: 0,
            next_id: 1,
            notices: VecDeque::new(),
            unreported: [0; 7],
            shutdown_deadline: None,
            shut_down: false,
            warned: Warned::default(),
            stats: Stats::default(),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes one record. O(1) amortised; never re-scans the queue.
    ///
    /// In order: after [`shutdown`](Self::shutdown) the record is dropped
    /// `shutdown_timeout`; one that cannot fit alone in a request is dropped `too_large`;
    /// sampling may count it `sampled_out`; under `only_on_error` a record with a run is
    /// held (a `SessionEnd` never is: the backend needs it whatever the run did);
    /// otherwise it is queued. A `SessionEnd` makes everything queued due at once. Then
    /// the buffer caps are enforced.
    pub fn push(&mut self, now: Millis, record: Record) {
        self.stats.tracked += 1;
        if self.shutdown_deadline.is_some() {
            self.record_drop(DropReason::ShutdownTimeout, 1);
            return;
        }
        if self.config.framing.overhead() + record.body.len() > self.config.max_request_bytes {
            self.record_drop(DropReason::TooLarge, 1);
            return;
        }
        let session_end = record.class == Class::SessionEnd;
        if !sample::keep(&record, self.config.sample_rate) {
            self.stats.sampled_out += 1;
            if let (true, Some(run), Class::RunEnd { .. }) =
                (self.config.only_on_error, &record.run, record.class)
            {
                // Whatever the run still holds goes the same way as its end.
                let held = match self.hold.end(run, false) {
                    End::Release(bodies) => bodies.len(),
                    End::Discard(n) => n,
                };
                self.stats.sampled_out += held as u64;
            }
        } else if let (true, Some(run)) = (self.config.only_on_error, &record.run) {
            self.push_held(now, record.body, run, record.class);
        } else {
            let _ = self
                .queue
                .push_back(now, record.body, record.class.is_critical());
        }
        if session_end {
            self.flush_until = self.queue.next_seq();
        }
        self.enforce_caps();
    }

    /// Takes many records; see [`push`](Self::push).
    pub fn push_many(&mut self, now: Millis, records: impl IntoIterator<Item = Record>) {
        for record in records {
            self.push(now, record);
        }
    }

    /// Counts `count` inputs the host could not decode: tracked and dropped `invalid`.
    pub fn note_invalid(&mut self, count: u64) {
        self.stats.tracked = self.stats.tracked.saturating_add(count);
        self.record_drop(DropReason::Invalid, count);
    }

    /// Sends everything queued now, in as many requests as the limits need, one after
    /// the other, as soon as the retry state allows. Held records stay held.
    ///
    /// Returns a mark for [`is_flushed`](Self::is_flushed): the flush is complete once
    /// every record queued before it has been delivered or dropped.
    pub fn flush(&mut self, _now: Millis) -> FlushMark {
        self.flush_until = self.flush_until.max(self.queue.next_seq());
        FlushMark(self.queue.next_seq())
    }

    /// Whether every record queued before `mark` was taken has left the batcher
    /// (delivered or dropped), in flight included. Records held for `only_on_error` are
    /// not waited for: a flush does not release them.
    pub fn is_flushed(&self, mark: FlushMark) -> bool {
        let queued = self.queue.front().is_some_and(|f| f.seq < mark.0);
        let inflight = self
            .inflight
            .as_ref()
            .and_then(|f| f.entries.first())
            .is_some_and(|e| e.seq < mark.0);
        !queued && !inflight
    }

    /// Reports the outcome of request `id`. Unknown and stale ids are ignored.
    pub fn handle_response(&mut self, now: Millis, id: u64, outcome: Outcome) {
        if self.inflight.as_ref().is_some_and(|f| f.id == id) {
            self.on_outcome(now, outcome);
        }
    }

    /// Fires the timers due at `now`. Spurious calls are harmless.
    pub fn handle_timeout(&mut self, now: Millis) {
        if self.timers.is_expired(Timer::Response, now) {
            self.on_outcome(now, Outcome::Timeout);
        }
        if self.timers.is_expired(Timer::Retry, now) {
            self.timers.clear(Timer::Retry);
        }
        if self.timers.is_expired(Timer::Shutdown, now) {
            self.abandon(DropReason::ShutdownTimeout);
        }
    }

    /// Starts shutting down: everything queued is due now (backoff still applies), held
    /// records of runs that have not failed are dropped (their end can no longer
    /// arrive), and whatever is still pending at `deadline` (the in-flight request
    /// included) is dropped `shutdown_timeout`. A retry that would land after `deadline`
    /// gives up at once. Records pushed afterwards are dropped `shutdown_timeout`.
    /// [`Notice::ShutdownComplete`] is emitted once. Later calls are ignored.
    pub fn shutdown(&mut self, now: Millis, deadline: Millis) {
        if self.shutdown_deadline.is_some() {
            return;
        }
        self.shutdown_deadline = Some(deadline);
        self.timers.set(Timer::Shutdown, deadline.max(now));
        self.flush_until = self.queue.next_seq();
        let held = self.hold.clear();
        self.record_drop(DropReason::ShutdownTimeout, held as u64);
        if self
            .timers
            .get(Timer::Retry)
            .is_some_and(|at| at > deadline)
        {
            self.abandon(DropReason::ShutdownTimeout);
        }
        self.check_shutdown_complete();
    }

    /// The next thing for the host to do; call until it returns [`Output::Wait`].
    ///
    /// Order: pending notices, then a due request, then the wait.
    pub fn poll_output(&mut self, now: Millis) -> Output {
        self.handle_timeout(now);
        if let Some(notice) = self.pop_notice() {
            return Output::Event(notice);
        }
        if self.send_due(now) {
            return Output::Send(self.send(now));
        }
        self.refresh_flush_timer();
        debug_assert!(self.stats().identity_holds(), "{:?}", self.stats());
        Output::Wait(self.timers.next())
    }

    /// The id of the request in flight, if any.
    pub fn inflight_id(&self) -> Option<u64> {
        self.inflight.as_ref().map(|f| f.id)
    }

    /// Accounting so far.
    pub fn stats(&self) -> Stats {
        let mut stats = self.stats.clone();
        stats.pending = self.pending() as u64;
        stats.buffered_bytes = self.buffered_bytes() as u64;
        stats
    }

    /// Nothing pending, nothing in flight, nothing to report.
    pub fn is_idle(&self) -> bool {
        self.pending() == 0 && self.notices.is_empty()
    }

    /// Whether shutdown has completed ([`Notice::ShutdownComplete`] was queued).
    pub fn is_shut_down(&self) -> bool {
        self.shut_down
    }

    /// Buffer use, for tests of the memory bounds.
    #[cfg(feature = "testing")]
    pub fn usage(&self) -> Usage {
        Usage {
            queued: self.queue.events(),
            queued_critical: self.queue.critical(),
            inflight: self.inflight.as_ref().map_or(0, |f| f.entries.len()),
            held: self.hold.events(),
            bytes: self.buffered_bytes(),
            inflight_id: self.inflight.as_ref().map(|f| f.id),
        }
    }

    fn pending(&self) -> usize {
        self.queue.events()
            + self.inflight.as_ref().map_or(0, |f| f.entries.len())
            + self.hold.events()
    }

    fn buffered_bytes(&self) -> usize {
        self.queue.bytes() + self.inflight.as_ref().map_or(0, |f| f.bytes) + self.hold.bytes()
    }

    /// `only_on_error`: a record of `run` goes to the hold, or through it.
    fn push_held(&mut self, now: Millis, body: Box<[u8]>, run: &str, class: Class) {
        let offer = match class {
            Class::Normal | Class::Error => self.hold.offer(run, body, class == Class::Error),
            Class::RunEnd { error } => {
                match self.hold.end(run, error) {
                    End::Release(bodies) => {
                        for held in bodies {
                            let _ = self.queue.push_back(now, held, false);
                        }
                        let _ = self.queue.push_back(now, body, true);
                    }
                    End::Discard(n) => self.stats.sampled_out += n as u64 + 1,
                }
                return;
            }
            Class::SessionEnd => {
                let _ = self.queue.push_back(now, body, true);
                return;
            }
        };
        match offer {
            Offer::Release(bodies) => {
                for released in bodies {
                    let _ = self.queue.push_back(now, released, false);
                }
            }
            Offer::Held => {
                while self.hold.events() > self.config.max_held_events {
                    let Some(n) = self.hold.evict_oldest() else {
                        break;
                    };
                    self.record_drop(DropReason::HoldFull, n as u64);
                }
            }
        }
        while self.hold.errored_runs() > self.config.max_held_events {
            self.hold.forget_oldest_errored();
        }
    }

    /// Drops the oldest non-critical queued records (then the oldest held runs) while
    /// the buffer is over either cap. The in-flight batch is never touched.
    fn enforce_caps(&mut self) {
        let (max_events, max_bytes) = (self.config.max_buffer_events, self.config.max_buffer_bytes);
        while self.pending() > max_events || self.buffered_bytes() > max_bytes {
            if self.queue.drop_oldest_noncritical().is_some() {
                self.record_drop(DropReason::BufferFull, 1);
            } else if let Some(n) = self.hold.evict_oldest() {
                self.record_drop(DropReason::BufferFull, n as u64);
            } else {
                break;
            }
        }
    }

    fn record_drop(&mut self, reason: DropReason, count: u64) {
        if count == 0 {
            return;
        }
        self.stats.dropped.add(reason, count);
        let slot = &mut self.unreported[reason.index()];
        if *slot == 0 {
            self.notices.push_back(Notice::Dropped { reason, count: 0 });
        }
        *slot = slot.saturating_add(count);
    }

    fn pop_notice(&mut self) -> Option<Notice> {
        let mut notice = self.notices.pop_front()?;
        if let Notice::Dropped { reason, count } = &mut notice {
            *count = std::mem::take(&mut self.unreported[reason.index()]);
        }
        Some(notice)
    }

    fn check_shutdown_complete(&mut self) {
        if self.shutdown_deadline.is_some() && !self.shut_down && self.pending() == 0 {
            self.shut_down = true;
            self.timers = TimerTable::default();
            self.notices.push_back(Notice::ShutdownComplete {
                delivered: self.stats.delivered,
                dropped: self.stats.dropped.total(),
            });
        }
    }
}
