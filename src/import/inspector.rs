//! Agent Inspector run exports (reference C.1, C.5, C.6): `GET /v1/runs/{id}/export`'s
//! `{run, timeline}`, a list of them or `{runs:[…]}`, a run object with its `steps`
//! nested, or the `/timeline` response `{run_id, events}`.
//!
//! The run row becomes `run_start` (name, user, agent type; parent run from
//! `parent_run_id` in the row or its metadata) and, unless still running, `run_end`
//! with the row's status (`completed`/`failed`) and duration. Each step is read from its
//! decoded `data` (the event's own dict), falling back to the step's columns: LLM
//! calls, tools (`tool_error` when failed), memory reads and writes, errors, final
//! answers, handoffs (as decisions) and the multi-agent types (kept by name). Times are
//! epoch milliseconds.

use serde_json::{Map, Value};

use super::json;
use super::warn::Warnings;
use crate::model::{
    DecisionTrace, ErrorInfo, Event, EventType, Memory, ToolCall, semantics, status,
};

/// Keys every Inspector event has; not repeated in `attributes`.
const BASE_KEYS: &[&str] = &[
    "event_id",
    "run_id",
    "timestamp_ms",
    "type",
    "duration_ms",
    "input",
    "output",
];

fn take(d: &mut Map<String, Value>, key: &str) -> Option<Value> {
    d.remove(key).filter(|v| !v.is_null())
}

fn take_text(d: &mut Map<String, Value>, key: &str) -> Option<String> {
    json::text(d.remove(key).as_ref())
}

/// One step: its decoded data, with the step's columns filling what the data lacks.
fn step_data(step: &Value) -> Map<String, Value> {
    let mut d = match step.get("data") {
        Some(Value::Object(d)) => d.clone(),
        _ => Map::new(),
    };
    if let Some(cols) = step.as_object() {
        for (col, key) in [
            ("id", "event_id"),
            ("run_id", "run_id"),
            ("timestamp", "timestamp_ms"),
            ("type", "type"),
            ("name", "name"),
            ("status", "status"),
            ("duration_ms", "duration_ms"),
            ("parent_event_id", "parent_event_id"),
        ] {
            if let Some(v) = cols.get(col).filter(|v| !v.is_null()) {
                d.entry(key).or_insert_with(|| v.clone());
            }
        }
        // A step that is the event dict itself (no `data` column).
        if !cols.contains_key("data") {
            for (k, v) in cols {
                d.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    d
}

fn step_event(mut d: Map<String, Value>, base: &Event) -> Event {
    let kind = take_text(&mut d, "type").unwrap_or_default();
    let mut e = base.clone();
    e.event_id = json::text(d.get("event_id"));
    e.timestamp = json::time(d.get("timestamp_ms"));
    e.duration_ms = json::number(d.get("duration_ms")).filter(|ms| *ms >= 0.0);
    let failed = d
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(semantics::is_failure_status);
    let output = take(&mut d, "output");
    e.event_type = EventType::parse(&kind);
    match kind.as_str() {
        "llm_call" => {
            e.model = take_text(&mut d, "model");
            e.tokens_in = Some(json::count(d.remove("prompt_tokens").as_ref()).unwrap_or(0));
            e.tokens_out = Some(json::count(d.remove("completion_tokens").as_ref()).unwrap_or(0));
            e.input_data =
                take(&mut d, "prompt").map(|p| json::object1("prompt", json::maybe_json(p)));
            e.output_data = take(&mut d, "response").map(|r| json::object1("response", r));
        }
        "tool_call" => tool_step(&mut e, &mut d, output.as_ref(), failed),
        "memory_read" | "memory_write" => {
            let value = take(&mut d, "memory_value")
                .or_else(|| output.as_ref().and_then(|o| o.get("memory_value")).cloned());
            e.memory = Some(Box::new(Memory {
                key: take_text(&mut d, "memory_key").unwrap_or_default(),
                value,
                memory_type: take_text(&mut d, "memory_type"),
                overwrite: d.remove("overwrite").and_then(|v| v.as_bool()),
            }));
        }
        "error" => {
            e.error = Some(Box::new(ErrorInfo {
                error_type: take_text(&mut d, "error_type").unwrap_or_else(|| "error".into()),
                message: take_text(&mut d, "error_message").unwrap_or_default(),
                critical: d
                    .remove("critical")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                stack_trace: take_text(&mut d, "stack_trace"),
            }));
        }
        "final_answer" | "final" => {
            let answer = take(&mut d, "answer")
                .or_else(|| output.as_ref().and_then(|o| o.get("answer")).cloned());
            e.output_data = answer.map(|a| json::object1("answer", a));
        }
        "agent_handoff" => handoff_step(&mut e, &mut d),
        "agent_spawn" => e.parent_run_id = json::text(d.get("parent_run_id")),
        _ => {}
    }
    if e.tokens_in.is_none() {
        (e.tokens_in, e.tokens_out) = (Some(0), Some(0));
    }
    for key in BASE_KEYS {
        d.remove(*key);
    }
    if !d.is_empty() {
        e.attributes = Some(d);
    }
    e
}

/// A tool step: its call, and for a failed one a `tool_error` with the output's error.
fn tool_step(e: &mut Event, d: &mut Map<String, Value>, output: Option<&Value>, failed: bool) {
    let result =
        take(d, "tool_result").or_else(|| output.and_then(|o| o.get("tool_result")).cloned());
    e.tool_call = Some(Box::new(ToolCall {
        tool_call_id: e.event_id.clone().unwrap_or_default(),
        tool_name: take_text(d, "tool_name").unwrap_or_default(),
        tool_input: take(d, "tool_args").unwrap_or(Value::Null),
        tool_output: result,
        timestamp: e.timestamp,
        duration_ms: e.duration_ms,
    }));
    if failed {
        e.event_type = EventType::ToolError;
        e.error = output
            .map(|o| ErrorInfo {
                error_type: json::text(o.get("error_type")).unwrap_or_else(|| "error".into()),
                message: json::text(o.get("error_message")).unwrap_or_default(),
                critical: false,
                stack_trace: None,
            })
            .map(Box::new);
    }
}

/// A handoff between agents: a decision whose reasoning is the handoff's reason.
fn handoff_step(e: &mut Event, d: &mut Map<String, Value>) {
    let from = json::text(d.get("from_agent_name").or_else(|| d.get("from_agent_id")));
    let to = json::text(d.get("to_agent_name").or_else(|| d.get("to_agent_id")));
    let reasoning = take_text(d, "handoff_reason").unwrap_or_else(|| {
        format!(
            "handoff from {} to {}",
            from.as_deref().unwrap_or("?"),
            to.as_deref().unwrap_or("?")
        )
    });
    e.event_type = EventType::Decision;
    e.decision_trace = Some(Box::new(DecisionTrace {
        trace_id: e.event_id.clone().unwrap_or_default(),
        reasoning,
        timestamp: e.timestamp,
        ..DecisionTrace::default()
    }));
}

/// One run and its steps into events.
fn run_events(run: &Map<String, Value>, steps: &[Value], out: &mut Vec<Event>) {
    let mut datas: Vec<Map<String, Value>> = steps
        .iter()
        .filter(|s| s.is_object())
        .map(step_data)
        .collect();
    // The run_start step (stored as a step too, C.5) only adds to the row.
    let start_step = datas
        .iter()
        .position(|d| d.get("type").and_then(Value::as_str) == Some("run_start"))
        .map(|i| datas.remove(i))
        .unwrap_or_default();
    let end_step = datas
        .iter()
        .position(|d| d.get("type").and_then(Value::as_str) == Some("run_end"))
        .map(|i| datas.remove(i))
        .unwrap_or_default();
    let field = |key: &str| {
        run.get(key)
            .filter(|v| !v.is_null())
            .or_else(|| start_step.get(key))
    };
    let run_id = json::text(run.get("id").or_else(|| run.get("run_id")))
        .or_else(|| json::text(start_step.get("run_id")))
        .or_else(|| datas.iter().find_map(|d| json::text(d.get("run_id"))))
        .unwrap_or_default();
    let metadata = field("metadata").map(|m| json::maybe_json(m.clone()));
    let parent = json::text(field("parent_run_id"))
        .or_else(|| json::text(metadata.as_ref().and_then(|m| m.get("parent_run_id"))));
    let base = Event {
        session_id: json::text(field("session_id")).unwrap_or_else(|| run_id.clone()),
        run_id: Some(run_id.clone()).filter(|r| !r.is_empty()),
        ..Event::default()
    };
    let mut start = base.clone();
    start.event_type = EventType::RunStart;
    start.event_id = json::text(start_step.get("event_id"));
    start.timestamp = json::time(
        run.get("started_at")
            .or_else(|| start_step.get("timestamp_ms")),
    );
    start.run_name = json::text(field("name")).or_else(|| json::text(start_step.get("run_name")));
    start.user_id = json::text(field("user_id"));
    start.parent_run_id.clone_from(&parent);
    start.status = Some(status::RUNNING.into());
    let mut attrs = Map::new();
    if let Some(t) = field("agent_type").filter(|t| !t.is_null()) {
        attrs.insert("agent_type".into(), t.clone());
    }
    if let Some(m) = metadata.filter(|m| m.as_object().is_none_or(|o| !o.is_empty())) {
        attrs.insert("metadata".into(), m);
    }
    start.attributes = (!attrs.is_empty()).then_some(attrs);
    (start.tokens_in, start.tokens_out) = (Some(0), Some(0));
    let started = start.timestamp;
    out.push(start);
    let mut events: Vec<Event> = datas.into_iter().map(|d| step_event(d, &base)).collect();
    events.sort_by_key(|e| e.timestamp.map(|t| t.0));
    out.extend(events);
    let run_status =
        json::text(run.get("status")).or_else(|| json::text(end_step.get("run_status")));
    if run_status.as_deref() != Some(status::RUNNING) {
        let mut end = base;
        end.event_type = EventType::RunEnd;
        end.timestamp = json::time(
            run.get("completed_at")
                .or_else(|| end_step.get("completed_at")),
        )
        .or_else(|| json::time(end_step.get("timestamp_ms")));
        end.status = Some(run_status.unwrap_or_else(|| status::COMPLETED.into()));
        end.parent_run_id = parent;
        end.duration_ms = json::number(
            run.get("duration_ms")
                .or_else(|| end_step.get("duration_ms")),
        )
        .or_else(|| json::span_ms(started, end.timestamp).map(f64::floor));
        (end.tokens_in, end.tokens_out) = (Some(0), Some(0));
        out.push(end);
    }
}

fn export(value: &Value, index: usize, out: &mut Vec<Event>, warnings: &mut Warnings) {
    let Some(map) = value.as_object() else {
        warnings.push(format!("runs[{index}] is not an object; skipped"));
        return;
    };
    if let Some(Value::Array(runs)) = map.get("runs") {
        for (i, run) in runs.iter().enumerate() {
            export(run, i, out, warnings);
        }
        return;
    }
    let steps = ["timeline", "steps", "events"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_array))
        .map_or(&[][..], Vec::as_slice);
    let empty = Map::new();
    let run = match map.get("run") {
        Some(Value::Object(run)) => run,
        // A run object with its steps nested, or the timeline response.
        _ if map.contains_key("id") || map.contains_key("run_id") => map,
        _ => &empty,
    };
    run_events(run, steps, out);
}

/// Reads an export.
pub(crate) fn decode(value: Value, warnings: &mut Warnings) -> Vec<Event> {
    let mut out = Vec::new();
    match &value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                export(item, i, &mut out, warnings);
            }
        }
        _ => export(&value, 0, &mut out, warnings),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UnixNanos;

    #[test]
    fn epoch_milliseconds_become_times() {
        let e = step_event(
            step_data(
                &serde_json::json!({"id": "x", "run_id": "r", "timestamp": 1_700_000_000_000_u64, "type": "custom", "data": null}),
            ),
            &Event::default(),
        );
        assert_eq!(e.timestamp, Some(UnixNanos::from_unix_ms(1.7e12)));
        assert_eq!(e.event_type, EventType::Custom("custom".into()));
    }
}
