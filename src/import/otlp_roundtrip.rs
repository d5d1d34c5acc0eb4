//! Spans written by AgentLens (docs/otlp.md, "Events to spans") read back as the events
//! they were made from.
//!
//! A span is AgentLens's when it carries `agentlens.span.kind` (`session`, `run`) or
//! `agentlens.event.type`. The session span gives `session_start` and `session_end` (agent,
//! status, totals); a run span `run_start` and `run_end` with the run's own id
//! (`agentlens.run.id`) and its parent run's (`agentlens.run.parent_id`, else the run of
//! the parent span when that span is in the same request); any other span the event of
//! its `agentlens.event.type` with its `agentlens.event.id`, its run
//! (`agentlens.run.id`, else the parent span's run) and its sections rebuilt from the
//! GenAI and `agentlens.*` attributes. What is left of the attributes stays in the
//! event's `attributes`. The session is the span's `gen_ai.conversation.id`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json;
use super::otlp::{hex_id, is_error_status, nanos, span_events, take_count, take_json, take_str};
use super::span::{Timed, rank};
use crate::model::{DecisionTrace, ErrorInfo, Event, EventType, Memory, ToolCall, status};
use crate::time::UnixNanos;

/// Attributes the exporter derives: not the event's own, so not kept in `attributes`.
const DERIVED: &[&str] = &[
    "gen_ai.conversation.id",
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.system",
    "gen_ai.tool.type",
    "agentlens.span.kind",
    "agentlens.event.type",
    "agentlens.event.id",
    "agentlens.decision.alternatives",
    "error.type",
];

/// Whether a span (its attributes) was written by AgentLens.
pub(super) fn is_agentlens(attrs: &Map<String, Value>) -> bool {
    attrs.contains_key("agentlens.span.kind") || attrs.contains_key("agentlens.event.type")
}

/// The AgentLens run spans of one request: span id → run id. (The map's type is one the
/// mapper already uses: no new code in the wasm.)
pub(super) struct Runs(HashMap<String, String>);

impl Runs {
    /// Indexes the run spans among `spans`.
    pub(super) fn of<'a>(spans: impl Iterator<Item = (&'a Value, &'a Map<String, Value>)>) -> Self {
        let mut map = HashMap::new();
        for (s, attrs) in spans {
            let is_run = attrs.get("agentlens.span.kind").and_then(Value::as_str) == Some("run");
            let (true, Some(id)) = (is_run, hex_id(s.get("spanId"))) else {
                continue;
            };
            let run = json::text(attrs.get("agentlens.run.id"))
                .or_else(|| json::text(attrs.get("gen_ai.agent.id")))
                .unwrap_or_else(|| id.clone());
            map.insert(id, run);
        }
        Self(map)
    }

    /// The run a span with parent `parent` belongs to, when the parent is a run span of
    /// this request.
    fn of_parent(&self, parent: Option<&String>) -> Option<String> {
        self.0.get(parent?).cloned()
    }
}

/// One AgentLens span, read.
struct Read {
    attrs: Map<String, Value>,
    session_id: String,
    trace_id: Option<String>,
    span_id: Option<String>,
    parent: Option<String>,
    name: String,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
    failed: bool,
    error: Option<ErrorInfo>,
    input: Vec<Value>,
    output: Vec<Value>,
}

impl Read {
    fn of(span: &Value, mut attrs: Map<String, Value>, session_id: String) -> Self {
        let events = span_events(span);
        let failed = is_error_status(span.get("status")) || !events.errors.is_empty();
        let error_type = json::text(attrs.get("error.type"));
        let critical = attrs
            .remove("agentlens.error.critical")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        // A run's failure the exporter took from the last error inside it: that error is
        // its own event; the run's end recorded none.
        let inherited = attrs
            .remove("agentlens.error.inherited")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let error = events.errors.into_iter().next().or_else(|| {
            failed.then(|| ErrorInfo {
                error_type: error_type.clone().unwrap_or_else(|| "error".into()),
                message: json::text(span.get("status").and_then(|s| s.get("message")))
                    .unwrap_or_default(),
                critical: false,
                stack_trace: None,
            })
        });
        // `_OTHER` with nothing else: the exporter's placeholder for a failure that
        // recorded no error (a run that ended in error), not an error of the event's.
        let placeholder = |e: &ErrorInfo| {
            e.error_type == "_OTHER" && e.message.is_empty() && e.stack_trace.is_none()
        };
        let error = error
            .filter(|e| !inherited && !placeholder(e))
            .map(|mut e| {
                e.critical = critical;
                e
            });
        let session_id = json::text(attrs.get("gen_ai.conversation.id")).unwrap_or(session_id);
        Self {
            attrs,
            session_id,
            trace_id: hex_id(span.get("traceId")),
            span_id: hex_id(span.get("spanId")),
            parent: hex_id(span.get("parentSpanId")),
            name: json::text(span.get("name")).unwrap_or_default(),
            start: nanos(span.get("startTimeUnixNano")),
            end: nanos(span.get("endTimeUnixNano")),
            failed,
            error,
            input: events.input,
            output: events.output,
        }
    }

    fn event(&self, event_type: EventType, at: Option<UnixNanos>) -> Event {
        Event {
            event_type,
            session_id: self.session_id.clone(),
            timestamp: at,
            trace_id: self.trace_id.clone(),
            span_id: self.span_id.clone(),
            ..Event::default()
        }
    }

    fn take(&mut self, key: &str) -> Option<String> {
        take_str(&mut self.attrs, &[key])
    }

    fn duration(&self) -> Option<f64> {
        json::span_ms(self.start, self.end).filter(|d| *d > 0.0)
    }

    /// What is left of the attributes, once the derived ones are dropped.
    fn rest(&mut self) -> Option<Map<String, Value>> {
        for key in DERIVED {
            self.attrs.remove(*key);
        }
        let attrs = std::mem::take(&mut self.attrs);
        (!attrs.is_empty()).then_some(attrs)
    }

    fn status(&mut self, key: &str) -> String {
        self.take(key).unwrap_or_else(|| {
            match self.failed {
                true => status::ERROR,
                false => status::COMPLETED,
            }
            .into()
        })
    }
}

/// Reads one AgentLens span into its events.
pub(super) fn read(
    span: &Value,
    attrs: Map<String, Value>,
    session_id: String,
    runs: &Runs,
    out: &mut Vec<Timed>,
) {
    let mut r = Read::of(span, attrs, session_id);
    match r.attrs.get("agentlens.span.kind").and_then(Value::as_str) {
        Some("session") => session(r, out),
        Some("run") => run(r, runs, out),
        _ => {
            let e = event(&mut r, runs);
            out.push((e.timestamp, rank::INSIDE, e));
        }
    }
}

fn session(mut r: Read, out: &mut Vec<Timed>) {
    let mut start = r.event(EventType::SessionStart, r.start);
    start.agent_name = r.take("gen_ai.agent.name");
    start.user_id = r.take("user.id");
    let mut end = r.event(EventType::SessionEnd, None);
    end.ended_at = r.end.or(r.start);
    end.status = Some(r.status("agentlens.session.status"));
    end.total_tokens_in = take_count(&mut r.attrs, &["agentlens.usage.input_tokens"]);
    end.total_tokens_out = take_count(&mut r.attrs, &["agentlens.usage.output_tokens"]);
    end.error = r.error.take().map(Box::new);
    start.attributes = r.rest();
    out.push((start.timestamp, rank::SESSION_START, start));
    out.push((end.ended_at, rank::SESSION_END, end));
}

fn run(mut r: Read, runs: &Runs, out: &mut Vec<Timed>) {
    let agent_id = r.take("gen_ai.agent.id");
    let run_id = r
        .take("agentlens.run.id")
        .or(agent_id)
        .or_else(|| r.span_id.clone());
    let parent = r
        .take("agentlens.run.parent_id")
        .or_else(|| runs.of_parent(r.parent.as_ref()));
    let mut start = r.event(EventType::RunStart, r.start);
    start.run_id = run_id.clone();
    start.parent_run_id = parent.clone();
    let fallback = r
        .name
        .strip_prefix("invoke_agent")
        .map(|n| n.trim().to_owned());
    start.run_name = r
        .take("agentlens.run.name")
        .or_else(|| fallback.filter(|n| !n.is_empty()));
    start.agent_name = r.take("gen_ai.agent.name");
    start.user_id = r.take("user.id");
    start.status = Some(status::RUNNING.into());
    let mut end = r.event(EventType::RunEnd, r.end.or(r.start));
    end.run_id = run_id;
    end.parent_run_id = parent;
    end.status = Some(r.status("agentlens.run.status"));
    end.duration_ms = json::span_ms(r.start, r.end);
    end.error = r.error.take().map(Box::new);
    start.attributes = r.rest();
    out.push((start.timestamp, rank::RUN_START, start));
    out.push((end.timestamp, rank::RUN_END, end));
}

/// Content gathered from span events (the event-based conventions), when the
/// attributes had none.
fn gathered(values: &mut Vec<Value>) -> Option<Value> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(std::mem::take(values))),
    }
}

fn event(r: &mut Read, runs: &Runs) -> Event {
    let kind = EventType::parse(&r.take("agentlens.event.type").unwrap_or_default());
    let mut e = r.event(kind.clone(), r.start);
    e.event_id = r.take("agentlens.event.id");
    e.run_id = r
        .take("agentlens.run.id")
        .or_else(|| runs.of_parent(r.parent.as_ref()));
    e.user_id = r.take("user.id");
    e.duration_ms = r.duration();
    e.error = r.error.take().map(Box::new);
    let prompt =
        take_json(&mut r.attrs, &["gen_ai.input.messages"]).or_else(|| gathered(&mut r.input));
    let system = take_json(&mut r.attrs, &["gen_ai.system_instructions"]);
    let response =
        take_json(&mut r.attrs, &["gen_ai.output.messages"]).or_else(|| gathered(&mut r.output));
    if prompt.is_some() || system.is_some() {
        let mut input = Map::new();
        input.extend(prompt.map(|p| ("prompt".to_owned(), p)));
        input.extend(system.map(|s| ("system_instructions".to_owned(), s)));
        e.input_data = Some(Value::Object(input));
    }
    e.output_data = response.map(|v| json::object1("response", v));
    (e.tokens_in, e.tokens_out) = (Some(0), Some(0));
    sections(r, kind, &mut e);
    e.attributes = r.rest();
    e
}

/// An `llm_call`'s model and token counts.
fn llm(r: &mut Read, e: &mut Event) {
    let response_model = r.take("gen_ai.response.model");
    let request_model = r.take("gen_ai.request.model");
    e.model = response_model.or(request_model);
    e.tokens_in = Some(take_count(&mut r.attrs, &["gen_ai.usage.input_tokens"]).unwrap_or(0));
    e.tokens_out = Some(take_count(&mut r.attrs, &["gen_ai.usage.output_tokens"]).unwrap_or(0));
    e.cached_input_tokens = take_count(&mut r.attrs, &["gen_ai.usage.cache_read.input_tokens"]);
    e.reasoning_tokens = take_count(&mut r.attrs, &["gen_ai.usage.reasoning.output_tokens"]);
    // The exporter's renames of the event's own attributes, undone.
    for (from, to) in [
        (
            "gen_ai.usage.cache_creation.input_tokens",
            "cache_creation_input_tokens",
        ),
        ("gen_ai.request.temperature", "temperature"),
        ("gen_ai.request.max_tokens", "max_tokens"),
    ] {
        if let Some(v) = r.attrs.remove(from) {
            r.attrs.entry(to).or_insert(v);
        }
    }
}

/// The event's own section, by its type.
fn sections(r: &mut Read, kind: EventType, e: &mut Event) {
    match kind {
        EventType::LlmCall => llm(r, e),
        EventType::ToolCall | EventType::ToolError => {
            let fallback = r
                .name
                .strip_prefix("execute_tool")
                .unwrap_or_default()
                .trim()
                .to_owned();
            e.tool_call = Some(Box::new(ToolCall {
                tool_call_id: r
                    .take("gen_ai.tool.call.id")
                    .or_else(|| r.span_id.clone())
                    .unwrap_or_default(),
                tool_name: r.take("gen_ai.tool.name").unwrap_or(fallback),
                tool_input: take_json(&mut r.attrs, &["gen_ai.tool.call.arguments"])
                    .unwrap_or(Value::Null),
                tool_output: take_json(&mut r.attrs, &["gen_ai.tool.call.result"]),
                timestamp: r.start,
                duration_ms: e.duration_ms,
            }));
        }
        EventType::AgentCall | EventType::AgentError => e.agent_name = r.take("gen_ai.agent.name"),
        EventType::Decision => {
            let alternatives = take_json(
                &mut r.attrs,
                &["agentlens.decision.alternatives_considered"],
            );
            e.decision_trace = Some(Box::new(DecisionTrace {
                trace_id: r.take("agentlens.decision.trace_id").unwrap_or_default(),
                step: take_count(&mut r.attrs, &["agentlens.decision.step"]).unwrap_or(0),
                reasoning: r.take("agentlens.decision.reasoning").unwrap_or_default(),
                alternatives_considered: strings(alternatives),
                confidence: r
                    .attrs
                    .remove("agentlens.decision.confidence")
                    .and_then(|v| json::number(Some(&v))),
                timestamp: r.start,
            }));
        }
        EventType::MemoryRead | EventType::MemoryWrite => {
            e.memory = Some(Box::new(Memory {
                key: r.take("agentlens.memory.key").unwrap_or_default(),
                value: take_json(&mut r.attrs, &["agentlens.memory.value"]),
                memory_type: r.take("agentlens.memory.type"),
                overwrite: r
                    .attrs
                    .remove("agentlens.memory.overwrite")
                    .and_then(|v| v.as_bool()),
            }));
        }
        EventType::Final => {
            if let Some(answer) = r.attrs.remove("agentlens.final.answer") {
                e.output_data = Some(json::object1("answer", json::maybe_json(answer)));
            }
        }
        EventType::Generic | EventType::Custom(_) => {
            e.run_name = Some(r.name.clone()).filter(|n| !n.is_empty() && n != "agentlens.event");
        }
        _ => {}
    }
}

/// A list of strings from a JSON array (anything else in it stringified).
fn strings(value: Option<Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s],
        _ => Vec::new(),
    }
}
