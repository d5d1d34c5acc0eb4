//! The pipeline's destinations: one batcher per sink, the bodies each sink's wire shape
//! needs (encoded once per shape, not once per sink), request ids that name their sink,
//! and flush marks over all sinks.

use std::collections::VecDeque;

use crate::batch::{Batcher, Class, FlushMark, Framing, Record};
use crate::encode::agentlens::{self, WireConfig, compat};
use crate::model::Event;
use crate::redact::{Report, fit_event};
use crate::time::Millis;

/// How a sink frames and encodes events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// AgentLens `POST /events` bodies, backend-compatible as the pipeline's
    /// [`WireConfig`] says.
    Agentlens,
    /// NDJSON trace-file lines, model-shaped.
    Ndjson,
}

impl Format {
    /// `"agentlens"` or `"ndjson"`, as hosts name them.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "agentlens" => Some(Self::Agentlens),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }

    pub(super) fn sink(self, wire: WireConfig) -> (Framing, WireConfig) {
        match self {
            Self::Agentlens => (Framing::AGENTLENS, wire),
            Self::Ndjson => (
                Framing::NDJSON,
                WireConfig {
                    backend_compat: false,
                },
            ),
        }
    }
}

/// One destination: its batcher and its wire shape.
#[derive(Debug)]
pub(super) struct Sink {
    pub(super) batcher: Batcher,
    compat: bool,
}

impl Sink {
    pub(super) fn new(batcher: Batcher, wire: WireConfig) -> Self {
        Self {
            batcher,
            compat: wire.backend_compat,
        }
    }
}

/// What every sink's record of one event shares besides its body.
pub(super) struct Key {
    session: Box<str>,
    run: Option<Box<str>>,
    class: Class,
    sampled: Option<bool>,
}

impl Key {
    pub(super) fn of(event: &Event, class: Class, sampled: Option<bool>) -> Self {
        Self {
            session: event.session_id.as_str().into(),
            run: event.run_id.as_deref().map(Into::into),
            class,
            sampled,
        }
    }
}

/// The encoded event for each wire shape the sinks use: `[model-shaped, backend-compatible]`.
pub(super) type Bodies = [Option<Box<[u8]>>; 2];

/// Encodes `event` once per wire shape some sink needs, each fitted to
/// `max_event_bytes`. The model-shaped body comes first: backend compatibility then
/// takes the event apart in place (no copy).
pub(super) fn encode(
    event: &mut Event,
    sinks: &[Sink],
    max_event_bytes: usize,
    report: &mut Report,
) -> Bodies {
    let mut bodies: Bodies = [None, None];
    if sinks.iter().any(|s| !s.compat) {
        let none = compat::Extras::default();
        bodies[0] = Some(fitted(event, &none, max_event_bytes, report));
    }
    if sinks.iter().any(|s| s.compat) {
        let extras = compat::prepare(event);
        bodies[1] = Some(fitted(event, &extras, max_event_bytes, report));
    }
    bodies
}

fn fitted(
    event: &mut Event,
    extras: &compat::Extras,
    max: usize,
    report: &mut Report,
) -> Box<[u8]> {
    let mut body = agentlens::encode_prepared(event, extras);
    if body.len() > max {
        fit_event(event, max, report);
        body = agentlens::encode_prepared(event, extras);
    }
    body.into_boxed_slice()
}

/// Queues one event in every sink: the last sink of each shape takes the body, the
/// others a copy.
pub(super) fn queue(sinks: &mut [Sink], now: Millis, mut bodies: Bodies, key: &Key) {
    let last = |compat: bool| sinks.iter().rposition(|s| s.compat == compat);
    let (last_plain, last_compat) = (last(false), last(true));
    for (i, s) in sinks.iter_mut().enumerate() {
        let shape = usize::from(s.compat);
        let owned = Some(i) == if s.compat { last_compat } else { last_plain };
        let body = if owned {
            bodies[shape].take()
        } else {
            bodies[shape].clone()
        };
        let Some(body) = body else { continue };
        s.batcher.push(
            now,
            Record {
                body,
                session: key.session.clone(),
                run: key.run.clone(),
                class: key.class,
                sampled: key.sampled,
            },
        );
    }
}

/// A request id as the host sees it: the sink's own id, numbered so that the sink can
/// be read back (`local * sinks + sink`; with one sink, the batcher's id unchanged).
pub(super) fn global_id(local: u64, sink: usize, sinks: u64) -> u64 {
    local
        .saturating_mul(sinks.max(1))
        .saturating_add(sink as u64)
}

/// The sink a host-side request id names.
pub(super) fn sink_of(id: u64, sinks: u64) -> usize {
    (id % sinks.max(1)) as usize
}

/// The sink's own id for a host-side request id.
pub(super) fn local_id(id: u64, sinks: u64) -> u64 {
    id / sinks.max(1)
}

/// Flush marks over all sinks: each pipeline mark holds one batcher mark per sink.
/// Marks that are through are forgotten; a forgotten mark reads as flushed.
#[derive(Debug, Default)]
pub(super) struct Marks {
    pending: VecDeque<(u64, Box<[FlushMark]>)>,
    next: u64,
}

impl Marks {
    pub(super) fn add(&mut self, marks: Box<[FlushMark]>) -> FlushMark {
        self.next += 1;
        self.pending.push_back((self.next, marks));
        FlushMark(self.next)
    }

    pub(super) fn is_flushed(&self, mark: FlushMark, sinks: &[Sink]) -> bool {
        match self.pending.iter().find(|(id, _)| *id == mark.0) {
            Some((_, marks)) => all_through(marks, sinks),
            None => mark.0 <= self.next,
        }
    }

    /// Forgets the oldest marks that are through (later marks never finish earlier).
    pub(super) fn prune(&mut self, sinks: &[Sink]) {
        while self
            .pending
            .front()
            .is_some_and(|(_, m)| all_through(m, sinks))
        {
            self.pending.pop_front();
        }
    }
}

fn all_through(marks: &[FlushMark], sinks: &[Sink]) -> bool {
    marks
        .iter()
        .zip(sinks)
        .all(|(m, s)| s.batcher.is_flushed(*m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_name_their_sink_and_one_sink_keeps_the_batcher_ids() {
        for sinks in 1..4u64 {
            for sink in 0..sinks as usize {
                for local in [1, 2, 99] {
                    let id = global_id(local, sink, sinks);
                    assert_eq!((sink_of(id, sinks), local_id(id, sinks)), (sink, local));
                }
            }
        }
        assert_eq!(global_id(7, 0, 1), 7);
    }
}
