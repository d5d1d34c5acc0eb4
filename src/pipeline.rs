//! The path of one event: sanitise (redact, truncate) once, encode once per wire shape,
//! batch once per destination.
//!
//! [`Pipeline`] joins the pieces so that a host has one object to drive, however many
//! destinations (sinks) it delivers to. Each sink has its own batcher (queue, retries,
//! accounting) and framing (AgentLens request bodies or NDJSON lines), so a failing
//! destination never holds up another, while redaction runs once per event, before it
//! is queued or encoded, so no unredacted byte ever reaches a batcher, a request body or
//! a file. It performs no I/O and reads no clock; see the crate docs for the drive loop.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::batch::{self, Class, FlushMark, Output, Stats};
use crate::encode::agentlens::{self, WireConfig};
use crate::id::IdGen;
use crate::model::{Event, EventType, semantics};
use crate::redact::{self, IdMemo, Redactor, Report, sanitize_with};
use crate::time::Millis;

mod error;
mod options;
mod sinks;
mod totals;

pub use error::ConfigError;
pub use options::{Kind, OPTIONS, OptionSpec, Options, PatternOption};
pub use sinks::Format;
use sinks::{Marks, Sink};
pub use totals::{SessionTokens, end_total, event_tokens, session_total};

pub use crate::redact::{MAX_NAME_BYTES, fit_event, sanitize};

/// Everything a [`Pipeline`] needs to know.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// What to redact and how much to keep.
    pub redact: redact::Config,
    /// When to send, retry and drop.
    pub batch: batch::Config,
    /// How events are written.
    pub wire: WireConfig,
}

impl Config {
    /// Settings for an NDJSON trace file: model-shaped lines, newline framing.
    pub fn ndjson() -> Self {
        let batch = batch::Config {
            framing: batch::Framing::NDJSON,
            ..batch::Config::default()
        };
        Self {
            batch,
            wire: WireConfig {
                backend_compat: false,
            },
            ..Self::default()
        }
    }
}

/// Accounting for the whole pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PipelineStats {
    /// The batcher's accounting: tracked = delivered + dropped + sampled out + pending.
    /// For a pipeline of several sinks, the first sink's ([`Pipeline::sink_stats`] has
    /// each one's).
    #[serde(flatten)]
    pub batch: Stats,
    /// What redaction and truncation did (counts only, never values), once per event
    /// whatever the number of sinks.
    pub redaction: Report,
}

/// Sanitises each event once, encodes it once per wire shape and batches it once per
/// sink. See the crate docs for the drive loop.
#[derive(Debug)]
pub struct Pipeline {
    /// Shared with hosts that show what the pipeline sent ([`Pipeline::shared_redactor`]).
    redactor: Arc<Redactor>,
    /// Ids the redactor found clean lately (each event repeats its session's).
    ids_seen: IdMemo,
    sinks: Vec<Sink>,
    ids: IdGen,
    report: Report,
    marks: Marks,
    tokens: SessionTokens,
}

impl Pipeline {
    /// Builds a pipeline with one sink, framed and encoded as `config` says. `seed` is
    /// host randomness for ids and retry jitter.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first invalid option.
    pub fn new(config: Config, seed: [u8; 32]) -> Result<Self, ConfigError> {
        // One sink of the configured framing and wire shape, as given.
        Self::build(config, &[Format::Agentlens], seed)
    }

    /// Builds a pipeline with one sink per format (none is allowed: the pipeline then
    /// only checks options and mints ids). Every sink shares `config`'s redaction and
    /// batching settings; each has its own batcher. An `Agentlens` sink writes request
    /// bodies with `config.wire`; an `Ndjson` sink writes model-shaped lines; an `Otlp`
    /// sink writes OTLP span records and retries by the OTLP rules (see
    /// [`batch::Policy::Otlp`]), its request limit less its envelope.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first invalid option.
    pub fn with_sinks(
        config: Config,
        formats: &[Format],
        seed: [u8; 32],
    ) -> Result<Self, ConfigError> {
        let mut config = config;
        config.batch.framing = batch::Framing::AGENTLENS;
        Self::build(config, formats, seed)
    }

    fn build(config: Config, formats: &[Format], seed: [u8; 32]) -> Result<Self, ConfigError> {
        check(&config)?;
        let mut redact = config.redact;
        // Tags of redacted ids are keyed by the host's randomness unless the host chose a key.
        redact
            .id_key
            .get_or_insert_with(|| redact::IdKey::from_seed(&seed));
        let redactor = Arc::new(Redactor::new(redact).map_err(ConfigError::Redact)?);
        let mut ids = IdGen::from_seed(seed);
        let sinks = formats
            .iter()
            .map(|f| Sink::new(f, config.wire, &config.batch, ids.next_u64()))
            .collect();
        Ok(Self {
            redactor,
            ids_seen: IdMemo::default(),
            sinks,
            ids,
            report: Report::default(),
            marks: Marks::default(),
            tokens: SessionTokens::default(),
        })
    }

    /// The id generator, for hosts that mint session and run ids.
    pub fn ids(&mut self) -> &mut IdGen {
        &mut self.ids
    }

    /// The redactor, for previews and for hosts that sanitise values outside events.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The redactor itself, shared, for a host that redacts what it shows of the events it
    /// sent (a tracker's `explain()` and analyses): the same rules, and the same key for the
    /// tags of redacted ids, so an id reads there as the exporters received it.
    pub fn shared_redactor(&self) -> Arc<Redactor> {
        Arc::clone(&self.redactor)
    }

    /// Prices model calls in the OTLP sinks' spans with `pricing` from now on
    /// (`agentlens.cost.usd`): a [`PricingTable`](crate::analysis::cost::PricingTable)
    /// over the price catalog every AgentLens host prices with, or a host's own pricer
    /// holding it.
    pub fn set_pricing(&mut self, pricing: crate::analysis::cost::Pricer) {
        for sink in &mut self.sinks {
            sink.set_pricing(&pricing);
        }
    }

    /// How many sinks the pipeline feeds.
    pub fn sink_count(&self) -> usize {
        self.sinks.len()
    }

    /// Sanitises one event (once), encodes it (once per wire shape the sinks need) and
    /// queues it in every sink. `sampled` is a host sampler's decision for the event's
    /// session or run; `None` applies the configured rate. A `session_end` gets its
    /// session's token totals ([`session_total`]), with or without sinks.
    pub fn push(&mut self, now: Millis, mut event: Event, sampled: Option<bool>) {
        self.tokens.account(&mut event);
        if event.event_id.is_none()
            && !matches!(
                event.event_type,
                EventType::SessionStart | EventType::SessionEnd
            )
        {
            event.event_id = Some(self.ids.event_id());
        }
        if self.sinks.is_empty() {
            return;
        }
        if event.event_type == EventType::LlmCall && !sinks::llm_content_wanted(&self.sinks) {
            // No sink writes a model call's prompt or response (OTLP without
            // `captureContent`): what is never kept is never redacted (a third of the
            // event's cost).
            event.input_data = None;
            if !semantics::is_error(&event) {
                // A failed call's `output_data` may name its error, which the span keeps.
                event.output_data = None;
            }
        }
        sanitize_with(
            &self.redactor,
            &mut event,
            &mut self.report,
            &mut self.ids_seen,
        );
        let class = match event.event_type {
            EventType::SessionEnd => Class::SessionEnd,
            EventType::RunEnd => Class::RunEnd {
                error: semantics::ended_in_failure(&event),
            },
            _ if semantics::is_error(&event) => Class::Error,
            _ => Class::Normal,
        };
        let key = sinks::Key::of(&event, class, sampled);
        let max_event_bytes = self.redactor.config().max_event_bytes;
        let bodies = sinks::encode(
            &mut event,
            &mut self.sinks,
            max_event_bytes,
            &mut self.report,
        );
        sinks::queue(&mut self.sinks, now, bodies, &key);
    }

    /// Reads a JSON array of events (or one event object) and pushes each. Elements that
    /// are not events are counted as dropped (`invalid`) in every sink, never thrown.
    /// Returns how many were accepted.
    pub fn push_json(&mut self, now: Millis, text: &str) -> usize {
        #[cfg(feature = "direct-decode")]
        if let Some(events) = agentlens::decode_array_direct(text) {
            let accepted = events.len();
            for e in events {
                self.push(now, e, None);
            }
            return accepted;
        }
        let items = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            Ok(v @ Value::Object(_)) => vec![v],
            _ => {
                self.note_invalid(1);
                return 0;
            }
        };
        let mut accepted = 0;
        for item in items {
            match agentlens::decode_event(item) {
                Ok(e) => {
                    self.push(now, e, None);
                    accepted += 1;
                }
                Err(_) => self.note_invalid(1),
            }
        }
        accepted
    }

    /// [`Pipeline::push_json`] for UTF-8 bytes (hosts hand over encoded text in one copy);
    /// bytes that are not UTF-8 count as one dropped `invalid` input.
    pub fn push_json_bytes(&mut self, now: Millis, bytes: &[u8]) -> usize {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.push_json(now, text),
            Err(_) => {
                self.note_invalid(1);
                0
            }
        }
    }

    fn note_invalid(&mut self, count: u64) {
        for s in &mut self.sinks {
            s.batcher.note_invalid(count);
        }
    }

    /// Sends everything buffered in every sink, as soon as each one's retry state
    /// allows; the mark tells [`Pipeline::is_flushed`] when all of it is through.
    pub fn flush(&mut self, now: Millis) -> FlushMark {
        let marks = self
            .sinks
            .iter_mut()
            .map(|s| s.batcher.flush(now))
            .collect();
        self.marks.add(marks)
    }

    /// Whether everything queued before `mark` was delivered or dropped, in every sink.
    pub fn is_flushed(&self, mark: FlushMark) -> bool {
        self.marks.is_flushed(mark, &self.sinks)
    }

    /// Whether shutdown has completed in every sink: nothing is pending any more.
    pub fn is_shut_down(&self) -> bool {
        self.sinks.iter().all(|s| s.batcher.is_shut_down())
    }

    /// Reports the result of a request the host performed (`id` as in the
    /// [`batch::Request`]; it names the sink).
    pub fn handle_response(&mut self, now: Millis, id: u64, outcome: batch::Outcome) {
        let n = self.sinks.len() as u64;
        if let Some(s) = self.sinks.get_mut(sinks::sink_of(id, n)) {
            s.batcher
                .handle_response(now, sinks::local_id(id, n), outcome);
        }
    }

    /// Reports an HTTP status with the response's `body`: for an OTLP sink, a 2xx whose
    /// `ExportTraceServiceResponse` reports `partial_success.rejected_spans > 0` is a
    /// partial success (final; the rejected spans dropped `rejected`, the rest
    /// delivered, [`batch::Notice::PartialSuccess`] emitted, and the server's
    /// `error_message` kept for [`Pipeline::partial_message`]). Anything else is
    /// [`Pipeline::handle_response`] with the status.
    pub fn handle_status(
        &mut self,
        now: Millis,
        id: u64,
        code: u16,
        retry_after: Option<Millis>,
        body: &[u8],
    ) {
        let n = self.sinks.len() as u64;
        let Some(s) = self.sinks.get_mut(sinks::sink_of(id, n)) else {
            return;
        };
        let local = sinks::local_id(id, n);
        if s.batcher.inflight_id() == Some(local) {
            if let Some((rejected, warn)) = s.partial(code, body) {
                s.batcher.handle_partial_success(now, local, rejected, warn);
                return;
            }
        }
        let outcome = batch::Outcome::Status { code, retry_after };
        s.batcher.handle_response(now, local, outcome);
    }

    /// What an OTLP sink's destination said the first time it reported a partial
    /// success (at most 512 bytes), if it said anything.
    pub fn partial_message(&self, sink: usize) -> Option<&str> {
        self.sinks.get(sink)?.partial_message()
    }

    /// Lets timers fire in every sink; harmless when nothing is due.
    pub fn handle_timeout(&mut self, now: Millis) {
        for s in &mut self.sinks {
            s.batcher.handle_timeout(now);
        }
    }

    /// Drains what it can before `deadline`; the rest is counted `shutdown_timeout`.
    pub fn shutdown(&mut self, now: Millis, deadline: Millis) {
        for s in &mut self.sinks {
            s.batcher.shutdown(now, deadline);
        }
    }

    /// The next thing for the host to do, from any sink; call until it returns
    /// [`Output::Wait`] (the earliest deadline of all sinks).
    pub fn poll_output(&mut self, now: Millis) -> Output {
        self.poll_sink_output(now).1
    }

    /// [`Pipeline::poll_output`] with the index of the sink the output is for (a
    /// request's id names its sink too). The final `Wait` comes with index
    /// [`Pipeline::sink_count`].
    pub fn poll_sink_output(&mut self, now: Millis) -> (usize, Output) {
        let n = self.sinks.len() as u64;
        let mut wait: Option<Millis> = None;
        for (i, s) in self.sinks.iter_mut().enumerate() {
            match s.batcher.poll_output(now) {
                Output::Wait(at) => {
                    wait = match (wait, at) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Output::Send(mut req) => {
                    req.id = sinks::global_id(req.id, i, n);
                    req.body = s.finish(req.body);
                    return (i, Output::Send(req));
                }
                other => return (i, other),
            }
        }
        self.marks.prune(&self.sinks);
        (self.sinks.len(), Output::Wait(wait))
    }

    /// Accounting so far: the first sink's, and redaction's.
    pub fn stats(&self) -> PipelineStats {
        PipelineStats {
            batch: self
                .sinks
                .first()
                .map(|s| s.batcher.stats())
                .unwrap_or_default(),
            redaction: self.report.clone(),
        }
    }

    /// Each sink's accounting, in order.
    pub fn sink_stats(&self) -> Vec<Stats> {
        self.sinks.iter().map(|s| s.batcher.stats()).collect()
    }

    /// What redaction and truncation did so far (once per event).
    pub fn redaction(&self) -> &Report {
        &self.report
    }

    /// The token sums (`[in, out]`) of the events of a session pushed so far.
    pub fn session_tokens(&self, session_id: &str) -> [u64; 2] {
        self.tokens.of(session_id)
    }
}

/// Checks the settings the redactor and the batcher do not check on their own.
fn check(config: &Config) -> Result<(), ConfigError> {
    config.batch.validate().map_err(ConfigError::Batch)?;
    if config.redact.max_event_bytes + 64 > config.batch.max_request_bytes {
        return Err(ConfigError::EventLargerThanRequest {
            max_event_bytes: config.redact.max_event_bytes,
            max_request_bytes: config.batch.max_request_bytes,
        });
    }
    Ok(())
}

/// Checks host options (JSON text) as a pipeline would, without building one: the
/// option kinds, the ranges, and the redaction rules (each pattern compiled).
///
/// # Errors
/// [`ConfigError`] naming the first invalid option.
pub fn check_options(options_json: &str) -> Result<Config, ConfigError> {
    let config = Options::from_json(options_json)?.into_config()?;
    check(&config)?;
    Redactor::new(config.redact.clone()).map_err(ConfigError::Redact)?;
    Ok(config)
}

/// A token count as the core reads one (the event model's lenient rule, applied to
/// `value` as if it were an event's `tokens_in`): hosts that keep running totals ask
/// here rather than clamping on their own.
pub fn token_count(value: Value) -> u64 {
    let mut fields = Map::new();
    fields.insert("event_type".into(), "generic".into());
    fields.insert("session_id".into(), "".into());
    fields.insert("tokens_in".into(), value);
    agentlens::decode_event(Value::Object(fields))
        .ok()
        .and_then(|e| e.tokens_in)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
