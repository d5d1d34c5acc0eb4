//! A virtual clock and a simulated collector for driving a [`Batcher`] in tests.
//!
//! quinn-proto's `Pair` and str0m's netem, for one batcher: [`Sim`] owns the batcher,
//! the clock and a [`Receiver`] that answers each request according to scripted or
//! seeded-random [`Fault`]s. [`Sim::drive`] polls the batcher, hands requests to the
//! receiver, then jumps the clock straight to the next deadline or answer: no real
//! sleeps, and the same seed replays the same run.
//!
//! Synthetic records carry their session, run and a per-session sequence number in the
//! body (`{"session_id":"s1","run_id":null,"seq":42}`), so [`Sim::assert_invariants`]
//! can check per-session order and duplicates from what the receiver accepted.
//!
//! Only built with the `testing` feature.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::batch::{Batcher, Class, Config, Notice, Output, Record, Request, SeedRng};
use crate::time::Millis;

mod receiver;

pub use receiver::{Delivery, Fault, Receiver};

/// A seeded pseudo-random generator for tests (SplitMix64, as the batcher's jitter).
#[derive(Clone, Debug)]
pub struct Rng(SeedRng);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(SeedRng::new(seed))
    }

    /// 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (0 if `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.unit() < p
    }
}

/// Where a synthetic event sits in per-session order: (session, run when
/// `only_on_error` reorders runs, else ""), and its sequence number.
type OrderKey = (String, String);

/// A batcher, a virtual clock and a simulated collector.
#[derive(Debug)]
pub struct Sim {
    /// The batcher under test.
    pub batcher: Batcher,
    /// The virtual clock.
    pub now: Millis,
    /// The simulated collector.
    pub receiver: Receiver,
    /// Every notice the batcher emitted, in order.
    pub notices: Vec<Notice>,
    /// Every request the batcher asked for, in order.
    pub sent: Vec<Request>,
    /// `drive` gives up after this many steps.
    pub step_limit: usize,
    /// Prefixed to every assertion message (e.g. `"seed 17"`).
    pub label: String,
    next_seq: BTreeMap<String, u64>,
    pushed: u64,
    /// Requests the batcher reported as failed and retried.
    retried: BTreeSet<u64>,
    last_seq: BTreeMap<OrderKey, u64>,
    /// (session, seq) → the request that first delivered it.
    first_delivery: BTreeMap<(String, u64), u64>,
    violations: Vec<String>,
}

impl Sim {
    /// A simulation at time zero with a receiver that accepts everything.
    pub fn new(config: Config, seed: u64) -> Self {
        Self {
            batcher: Batcher::new(config, seed),
            now: Millis::ZERO,
            receiver: Receiver::default(),
            notices: Vec::new(),
            sent: Vec::new(),
            step_limit: 100_000,
            label: format!("seed {seed}"),
            next_seq: BTreeMap::new(),
            pushed: 0,
            retried: BTreeSet::new(),
            last_seq: BTreeMap::new(),
            first_delivery: BTreeMap::new(),
            violations: Vec::new(),
        }
    }

    /// A synthetic record of `session` with the session's next sequence number.
    pub fn record(&mut self, session: &str, run: Option<&str>, class: Class) -> Record {
        let seq = self.next_seq.entry(session.to_owned()).or_insert(0);
        let body = serde_json::json!({ "session_id": session, "run_id": run, "seq": *seq });
        *seq += 1;
        Record {
            body: body.to_string().into_bytes().into_boxed_slice(),
            session: session.into(),
            run: run.map(Into::into),
            class,
            sampled: None,
        }
    }

    /// Pushes one record now.
    pub fn push(&mut self, record: Record) {
        self.pushed += 1;
        self.batcher.push(self.now, record);
    }

    /// Pushes a synthetic record of `session` now.
    pub fn push_class(&mut self, session: &str, run: Option<&str>, class: Class) {
        let record = self.record(session, run, class);
        self.push(record);
    }

    /// Pushes `n` ordinary synthetic records of `session` now.
    pub fn push_events(&mut self, session: &str, n: usize) {
        for _ in 0..n {
            self.push_class(session, None, Class::Normal);
        }
    }

    /// Records pushed through the sim.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Asks the batcher to flush now; returns the mark to check with
    /// [`Batcher::is_flushed`].
    pub fn flush(&mut self) -> crate::batch::FlushMark {
        self.batcher.flush(self.now)
    }

    /// Starts shutdown with a deadline `within` from now.
    pub fn shutdown(&mut self, within: Millis) {
        self.batcher.shutdown(self.now, self.now + within);
    }

    /// Drains the batcher's outputs, sending requests to the receiver; returns the wait.
    pub fn poll(&mut self) -> Option<Millis> {
        loop {
            match self.batcher.poll_output(self.now) {
                Output::Send(req) => self.deliver(req),
                Output::Event(notice) => {
                    if let Notice::Retrying { request, .. } = notice {
                        self.retried.insert(request);
                    }
                    self.notices.push(notice);
                }
                Output::Wait(at) => return at,
            }
        }
    }

    /// One step: poll, check, then jump to the next deadline or answer and apply it.
    /// Returns false when nothing is scheduled any more.
    pub fn step(&mut self) -> bool {
        let Some(next) = self.poll_and_check() else {
            return false;
        };
        self.now = self.now.max(next);
        self.apply_due();
        true
    }

    /// Polls, checks the invariants, and returns the next deadline or answer.
    fn poll_and_check(&mut self) -> Option<Millis> {
        let wait = self.poll();
        self.assert_invariants();
        [wait, self.receiver.next_answer()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Steps until nothing is scheduled or the step limit. Returns the steps taken.
    pub fn drive(&mut self) -> usize {
        for steps in 0..self.step_limit {
            if !self.step() {
                return steps;
            }
        }
        self.step_limit
    }

    /// Runs every deadline and answer up to `until`, then sets the clock to it.
    pub fn run_until(&mut self, until: Millis) {
        for _ in 0..self.step_limit {
            match self.poll_and_check() {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    self.apply_due();
                }
                _ => break,
            }
        }
        self.now = self.now.max(until);
        self.apply_due();
        let _ = self.poll();
        self.assert_invariants();
    }

    /// Moves the clock `by` forward, running everything due on the way.
    pub fn advance(&mut self, by: Millis) {
        self.run_until(self.now + by);
    }

    /// The sum of one kind of notice's counts: `Dropped` for `reason`.
    pub fn dropped_notices(&self, reason: crate::batch::DropReason) -> u64 {
        self.notices
            .iter()
            .map(|n| match n {
                Notice::Dropped { reason: r, count } if *r == reason => *count,
                _ => 0,
            })
            .sum()
    }

    /// Delivered synthetic events as (session, seq), in arrival order, duplicates included.
    pub fn delivered(&self) -> Vec<(String, u64)> {
        self.receiver.events().filter_map(event_key).collect()
    }

    /// Distinct delivered synthetic events.
    pub fn delivered_unique(&self) -> BTreeSet<(String, u64)> {
        self.receiver.events().filter_map(event_key).collect()
    }

    fn apply_due(&mut self) {
        while let Some((id, outcome)) = self.receiver.take_due(self.now) {
            self.batcher.handle_response(self.now, id, outcome);
        }
        self.batcher.handle_timeout(self.now);
    }

    fn deliver(&mut self, req: Request) {
        if let Some(events) = self.receiver.receive(self.now, &req) {
            if events.len() != req.events {
                let msg = format!(
                    "request {} says {} events, body has {}",
                    req.id,
                    req.events,
                    events.len()
                );
                self.violations.push(msg);
            }
            for event in &events {
                self.check_order(req.id, event);
            }
        }
        self.sent.push(req);
    }

    fn check_order(&mut self, id: u64, event: &Value) {
        let Some((session, seq)) = event_key(event) else {
            return;
        };
        if let Some(&first) = self.first_delivery.get(&(session.clone(), seq)) {
            if !self.retried.contains(&first) {
                self.violations.push(format!(
                    "{session}#{seq} delivered by request {id} after request {first}, which was not retried"
                ));
            }
            return;
        }
        self.first_delivery.insert((session.clone(), seq), id);
        let run = if self.batcher.config().only_on_error {
            event
                .get("run_id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        } else {
            String::new()
        };
        let key = (session.clone(), run);
        if let Some(&last) = self.last_seq.get(&key) {
            if seq <= last {
                self.violations.push(format!(
                    "{session}#{seq} delivered after #{last} (request {id})"
                ));
            }
        }
        self.last_seq.insert(key, seq);
    }

    /// Panics unless: the accounting identity holds; the buffer is within its caps (or
    /// holds nothing but critical records beyond them); every request's body matches
    /// its event count; per-session order holds among delivered events; and nothing was
    /// delivered twice except a batch the batcher retried after the collector had in
    /// fact accepted it.
    pub fn assert_invariants(&self) {
        let label = &self.label;
        let stats = self.batcher.stats();
        assert!(
            stats.identity_holds(),
            "{label}: accounting identity broken: {stats:?}"
        );
        assert_eq!(
            stats.requests,
            self.sent.len() as u64,
            "{label}: requests counted"
        );
        let usage = self.batcher.usage();
        let config = self.batcher.config();
        let events = usage.queued + usage.inflight + usage.held;
        assert_eq!(
            events as u64, stats.pending,
            "{label}: pending vs usage {usage:?}"
        );
        assert_eq!(
            usage.bytes as u64, stats.buffered_bytes,
            "{label}: bytes vs usage"
        );
        if events > config.max_buffer_events || usage.bytes > config.max_buffer_bytes {
            assert!(
                usage.queued == usage.queued_critical && usage.held == 0,
                "{label}: buffer over its caps with droppable records: {usage:?}"
            );
        }
        assert!(
            usage.held <= config.max_held_events,
            "{label}: hold over its cap: {usage:?}"
        );
        assert!(
            self.violations.is_empty(),
            "{label}: {}",
            self.violations.join("; ")
        );
        let unique = self.first_delivery.len() as u64;
        assert!(
            unique >= stats.delivered,
            "{label}: batcher counts {} delivered, receiver has {unique}",
            stats.delivered
        );
        assert!(
            unique <= stats.delivered + stats.dropped.total() + stats.pending,
            "{label}: receiver has {unique} events the batcher cannot account for: {stats:?}"
        );
    }

    /// After a run: nothing pending, and every pushed record delivered or counted
    /// (dropped with a reason, or sampled out).
    pub fn assert_all_accounted(&self) {
        let label = &self.label;
        self.assert_invariants();
        let stats = self.batcher.stats();
        assert_eq!(stats.pending, 0, "{label}: still pending: {stats:?}");
        let unique = self.first_delivery.len() as u64;
        let missing = self.pushed.saturating_sub(unique);
        assert!(
            missing <= stats.dropped.total() + stats.sampled_out,
            "{label}: {missing} events neither delivered nor counted dropped: {stats:?}"
        );
    }
}

fn event_key(event: &Value) -> Option<(String, u64)> {
    Some((
        event.get("session_id")?.as_str()?.to_owned(),
        event.get("seq")?.as_u64()?,
    ))
}
