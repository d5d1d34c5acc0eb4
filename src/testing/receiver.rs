//! The simulated collector ([`Receiver`]): answers each request of a [`super::Sim`] by
//! scripted or seeded-random [`Fault`]s and keeps what it accepted.

use std::collections::VecDeque;

use serde_json::Value;

use super::Rng;
use crate::batch::{Outcome, Request};
use crate::time::Millis;

/// How the simulated collector answers one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Accepts the events and answers 200 after the latency.
    Ok,
    /// Answers this status; a 2xx accepts the events, anything else does not.
    Status(u16),
    /// Answers this status with `Retry-After: <secs>`.
    StatusRetryAfter(u16, u64),
    /// Accepts the events but the answer is lost: the host reports
    /// [`Outcome::Timeout`] after the request's timeout. The retry re-delivers them.
    Timeout,
    /// The connection fails: [`Outcome::Network`] after the latency, nothing accepted.
    Network,
    /// Accepts the events and answers 200 after this delay (perhaps after the
    /// batcher has given up waiting).
    Slow(Millis),
    /// Swallows this request and every later one, never answering, until
    /// [`Receiver::revive`].
    Dead,
}

/// One request the receiver accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// The request id.
    pub id: u64,
    /// When it arrived.
    pub at: Millis,
    /// Its events, parsed.
    pub events: Vec<Value>,
}

/// The simulated collector.
#[derive(Debug)]
pub struct Receiver {
    /// Delay before an answer.
    pub latency: Millis,
    /// Every accepted request, in arrival order.
    pub deliveries: Vec<Delivery>,
    /// Every request that arrived, with the fault applied to it.
    pub log: Vec<(u64, Fault)>,
    script: VecDeque<Fault>,
    random: Option<(Rng, Vec<(Fault, u32)>)>,
    dead: bool,
    /// Answers not yet given: (when, request id, outcome).
    answers: Vec<(Millis, u64, Outcome)>,
}

impl Default for Receiver {
    fn default() -> Self {
        Self {
            latency: Millis(50),
            deliveries: Vec::new(),
            log: Vec::new(),
            script: VecDeque::new(),
            random: None,
            dead: false,
            answers: Vec::new(),
        }
    }
}

impl Receiver {
    /// Answers the next requests with `faults` in order, then [`Fault::Ok`].
    pub fn script(&mut self, faults: impl IntoIterator<Item = Fault>) {
        self.script.extend(faults);
    }

    /// Once the script is used up, draws each answer from `weights` with `seed`.
    pub fn randomize(&mut self, seed: u64, weights: &[(Fault, u32)]) {
        self.random = Some((Rng::new(seed), weights.to_vec()));
    }

    /// Stops drawing random faults: answers are [`Fault::Ok`] once the script ends.
    pub fn calm(&mut self) {
        self.random = None;
        self.script.clear();
    }

    /// Swallows requests without answering until [`revive`](Self::revive).
    pub fn kill(&mut self) {
        self.dead = true;
    }

    /// Ends an outage started by [`Fault::Dead`] or [`kill`](Self::kill).
    pub fn revive(&mut self) {
        self.dead = false;
    }

    /// Whether the receiver is swallowing requests.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// When the next answer is due.
    pub fn next_answer(&self) -> Option<Millis> {
        self.answers.iter().map(|a| a.0).min()
    }

    /// Every accepted event, in arrival order, duplicates included.
    pub fn events(&self) -> impl Iterator<Item = &Value> {
        self.deliveries.iter().flat_map(|d| &d.events)
    }

    fn next_fault(&mut self) -> Fault {
        if self.dead {
            return Fault::Dead;
        }
        if let Some(f) = self.script.pop_front() {
            return f;
        }
        let Some((rng, weights)) = &mut self.random else {
            return Fault::Ok;
        };
        let total: u64 = weights.iter().map(|w| u64::from(w.1)).sum();
        let mut pick = rng.below(total);
        for &(fault, weight) in weights.iter() {
            if pick < u64::from(weight) {
                return fault;
            }
            pick -= u64::from(weight);
        }
        Fault::Ok
    }

    /// Takes one request; returns the parsed events if it accepted them.
    pub(super) fn receive(&mut self, now: Millis, req: &Request) -> Option<Vec<Value>> {
        let fault = self.next_fault();
        self.log.push((req.id, fault));
        let status = |code, retry_after| Outcome::Status { code, retry_after };
        let (answer, accept) = match fault {
            Fault::Ok => (Some((self.latency, status(200, None))), true),
            Fault::Status(code) => (Some((self.latency, status(code, None))), is_2xx(code)),
            Fault::StatusRetryAfter(code, secs) => {
                let ra = crate::batch::parse_retry_after(&secs.to_string(), 0.0);
                (Some((self.latency, status(code, ra))), is_2xx(code))
            }
            Fault::Timeout => (Some((req.timeout, Outcome::Timeout)), true),
            Fault::Network => (Some((self.latency, Outcome::Network)), false),
            Fault::Slow(delay) => (Some((delay, status(200, None))), true),
            Fault::Dead => {
                self.dead = true;
                (None, false)
            }
        };
        if let Some((after, outcome)) = answer {
            self.answers.push((now + after, req.id, outcome));
        }
        if !accept {
            return None;
        }
        let events = parse_body(&req.body);
        self.deliveries.push(Delivery {
            id: req.id,
            at: now,
            events: events.clone(),
        });
        Some(events)
    }

    /// Removes and returns the earliest answer due at or before `now`.
    pub(super) fn take_due(&mut self, now: Millis) -> Option<(u64, Outcome)> {
        let (i, _) = self
            .answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.0 <= now)
            .min_by_key(|(_, a)| a.0)?;
        let (_, id, outcome) = self.answers.remove(i);
        Some((id, outcome))
    }
}

fn is_2xx(code: u16) -> bool {
    (200..300).contains(&code)
}

/// Events of an `{"events":[...]}` body, or of an NDJSON body.
fn parse_body(body: &[u8]) -> Vec<Value> {
    if let Ok(Value::Object(mut o)) = serde_json::from_slice::<Value>(body) {
        if let Some(Value::Array(events)) = o.remove("events") {
            return events;
        }
    }
    body.split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap_or(Value::Null))
        .collect()
}
