//! The path of one event: sanitise (redact, truncate), encode, batch.
//!
//! [`Pipeline`] joins the pieces so that a host has one object to drive. Redaction runs
//! here, before an event is queued or encoded, so no unredacted byte ever reaches the
//! batcher, a request body or a file. It performs no I/O and reads no clock; see the
//! crate docs for the drive loop.

use std::fmt;

use serde_json::Value;

use crate::batch::{self, Batcher, Class, Output, Record, Stats};
use crate::encode::agentlens::{self, WireConfig};
use crate::id::IdGen;
use crate::model::{Event, EventType};
use crate::redact::{self, Redactor, Report};
use crate::time::Millis;

mod options;

pub use options::{Options, PatternOption};

/// Names, ids and other short strings are cut to this many bytes.
pub const MAX_NAME_BYTES: usize = 1024;

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

/// A configuration the pipeline refuses, naming the option.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A redaction setting is invalid (a pattern that does not compile, ...).
    Redact(redact::RedactError),
    /// A batching setting is invalid.
    Batch(batch::ConfigError),
    /// A host option is unknown, of the wrong type or out of range.
    Option {
        /// The option's name as the host spells it (`flushIntervalMs`).
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The per-event limit cannot fit in one request.
    EventLargerThanRequest {
        /// `redact.max_event_bytes`.
        max_event_bytes: usize,
        /// `batch.max_request_bytes`.
        max_request_bytes: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redact(e) => e.fmt(f),
            Self::Batch(e) => e.fmt(f),
            Self::Option { option, message } => write!(f, "invalid option {option}: {message}"),
            Self::EventLargerThanRequest {
                max_event_bytes,
                max_request_bytes,
            } => write!(
                f,
                "maxEventBytes ({max_event_bytes}) must be smaller than maxRequestBytes ({max_request_bytes})"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Accounting for the whole pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PipelineStats {
    /// The batcher's accounting: tracked = delivered + dropped + sampled out + pending.
    #[serde(flatten)]
    pub batch: Stats,
    /// What redaction and truncation did (counts only, never values).
    pub redaction: Report,
}

/// Sanitises, encodes and batches events. See the crate docs for the drive loop.
#[derive(Debug)]
pub struct Pipeline {
    redactor: Redactor,
    batcher: Batcher,
    ids: IdGen,
    wire: WireConfig,
    report: Report,
}

impl Pipeline {
    /// Builds a pipeline. `seed` is host randomness for ids and retry jitter.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first invalid option.
    pub fn new(config: Config, seed: [u8; 32]) -> Result<Self, ConfigError> {
        config.batch.validate().map_err(ConfigError::Batch)?;
        if config.redact.max_event_bytes + 64 > config.batch.max_request_bytes {
            return Err(ConfigError::EventLargerThanRequest {
                max_event_bytes: config.redact.max_event_bytes,
                max_request_bytes: config.batch.max_request_bytes,
            });
        }
        let redactor = Redactor::new(config.redact).map_err(ConfigError::Redact)?;
        let mut ids = IdGen::from_seed(seed);
        let batcher = Batcher::new(config.batch, ids.next_u64());
        Ok(Self {
            redactor,
            batcher,
            ids,
            wire: config.wire,
            report: Report::default(),
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

    /// Sanitises, encodes and queues one event. `sampled` is a host sampler's decision
    /// for the event's session or run; `None` applies the configured rate.
    pub fn push(&mut self, now: Millis, mut event: Event, sampled: Option<bool>) {
        if event.event_id.is_none()
            && !matches!(
                event.event_type,
                EventType::SessionStart | EventType::SessionEnd
            )
        {
            event.event_id = Some(self.ids.event_id());
        }
        sanitize(&self.redactor, &mut event, &mut self.report);
        let mut body = agentlens::encode_event(&event, self.wire);
        let max_event_bytes = self.redactor.config().max_event_bytes;
        if body.len() > max_event_bytes {
            fit_event(&mut event, max_event_bytes, &mut self.report);
            body = agentlens::encode_event(&event, self.wire);
        }
        let body = body.into_boxed_slice();
        let class = match event.event_type {
            EventType::SessionEnd => Class::SessionEnd,
            EventType::RunEnd => Class::RunEnd {
                error: event.is_error(),
            },
            _ if event.is_error() => Class::Error,
            _ => Class::Normal,
        };
        self.batcher.push(
            now,
            Record {
                body,
                session: event.session_id.into_boxed_str(),
                run: event.run_id.map(String::into_boxed_str),
                class,
                sampled,
            },
        );
    }

    /// Reads a JSON array of events (or one event object) and pushes each. Elements that
    /// are not events are counted as dropped (`invalid`), never thrown. Returns how many
    /// were accepted.
    pub fn push_json(&mut self, now: Millis, text: &str) -> usize {
        let items = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            Ok(v @ Value::Object(_)) => vec![v],
            _ => {
                self.batcher.note_invalid(1);
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
                Err(_) => self.batcher.note_invalid(1),
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
                self.batcher.note_invalid(1);
                0
            }
        }
    }

    /// Sends everything buffered, as soon as the retry state allows.
    pub fn flush(&mut self, now: Millis) {
        self.batcher.flush(now);
    }

    /// Reports the result of a request the host performed.
    pub fn handle_response(&mut self, now: Millis, id: u64, outcome: batch::Outcome) {
        self.batcher.handle_response(now, id, outcome);
    }

    /// Lets timers fire; harmless when nothing is due.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.batcher.handle_timeout(now);
    }

    /// Drains what it can before `deadline`; the rest is counted `shutdown_timeout`.
    pub fn shutdown(&mut self, now: Millis, deadline: Millis) {
        self.batcher.shutdown(now, deadline);
    }

    /// The next thing for the host to do; call until it returns [`Output::Wait`].
    pub fn poll_output(&mut self, now: Millis) -> Output {
        self.batcher.poll_output(now)
    }

    /// Accounting so far.
    pub fn stats(&self) -> PipelineStats {
        PipelineStats {
            batch: self.batcher.stats(),
            redaction: self.report.clone(),
        }
    }
}

/// Redacts and truncates every content field of `event` in place: each field fits the
/// redactor's `max_field_bytes`. Ids and timestamps are left alone; names and ids get
/// pattern redaction. ([`Pipeline::push`] then holds the encoded event to
/// `max_event_bytes`, measuring the bytes it encodes anyway.)
pub fn sanitize(redactor: &Redactor, event: &mut Event, report: &mut Report) {
    let limit = redactor.config().max_field_bytes;
    let value = |v: &mut Value, report: &mut Report| {
        redactor.redact_value(v, report);
        redact::truncate_value(v, limit, report);
    };
    let text = |s: &mut String, max: usize, report: &mut Report| {
        redactor.redact_string(s, report);
        if s.len() > max {
            let cut = redact::truncate_str(s, max).into_owned();
            report.fields_truncated += 1;
            report.bytes_removed += (s.len() - cut.len()) as u64;
            *s = cut;
        }
    };
    for v in [
        &mut event.metadata,
        &mut event.input_data,
        &mut event.output_data,
    ]
    .into_iter()
    .flatten()
    {
        value(v, report);
    }
    if let Some(t) = &mut event.tool_call {
        value(&mut t.tool_input, report);
        if let Some(v) = &mut t.tool_output {
            value(v, report);
        }
        text(&mut t.tool_name, MAX_NAME_BYTES, report);
    }
    if let Some(m) = &mut event.memory {
        // A memory key names its value, as an object key does.
        if let Some(v) = m
            .value
            .as_mut()
            .filter(|_| redactor.is_sensitive_key(&m.key))
        {
            *v = Value::String(redactor.config().marker.clone());
            report.keys_redacted += 1;
        }
        if let Some(v) = &mut m.value {
            value(v, report);
        }
        text(&mut m.key, MAX_NAME_BYTES, report);
    }
    if let Some(attrs) = event.attributes.take() {
        let mut v = Value::Object(attrs);
        value(&mut v, report);
        if let Value::Object(map) = v {
            event.attributes = Some(map);
        }
    }
    if let Some(d) = &mut event.decision_trace {
        text(&mut d.reasoning, limit, report);
        for a in &mut d.alternatives_considered {
            text(a, MAX_NAME_BYTES, report);
        }
    }
    if let Some(e) = &mut event.error {
        text(&mut e.message, limit, report);
        text(&mut e.error_type, MAX_NAME_BYTES, report);
        if let Some(s) = &mut e.stack_trace {
            text(s, limit, report);
        }
    }
    // Ids are user-controlled too (an email as a session id is common); patterns never
    // match the hex ids AgentLens mints, so correlation survives.
    text(&mut event.session_id, MAX_NAME_BYTES, report);
    for s in [
        &mut event.agent_name,
        &mut event.model,
        &mut event.run_name,
        &mut event.user_id,
        &mut event.status,
        &mut event.run_id,
        &mut event.parent_run_id,
    ]
    .into_iter()
    .flatten()
    {
        text(s, MAX_NAME_BYTES, report);
    }
}

/// Shrinks the largest content fields until the encoded event fits `max_bytes`.
pub fn fit_event(event: &mut Event, max_bytes: usize, report: &mut Report) {
    for _ in 0..16 {
        let size = serde_json::to_vec(event).map_or(0, |v| v.len());
        if size <= max_bytes {
            return;
        }
        let excess = size - max_bytes;
        let fields = content_fields(event);
        let Some(largest) = fields.into_iter().max_by_key(|v| redact::json_size(v)) else {
            return;
        };
        let current = redact::json_size(largest);
        redact::truncate_value(largest, current.saturating_sub(excess).max(2), report);
    }
}

fn content_fields(event: &mut Event) -> Vec<&mut Value> {
    let mut out: Vec<&mut Value> = Vec::new();
    out.extend(
        [
            &mut event.metadata,
            &mut event.input_data,
            &mut event.output_data,
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(t) = &mut event.tool_call {
        out.push(&mut t.tool_input);
        out.extend(t.tool_output.as_mut());
    }
    if let Some(m) = &mut event.memory {
        out.extend(m.value.as_mut());
    }
    out
}
