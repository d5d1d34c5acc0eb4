//! OpenAI Agents SDK exported traces and spans (standards-and-peers §3.3–3.5):
//! `{"data":[{object:"trace"|"trace.span", …}]}`, a bare array of them, or one item.
//!
//! A trace becomes a `session_start` (agent name = workflow name); its session is the
//! trace's `group_id` (one conversation) or else the trace id. Spans map by
//! `span_data.type`: `agent` (and the SDK's task/turn spans, exported as `custom` with
//! `data.sdk_span_type`) → runs; `generation`, `response` → `llm_call`; `function`,
//! `mcp_tools` → `tool_call`; `handoff` → `decision`; everything else → `generic`
//! keeping its span data. A span's `error` fails it.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json;
use super::span::{self, Body, Span};
use super::warn::Warnings;
use crate::model::{ErrorInfo, Event, EventType};

fn usage(data: &Map<String, Value>) -> (Option<u64>, Option<u64>, Option<u64>, Option<u64>) {
    let Some(u) = data.get("usage").and_then(Value::as_object) else {
        return (None, None, None, None);
    };
    let cached = json::count(u.get("cached_input_tokens")).or_else(|| {
        json::count(
            u.get("input_tokens_details")
                .and_then(|d| d.get("cached_tokens")),
        )
    });
    let reasoning = json::count(
        u.get("output_tokens_details")
            .and_then(|d| d.get("reasoning_tokens")),
    );
    (
        json::count(u.get("input_tokens").or_else(|| u.get("prompt_tokens"))),
        json::count(
            u.get("output_tokens")
                .or_else(|| u.get("completion_tokens")),
        ),
        cached,
        reasoning,
    )
}

fn body(kind: &str, data: &mut Map<String, Value>, name: &mut String) -> Body {
    let take = |data: &mut Map<String, Value>, key: &str| {
        data.remove(key)
            .filter(|v| !v.is_null())
            .map(json::maybe_json)
    };
    match kind {
        "agent" => Body::Run {
            agent_name: json::text(data.get("name")),
            user_id: None,
        },
        "custom"
            if matches!(
                data.get("data")
                    .and_then(|d| d.get("sdk_span_type"))
                    .and_then(Value::as_str),
                Some("task" | "turn")
            ) =>
        {
            Body::Run {
                agent_name: json::text(data.get("data").and_then(|d| d.get("agent_name"))),
                user_id: None,
            }
        }
        "generation" | "response" => {
            let (tokens_in, tokens_out, cached_in, reasoning) = usage(data);
            data.remove("usage");
            Body::Llm {
                model: json::text(data.get("model")),
                tokens_in,
                tokens_out,
                cached_in,
                reasoning,
                prompt: take(data, "input"),
                response: take(data, "output"),
            }
        }
        "function" => Body::Tool {
            name: json::text(data.get("name")).unwrap_or_default(),
            call_id: None,
            input: take(data, "input"),
            output: take(data, "output"),
        },
        "mcp_tools" => Body::Tool {
            name: "mcp_tools".into(),
            call_id: None,
            input: data.get("server").cloned(),
            output: take(data, "result"),
        },
        "handoff" => {
            let from = json::text(data.get("from_agent")).unwrap_or_else(|| "?".into());
            let to = json::text(data.get("to_agent")).unwrap_or_else(|| "?".into());
            if name.is_empty() {
                *name = format!("handoff {from} → {to}");
            }
            Body::Decision {
                reasoning: format!("handoff from {from} to {to}"),
                alternatives: Vec::new(),
            }
        }
        _ => Body::Generic,
    }
}

fn read_span(item: &Map<String, Value>, session_id: String) -> Span {
    let mut data = match item.get("span_data") {
        Some(Value::Object(d)) => d.clone(),
        _ => Map::new(),
    };
    let kind = json::text(data.get("type")).unwrap_or_default();
    let mut name = json::text(data.get("name")).unwrap_or_else(|| kind.clone());
    let body = body(&kind, &mut data, &mut name);
    let mut errors = Vec::new();
    if let Some(Value::Object(err)) = item.get("error") {
        errors.push(ErrorInfo {
            error_type: format!("{kind}_span_error"),
            message: json::text(err.get("message")).unwrap_or_default(),
            critical: false,
            stack_trace: None,
        });
        if let Some(d) = err.get("data").filter(|d| !d.is_null()) {
            data.insert("error_data".into(), d.clone());
        }
    }
    Span {
        session_id,
        trace_id: json::text(item.get("trace_id")),
        span_id: json::text(item.get("id")).unwrap_or_default(),
        parent_id: json::text(item.get("parent_id")),
        name,
        start: json::time(item.get("started_at")),
        end: json::time(item.get("ended_at")),
        body,
        failed: !errors.is_empty(),
        errors,
        attributes: data,
    }
}

/// Reads an export.
pub(crate) fn decode(value: Value, warnings: &mut Warnings) -> Vec<Event> {
    let items = match value {
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => items,
            _ => vec![Value::Object(map)],
        },
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    let mut sessions: HashMap<String, String> = HashMap::new();
    for item in &items {
        if item.get("object").and_then(Value::as_str) == Some("trace") {
            if let (Some(id), Some(group)) =
                (json::text(item.get("id")), json::text(item.get("group_id")))
            {
                sessions.insert(id, group);
            }
        }
    }
    let session_of = |trace: &Option<String>| {
        let trace = trace.clone().unwrap_or_default();
        sessions.get(&trace).cloned().unwrap_or(trace)
    };
    let mut events = Vec::new();
    let mut traces = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(map) = item.as_object() else {
            warnings.push(format!("data[{i}] is not an object; skipped"));
            continue;
        };
        match map.get("object").and_then(Value::as_str) {
            Some("trace") => traces.push(map),
            Some("trace.span") => {
                let session = session_of(&json::text(map.get("trace_id")));
                read_span(map, session).into_events(&mut events);
            }
            _ => warnings.push(format!("data[{i}] is neither a trace nor a span; skipped")),
        }
    }
    for trace in traces {
        let id = json::text(trace.get("id"));
        // The trace has no time of its own: it starts with its first span.
        let first = events
            .iter()
            .filter(|(_, _, e)| e.trace_id == id)
            .filter_map(|(at, _, _)| *at)
            .min();
        let mut start = Event::new(
            EventType::SessionStart,
            session_of(&id),
            first.unwrap_or_default(),
        );
        (start.tokens_in, start.tokens_out, start.timestamp) = (None, None, first);
        start.agent_name = json::text(trace.get("workflow_name"));
        start.trace_id = id;
        start.metadata = trace.get("metadata").filter(|m| !m.is_null()).cloned();
        // Before its spans: a stable sort keeps it ahead of a run starting at once.
        events.insert(0, (first, 0, start));
    }
    span::in_time_order(events)
}
