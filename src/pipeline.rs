//! The path of one event: sanitise (redact, truncate), encode, batch.
//!
//! [`Pipeline`] joins the pieces so that a host has one object to drive. Redaction runs
//! here, before an event is queued or encoded, so no unredacted byte ever reaches the
//! batcher, a request body or a file. It performs no I/O and reads no clock; see the
//! crate docs for the drive loop.

use std::fmt;

use serde_json::Value;

use crate::batch::{self, Batcher, Class, Output, Record, Stats};
use crate::encode::agentlens::{self, WireConfig, compat};
use crate::id::IdGen;
use crate::model::{Event, EventType, semantics};
use crate::redact::{self, Redactor, Report};
use crate::time::Millis;

mod options;

pub use options::{Options, PatternOption};

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
        let class = match event.event_type {
            EventType::SessionEnd => Class::SessionEnd,
            EventType::RunEnd => Class::RunEnd {
                error: semantics::ended_in_failure(&event),
            },
            _ if semantics::is_error(&event) => Class::Error,
            _ => Class::Normal,
        };
        let session: Box<str> = event.session_id.as_str().into();
        let run: Option<Box<str>> = event.run_id.as_deref().map(Into::into);
        // Backend compatibility takes the event apart in place (no copy); the extras
        // are kept for a second encoding if the event must be cut to size.
        let extras = if self.wire.backend_compat {
            compat::prepare(&mut event)
        } else {
            compat::Extras::default()
        };
        let mut body = agentlens::encode_prepared(&event, &extras);
        let max_event_bytes = self.redactor.config().max_event_bytes;
        if body.len() > max_event_bytes {
            fit_event(&mut event, max_event_bytes, &mut self.report);
            body = agentlens::encode_prepared(&event, &extras);
        }
        self.batcher.push(
            now,
            Record {
                body: body.into_boxed_slice(),
                session,
                run,
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

    /// Sends everything buffered, as soon as the retry state allows; see
    /// [`Batcher::flush`] for the mark.
    pub fn flush(&mut self, now: Millis) -> batch::FlushMark {
        self.batcher.flush(now)
    }

    /// Whether everything queued before `mark` was delivered or dropped.
    pub fn is_flushed(&self, mark: batch::FlushMark) -> bool {
        self.batcher.is_flushed(mark)
    }

    /// Whether shutdown has completed: nothing is pending any more.
    pub fn is_shut_down(&self) -> bool {
        self.batcher.is_shut_down()
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
