//! Reading one incoming event object: backend compatibility undone, the model's fields
//! read by the model's decoder, everything else kept beside it as extras.

use serde_json::{Map, Value};

use crate::encode::agentlens::{compat, decode_event};
use crate::model::Event;

/// Every field of [`Event`] on the wire; anything else is an extra, kept beside it.
pub(super) const MODEL_FIELDS: [&str; 29] = [
    "event_id",
    "session_id",
    "event_type",
    "timestamp",
    "agent_name",
    "metadata",
    "ended_at",
    "status",
    "total_tokens_in",
    "total_tokens_out",
    "run_id",
    "parent_run_id",
    "run_name",
    "user_id",
    "trace_id",
    "span_id",
    "input_data",
    "output_data",
    "model",
    "tokens_in",
    "tokens_out",
    "cached_input_tokens",
    "reasoning_tokens",
    "tool_call",
    "decision_trace",
    "memory",
    "error",
    "duration_ms",
    "attributes",
];

/// An event read through the model, with the time texts as the client sent them.
pub(crate) struct Incoming {
    pub(super) event: Event,
    pub(super) timestamp_text: Option<String>,
    pub(super) ended_at_text: Option<String>,
    pub(super) had_timestamp: bool,
    /// Whether `ended_at` was given (not absent, not `null`), readable or not.
    pub(super) had_ended_at: bool,
}

impl Incoming {
    /// An event already in the model (an importer's): its times in the model's form.
    pub(crate) fn of(event: Event) -> Self {
        Self {
            had_timestamp: event.timestamp.is_some(),
            had_ended_at: event.ended_at.is_some(),
            event,
            timestamp_text: None,
            ended_at_text: None,
        }
    }
}

/// Whether a section the model types (tool call, decision, memory, error, attributes)
/// has a shape the model reads; one that does not is kept as an extra instead.
pub(super) fn fits_model(key: &str, v: &Value) -> bool {
    const SECTIONS: [&str; 5] = [
        "tool_call",
        "decision_trace",
        "memory",
        "error",
        "attributes",
    ];
    if !SECTIONS.contains(&key) {
        return true;
    }
    let Value::Object(m) = v else {
        return v.is_null();
    };
    let field_is = |k: &str, ok: fn(&Value) -> bool| m.get(k).is_none_or(ok);
    match key {
        "decision_trace" => field_is("alternatives_considered", |a| {
            a.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        }),
        "memory" => field_is("overwrite", |b| b.is_boolean() || b.is_null()),
        "error" => field_is("critical", Value::is_boolean),
        _ => true,
    }
}

/// Reads one event object: backend compatibility undone, model fields read by the
/// model's decoder, everything else returned as extras.
pub(crate) fn split(mut map: Map<String, Value>) -> (Incoming, Map<String, Value>) {
    compat::restore(&mut map);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let timestamp_text = text(map.get("timestamp"));
    let ended_at_text = text(map.get("ended_at"));
    let had_timestamp = map.get("timestamp").is_some_and(|v| !v.is_null());
    let had_ended_at = map.get("ended_at").is_some_and(|v| !v.is_null());
    let mut known = Map::new();
    let mut extras = Map::new();
    for (k, v) in map {
        if MODEL_FIELDS.contains(&k.as_str()) && fits_model(&k, &v) {
            known.insert(k, v);
        } else {
            extras.insert(k, v);
        }
    }
    // Every remaining field is read leniently, so this does not fail; if it ever did, the
    // event would still be kept (as extras around an empty event) rather than lost.
    let event = decode_event(Value::Object(known)).unwrap_or_default();
    let incoming = Incoming {
        event,
        timestamp_text,
        ended_at_text,
        had_timestamp,
        had_ended_at,
    };
    (incoming, extras)
}
