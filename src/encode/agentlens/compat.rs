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

use serde_json::{Map, Value};

use crate::model::{Event, EventType};

/// The extra field that carries a rewritten event's real type.
pub(super) const TYPE_FIELD: &str = "agentlens_type";
/// The extra fields that carry a `session_end`'s totals.
pub(super) const TOTAL_IN_FIELD: &str = "agentlens_total_tokens_in";
pub(super) const TOTAL_OUT_FIELD: &str = "agentlens_total_tokens_out";
/// The key in `output_data` that carries what the backend would drop.
pub const ENVELOPE: &str = "_agentlens";

/// Top-level fields to write after the event's own (they are not model fields).
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub(crate) real_type: Option<EventType>,
    pub(crate) total_in: Option<u64>,
    pub(crate) total_out: Option<u64>,
}

/// Rewrites `event` in place for the backend (module docs) and returns the top-level
/// fields to append. Nothing is cloned.
pub(crate) fn prepare(event: &mut Event) -> Extras {
    let mut x = Extras::default();
    match event.event_type {
        EventType::SessionStart => {}
        EventType::SessionEnd => {
            x.total_in = event.total_tokens_in.take();
            x.total_out = event.total_tokens_out.take();
        }
        _ => {
            if !event.event_type.accepted_by_agentlens_backend() {
                x.real_type = Some(std::mem::replace(&mut event.event_type, EventType::Generic));
            }
            pack(event, x.real_type.as_ref());
        }
    }
    x
}

/// Moves the fields the backend drops into `output_data._agentlens`.
fn pack(e: &mut Event, real_type: Option<&EventType>) {
    let mut env = Map::new();
    if let Some(t) = real_type {
        env.insert("event_type".into(), t.as_str().into());
    }
    for (name, field) in [
        ("status", &mut e.status),
        ("run_id", &mut e.run_id),
        ("parent_run_id", &mut e.parent_run_id),
        ("run_name", &mut e.run_name),
        ("user_id", &mut e.user_id),
        ("agent_name", &mut e.agent_name),
        ("trace_id", &mut e.trace_id),
        ("span_id", &mut e.span_id),
    ] {
        if let Some(s) = field.take() {
            env.insert(name.into(), s.into());
        }
    }
    for (name, field) in [
        ("cached_input_tokens", &mut e.cached_input_tokens),
        ("reasoning_tokens", &mut e.reasoning_tokens),
    ] {
        if let Some(n) = field.take() {
            env.insert(name.into(), n.into());
        }
    }
    if let Some(m) = e.metadata.take() {
        env.insert("metadata".into(), m);
    }
    if let Some(m) = e.memory.take() {
        env.insert(
            "memory".into(),
            serde_json::to_value(m).unwrap_or(Value::Null),
        );
    }
    if let Some(a) = e.attributes.take() {
        env.insert("attributes".into(), Value::Object(a));
    }
    let error = e.error.take();
    if env.is_empty() && error.is_none() {
        return;
    }
    let mut out = match e.output_data.take() {
        None => {
            env.insert("output_data".into(), Value::Null);
            Map::new()
        }
        Some(Value::Object(m)) if !m.contains_key(ENVELOPE) => m,
        Some(other) => {
            env.insert("output_data".into(), other);
            Map::new()
        }
    };
    if let Some(err) = error {
        if !out.contains_key("error") && !out.contains_key("error_type") {
            out.insert("error".into(), err.message.as_str().into());
            out.insert("error_type".into(), err.error_type.as_str().into());
            env.insert("mirrored_error".into(), true.into());
        }
        env.insert(
            "error".into(),
            serde_json::to_value(err).unwrap_or(Value::Null),
        );
    }
    out.insert(ENVELOPE.into(), Value::Object(env));
    e.output_data = Some(Value::Object(out));
}

/// Undoes `prepare` on an event object as it arrives (wire shape, perhaps through the
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
