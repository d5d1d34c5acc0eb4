//! One event, made safe to keep or send: every content field redacted and cut to the
//! field limit, then the whole event fitted to the event limit. Every path that keeps or
//! shows events (the pipeline, `explain`, the analysis engines over a tracker's sessions,
//! alert watches) sanitises each event with these two functions, one event at a time,
//! so a long session is never cut as one value.

use serde_json::Value;

use super::{IdMemo, Redactor, Report, json_size, truncate_str, truncate_value};
use crate::model::{Event, EventType};

/// Names, ids and other short strings are cut to this many bytes.
pub const MAX_NAME_BYTES: usize = 1024;

/// Redacts and truncates every content field of `event` in place: each field fits the
/// redactor's `max_field_bytes`. Ids and timestamps are left alone; names and ids get
/// pattern redaction. ([`crate::pipeline::Pipeline::push`] then holds the encoded event to
/// `max_event_bytes`, measuring the bytes it encodes anyway.)
pub fn sanitize(redactor: &Redactor, event: &mut Event, report: &mut Report) {
    sanitize_event(redactor, event, report, |id, report| {
        redactor.redact_id(id, report);
    });
}

/// [`sanitize`], with the ids of earlier events remembered in `memo` (see [`IdMemo`]):
/// what a pipeline does, its events repeating their session, trace and run ids. `memo`
/// must only ever be used with this redactor.
pub fn sanitize_with(
    redactor: &Redactor,
    event: &mut Event,
    report: &mut Report,
    memo: &mut IdMemo,
) {
    sanitize_event(redactor, event, report, |id, report| {
        redactor.redact_id_with(id, report, memo);
    });
}

/// [`sanitize`], ids redacted by `redact_id` (generic, so a build that never remembers
/// ids holds no code for it).
fn sanitize_event(
    redactor: &Redactor,
    event: &mut Event,
    report: &mut Report,
    mut redact_id: impl FnMut(&mut String, &mut Report),
) {
    let limit = redactor.config().max_field_bytes;
    let value = |v: &mut Value, report: &mut Report| {
        redactor.redact_value(v, report);
        truncate_value(v, limit, report);
    };
    let text = |s: &mut String, max: usize, report: &mut Report| text(redactor, s, max, report);
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
    sanitize_names(redactor, event, report, &mut redact_id);
}

/// Redacts a string field and cuts it to `max` bytes.
fn text(redactor: &Redactor, s: &mut String, max: usize, report: &mut Report) {
    redactor.redact_string(s, report);
    if s.len() > max {
        let cut = truncate_str(s, max).into_owned();
        report.fields_truncated += 1;
        report.bytes_removed += (s.len() - cut.len()) as u64;
        *s = cut;
    }
}

/// Names and ids. Names (agent, model, run name, status, a custom event type) are
/// pattern-redacted and cut to [`MAX_NAME_BYTES`]. Ids (session, event, run, parent run,
/// user, trace, span, tool call, decision trace) go through [`Redactor::redact_id`]: kept
/// exactly when nothing in them is sensitive (the hex ids AgentLens mints never are), else
/// redacted with a keyed tag, so two ids never become one.
fn sanitize_names(
    redactor: &Redactor,
    event: &mut Event,
    report: &mut Report,
    redact_id: &mut impl FnMut(&mut String, &mut Report),
) {
    for s in [
        &mut event.agent_name,
        &mut event.model,
        &mut event.run_name,
        &mut event.status,
    ]
    .into_iter()
    .flatten()
    {
        text(redactor, s, MAX_NAME_BYTES, report);
    }
    if let EventType::Custom(name) = &mut event.event_type {
        text(redactor, name, MAX_NAME_BYTES, report);
    }
    redact_id(&mut event.session_id, report);
    for id in [
        &mut event.event_id,
        &mut event.run_id,
        &mut event.parent_run_id,
        &mut event.user_id,
        &mut event.trace_id,
        &mut event.span_id,
    ]
    .into_iter()
    .flatten()
    {
        redact_id(id, report);
    }
    if let Some(t) = &mut event.tool_call {
        redact_id(&mut t.tool_call_id, report);
    }
    if let Some(d) = &mut event.decision_trace {
        redact_id(&mut d.trace_id, report);
    }
}

/// [`sanitize`]s each event and [`fit_event`]s it to the redactor's `max_event_bytes`:
/// what the pipeline does to an event before it is sent, for hosts that keep or analyse
/// events (explain, the analysis engines over a tracker's sessions, alert watches).
///
/// ```
/// use agentlens::model::{Event, EventType};
/// use agentlens::redact::{Config, Redactor, Report, sanitize_events};
/// use agentlens::time::UnixNanos;
///
/// let redactor = Redactor::new(Config { max_event_bytes: 2000, ..Config::default() })?;
/// let mut events: Vec<Event> = (0..400)
///     .map(|i| {
///         let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(i));
///         e.input_data = Some(serde_json::json!({ "prompt": "x".repeat(1000) }));
///         e.tokens_in = Some(1000);
///         e
///     })
///     .collect();
/// sanitize_events(&redactor, &mut events, &mut Report::default());
/// // Each event is held to the limit on its own: all 400 keep their tokens and type.
/// assert_eq!(events.iter().map(|e| e.tokens_in.unwrap()).sum::<u64>(), 400_000);
/// # Ok::<(), agentlens::redact::RedactError>(())
/// ```
pub fn sanitize_events(redactor: &Redactor, events: &mut [Event], report: &mut Report) {
    let max_event_bytes = redactor.config().max_event_bytes;
    for e in events {
        sanitize(redactor, e, report);
        fit_event(e, max_event_bytes, report);
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
        let Some(largest) = fields.into_iter().max_by_key(|v| json_size(v)) else {
            return;
        };
        let current = json_size(largest);
        truncate_value(largest, current.saturating_sub(excess).max(2), report);
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
