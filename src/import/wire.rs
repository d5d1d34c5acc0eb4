//! The AgentLens formats: request bodies, event arrays and the backend's session JSON.

use serde_json::{Map, Value};

use super::json;
use super::warn::Warnings;
use crate::encode::agentlens::decode_event;
use crate::model::{Event, EventType};

/// Events from a list of event objects; elements that are not events are skipped.
pub(crate) fn events(items: Vec<Value>, warnings: &mut Warnings) -> Vec<Event> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match decode_event(item) {
            Ok(e) => out.push(e),
            Err(_) => warnings.push(format!("element {i} is not an event object; skipped")),
        }
    }
    out
}

/// `{"events":[…]}` (reference A.3).
pub(crate) fn batch(mut map: Map<String, Value>, warnings: &mut Warnings) -> Vec<Event> {
    match map.remove("events") {
        Some(Value::Array(items)) => events(items, warnings),
        _ => Vec::new(),
    }
}

/// The backend's `GET /sessions/:id` (the session row plus `events`) or
/// `GET /sessions/:id/events` (`{session_id, total, …, events}`), reference A.5.
///
/// The session row becomes a `session_start` (and a `session_end` once it ended), so a
/// viewer sees the agent's name and the status. The backend turns absent
/// `input_data`/`output_data` into `{}`; empty objects there are read as absent.
pub(crate) fn session(mut map: Map<String, Value>, warnings: &mut Warnings) -> Vec<Event> {
    let session_id = json::text(map.get("session_id")).unwrap_or_default();
    let mut out = Vec::new();
    if map.contains_key("agent_name") || map.contains_key("started_at") {
        let mut start = Event {
            event_type: EventType::SessionStart,
            session_id: session_id.clone(),
            agent_name: json::text(map.get("agent_name")),
            timestamp: json::time(map.get("started_at")),
            metadata: map.remove("metadata").filter(|m| !m.is_null()),
            ..Event::default()
        };
        if start
            .metadata
            .as_ref()
            .is_some_and(|m| m.as_object().is_some_and(Map::is_empty))
        {
            start.metadata = None;
        }
        out.push(start);
    }
    let items = match map.remove("events") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let total = json::count(map.get("total_events").or_else(|| map.get("total")));
    if let Some(total) = total.filter(|t| *t > items.len() as u64) {
        warnings.push(format!(
            "the export holds {} of the session's {total} events (the backend pages them)",
            items.len()
        ));
    }
    for mut e in events(items, warnings) {
        if e.session_id.is_empty() {
            e.session_id.clone_from(&session_id);
        }
        for data in [&mut e.input_data, &mut e.output_data] {
            if data
                .as_ref()
                .is_some_and(|d| d.as_object().is_some_and(Map::is_empty))
            {
                *data = None;
            }
        }
        out.push(e);
    }
    if let Some(ended) = json::time(map.get("ended_at")) {
        out.push(Event {
            event_type: EventType::SessionEnd,
            session_id,
            ended_at: Some(ended),
            status: json::text(map.get("status")),
            total_tokens_in: json::count(map.get("total_tokens_in")),
            total_tokens_out: json::count(map.get("total_tokens_out")),
            ..Event::default()
        });
    }
    out
}
