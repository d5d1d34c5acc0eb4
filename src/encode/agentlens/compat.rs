//! Backend compatibility: what the original AgentLens backend would skip or drop, moved
//! to where it keeps it, and moved back by every decoder of ours.
//!
//! The backend stores a regular event's `event_id`, `session_id`, `event_type` (one of
//! its nine types), `timestamp`, `input_data`, `output_data`, `model`, `tokens_in`,
//! `tokens_out`, `tool_call`, `decision_trace` and `duration_ms`; everything else is
//! dropped (reference A.3). With [`WireConfig::backend_compat`](super::WireConfig) on:
//!
//! - A type it would skip is sent as `generic`, with the real type in `agentlens_type`.
//! - A `session_end`'s totals go in `agentlens_total_tokens_in/out` (pitfall D.5.1).
//! - Every other field it would drop goes in **`output_data._agentlens`**, an object in
//!   the model's shape: `event_type` (the real type), `status`, `run_id`,
//!   `parent_run_id`, `run_name`, `user_id`, `agent_name`, `trace_id`, `span_id`,
//!   `metadata`, `cached_input_tokens`, `reasoning_tokens`, `memory`, `error` and
//!   `attributes`. When the event had no `output_data`, the envelope also says
//!   `"output_data": null`; when it had one that is not an object (or that already has
//!   an `_agentlens` key), the original is kept whole in the envelope's `output_data`.
//! - An error is also written where the Python SDK puts it, `output_data.error` (the
//!   message) and `output_data.error_type`, when those keys are free
//!   (`"mirrored_error": true` in the envelope), so the backend's own readers see it.
//!
//! [`restore`] undoes the envelope exactly: the event read back equals the event sent.
//! When there is an envelope, `output_data` is written after the event's other fields.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{ErrorInfo, Event, EventType, Memory};

/// The extra field that carries a rewritten event's real type.
pub(super) const TYPE_FIELD: &str = "agentlens_type";
/// The extra fields that carry a `session_end`'s totals.
pub(super) const TOTAL_IN_FIELD: &str = "agentlens_total_tokens_in";
pub(super) const TOTAL_OUT_FIELD: &str = "agentlens_total_tokens_out";
/// The key in `output_data` that carries what the backend would drop.
pub const ENVELOPE: &str = "_agentlens";

/// Writes `event` as the backend keeps it (module docs), and leaves it as it was. The
/// fields the backend drops are set aside while the event is written, written in the
/// envelope straight from where they are, and put back: nothing is cloned and no map is
/// built (building the envelope as a map of values made a run's events 6-12% dearer to
/// push through the pipeline, DESIGN.md).
pub(crate) fn encode(event: &mut Event) -> Vec<u8> {
    match event.event_type {
        EventType::SessionStart => super::to_vec(event),
        EventType::SessionEnd => {
            let totals = [event.total_tokens_in.take(), event.total_tokens_out.take()];
            let mut out = super::to_vec(event);
            append(&mut out, None, totals);
            [event.total_tokens_in, event.total_tokens_out] = totals;
            out
        }
        _ => {
            let real_type = (!event.event_type.accepted_by_agentlens_backend())
                .then(|| std::mem::replace(&mut event.event_type, EventType::Generic));
            let mut aside = Event::default();
            swap_dropped(event, &mut aside);
            let mut out = if real_type.is_none() && !has_dropped(&aside) {
                super::to_vec(event)
            } else {
                with_envelope(event, &aside, real_type.as_ref())
            };
            swap_dropped(event, &mut aside);
            if let Some(t) = real_type {
                append(&mut out, Some(&t), [None, None]);
                event.event_type = t;
            }
            out
        }
    }
}

/// Exchanges the fields the backend drops between `a` and `b` (so twice restores both).
fn swap_dropped(a: &mut Event, b: &mut Event) {
    use std::mem::swap;
    swap(&mut a.status, &mut b.status);
    swap(&mut a.run_id, &mut b.run_id);
    swap(&mut a.parent_run_id, &mut b.parent_run_id);
    swap(&mut a.run_name, &mut b.run_name);
    swap(&mut a.user_id, &mut b.user_id);
    swap(&mut a.agent_name, &mut b.agent_name);
    swap(&mut a.trace_id, &mut b.trace_id);
    swap(&mut a.span_id, &mut b.span_id);
    swap(&mut a.cached_input_tokens, &mut b.cached_input_tokens);
    swap(&mut a.reasoning_tokens, &mut b.reasoning_tokens);
    swap(&mut a.metadata, &mut b.metadata);
    swap(&mut a.memory, &mut b.memory);
    swap(&mut a.attributes, &mut b.attributes);
    swap(&mut a.error, &mut b.error);
}

fn has_dropped(e: &Event) -> bool {
    e.status.is_some()
        || e.run_id.is_some()
        || e.parent_run_id.is_some()
        || e.run_name.is_some()
        || e.user_id.is_some()
        || e.agent_name.is_some()
        || e.trace_id.is_some()
        || e.span_id.is_some()
        || e.cached_input_tokens.is_some()
        || e.reasoning_tokens.is_some()
        || e.metadata.is_some()
        || e.memory.is_some()
        || e.attributes.is_some()
        || e.error.is_some()
}

/// `output_data._agentlens`, its fields in the order the module docs give.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    event_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_run_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cached_input_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<&'a Memory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<&'a Map<String, Value>>,
    /// The event's own `output_data` when it is not an object to write the envelope
    /// into (`null` when it had none).
    #[serde(skip_serializing_if = "Option::is_none")]
    output_data: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mirrored_error: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a ErrorInfo>,
}

/// `event` (its dropped fields in `aside`) with its `output_data` written last, the
/// envelope in it.
fn with_envelope(event: &mut Event, aside: &Event, real_type: Option<&EventType>) -> Vec<u8> {
    const NULL: &Value = &Value::Null;
    let output = event.output_data.take();
    let mut out = super::to_vec(event);
    event.output_data = output;
    if out.pop() != Some(b'}') {
        return Vec::new();
    }
    let (own, kept): (Option<&Map<String, Value>>, Option<&Value>) = match &event.output_data {
        None => (None, Some(NULL)),
        Some(Value::Object(m)) if !m.contains_key(ENVELOPE) => (Some(m), None),
        Some(other) => (None, Some(other)),
    };
    out.extend_from_slice(b",\"output_data\":");
    let mut first = true;
    match own {
        Some(m) if !m.is_empty() => {
            let _ = serde_json::to_writer(&mut out, m);
            out.pop(); // its '}'
            first = false;
        }
        _ => out.push(b'{'),
    }
    let error = aside.error.as_deref();
    let free = |k: &str| own.is_none_or(|m| !m.contains_key(k));
    let mirrored = error.is_some() && free("error") && free("error_type");
    if let (true, Some(err)) = (mirrored, error) {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(b"\"error\":");
        let _ = serde_json::to_writer(&mut out, &err.message);
        out.extend_from_slice(b",\"error_type\":");
        let _ = serde_json::to_writer(&mut out, &err.error_type);
        first = false;
    }
    if !first {
        out.push(b',');
    }
    out.extend_from_slice(b"\"");
    out.extend_from_slice(ENVELOPE.as_bytes());
    out.extend_from_slice(b"\":");
    let envelope = Envelope {
        event_type: real_type.map(EventType::as_str),
        status: aside.status.as_deref(),
        run_id: aside.run_id.as_deref(),
        parent_run_id: aside.parent_run_id.as_deref(),
        run_name: aside.run_name.as_deref(),
        user_id: aside.user_id.as_deref(),
        agent_name: aside.agent_name.as_deref(),
        trace_id: aside.trace_id.as_deref(),
        span_id: aside.span_id.as_deref(),
        cached_input_tokens: aside.cached_input_tokens,
        reasoning_tokens: aside.reasoning_tokens,
        metadata: aside.metadata.as_ref(),
        memory: aside.memory.as_deref(),
        attributes: aside.attributes.as_ref(),
        output_data: kept,
        mirrored_error: mirrored.then_some(true),
        error,
    };
    let _ = serde_json::to_writer(&mut out, &envelope);
    out.extend_from_slice(b"}}");
    out
}

/// Appends top-level fields that are not model fields to a written object.
fn append(out: &mut Vec<u8>, real_type: Option<&EventType>, totals: [Option<u64>; 2]) {
    if (real_type.is_none() && totals == [None, None]) || out.last() != Some(&b'}') {
        return;
    }
    out.pop();
    let mut field = |name: &str, value: &dyn Fn(&mut Vec<u8>)| {
        if out.len() > 1 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        value(out);
    };
    if let Some(t) = real_type {
        field(TYPE_FIELD, &|o| {
            let _ = serde_json::to_writer(o, t.as_str());
        });
    }
    for (name, n) in [TOTAL_IN_FIELD, TOTAL_OUT_FIELD].into_iter().zip(totals) {
        if let Some(n) = n {
            field(name, &|o| o.extend_from_slice(n.to_string().as_bytes()));
        }
    }
    out.push(b'}');
}

/// Undoes [`encode`] on an event object as it arrives (wire shape, perhaps through the
/// backend): the real type from `agentlens_type`, a session end's totals, and each
/// field of the `output_data._agentlens` envelope back at the top level. Fields already
/// present win; fields the model does not know are kept. Objects without any of this
/// are left alone, so any event object may be passed.
///
/// ```
/// use agentlens::encode::agentlens::compat::restore;
/// let mut e = serde_json::json!({"event_type": "generic", "agentlens_type": "memory_write",
///     "output_data": {"_agentlens": {"run_id": "r1", "output_data": null}}});
/// restore(e.as_object_mut().unwrap());
/// assert_eq!(e, serde_json::json!({"event_type": "memory_write", "run_id": "r1"}));
/// ```
pub fn restore(map: &mut Map<String, Value>) {
    if let Some(Value::String(t)) = map.remove(TYPE_FIELD) {
        map.insert("event_type".into(), t.into());
    }
    for (extra, field) in [
        (TOTAL_IN_FIELD, "total_tokens_in"),
        (TOTAL_OUT_FIELD, "total_tokens_out"),
    ] {
        if let Some(v) = map.remove(extra) {
            map.entry(field).or_insert(v);
        }
    }
    let Some(Value::Object(out)) = map.get_mut("output_data") else {
        return;
    };
    if !matches!(out.get(ENVELOPE), Some(Value::Object(_))) {
        return;
    }
    let Some(Value::Object(mut env)) = out.remove(ENVELOPE) else {
        return;
    };
    if env.remove("mirrored_error") == Some(Value::Bool(true)) {
        out.remove("error");
        out.remove("error_type");
    }
    match env.remove("output_data") {
        Some(Value::Null) => {
            map.remove("output_data");
        }
        Some(original) => {
            map.insert("output_data".into(), original);
        }
        None => {}
    }
    if let Some(t) = env.remove("event_type") {
        if map
            .get("event_type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "generic")
        {
            map.insert("event_type".into(), t);
        }
    }
    for (k, v) in env {
        map.entry(k).or_insert(v);
    }
}
