//! An event's fields by name, as conditions read them: numbers for thresholds and
//! aggregates, text for patterns.

use serde_json::Value;

use crate::model::Event;

/// A numeric field of an event: the model's numbers first, then a numeric attribute.
pub(crate) fn number(e: &Event, name: &str) -> Option<f64> {
    let n = |v: Option<u64>| v.map(|x| x as f64);
    match name {
        "tokens_in" => n(e.tokens_in),
        "tokens_out" => n(e.tokens_out),
        "total_tokens" => match (e.tokens_in, e.tokens_out) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(0) + b.unwrap_or(0)) as f64),
        },
        "cached_input_tokens" => n(e.cached_input_tokens),
        "reasoning_tokens" => n(e.reasoning_tokens),
        "duration_ms" => e.duration_ms,
        "confidence" => e.decision_trace.as_ref().and_then(|d| d.confidence),
        _ => e.attributes.as_ref()?.get(name)?.as_f64(),
    }
}

/// A field of an event as text, for pattern conditions.
pub(crate) fn text(e: &Event, name: &str) -> Option<String> {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    match name {
        "event_type" => Some(e.event_type.as_str().to_owned()),
        "session_id" => Some(e.session_id.clone()),
        "model" => e.model.clone(),
        "agent_name" => e.agent_name.clone(),
        "status" => e.status.clone(),
        "input_data" => json(&e.input_data),
        "output_data" => json(&e.output_data),
        "tool_name" => e.tool_call.as_ref().map(|t| t.tool_name.clone()),
        "reasoning" => e.decision_trace.as_ref().map(|d| d.reasoning.clone()),
        "error" | "error_message" => e.error.as_ref().map(|x| x.message.clone()),
        _ => e.attributes.as_ref()?.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    }
}
