//! OpenAI Agents SDK traces and spans: what one span means (shared by the file importer
//! and live tracing), and the file importer of its exports (standards-and-peers §3.3–3.5):
//! `{"data":[{object:"trace"|"trace.span", …}]}`, a bare array of them, or one item.
//!
//! | `span_data.type` | becomes |
//! |---|---|
//! | `task`, `agent`, `turn` (also `custom` with `data.sdk_span_type` task/turn), `speech_group` | a run: `run_start` … `run_end` |
//! | `response` (model, usage from `_response`), `generation`, `transcription`, `speech` | `llm_call` |
//! | `function` | `tool_call`, `tool_error` when the span failed |
//! | `handoff` | `decision` (from → to) |
//! | `guardrail` | `decision` when triggered, else `generic` |
//! | `custom`, `mcp_tools`, anything else | `generic`, keeping its span data |
//!
//! A span's `error` fails it (an `error` event; a failed run ends in error). A trace is a
//! session (`session_start` with agent name = workflow name, `session_end`): the trace's
//! `group_id` (one conversation) or else the trace id. The importer replays an export
//! through the live mapper ([`crate::import::live`]), span starts and ends in time order,
//! so a file and a live trace of the same records read the same.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json;
use super::live::openai_agents::{Live, Phase};
use super::span::{self, Body, Span, rank};
use super::warn::Warnings;
use crate::model::{ErrorInfo, Event, EventType};

/// Token counts a span reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tokens {
    /// Every input token, cached ones included.
    pub(crate) input: u64,
    pub(crate) output: u64,
    /// Cache reads among the input tokens.
    pub(crate) cached: u64,
}

/// A run's own usage (task and turn spans): the sum of the model calls inside it.
#[derive(Debug)]
pub(crate) struct RunUsage {
    pub(crate) tokens: Tokens,
    /// The usage as the span gave it.
    pub(crate) raw: Value,
}

/// One span read: its mapping, and a run's usage.
#[derive(Debug)]
pub(crate) struct Read {
    pub(crate) span: Span,
    pub(crate) usage: Option<RunUsage>,
}

/// A usage field, top level or under `details` (where OpenAI's exporter moves them).
fn field<'a>(u: &'a Map<String, Value>, path: &[&str]) -> Option<u64> {
    let at = |m: &'a Map<String, Value>| {
        let mut v = m.get(path[0])?;
        for key in &path[1..] {
            v = v.get(key)?;
        }
        json::count(Some(v))
    };
    at(u).or_else(|| u.get("details")?.as_object().and_then(at))
}

fn first(u: &Map<String, Value>, paths: &[&[&str]]) -> Option<u64> {
    paths.iter().find_map(|p| field(u, p))
}

const INPUT: &[&[&str]] = &[&["input_tokens"], &["prompt_tokens"]];
const OUTPUT: &[&[&str]] = &[&["output_tokens"], &["completion_tokens"]];
const CACHED: &[&[&str]] = &[
    &["cached_input_tokens"],
    &["input_tokens_details", "cached_tokens"],
    &["prompt_tokens_details", "cached_tokens"],
];
const REASONING: &[&[&str]] = &[
    &["output_tokens_details", "reasoning_tokens"],
    &["completion_tokens_details", "reasoning_tokens"],
];
const CACHE_WRITE: &[&[&str]] = &[
    &["cache_write_input_tokens"],
    &["input_tokens_details", "cache_write_tokens"],
    &["cache_creation_input_tokens"],
];

/// A model call's body from its usage object (`None`: no usage recorded).
fn llm(
    model: Option<String>,
    usage: Option<&Value>,
    prompt: Option<Value>,
    response: Option<Value>,
    attrs: &mut Map<String, Value>,
) -> Body {
    let u = usage.and_then(Value::as_object);
    let get = |paths| u.and_then(|u| first(u, paths));
    if let Some(w) = get(CACHE_WRITE).filter(|w| *w > 0) {
        attrs.insert("cache_creation_input_tokens".into(), w.into());
    }
    Body::Llm {
        model,
        tokens_in: get(INPUT),
        tokens_out: get(OUTPUT),
        cached_in: get(CACHED),
        reasoning: get(REASONING),
        prompt,
        response,
    }
}

/// Audio (base64) is not kept: its format and size are.
fn audio(v: Option<Value>) -> Option<Value> {
    match v? {
        Value::Object(mut m) => {
            if let Some(Value::String(d)) = m.remove("data") {
                m.insert("data_chars".into(), d.len().into());
            }
            Some(Value::Object(m))
        }
        other => Some(other),
    }
}

/// A run's usage (task, turn).
fn run_usage(data: &mut Map<String, Value>) -> Option<RunUsage> {
    let raw = data.remove("usage").filter(Value::is_object)?;
    let u = raw.as_object()?;
    let tokens = Tokens {
        input: first(u, INPUT).unwrap_or(0),
        output: first(u, OUTPUT).unwrap_or(0),
        cached: first(u, CACHED).unwrap_or(0),
    };
    Some(RunUsage { tokens, raw })
}

/// The span's body; `data` keeps what becomes the event's attributes.
fn body(kind: &str, data: &mut Map<String, Value>, name: &mut String) -> Body {
    let take = |data: &mut Map<String, Value>, key: &str| {
        data.remove(key)
            .filter(|v| !v.is_null())
            .map(json::maybe_json)
    };
    let run = |agent_name| Body::Run {
        agent_name,
        user_id: None,
    };
    match kind {
        "agent" => run(json::text(data.get("name"))),
        "task" => run(None),
        "turn" => {
            let agent = json::text(data.get("agent_name"));
            *name = match json::text(data.get("turn")) {
                Some(n) => format!("turn {n}"),
                None => "turn".into(),
            };
            run(agent)
        }
        "speech_group" => run(None),
        "generation" => {
            let usage = data.remove("usage");
            let (prompt, response) = (take(data, "input"), take(data, "output"));
            llm(
                json::text(data.get("model")),
                usage.as_ref(),
                prompt,
                response,
                data,
            )
        }
        "response" => {
            let prompt = take(data, "_input");
            let mut r = data.remove("_response").unwrap_or(Value::Null);
            let output = r.get_mut("output").map(Value::take);
            let model = json::text(r.get("model"));
            llm(model, r.get("usage"), prompt, output, data)
        }
        "transcription" | "speech" => {
            let (input, output) = (take(data, "input"), take(data, "output"));
            let (prompt, response) = match kind {
                "transcription" => (audio(input), output),
                _ => (input, audio(output)),
            };
            llm(json::text(data.get("model")), None, prompt, response, data)
        }
        "function" => Body::Tool {
            name: json::text(data.get("name")).unwrap_or_default(),
            call_id: None,
            input: take(data, "input"),
            output: take(data, "output"),
        },
        "handoff" => {
            let from = json::text(data.get("from_agent")).unwrap_or_else(|| "?".into());
            let to = json::text(data.get("to_agent")).unwrap_or_else(|| "?".into());
            *name = format!("handoff {from} → {to}");
            Body::Decision {
                reasoning: format!("handoff from {from} to {to}"),
                alternatives: Vec::new(),
            }
        }
        "guardrail" if data.get("triggered") == Some(&Value::Bool(true)) => Body::Decision {
            reasoning: format!("guardrail {name} triggered"),
            alternatives: Vec::new(),
        },
        "mcp_tools" => {
            *name = match json::text(data.get("server")) {
                Some(server) => format!("MCP list tools ({server})"),
                None => "MCP list tools".into(),
            };
            Body::Generic
        }
        _ => Body::Generic,
    }
}

/// The span data, with the task and turn spans an export writes as `custom`
/// (`{type:"custom", name, data:{sdk_span_type, …}}`) read as the SDK holds them.
fn span_data(item: &mut Map<String, Value>) -> Map<String, Value> {
    let mut data = match item.remove("span_data") {
        Some(Value::Object(d)) => d,
        _ => return Map::new(),
    };
    if data.get("type").and_then(Value::as_str) == Some("custom") {
        let inner = data.get("data").and_then(|d| d.get("sdk_span_type"));
        if let Some(kind @ ("task" | "turn")) = inner.and_then(Value::as_str) {
            let kind = kind.to_owned();
            let outer = data.remove("name").filter(|n| n.as_str() != Some(&kind));
            if let Some(Value::Object(mut d)) = data.remove("data") {
                d.remove("sdk_span_type");
                d.insert("type".into(), kind.into());
                if let Some(name) = outer.filter(|_| !d.contains_key("name")) {
                    d.insert("name".into(), name);
                }
                data = d;
            }
        }
    }
    data
}

/// Whether a span is a run (known from its type alone, when it starts).
pub(crate) fn is_run(item: &Map<String, Value>) -> bool {
    let data = item.get("span_data");
    match data.and_then(|d| d.get("type")).and_then(Value::as_str) {
        Some("agent" | "task" | "turn" | "speech_group") => true,
        Some("custom") => matches!(
            data.and_then(|d| d.get("data"))
                .and_then(|d| d.get("sdk_span_type"))
                .and_then(Value::as_str),
            Some("task" | "turn")
        ),
        _ => false,
    }
}

/// Reads one span of an export or a live record into its mapping, in session `session_id`;
/// `ended`: its error is read too (a span that has just started has none yet). Its span
/// data is taken out of `item` (moved, not copied: it may hold a whole conversation).
pub(crate) fn read_span(item: &mut Map<String, Value>, session_id: String, ended: bool) -> Read {
    let mut data = span_data(item);
    let kind = json::text(data.get("type")).unwrap_or_default();
    let mut name = json::text(data.get("name")).unwrap_or_else(|| kind.clone());
    let usage = match kind.as_str() {
        "task" | "turn" => run_usage(&mut data),
        _ => None,
    };
    let body = body(&kind, &mut data, &mut name);
    let mut errors = Vec::new();
    if let Some(Value::Object(err)) = item.get("error").filter(|_| ended) {
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
    let span = Span {
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
    };
    Read { span, usage }
}

/// One step of an export's replay: its sort key (time, phase order, depth order), what
/// happens, and the item's index.
type Step = ((i64, u8, i64), Phase, usize);

/// Orders an export's items as a live trace gives them: a trace starts before its first
/// span and ends after its last; a span starts at its start (parents first) and ends at
/// its end (children first).
fn replay_order(items: &[Map<String, Value>]) -> Vec<Step> {
    let time = |m: &Map<String, Value>, key| json::time(m.get(key)).map(|t| t.0);
    let parents: HashMap<String, String> = items
        .iter()
        .filter_map(|m| Some((json::text(m.get("id"))?, json::text(m.get("parent_id"))?)))
        .collect();
    let depth = |m: &Map<String, Value>| {
        let mut d = 0;
        let mut at = json::text(m.get("parent_id"));
        while let Some(p) = at.filter(|_| d < 64) {
            d += 1;
            at = parents.get(&p).cloned();
        }
        d
    };
    let mut bounds: HashMap<String, (i64, i64)> = HashMap::new();
    let mut steps = Vec::with_capacity(items.len() * 2);
    for (i, m) in items
        .iter()
        .enumerate()
        .filter(|(_, m)| is(m, "trace.span"))
    {
        let (s, e) = (time(m, "started_at"), time(m, "ended_at"));
        let (s, e) = (s.or(e).unwrap_or(i64::MIN), e.or(s).unwrap_or(i64::MIN));
        let trace = json::text(m.get("trace_id")).unwrap_or_default();
        let b = bounds.entry(trace).or_insert((s, e));
        (b.0, b.1) = (b.0.min(s), b.1.max(e));
        let d = depth(m);
        steps.push(((s, 1, d), Phase::Start, i));
        steps.push(((e, 2, -d), Phase::End, i));
    }
    for (i, m) in items.iter().enumerate().filter(|(_, m)| is(m, "trace")) {
        let id = json::text(m.get("id")).unwrap_or_default();
        let (s, e) = bounds.get(&id).copied().unwrap_or((i64::MIN, i64::MIN));
        steps.push(((s, 0, 0), Phase::Start, i));
        steps.push(((e, 3, 0), Phase::End, i));
    }
    steps.sort_by_key(|(key, _, _)| *key);
    steps
}

fn is(m: &Map<String, Value>, object: &str) -> bool {
    m.get("object").and_then(Value::as_str) == Some(object)
}

/// Where an event sorts among events of the same time.
pub(crate) fn rank_of(e: &Event) -> u8 {
    match e.event_type {
        EventType::SessionStart => rank::SESSION_START,
        EventType::RunStart => rank::RUN_START,
        EventType::RunEnd => rank::RUN_END,
        EventType::SessionEnd => rank::SESSION_END,
        _ => rank::INSIDE,
    }
}

/// Events in time order (stable), as the file importer gives them.
pub(crate) fn in_time_order(events: Vec<Event>) -> Vec<Event> {
    let timed = events
        .into_iter()
        .map(|e| (e.time(), rank_of(&e), e))
        .collect();
    span::in_time_order(timed)
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
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::Object(m) if is(&m, "trace") || is(&m, "trace.span") => kept.push(m),
            Value::Object(_) => {
                warnings.push(format!("data[{i}] is neither a trace nor a span; skipped"))
            }
            _ => warnings.push(format!("data[{i}] is not an object; skipped")),
        }
    }
    let mut live = Live::default();
    let mut events = Vec::new();
    for (_, phase, i) in replay_order(&kept) {
        let item = &mut kept[i];
        // A run's start reads its data, which its end needs again: a copy (runs are small).
        if phase == Phase::Start && is_run(item) {
            live.item(&mut item.clone(), phase, &mut events);
        } else {
            live.item(item, phase, &mut events);
        }
    }
    in_time_order(events)
}
