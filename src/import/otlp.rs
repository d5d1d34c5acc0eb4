//! OTLP/JSON traces (`{"resourceSpans":[…]}`) with the GenAI semantic conventions
//! (standards-and-peers §1.7, §2).
//!
//! JSON encoding: ids are hex (any case; written lowercase), 64-bit integers are
//! decimal strings or numbers, enums are integers (names are read too). Spans map by
//! `gen_ai.operation.name` (or the first word of the span name): `chat`,
//! `text_completion`, `generate_content` → `llm_call`; `execute_tool` → `tool_call`;
//! `invoke_agent`, `create_agent`, `invoke_workflow` → runs; any other span with
//! children → a run, without → `generic` keeping its attributes. The session is the
//! trace's `gen_ai.conversation.id` (or `session.id`) when any span carries one, else the
//! trace id.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

mod convention;
mod nest;
pub(super) mod tree;

pub(crate) use nest::in_order;

use super::json;
use super::otlp_roundtrip as roundtrip;
use super::span::{self, Body, Span};
use super::warn::Warnings;
use crate::model::{ErrorInfo, Event};
use crate::time::UnixNanos;
use convention::Kind;

/// An OTLP `AnyValue` as plain JSON.
pub(super) fn any_value(v: &Value) -> Value {
    let Some(map) = v.as_object() else {
        return Value::Null;
    };
    if let Some(s) = map.get("stringValue") {
        return s.clone();
    }
    if let Some(b) = map.get("boolValue") {
        return b.clone();
    }
    if let Some(i) = map.get("intValue") {
        return match i {
            Value::String(s) => s.parse::<i64>().map_or_else(|_| i.clone(), Value::from),
            other => other.clone(),
        };
    }
    if let Some(d) = map.get("doubleValue") {
        return match d {
            Value::String(s) => {
                crate::model::lenient::decimal(s).map_or_else(|| d.clone(), Value::from)
            }
            other => other.clone(),
        };
    }
    if let Some(a) = map.get("arrayValue") {
        let values = a.get("values").and_then(Value::as_array);
        return Value::Array(values.map_or_else(Vec::new, |vs| vs.iter().map(any_value).collect()));
    }
    if let Some(kv) = map.get("kvlistValue") {
        return Value::Object(attributes(kv.get("values")));
    }
    map.get("bytesValue").cloned().unwrap_or(Value::Null)
}

/// `[{key, value}]` as an object (an object, as the protobuf decoder writes them, as it is).
pub(super) fn attributes(list: Option<&Value>) -> Map<String, Value> {
    if let Some(Value::Object(map)) = list {
        return map.clone();
    }
    let mut out = Map::new();
    for kv in list.and_then(Value::as_array).into_iter().flatten() {
        if let Some(key) = kv.get("key").and_then(Value::as_str) {
            out.insert(
                key.to_owned(),
                kv.get("value").map_or(Value::Null, any_value),
            );
        }
    }
    out
}

pub(super) fn hex_id(v: Option<&Value>) -> Option<String> {
    id_text(v).map(str::to_ascii_lowercase)
}

/// An id's text as [`hex_id`] reads it (trimmed, not empty, not all zeros), not copied.
fn id_text(v: Option<&Value>) -> Option<&str> {
    let s = v?.as_str()?.trim();
    (!s.is_empty() && s.bytes().any(|b| b != b'0')).then_some(s)
}

pub(super) fn nanos(v: Option<&Value>) -> Option<UnixNanos> {
    let n = match v? {
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    (n > 0).then_some(UnixNanos(n))
}

pub(super) fn is_error_status(status: Option<&Value>) -> bool {
    match status.and_then(|s| s.get("code")) {
        Some(Value::Number(n)) => n.as_u64() == Some(2),
        Some(Value::String(s)) => s == "STATUS_CODE_ERROR" || s == "2",
        _ => false,
    }
}

pub(super) fn take_str(attrs: &mut Map<String, Value>, keys: &[&str]) -> Option<String> {
    let mut found = None;
    for key in keys {
        let v = attrs.remove(*key);
        if found.is_none() {
            found = json::text(v.as_ref());
        }
    }
    found
}

pub(super) fn take_count(attrs: &mut Map<String, Value>, keys: &[&str]) -> Option<u64> {
    let mut found = None;
    for key in keys {
        let v = attrs.remove(*key);
        if found.is_none() {
            found = json::count(v.as_ref());
        }
    }
    found
}

pub(super) fn take_json(attrs: &mut Map<String, Value>, keys: &[&str]) -> Option<Value> {
    let mut found = None;
    for key in keys {
        let v = attrs.remove(*key);
        if found.is_none() {
            found = v.filter(|v| !v.is_null()).map(json::maybe_json);
        }
    }
    found
}

/// What a span's events say: errors, and chat messages in the event-based conventions.
#[derive(Default)]
pub(super) struct SpanEvents {
    pub(super) errors: Vec<ErrorInfo>,
    pub(super) input: Vec<Value>,
    pub(super) output: Vec<Value>,
}

pub(super) fn span_events(span: &Value) -> SpanEvents {
    let mut out = SpanEvents::default();
    for ev in span
        .get("events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = ev.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut attrs = attributes(ev.get("attributes"));
        match name {
            "exception" => out.errors.push(ErrorInfo {
                error_type: take_str(&mut attrs, &["exception.type"])
                    .unwrap_or_else(|| "exception".into()),
                message: take_str(&mut attrs, &["exception.message"]).unwrap_or_default(),
                critical: false,
                stack_trace: take_str(&mut attrs, &["exception.stacktrace"]),
            }),
            "gen_ai.client.inference.operation.details" => {
                out.input
                    .extend(take_json(&mut attrs, &["gen_ai.input.messages"]));
                out.output
                    .extend(take_json(&mut attrs, &["gen_ai.output.messages"]));
            }
            "gen_ai.choice" => out.output.push(Value::Object(attrs)),
            _ => {
                if let Some(role) = name
                    .strip_prefix("gen_ai.")
                    .and_then(|r| r.strip_suffix(".message"))
                {
                    attrs
                        .entry("role")
                        .or_insert_with(|| Value::String(role.to_owned()));
                    out.input.push(Value::Object(attrs));
                }
            }
        }
    }
    out
}

/// Messages gathered from events: one value, or an array of them.
fn gathered(mut values: Vec<Value>) -> Option<Value> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(values)),
    }
}

/// A span's attributes, as a plain object.
type Attrs = Map<String, Value>;

fn read_span(span: &Value, head: Head, kind: Kind, session: String) -> Span {
    let mut attrs = head.attrs;
    let name = json::text(span.get("name")).unwrap_or_default();
    let events = span_events(span);
    let failed = is_error_status(span.get("status")) || !events.errors.is_empty();
    let mut errors = events.errors;
    if failed && errors.is_empty() {
        errors.push(ErrorInfo {
            error_type: json::text(attrs.get("error.type")).unwrap_or_else(|| "error".into()),
            message: json::text(span.get("status").and_then(|s| s.get("message")))
                .unwrap_or_default(),
            critical: false,
            stack_trace: None,
        });
    }
    let body = match kind {
        Kind::Llm => {
            let u = convention::usage(&mut attrs);
            Body::Llm {
                model: u.model,
                tokens_in: u.tokens_in,
                tokens_out: u.tokens_out,
                cached_in: u.cached_in,
                reasoning: u.reasoning,
                prompt: convention::prompt(&mut attrs).or_else(|| gathered(events.input)),
                response: convention::response(&mut attrs).or_else(|| gathered(events.output)),
            }
        }
        Kind::Tool => {
            let fallback = match name.strip_prefix("execute_tool") {
                Some(rest) => rest.trim(),
                None => name.as_str(),
            };
            let t = convention::tool(&mut attrs, fallback.to_owned());
            Body::Tool {
                name: t.name,
                call_id: t.call_id,
                input: t.input,
                output: t.output,
            }
        }
        Kind::Run => Body::Run {
            agent_name: convention::agent_name(&attrs),
            user_id: convention::user_id(&attrs),
        },
        Kind::Other => Body::Generic,
    };
    Span {
        session_id: session,
        trace_id: head.trace,
        span_id: head.id,
        parent_id: head.parent,
        name,
        start: nanos(span.get("startTimeUnixNano")),
        end: nanos(span.get("endTimeUnixNano")),
        body,
        failed,
        errors,
        attributes: attrs,
    }
}

/// Every span of the document with its resource's service name.
fn spans<'a>(doc: &'a Value, warnings: &mut Warnings) -> Vec<(&'a Value, Option<Value>)> {
    let mut out = Vec::new();
    for (i, rs) in doc
        .get("resourceSpans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let service =
            attributes(rs.get("resource").and_then(|r| r.get("attributes"))).remove("service.name");
        let Some(scopes) = rs.get("scopeSpans").and_then(Value::as_array) else {
            warnings.push(format!(
                "resourceSpans[{i}] has no scopeSpans array; skipped"
            ));
            continue;
        };
        for span in scopes
            .iter()
            .filter_map(|s| s.get("spans")?.as_array())
            .flatten()
        {
            if span.is_object() {
                out.push((span, service.clone()));
            }
        }
    }
    out
}

/// Reads an OTLP/JSON document (or an array of them).
pub(crate) fn decode(value: Value, warnings: &mut Warnings) -> Vec<Event> {
    in_order(decode_spans(value, warnings).events)
}

/// What [`decode_spans`] read.
pub(crate) struct Decoded {
    /// The events, not yet in time order.
    pub events: Vec<span::Timed>,
    /// The spans the documents held.
    pub spans: usize,
    /// Spans skipped for having no span id.
    pub skipped: usize,
}

/// Reads an OTLP/JSON document (or an array of them) into its events (not yet in time
/// order). A span without a span id (absent, empty or all zeros) is skipped with a
/// warning: OTLP requires one, nothing can nest in such a span, and 1 MiB of `{}` spans
/// made 350,000 events (~3 s and ~600 MB to import).
pub(crate) fn decode_spans(value: Value, warnings: &mut Warnings) -> Decoded {
    let mut docs = match value {
        Value::Array(docs) => docs,
        doc => vec![doc],
    };
    let mut out = Decoded {
        events: Vec::new(),
        spans: 0,
        skipped: 0,
    };
    for doc in &mut docs {
        // Taken out of the document rather than copied: nothing reads them there again.
        let attrs = take_attributes(doc);
        let all = spans(doc, warnings);
        let listed = all.len();
        let all: Vec<_> = all
            .into_iter()
            .zip(attrs)
            .filter(|((s, _), _)| id_text(s.get("spanId")).is_some())
            .map(|((s, service), a)| (s, a, service))
            .collect();
        out.spans += listed;
        out.skipped += listed - all.len();
        map_read::<true>(all, &mut out.events);
    }
    if out.skipped > 0 {
        warnings.push(format!(
            "{} spans without a spanId skipped (OTLP requires one)",
            out.skipped
        ));
    }
    out
}

/// Every span's attributes (as [`attributes`] reads them), taken out of the document, in
/// the order [`spans`] lists the spans.
fn take_attributes(doc: &mut Value) -> Vec<Attrs> {
    let mut out = Vec::new();
    let Some(Value::Array(list)) = doc.get_mut("resourceSpans") else {
        return out;
    };
    for rs in list {
        let Some(Value::Array(scopes)) = rs.get_mut("scopeSpans") else {
            continue;
        };
        for spans in scopes.iter_mut().filter_map(|s| s.get_mut("spans")) {
            let Value::Array(spans) = spans else {
                continue;
            };
            for span in spans.iter_mut().filter_map(Value::as_object_mut) {
                out.push(match span.get_mut("attributes").map(Value::take) {
                    Some(Value::Object(map)) => map,
                    other => attributes(other.as_ref()),
                });
            }
        }
    }
    out
}

/// Maps spans read together (one document, or one trace's spans in live tracing) into
/// their events (not yet in time order). What a span is comes from its conventions
/// ([`convention::kind`]) and its place among the others: a model call that contains
/// another model call is a wrapper, so a run (tokens are counted once, on the innermost
/// call); any other span with children is a run. The session is the first session id a
/// span of the trace names (`gen_ai.conversation.id`, `session.id`, ...), else the trace id.
/// `READ_BACK`: spans AgentLens wrote (`agentlens.*`) are read back as the events they were
/// made from (file import, ingest); the live mapper leaves that code out of its wasm.
pub(super) fn map_spans<const READ_BACK: bool>(
    all: Vec<(&Value, Option<Value>)>,
    events: &mut Vec<span::Timed>,
) {
    let all = all
        .into_iter()
        .map(|(s, service)| (s, attributes(s.get("attributes")), service))
        .collect();
    map_read::<READ_BACK>(all, events);
}

/// [`map_spans`] of spans whose attributes are already read.
fn map_read<const READ_BACK: bool>(
    all: Vec<(&Value, Attrs, Option<Value>)>,
    events: &mut Vec<span::Timed>,
) {
    // What each span is, read once in one pass over the spans: the passes below then read
    // these (a large document's spans are far apart in memory; each field looked up again
    // in every pass was a quarter of the mapping).
    let (all, attrs): (Vec<_>, Vec<_>) = all.into_iter().map(|(s, a, svc)| ((s, svc), a)).unzip();
    let heads: Vec<Head> = all
        .iter()
        .zip(attrs)
        .map(|((s, _), a)| Head::of(s, a))
        .collect();
    let mut parents: HashSet<&str> = HashSet::new();
    let mut wrappers: HashSet<&str> = HashSet::new();
    for h in &heads {
        if let Some(parent) = h.parent.as_deref() {
            if h.kind == Kind::Llm {
                wrappers.insert(parent);
            }
            parents.insert(parent);
        }
    }
    let mut sessions: HashMap<&str, String> = HashMap::new();
    for h in &heads {
        if let (Some(trace), Some(conv)) = (h.trace.as_deref(), convention::session(&h.attrs)) {
            sessions.entry(trace).or_insert(conv);
        }
    }
    let runs = roundtrip::Runs::of(
        all.iter()
            .filter(|_| READ_BACK)
            .map(|(s, _)| *s)
            .zip(heads.iter().map(|h| &h.attrs)),
    );
    let sessions: Vec<String> = heads
        .iter()
        .map(|h| {
            let trace = h.trace.as_deref().unwrap_or_default();
            sessions
                .get(trace)
                .cloned()
                .unwrap_or_else(|| trace.to_owned())
        })
        .collect();
    let kinds: Vec<Kind> = heads
        .iter()
        .map(|h| match h.kind {
            Kind::Llm if wrappers.contains(h.id.as_str()) => Kind::Run,
            Kind::Other if parents.contains(h.id.as_str()) => Kind::Run,
            k => k,
        })
        .collect();
    drop((parents, wrappers));
    // Sized once: a large import's events are many, and each is large.
    events.reserve(
        kinds
            .iter()
            .map(|k| if *k == Kind::Run { 2 } else { 1 })
            .sum(),
    );
    for ((((s, service), h), session), kind) in all.into_iter().zip(heads).zip(sessions).zip(kinds)
    {
        if READ_BACK && roundtrip::is_agentlens(&h.attrs) {
            roundtrip::read(s, h.attrs, session, &runs, events);
            continue;
        }
        let mut span = read_span(s, h, kind, session);
        if let (None, Some(service)) = (&span.parent_id, service) {
            span.attributes.insert("service.name".into(), service);
        }
        span.into_events(events);
    }
}

/// What [`map_spans`] reads of every span before mapping any.
struct Head {
    attrs: Attrs,
    kind: Kind,
    trace: Option<String>,
    /// The span id ("" when absent).
    id: String,
    parent: Option<String>,
}

impl Head {
    fn of(s: &Value, attrs: Attrs) -> Self {
        let kind = convention::kind(
            &attrs,
            s.get("name").and_then(Value::as_str).unwrap_or_default(),
        );
        Self {
            attrs,
            kind,
            trace: hex_id(s.get("traceId")),
            id: hex_id(s.get("spanId")).unwrap_or_default(),
            parent: hex_id(s.get("parentSpanId")),
        }
    }
}
