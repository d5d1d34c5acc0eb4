//! Ingestion for hosts that store events (the local collector): one call takes a request
//! body and returns exactly what the host stores, per record its columns and its payload,
//! with what was refused and why. The host decides nothing about what an event means.
//!
//! Per element, in order:
//!
//! 1. **Backend compatibility undone** ([`crate::encode::agentlens::compat::restore`]): the real type, a session
//!    end's totals and the `output_data._agentlens` envelope.
//! 2. **Read through the model** ([`Event`]), leniently: fields the model does not know
//!    (`span_name`, `parent_span_id`, ...) are kept beside it as *extras*; a section of the
//!    wrong shape (a `tool_call` that is a string) is kept as an extra rather than failing
//!    the event. Token counts follow the model's one rule (`max(0, floor(v))` of a JSON
//!    number or of a string holding the decimal text of one, 0 otherwise).
//! 3. **Redacted and truncated with the SDK's rule**, [`crate::redact::sanitize`]: content fields
//!    redacted and cut to the field limit, names and ids (session and run ids included)
//!    pattern-redacted. Extras are redacted and cut as content fields.
//! 4. **Normalised** as the AgentLens backend does where it is sound (reference A.3):
//!    control characters stripped from names, session and run ids of 1 to 128 characters
//!    from `[A-Za-z0-9_.:-]`, taken whole (else the session id is refused and the run id
//!    dropped: never cut or stripped into another session's id), a missing time replaced
//!    by the host's `now`, a missing event id derived from the span (so a resent OTLP
//!    export stays idempotent) or drawn from the host's seed. Every event type is kept. A
//!    session id that redaction changed is refused: stored under the marker it would merge
//!    unrelated sessions.
//!
//!    **Event ids** are kept whole, exactly as sent: 1 to [`MAX_EVENT_ID_CHARS`] characters
//!    and no control character. An event's identity is its session and its id (the host
//!    stores the same id in two sessions as two events). An id outside that form refuses
//!    the whole call on the wire paths ([`ingest_body`], [`ingest_array`]:
//!    [`IngestError::InvalidEventId`], the client can correct it) and that one record
//!    elsewhere (imports and OTLP, counted in [`Rejected::invalid_event_id`]).
//!
//!    **A time that cannot be read** (`timestamp`, or a session end's `ended_at`: text that
//!    is not RFC 3339, a number of milliseconds that is not a time between 1677 and 2262,
//!    or any other JSON value) does not refuse its record: the record is kept, dated with
//!    the host's `now` (the time it was received), and counted in
//!    [`Repaired::unreadable_times`], a warning of the call.
//! 5. **Classified** by [`crate::model::semantics`]: error or not, what it implies for its session's
//!    status, a failed end; the step name shown, the status label and a run's outcome.
//!
//! Column timestamps (`started_at`, `ended_at`, an event's `timestamp`) keep the text the
//! client sent when it is a readable time (the AgentLens read API returns them as sent);
//! the payload holds the model's form (RFC 3339, microseconds, `Z`), and `ts_ms` the
//! instant in epoch milliseconds, whatever the input (times out of range are clamped,
//! never a panic).
//!
//! A lone UTF-16 surrogate escape in a request body's JSON (`"\ud800"`, which JSON's
//! grammar allows and no string can hold) becomes U+FFFD, counted in
//! [`Repaired::lone_surrogates`]; it never refuses the body. Nor does a number too large
//! for a double (`1e400`, valid JSON): it is kept as the text of its digits, counted in
//! [`Repaired::huge_numbers`] (a time so given is then unreadable, and dated when received).
//!
//! OTLP/HTTP bodies (protobuf or JSON) go through [`ingest_otlp`], which also gives the
//! `ExportTraceServiceResponse` to answer with (docs/otlp.md, "Ingest").
//!
//! Sans-IO like the rest of the core: the host passes `now` and a random seed.

mod direct;
mod huge_numbers;
mod normalize;
mod otlp;
mod read;
mod record;
mod surrogates;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use crate::encode::DecodeError;
use crate::import::{self, ImportError, TraceFormat};
use crate::model::Event;
use crate::redact::{Redactor, Report};
use crate::time::UnixNanos;

pub use normalize::{MAX_EVENT_ID_CHARS, MAX_ID_CHARS, valid_event_id, valid_id};
pub use otlp::{INVALID_ARGUMENT, OtlpBatch, ingest_otlp, otlp_response, otlp_status};
pub use record::{Columns, EventColumns, Kind, Record, RunEnd, RunStart, flags};

/// What an ingest call needs from the host.
#[derive(Clone, Debug)]
pub struct Options {
    /// The redaction rules; its `max_field_bytes` is the field limit.
    pub redactor: Redactor,
    /// The time of an event that has none (the host's clock).
    pub now: UnixNanos,
    /// Randomness for event ids the client did not give.
    pub seed: u64,
    /// Gzip payloads when that makes them smaller ([`flags::GZIP`]).
    pub compress: bool,
    /// The most elements one call takes ([`IngestError::TooManyEvents`] beyond).
    pub max_events: usize,
}

/// Why a whole call was refused (nothing of it is to be stored).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum IngestError {
    /// The body is not JSON, or not of the expected shape (see [`DecodeError`]).
    Decode(DecodeError),
    /// More elements than [`Options::max_events`].
    TooManyEvents {
        /// Elements in the body.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A trace the importer could not read (its message never quotes the input).
    Import(ImportError),
    /// An element's `event_id` is not 1 to [`MAX_EVENT_ID_CHARS`] characters without a
    /// control character ([`valid_event_id`]); wire bodies only.
    InvalidEventId {
        /// The element's index in the body's array.
        index: usize,
    },
}

impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decode(e) => e.fmt(f),
            Self::TooManyEvents { count, max } => {
                write!(f, "Batch too large: {count} events (max {max})")
            }
            Self::Import(e) => e.fmt(f),
            Self::InvalidEventId { index } => write!(
                f,
                "Invalid event_id in events[{index}]: an event_id is 1 to {MAX_EVENT_ID_CHARS} characters without control characters"
            ),
        }
    }
}

impl std::error::Error for IngestError {}

/// Elements refused, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// Not a JSON object.
    pub not_an_object: u64,
    /// No session id of the accepted form (and no run id to take one from).
    pub no_session_id: u64,
    /// Always 0 now: a session id that holds data the redaction rules remove is redacted and
    /// tagged, as the SDK does (`Redactor::redact_id`), not refused. Kept for the shape of
    /// the counts hosts read.
    pub redacted_session_id: u64,
    /// An `event_id` that is not 1 to [`MAX_EVENT_ID_CHARS`] characters without a control
    /// character (imports and OTLP; on the wire paths it refuses the call).
    pub invalid_event_id: u64,
}

impl Rejected {
    /// All refused elements.
    pub fn total(&self) -> u64 {
        self.not_an_object + self.no_session_id + self.redacted_session_id + self.invalid_event_id
    }

    /// One line per reason that occurred, for the host's log or response.
    pub fn warnings(&self) -> Vec<String> {
        [
            (self.not_an_object, "not an object"),
            (self.no_session_id, "without a valid session id"),
            (
                self.redacted_session_id,
                "whose session id holds data the redaction rules remove",
            ),
            (self.invalid_event_id, "with an invalid event_id"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {} {why}", if n == 1 { "record" } else { "records" }))
        .collect()
    }
}

/// What was repaired rather than refused, by kind (each a warning of the call).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Repaired {
    /// Records with a time given that could not be read, dated with the host's `now`.
    pub unreadable_times: u64,
    /// Lone UTF-16 surrogate escapes replaced by U+FFFD.
    pub lone_surrogates: u64,
    /// Numbers too large for a double (`1e400`), kept as the text of their digits.
    pub huge_numbers: u64,
}

impl Repaired {
    /// One line per kind of repair that occurred.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let n = self.unreadable_times;
        if n > 0 {
            let (what, verb) = if n == 1 {
                ("record", "was")
            } else {
                ("records", "were")
            };
            out.push(format!(
                "{n} {what} with a time that could not be read {verb} dated when received"
            ));
        }
        let n = self.lone_surrogates;
        if n > 0 {
            let what = if n == 1 { "surrogate" } else { "surrogates" };
            out.push(format!("{n} lone UTF-16 {what} replaced by U+FFFD"));
        }
        let n = self.huge_numbers;
        if n > 0 {
            let what = if n == 1 { "number" } else { "numbers" };
            out.push(format!("{n} {what} too large for a double kept as text"));
        }
        out
    }
}

/// What one call made of its input.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Elements in the input.
    pub received: usize,
    /// The records to store, in input order.
    pub records: Vec<Record>,
    /// What was refused.
    pub rejected: Rejected,
    /// What was repaired and kept.
    pub repaired: Repaired,
    /// What redaction and truncation changed (`fields_truncated` is the host's count).
    pub report: Report,
    /// The format a trace was read as ([`ingest_trace`] only).
    pub format: Option<TraceFormat>,
    /// The importer's warnings ([`ingest_trace`] only).
    pub import_warnings: Vec<String>,
}

impl Batch {
    /// Every refusal and repair of the call, one line per kind (the importer's warnings
    /// are in [`Batch::import_warnings`]).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = self.rejected.warnings();
        out.extend(self.repaired.warnings());
        out
    }
}

/// Ingests an AgentLens request body, `{"events":[…]}`.
///
/// # Errors
/// [`IngestError::Decode`] when the body is not JSON or has no `events` array;
/// [`IngestError::TooManyEvents`] past the limit; [`IngestError::InvalidEventId`] for an
/// element whose `event_id` is not a valid one ([`valid_event_id`]).
pub fn ingest_body(bytes: &[u8], options: &Options) -> Result<Batch, IngestError> {
    read_repaired(bytes, |text| match direct::read_body(text) {
        Some(elements) => ingest_elements(elements, options),
        None => ingest_body_general(text, options),
    })
}

/// Reads a wire body with `read`, its lone surrogates replaced first; when the JSON read
/// fails, once more with its numbers too large for a double kept as text, if it had any.
fn read_repaired(
    bytes: &[u8],
    read: impl Fn(&str) -> Result<Batch, IngestError>,
) -> Result<Batch, IngestError> {
    let (text, lone_surrogates) = repaired_text(bytes)?;
    let mut batch = match read(&text) {
        Err(e @ IngestError::Decode(DecodeError::Json { .. })) => match huge_numbers::repair(&text)
        {
            Some((text, n)) => {
                let mut batch = read(&text)?;
                batch.repaired.huge_numbers = n;
                batch
            }
            None => return Err(e),
        },
        other => other?,
    };
    batch.repaired.lone_surrogates = lone_surrogates;
    Ok(batch)
}

/// [`ingest_body`] through the general read alone: the whole body as a `Value` tree first.
fn ingest_body_general(text: &str, options: &Options) -> Result<Batch, IngestError> {
    let value = parse(text)?;
    let Value::Object(mut body) = value else {
        return Err(IngestError::Decode(DecodeError::NotAnEventBatch));
    };
    let Some(Value::Array(items)) = body.remove("events") else {
        return Err(IngestError::Decode(DecodeError::NotAnEventBatch));
    };
    wire_values(items, options)
}

/// Ingests a JSON array of event objects (wire or model shape).
///
/// # Errors
/// As [`ingest_body`], for text that is not a JSON array.
pub fn ingest_array(bytes: &[u8], options: &Options) -> Result<Batch, IngestError> {
    read_repaired(bytes, |text| match direct::read_array(text) {
        Some(elements) => ingest_elements(elements, options),
        None => match parse(text)? {
            Value::Array(items) => wire_values(items, options),
            _ => Err(IngestError::Decode(DecodeError::NotAnEventBatch)),
        },
    })
}

/// A wire body's text, its lone surrogate escapes replaced ([`surrogates::repair`]), and
/// how many there were.
fn repaired_text(bytes: &[u8]) -> Result<(std::borrow::Cow<'_, str>, u64), IngestError> {
    let text = utf8(bytes)?;
    Ok(match surrogates::repair(text) {
        Some((repaired, n)) => (std::borrow::Cow::Owned(repaired), n),
        None => (std::borrow::Cow::Borrowed(text), 0),
    })
}

fn utf8(bytes: &[u8]) -> Result<&str, IngestError> {
    std::str::from_utf8(bytes).map_err(|_| {
        IngestError::Decode(DecodeError::Json {
            line: 1,
            column: 0,
            category: "utf8",
        })
    })
}

/// JSON text to a value, through the text reader every other decoder uses (one reader in
/// the wasm, not two).
fn parse(text: &str) -> Result<Value, IngestError> {
    serde_json::from_str(text).map_err(|e| IngestError::Decode(DecodeError::from_serde(&e)))
}

/// Ingests the elements the fast read gave ([`direct`]), as [`ingest_values`] does.
fn ingest_elements(
    elements: Vec<direct::Element>,
    options: &Options,
) -> Result<Batch, IngestError> {
    check_count(elements.len(), options)?;
    let mut state = normalize::State::new(options);
    let mut batch = Batch {
        received: elements.len(),
        ..Batch::default()
    };
    for (index, element) in elements.into_iter().enumerate() {
        match element {
            direct::Element::NotAnObject => batch.rejected.not_an_object += 1,
            direct::Element::Event(e) => {
                let (event, extras) = *e;
                state.push(event, extras, &mut batch);
                refuse_invalid_event_id(&batch, index)?;
            }
        }
    }
    Ok(batch)
}

/// On the wire paths an invalid event id refuses the call (the client can correct it).
fn refuse_invalid_event_id(batch: &Batch, index: usize) -> Result<(), IngestError> {
    if batch.rejected.invalid_event_id > 0 {
        return Err(IngestError::InvalidEventId { index });
    }
    Ok(())
}

/// [`ingest_values`] for a wire body: an invalid event id refuses the call.
fn wire_values(items: Vec<Value>, options: &Options) -> Result<Batch, IngestError> {
    values(items, options, true)
}

/// Ingests elements already parsed.
///
/// # Errors
/// [`IngestError::TooManyEvents`] past the limit.
pub fn ingest_values(items: Vec<Value>, options: &Options) -> Result<Batch, IngestError> {
    values(items, options, false)
}

fn values(items: Vec<Value>, options: &Options, wire: bool) -> Result<Batch, IngestError> {
    check_count(items.len(), options)?;
    let mut state = normalize::State::new(options);
    let mut batch = Batch {
        received: items.len(),
        ..Batch::default()
    };
    for (index, item) in items.into_iter().enumerate() {
        let Value::Object(map) = item else {
            batch.rejected.not_an_object += 1;
            continue;
        };
        let (event, extras) = normalize::split(map);
        state.push(event, extras, &mut batch);
        if wire {
            refuse_invalid_event_id(&batch, index)?;
        }
    }
    Ok(batch)
}

/// Ingests a trace file in any format [`import::import_trace`] reads (gzipped or not).
///
/// # Errors
/// [`IngestError::Import`] for an unknown format or a broken file;
/// [`IngestError::TooManyEvents`] past the limit.
pub fn ingest_trace(bytes: &[u8], options: &Options) -> Result<Batch, IngestError> {
    let imported = import::import_trace(bytes).map_err(IngestError::Import)?;
    let mut batch = ingest_events(imported.events, options)?;
    batch.format = Some(imported.format);
    batch.import_warnings = imported.warnings;
    Ok(batch)
}

/// Ingests events already in the model (an importer's output).
///
/// # Errors
/// [`IngestError::TooManyEvents`] past the limit.
pub fn ingest_events(events: Vec<Event>, options: &Options) -> Result<Batch, IngestError> {
    check_count(events.len(), options)?;
    let mut state = normalize::State::new(options);
    let mut batch = Batch {
        received: events.len(),
        ..Batch::default()
    };
    for event in events {
        state.push(normalize::Incoming::of(event), Map::new(), &mut batch);
    }
    Ok(batch)
}

fn check_count(count: usize, options: &Options) -> Result<(), IngestError> {
    if count > options.max_events {
        return Err(IngestError::TooManyEvents {
            count,
            max: options.max_events,
        });
    }
    Ok(())
}
