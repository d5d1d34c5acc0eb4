//! Sending: when a request is due, how it is built, and what its outcome does.

use super::backoff;
use super::classify::{Verdict, classify};
use super::{
    Batcher, DropReason, Entry, Failure, Inflight, Notice, Outcome, Problem, Request, Timer,
};
use crate::time::Millis;

/// The batcher's own response deadline is the host's timeout plus this grace, so a host
/// that reports its timeout itself always wins the race.
const RESPONSE_GRACE: Millis = Millis(1000);

impl Batcher {
    /// Whether a request should go out now.
    pub(super) fn send_due(&self, now: Millis) -> bool {
        if self.inflight.is_some() || self.timers.get(Timer::Retry).is_some() || self.shut_down {
            return false;
        }
        let Some(front) = self.queue.front() else {
            return false;
        };
        self.queue.events() >= self.config.batch_size
            || front.seq < self.flush_until
            || !self.segments.is_empty()
            || self.shutdown_deadline.is_some()
            || now >= front.arrived + self.config.flush_interval
    }

    /// Takes the next batch off the queue and builds its request. Call only when
    /// [`send_due`](Self::send_due).
    pub(super) fn send(&mut self, now: Millis) -> Request {
        let framing = self.config.framing;
        // A segment whose records were all dropped for space is done.
        while let Some(&end) = self.segments.front() {
            if self.queue.front().is_some_and(|f| f.seq < end) {
                break;
            }
            self.segments.pop_front();
        }
        let limit = self.segments.front().copied().unwrap_or(u64::MAX);
        let mut entries: Vec<Entry> = Vec::new();
        let mut size = framing.overhead();
        let mut bytes = 0;
        while let Some(front) = self.queue.front() {
            // At least one record per request, whatever the limits say.
            let full = entries.len() >= self.config.max_request_events;
            if front.seq >= limit || (full && !entries.is_empty()) {
                break;
            }
            let sep = if entries.is_empty() {
                0
            } else {
                framing.separator.len()
            };
            let add = front.body.len() + sep;
            // `push` refused records that cannot fit alone, so the first always fits.
            if !entries.is_empty() && size + add > self.config.max_request_bytes {
                break;
            }
            let Some(entry) = self.queue.pop_front() else {
                break;
            };
            size += add;
            bytes += entry.body.len();
            entries.push(entry);
        }
        if limit != u64::MAX && self.queue.front().is_none_or(|f| f.seq >= limit) {
            self.segments.pop_front();
        }

        let mut body = Vec::with_capacity(size);
        body.extend_from_slice(framing.prefix);
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(framing.separator);
            }
            body.extend_from_slice(&entry.body);
        }
        body.extend_from_slice(framing.suffix);

        let id = self.next_id;
        self.next_id += 1;
        self.stats.requests += 1;
        self.timers.set(
            Timer::Response,
            now + self.config.request_timeout + RESPONSE_GRACE,
        );
        self.timers.clear(Timer::Flush);
        let events = entries.len();
        self.inflight = Some(Inflight { id, entries, bytes });
        Request {
            id,
            body,
            events,
            timeout: self.config.request_timeout,
        }
    }

    /// Resolves the request in flight.
    pub(super) fn on_outcome(&mut self, now: Millis, outcome: Outcome) {
        let Some(Inflight { id, entries, .. }) = self.inflight.take() else {
            return;
        };
        self.timers.clear(Timer::Response);
        let n = entries.len() as u64;
        let gave_up = match classify(outcome, self.config.policy) {
            Verdict::Delivered => {
                self.failures = 0;
                self.stats.delivered += n;
                self.notices.push_back(Notice::Delivered { events: n });
                None
            }
            Verdict::Reject => {
                self.failures = 0;
                self.record_drop(DropReason::Rejected, n);
                Some(DropReason::Rejected)
            }
            Verdict::TooLarge => {
                self.failures = 0;
                self.record_drop(DropReason::TooLarge, n);
                Some(DropReason::TooLarge)
            }
            Verdict::Split if entries.len() <= 1 => {
                self.failures = 0;
                self.record_drop(DropReason::TooLarge, n);
                Some(DropReason::TooLarge)
            }
            Verdict::Split => {
                // Two halves, each sent on its own, at once; not a failure.
                let mid = entries.len().div_ceil(2);
                let second = entries[mid].seq;
                let end = entries[entries.len() - 1].seq + 1;
                self.segments.push_front(end);
                self.segments.push_front(second);
                self.put_back(entries);
                None
            }
            Verdict::Retry { after } => self.retry(now, id, entries, after),
        };
        if let Some(problem) = Problem::of(outcome) {
            self.note_failure(id, problem, outcome, gave_up);
        }
        // A batch put back is droppable again: the caps apply to it now.
        self.enforce_caps();
        self.check_shutdown_complete();
    }

    /// A 2xx whose body reports `rejected` of the request's records refused (OTLP
    /// partial success): final, the rejected ones dropped `rejected` and counted in
    /// [`super::Stats::partial_rejected`], the rest delivered. Unknown and stale ids are
    /// ignored.
    pub fn handle_partial_success(&mut self, now: Millis, id: u64, rejected: u64, warn: bool) {
        let _ = now;
        if self.inflight.as_ref().is_none_or(|f| f.id != id) {
            return;
        }
        let Some(Inflight { entries, .. }) = self.inflight.take() else {
            return;
        };
        self.timers.clear(Timer::Response);
        self.failures = 0;
        let n = entries.len() as u64;
        let rejected = rejected.min(n);
        self.stats.delivered += n - rejected;
        self.stats.partial_rejected += rejected;
        self.record_drop(DropReason::Rejected, rejected);
        if n > rejected {
            self.notices.push_back(Notice::Delivered {
                events: n - rejected,
            });
        }
        self.notices.push_back(Notice::PartialSuccess {
            request: id,
            rejected,
            warn,
        });
        self.check_shutdown_complete();
    }

    /// Records a failed request in the stats and tells the host.
    fn note_failure(
        &mut self,
        request: u64,
        problem: Problem,
        outcome: Outcome,
        gave_up: Option<DropReason>,
    ) {
        let count = self.stats.last_error.map_or(0, |f| f.count) + 1;
        let status = match outcome {
            Outcome::Status { code, .. } => Some(code),
            _ => None,
        };
        let failure = Failure {
            problem,
            status,
            gave_up,
            count,
        };
        self.stats.last_error = Some(failure);
        let warn = self.warned.first(problem, gave_up);
        self.notices.push_back(Notice::Failed {
            request,
            failure,
            warn,
        });
    }

    /// A retryable failure: back off, or give up on this batch. Returns why the batch
    /// was dropped, if it was.
    fn retry(
        &mut self,
        now: Millis,
        id: u64,
        entries: Vec<Entry>,
        after: Option<Millis>,
    ) -> Option<DropReason> {
        self.failures += 1;
        if self.failures > self.config.max_retries {
            self.failures = 0;
            self.record_drop(DropReason::RetriesExhausted, entries.len() as u64);
            return Some(DropReason::RetriesExhausted);
        }
        let delay = match after {
            Some(server) => server.min(self.config.max_retry_after),
            None => backoff::delay(
                &mut self.rng,
                self.config.backoff_base,
                self.config.backoff_cap,
                self.failures,
            ),
        };
        let at = now + delay;
        if let Some(end) = entries.last().map(|e| e.seq + 1) {
            self.segments.push_front(end);
        }
        self.put_back(entries);
        if self.shutdown_deadline.is_some_and(|deadline| at > deadline) {
            // Nothing can be sent before the deadline: the batch blocks the queue.
            self.abandon(DropReason::ShutdownTimeout);
            return Some(DropReason::ShutdownTimeout);
        }
        self.timers.set(Timer::Retry, at);
        self.stats.retries += 1;
        self.notices.push_back(Notice::Retrying {
            request: id,
            attempt: self.failures,
            delay,
        });
        None
    }

    /// Returns a batch to the front of the queue, due as soon as the retry state allows.
    fn put_back(&mut self, entries: Vec<Entry>) {
        if let Some(last) = entries.last() {
            self.flush_until = self.flush_until.max(last.seq + 1);
        }
        self.queue.push_front_batch(entries);
    }

    /// Drops everything pending (queued, in flight, held) for `reason`.
    pub(super) fn abandon(&mut self, reason: DropReason) {
        let mut n = self.queue.clear() + self.hold.clear();
        if let Some(inflight) = self.inflight.take() {
            n += inflight.entries.len();
        }
        self.segments.clear();
        self.failures = 0;
        for timer in [Timer::Flush, Timer::Retry, Timer::Response] {
            self.timers.clear(timer);
        }
        self.record_drop(reason, n as u64);
        self.check_shutdown_complete();
    }

    /// Points the flush timer at the oldest queued record's deadline, when a send could
    /// happen at all.
    pub(super) fn refresh_flush_timer(&mut self) {
        let idle = self.inflight.is_none() && self.timers.get(Timer::Retry).is_none();
        let at = match self.queue.front() {
            Some(front) if idle && !self.shut_down => {
                Some(front.arrived + self.config.flush_interval)
            }
            _ => None,
        };
        self.timers.set_opt(Timer::Flush, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{Class, Config, Output, Record};

    fn record(seq: u64) -> Record {
        Record {
            body: format!("{{\"seq\":{seq}}}").into_bytes().into(),
            session: "s".into(),
            run: None,
            class: Class::Normal,
            sampled: None,
        }
    }

    fn send(b: &mut Batcher, now: Millis) -> Request {
        loop {
            match b.poll_output(now) {
                Output::Send(r) => return r,
                Output::Event(_) => {}
                Output::Wait(at) => panic!("no request due at {now}; next at {at:?}"),
            }
        }
    }

    #[test]
    fn a_retry_segment_emptied_by_buffer_drops_does_not_send_an_empty_request() {
        let config = Config::default()
            .with_batch_size(2)
            .with_max_buffer_events(2);
        let mut b = Batcher::new(config, 3);
        b.push_many(Millis(0), [record(0), record(1)]);
        let first = send(&mut b, Millis(0));
        b.handle_response(Millis(1), first.id, Outcome::Network);
        b.push_many(Millis(2), [record(2), record(3)]);
        assert_eq!(b.stats().dropped.buffer_full, 2);
        let retry_at = b.timers.get(Timer::Retry).unwrap();
        let next = send(&mut b, retry_at);
        assert_eq!(next.body, br#"{"events":[{"seq":2},{"seq":3}]}"#);
        assert!(b.segments.is_empty());
    }

    #[test]
    fn the_response_deadline_includes_the_grace_period() {
        let mut b = Batcher::new(Config::default().with_request_timeout(Millis(100)), 0);
        b.push(Millis(0), record(0));
        b.flush(Millis(0));
        let req = send(&mut b, Millis(7));
        assert_eq!(req.timeout, Millis(100));
        assert_eq!(b.timers.get(Timer::Response), Some(Millis(1107)));
        assert_eq!(b.poll_output(Millis(7)), Output::Wait(Some(Millis(1107))));
    }
}
