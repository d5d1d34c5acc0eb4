//! One incoming element to one record: read, sanitised, normalised, classified (see the
//! module docs of [`crate::ingest`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

pub(crate) use super::read::{Incoming, split};
use super::record::{Columns, EventColumns, Record, RunEnd, RunStart, flags};
use super::{Batch, Options};
use crate::id::IdGen;
use crate::model::semantics::{Facts, SessionStatus};
use crate::model::{DEFAULT_AGENT_NAME, Event, EventType};
use crate::pipeline::end_total;
use crate::redact::{self, Report, truncate_value};
use crate::time::UnixNanos;

/// The longest session or run id accepted (the AgentLens backend's limit).
pub const MAX_ID_CHARS: usize = 128;
const MAX_TYPE_CHARS: usize = 64;
/// The longest event id accepted, in characters. Ids are kept whole: one longer is
/// refused, never cut (two ids cut to a common prefix would be one event).
pub const MAX_EVENT_ID_CHARS: usize = 256;
const MAX_TIME_CHARS: usize = 64;
const MAX_NAME_CHARS: usize = 256;
const MAX_MODEL_CHARS: usize = 128;
const MAX_STATUS_CHARS: usize = 32;
const NANOS_PER_MS: i64 = 1_000_000;

/// Strips control characters (tab, newline and carriage return are kept, as the backend
/// does) and keeps the first `max` characters.
pub(crate) fn clean(s: &str, max: usize) -> String {
    s.chars()
        .filter(|&c| {
            !(matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'))
        })
        .take(max)
        .collect()
}

/// A session or run id as the AgentLens backend accepts it: 1 to [`MAX_ID_CHARS`]
/// characters from `[A-Za-z0-9_.:-]`, taken whole; else `None`. An id is never cut or
/// stripped into shape: that would make two ids one (`s\u{1}x` and `sx`, or two long
/// ids with the same first 128 characters).
///
/// ```
/// use agentlens::ingest::valid_id;
/// assert_eq!(valid_id(Some("run-1:a.b_c")), Some("run-1:a.b_c".into()));
/// assert_eq!(valid_id(Some("bad id!")), None);
/// assert_eq!(valid_id(Some("s\u{1}x")), None);
/// assert_eq!(valid_id(Some(&"a".repeat(129))), None);
/// assert_eq!(valid_id(Some("")), None);
/// ```
pub fn valid_id(s: Option<&str>) -> Option<String> {
    let s = s?;
    let ok = (1..=MAX_ID_CHARS).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    ok.then(|| s.to_owned())
}

/// Whether `s` is an event id the ingest keeps: 1 to [`MAX_EVENT_ID_CHARS`] characters,
/// none of them a control character (C0, DEL or C1). Kept whole, exactly as sent.
///
/// ```
/// use agentlens::ingest::valid_event_id;
/// assert!(valid_event_id("a01bdf57e9c94b6d"));
/// assert!(valid_event_id(&"é".repeat(256)));
/// assert!(!valid_event_id(&"x".repeat(257)));
/// assert!(!valid_event_id("a\u{1}b"));
/// assert!(!valid_event_id(""));
/// ```
pub fn valid_event_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars().take(MAX_EVENT_ID_CHARS + 1).count() <= MAX_EVENT_ID_CHARS
        && !s.chars().any(char::is_control)
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The instant and its column text: the text as sent when it is that instant, else the
/// model's form; `now` when there is no readable time.
fn time(model: Option<UnixNanos>, sent: Option<String>, now: UnixNanos) -> (UnixNanos, String) {
    let Some(at) = model else {
        return (now, now.to_rfc3339());
    };
    let text = sent
        .filter(|s| s.len() <= MAX_TIME_CHARS && UnixNanos::parse_rfc3339(s) == Ok(at))
        .unwrap_or_else(|| at.to_rfc3339());
    (at, text)
}

fn epoch_ms(at: UnixNanos) -> i64 {
    at.0.div_euclid(NANOS_PER_MS)
}

/// The step name shown in lists: the first of the tool's name, the run's or span's name,
/// the model, the memory key, the error type, and `Final Answer` for a final answer.
fn step_name(e: &Event, extras: &Map<String, Value>) -> Option<String> {
    let extra = |k: &str| extras.get(k).and_then(Value::as_str).map(str::to_owned);
    let memory = e.memory.as_ref().map(|m| {
        let verb = if e.event_type == EventType::MemoryWrite {
            "Write"
        } else {
            "Read"
        };
        format!("{verb}: {}", m.key)
    });
    let final_answer = (e.event_type == EventType::Final).then(|| "Final Answer".to_owned());
    [
        e.tool_call.as_ref().map(|t| t.tool_name.clone()),
        e.run_name.clone(),
        extra("span_name"),
        extra("name"),
        e.model.clone(),
        memory,
        e.error.as_ref().map(|x| x.error_type.clone()),
        final_answer,
    ]
    .into_iter()
    .flatten()
    .find_map(|c| non_empty(clean(&c, MAX_NAME_CHARS)))
}

fn short(s: Option<&str>, max: usize) -> Option<String> {
    s.and_then(|s| non_empty(clean(s, max)))
}

/// The largest buffer reserved ahead for an event's JSON (see [`State::json_hint`]).
const MAX_JSON_HINT: usize = 64 * 1024;

/// The event as JSON: the model's fields, then the extras, written into a buffer of
/// `capacity` bytes to start with (so a typical event is written without regrowing).
fn event_json(event: &Event, extras: &Map<String, Value>, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    if serde_json::to_writer(&mut out, event).is_err() {
        out = b"{}".to_vec();
    }
    if extras.is_empty() || out.last() != Some(&b'}') {
        return out;
    }
    out.pop();
    for (k, v) in extras {
        if out.len() > 1 {
            out.push(b',');
        }
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, v);
    }
    out.push(b'}');
    out
}

/// Per call: the options, ids drawn from the seed, and the sessions of the runs seen.
pub(crate) struct State<'a> {
    options: &'a Options,
    ids: IdGen,
    run_sessions: HashMap<String, String>,
    /// The buffer to reserve for the next event's JSON: the last one's size and a margin.
    json_hint: usize,
}

impl<'a> State<'a> {
    pub(crate) fn new(options: &'a Options) -> Self {
        Self {
            options,
            ids: IdGen::from_u64(options.seed),
            run_sessions: HashMap::new(),
            json_hint: 1024,
        }
    }

    /// The bytes stored for `json`: a [`flags`] byte, then the JSON or its gzip.
    fn stored(&self, json: &[u8]) -> Vec<u8> {
        if self.options.compress && json.len() > 64 {
            let gz = crate::import::gzip(json, 6);
            // Small events often grow under gzip; keep whichever is smaller.
            if gz.len() < json.len() {
                let mut out = Vec::with_capacity(gz.len() + 1);
                out.push(flags::GZIP);
                out.extend_from_slice(&gz);
                return out;
            }
        }
        let mut out = Vec::with_capacity(json.len() + 1);
        out.push(0);
        out.extend_from_slice(json);
        out
    }

    /// Redacts the extras by key and pattern and cuts each to the field limit, as the
    /// content fields of the model are.
    fn sanitize_extras(&self, extras: &mut Map<String, Value>, report: &mut Report) {
        if extras.is_empty() {
            return;
        }
        let redactor = &self.options.redactor;
        let mut v = Value::Object(std::mem::take(extras));
        redactor.redact_value(&mut v, report);
        if let Value::Object(m) = v {
            *extras = m;
        }
        for v in extras.values_mut() {
            truncate_value(v, redactor.config().max_field_bytes, report);
        }
    }

    /// Sanitises, normalises and classifies one event into `batch` (or counts it refused).
    pub(crate) fn push(
        &mut self,
        incoming: Incoming,
        mut extras: Map<String, Value>,
        batch: &mut Batch,
    ) {
        let Incoming {
            mut event,
            timestamp_text,
            ended_at_text,
            had_timestamp,
            had_ended_at,
        } = incoming;
        // No id (or an empty one) gets one below; one given is kept whole or refused.
        if event
            .event_id
            .as_deref()
            .is_some_and(|id| !id.is_empty() && !valid_event_id(id))
        {
            batch.rejected.invalid_event_id += 1;
            return;
        }
        // Ids that hold data the rules remove come out redacted and tagged, as the SDK's
        // do (`Redactor::redact_id`): distinct ids stay distinct, none is refused.
        redact::sanitize(&self.options.redactor, &mut event, &mut batch.report);
        self.sanitize_extras(&mut extras, &mut batch.report);
        event.event_type = EventType::parse(&clean(event.event_type.as_str(), MAX_TYPE_CHARS));
        let run_id = valid_id(event.run_id.as_deref());
        let session = valid_id(Some(&event.session_id)).or_else(|| {
            let run = run_id.as_ref()?;
            Some(self.run_sessions.get(run).unwrap_or(run).clone())
        });
        let Some(session) = session else {
            batch.rejected.no_session_id += 1;
            return;
        };
        if let Some(run) = &run_id {
            self.run_sessions
                .entry(run.clone())
                .or_insert_with(|| session.clone());
        }
        event.session_id = session;
        let now = self.options.now;
        // A time given that could not be read: the record is kept, dated now, and counted.
        let unreadable_timestamp = had_timestamp && event.timestamp.is_none();
        let unreadable_end = had_ended_at && event.ended_at.is_none();
        let record = match event.event_type {
            EventType::SessionStart => {
                batch.repaired.unreadable_times += u64::from(unreadable_timestamp);
                self.start(event, extras, timestamp_text, now)
            }
            EventType::SessionEnd => {
                // The end's time is `ended_at` when it was given, else `timestamp`.
                let (sent, unreadable) = if had_ended_at {
                    (ended_at_text, unreadable_end)
                } else {
                    (timestamp_text, unreadable_timestamp)
                };
                batch.repaired.unreadable_times += u64::from(unreadable);
                end(event, &extras, sent, had_ended_at, now)
            }
            _ => {
                let sent = Sent {
                    text: timestamp_text,
                    given: had_timestamp,
                    unreadable: unreadable_timestamp,
                };
                let (record, unreadable) = self.regular(event, extras, sent, run_id, now);
                batch.repaired.unreadable_times += u64::from(unreadable);
                record
            }
        };
        batch.records.push(record);
    }

    fn start(
        &self,
        mut event: Event,
        extras: Map<String, Value>,
        sent: Option<String>,
        now: UnixNanos,
    ) -> Record {
        let (at, timestamp) = time(event.timestamp, sent, now);
        event.timestamp = Some(at);
        let agent_name = short(event.agent_name.as_deref(), MAX_NAME_CHARS)
            .unwrap_or_else(|| DEFAULT_AGENT_NAME.to_owned());
        event.agent_name = Some(agent_name.clone());
        let metadata = event
            .metadata
            .get_or_insert_with(|| Value::Object(Map::new()));
        let payload = self.stored(&serde_json::to_vec(metadata).unwrap_or_default());
        Record {
            columns: Columns::Start {
                session_id: event.session_id.clone(),
                agent_name,
                timestamp,
                ts_ms: epoch_ms(at),
            },
            payload: Some(payload),
            json: event_json(&event, &extras, self.json_hint),
        }
    }

    fn regular(
        &mut self,
        mut event: Event,
        extras: Map<String, Value>,
        sent: Sent,
        run_id: Option<String>,
        now: UnixNanos,
    ) -> (Record, bool) {
        // Without a `timestamp`, an Agent Inspector event's `timestamp_ms` (an extra).
        let inspector = extras.get("timestamp_ms").filter(|_| !sent.given);
        let inspector_time = inspector.and_then(|v| match v {
            Value::Number(n) => n.as_f64().and_then(UnixNanos::try_from_unix_ms),
            Value::String(s) => UnixNanos::parse_rfc3339(s).ok(),
            _ => None,
        });
        let unreadable = sent.unreadable
            || (inspector.is_some_and(|v| !v.is_null()) && inspector_time.is_none());
        let model_time = event.timestamp.or(inspector_time);
        let (at, timestamp) = time(model_time, sent.text, now);
        event.timestamp = Some(at);
        let ts_ms = epoch_ms(at);
        let type_name = event.event_type.as_str().to_owned();
        // Without an id, a span's event gets one derived from the span, so a resent OTLP
        // export or a re-imported trace stays idempotent; anything else a drawn one.
        let span = valid_id(event.span_id.as_deref()).filter(|_| sent.given && !unreadable);
        // A given id was checked whole in `push`; a derived one is at most 128 + 64 + 22
        // characters of an id, a cleaned type and a number.
        let event_id = event
            .event_id
            .take()
            .filter(|id| !id.is_empty())
            .or_else(|| span.map(|s| format!("{s}:{type_name}:{ts_ms}")))
            .unwrap_or_else(|| self.ids.event_id());
        event.event_id = Some(event_id.clone());
        let tokens_in = *event.tokens_in.get_or_insert(0);
        let tokens_out = *event.tokens_out.get_or_insert(0);
        let facts = Facts::of(&event);
        let name = step_name(&event, &extras);
        let (run_start, run_end) =
            run_columns(&event, &extras, facts, run_id.is_some(), name.as_ref());
        let status = if facts.error {
            "failed".to_owned()
        } else {
            short(event.status.as_deref(), MAX_STATUS_CHARS)
                .unwrap_or_else(|| "completed".to_owned())
        };
        let json = event_json(&event, &extras, self.json_hint);
        self.json_hint = (json.len() + json.len() / 4).min(MAX_JSON_HINT);
        let columns = EventColumns {
            session_id: event.session_id,
            event_id,
            run_id,
            event_type: type_name,
            timestamp,
            ts_ms,
            model: short(event.model.as_deref(), MAX_MODEL_CHARS),
            name,
            status,
            tokens_in,
            tokens_out,
            duration_ms: event.duration_ms,
            is_error: facts.error,
            session_status: (facts.session != SessionStatus::Active)
                .then(|| facts.session.as_str()),
            run_start,
            run_end,
        };
        let record = Record {
            columns: Columns::Event(Box::new(columns)),
            payload: Some(self.stored(&json)),
            json,
        };
        (record, unreadable)
    }
}

/// A `run_start`'s run (when it names a valid run) and a `run_end`'s outcome.
fn run_columns(
    event: &Event,
    extras: &Map<String, Value>,
    facts: Facts,
    has_run: bool,
    name: Option<&String>,
) -> (Option<RunStart>, Option<RunEnd>) {
    let start = (event.event_type == EventType::RunStart && has_run).then(|| {
        let agent_type = extras.get("agent_type").and_then(Value::as_str);
        RunStart {
            name: short(event.run_name.as_deref(), MAX_NAME_CHARS)
                .or_else(|| name.cloned())
                .unwrap_or_else(|| "run".to_owned()),
            agent_type: short(agent_type, MAX_NAME_CHARS),
            user_id: short(event.user_id.as_deref(), MAX_NAME_CHARS),
            parent_run_id: short(event.parent_run_id.as_deref(), MAX_NAME_CHARS),
        }
    });
    let end = (event.event_type == EventType::RunEnd).then(|| RunEnd {
        status: if facts.failed_end {
            "failed"
        } else {
            "completed"
        },
        duration_ms: event.duration_ms.map(|d| d.round() as i64),
    });
    (start, end)
}

/// A regular event's time as sent, whether it had one at all, and whether the one it
/// had could not be read.
struct Sent {
    text: Option<String>,
    given: bool,
    unreadable: bool,
}

/// A session end: its time is `ended_at` when that was given (`now` if it could not be
/// read), else its `timestamp`.
fn end(
    mut event: Event,
    extras: &Map<String, Value>,
    sent: Option<String>,
    had_ended_at: bool,
    now: UnixNanos,
) -> Record {
    let model = if had_ended_at {
        event.ended_at
    } else {
        event.timestamp
    };
    let (at, ended_at) = time(model, sent, now);
    event.ended_at = Some(at);
    let status = SessionStatus::of_event(&event).as_str();
    event.status = Some(status.to_owned());
    Record {
        columns: Columns::End {
            session_id: event.session_id.clone(),
            ended_at,
            ts_ms: epoch_ms(at),
            status,
            total_tokens_in: end_total(event.total_tokens_in),
            total_tokens_out: end_total(event.total_tokens_out),
        },
        payload: None,
        json: event_json(&event, extras, 256),
    }
}
