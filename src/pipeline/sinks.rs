//! The pipeline's destinations: one batcher per sink, the bodies each sink's wire shape
//! needs (encoded once per shape, not once per sink), request ids that name their sink,
//! and flush marks over all sinks.

use std::collections::VecDeque;

use crate::analysis::cost::Pricer;
use crate::batch::{self, Batcher, Class, FlushMark, Framing, Policy, Record};
use crate::encode::agentlens::{self, WireConfig};
use crate::encode::otlp::{self, Encoder, OtlpConfig};
use crate::model::Event;
use crate::redact::{Report, fit_event};
use crate::time::Millis;

/// How a sink frames and encodes events.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    /// AgentLens `POST /events` bodies, backend-compatible as the pipeline's
    /// [`WireConfig`] says.
    Agentlens,
    /// NDJSON trace-file lines, model-shaped.
    Ndjson,
    /// OTLP/HTTP trace requests (`docs/otlp.md`), with the OTLP delivery policy.
    Otlp(Box<OtlpConfig>),
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

    /// A host's sink spec: `"agentlens"`, `"ndjson"`, or the JSON text of an object
    /// `{"format":"otlp", ...}` (see [`OtlpConfig::from_spec`]).
    ///
    /// # Errors
    /// [`super::ConfigError`] naming the field at fault (`formats[i].protocol`, ...).
    pub fn parse_spec(spec: &str, index: usize) -> Result<Self, super::ConfigError> {
        let err = |field: &str, message: &str| {
            let mut option = String::from("formats[");
            option.push_str(&index.to_string());
            option.push(']');
            option.push_str(field);
            super::ConfigError::Value {
                option,
                message: message.into(),
                got: None,
            }
        };
        if let Some(f) = Self::parse(spec) {
            return Ok(f);
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(spec) else {
            return Err(err(
                "",
                "must be \"agentlens\", \"ndjson\" or an OTLP sink spec",
            ));
        };
        if v.get("format").and_then(|f| f.as_str()) != Some("otlp") {
            return Err(err(".format", "must be \"otlp\" in a sink spec"));
        }
        OtlpConfig::from_spec(v)
            .map(|c| Self::Otlp(Box::new(c)))
            .map_err(|(field, message)| err(&(String::from(".") + field), message))
    }
}

/// How a sink's records are shaped.
#[derive(Debug)]
enum Shape {
    /// Model-shaped JSON (AgentLens without backend compatibility, NDJSON).
    Plain,
    /// AgentLens backend-compatible JSON.
    Compat,
    /// OTLP span records, with the sink's encoder and the span of the event in hand.
    Otlp(Box<OtlpSink>),
}

#[derive(Debug)]
struct OtlpSink {
    encoder: Encoder,
    next: Option<Vec<u8>>,
    /// The destination's first explanation of a partial success.
    message: Option<Box<str>>,
}

/// One destination: its batcher and its wire shape.
#[derive(Debug)]
pub(super) struct Sink {
    pub(super) batcher: Batcher,
    shape: Shape,
}

impl Sink {
    /// A sink of `format`, its batcher configured from `base` (framing, policy and the
    /// request limit less the OTLP envelope).
    pub(super) fn new(format: &Format, wire: WireConfig, base: &batch::Config, seed: u64) -> Self {
        let mut config = base.clone();
        let shape = match format {
            Format::Agentlens if wire.backend_compat => Shape::Compat,
            Format::Agentlens => Shape::Plain,
            Format::Ndjson => {
                config.framing = Framing::NDJSON;
                Shape::Plain
            }
            Format::Otlp(c) => {
                let encoder = Encoder::new(c);
                config.framing = match c.encoding {
                    otlp::Encoding::Protobuf => Framing::CONCAT,
                    otlp::Encoding::Json => Framing::COMMA,
                };
                config.policy = Policy::Otlp;
                config.max_request_bytes = config
                    .max_request_bytes
                    .saturating_sub(encoder.overhead())
                    .max(64);
                Shape::Otlp(Box::new(OtlpSink {
                    encoder,
                    next: None,
                    message: None,
                }))
            }
        };
        Self {
            batcher: Batcher::new(config, seed),
            shape,
        }
    }

    /// Prices model calls in this sink's OTLP spans (`agentlens.cost.usd`); other wire
    /// shapes carry tokens only.
    pub(super) fn set_pricing(&mut self, pricing: &Pricer) {
        if let Shape::Otlp(sink) = &mut self.shape {
            sink.encoder.set_pricing(Some(pricing.clone()));
        }
    }

    /// Whether this sink writes the content of an LLM call (its prompt and response):
    /// every AgentLens-format sink does, an OTLP sink only with `captureContent`.
    fn writes_llm_content(&self) -> bool {
        match &self.shape {
            Shape::Otlp(o) => o.encoder.config().capture_content,
            _ => true,
        }
    }

    fn compat(&self) -> Option<bool> {
        match self.shape {
            Shape::Plain => Some(false),
            Shape::Compat => Some(true),
            Shape::Otlp(_) => None,
        }
    }

    /// An OTLP sink's request body in its envelope; other sinks' as they are.
    pub(super) fn finish(&self, body: Vec<u8>) -> Vec<u8> {
        match &self.shape {
            Shape::Otlp(o) => o.encoder.wrap(&body),
            _ => body,
        }
    }

    /// For an OTLP sink and a 2xx `body` reporting a partial success: the rejected
    /// count, and whether this is the first explanation (kept for
    /// [`Sink::partial_message`]).
    pub(super) fn partial(&mut self, code: u16, body: &[u8]) -> Option<(u64, bool)> {
        let Shape::Otlp(o) = &mut self.shape else {
            return None;
        };
        if !(200..300).contains(&code) || body.is_empty() {
            return None;
        }
        let json = o.encoder.config().encoding == otlp::Encoding::Json;
        let (rejected, message) = otlp::partial_success(body, json)?;
        if rejected == 0 {
            return None;
        }
        let first = o.message.is_none() && message.is_some();
        if first {
            o.message = message.map(|m| clip(&m, 512).into());
        }
        Some((rejected, first))
    }

    /// The destination's explanation of its first partial success, if it gave one.
    pub(super) fn partial_message(&self) -> Option<&str> {
        match &self.shape {
            Shape::Otlp(o) => o.message.as_deref(),
            _ => None,
        }
    }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn clip(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
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
/// `max_event_bytes`: the model-shaped body, each OTLP sink's span (kept in the sink),
/// the backend-compatible body. None of them copies the event.
pub(super) fn encode(
    event: &mut Event,
    sinks: &mut [Sink],
    max_event_bytes: usize,
    report: &mut Report,
) -> Bodies {
    let mut bodies: Bodies = [None, None];
    if sinks.iter().any(|s| s.compat() == Some(false)) {
        bodies[0] = Some(fitted(event, false, max_event_bytes, report));
    }
    for s in sinks.iter_mut() {
        if let Shape::Otlp(o) = &mut s.shape {
            let mut fit = |e: &mut Event| fit_event(e, max_event_bytes, report);
            o.next = o.encoder.encode_fitted(event, max_event_bytes, &mut fit);
        }
    }
    if sinks.iter().any(|s| s.compat() == Some(true)) {
        bodies[1] = Some(fitted(event, true, max_event_bytes, report));
    }
    bodies
}

/// The event's body, its content cut to fit in `max` bytes. [`fit_event`] measures the
/// model-shaped event; the backend-compatible form is fitted to `max` less what its
/// envelope adds.
fn fitted(event: &mut Event, compat: bool, max: usize, report: &mut Report) -> Box<[u8]> {
    let config = WireConfig {
        backend_compat: compat,
    };
    let mut body = agentlens::encode_event_owned(event, config);
    if body.len() > max {
        let added = if compat {
            body.len().saturating_sub(agentlens::to_vec(event).len())
        } else {
            0
        };
        fit_event(event, max.saturating_sub(added), report);
        body = agentlens::encode_event_owned(event, config);
    }
    body.into_boxed_slice()
}

/// Queues one event in every sink: the last sink of each shape takes the body, the
/// others a copy.
pub(super) fn queue(sinks: &mut [Sink], now: Millis, mut bodies: Bodies, key: &Key) {
    let last = |compat: bool| sinks.iter().rposition(|s| s.compat() == Some(compat));
    let (last_plain, last_compat) = (last(false), last(true));
    for (i, s) in sinks.iter_mut().enumerate() {
        let body = match (s.compat(), &mut s.shape) {
            (Some(compat), _) => {
                let shape = usize::from(compat);
                let owned = Some(i) == if compat { last_compat } else { last_plain };
                if owned {
                    bodies[shape].take()
                } else {
                    bodies[shape].clone()
                }
            }
            (None, Shape::Otlp(o)) => o.next.take().map(Vec::into_boxed_slice),
            (None, _) => None,
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

/// Whether some sink writes the content of an LLM call (see [`Sink::writes_llm_content`]).
pub(super) fn llm_content_wanted(sinks: &[Sink]) -> bool {
    sinks.iter().any(Sink::writes_llm_content)
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
