//! Events to spans: one intermediate [`Span`] per span written, borrowing what it can
//! from the (already redacted) event, so the two writers share one mapping.

use serde_json::Value;

use super::{OtlpConfig, Semconv, content, ids};
use crate::model::{Event, EventType, semantics};
use crate::time::UnixNanos;

/// `SPAN_KIND_INTERNAL`.
pub(crate) const INTERNAL: u8 = 1;
/// `SPAN_KIND_CLIENT`.
pub(crate) const CLIENT: u8 = 3;

/// An attribute value.
#[derive(Debug)]
pub(crate) enum Val<'a> {
    Str(&'a str),
    Own(String),
    Int(i64),
    F64(f64),
    Bool(bool),
    /// An event's own value: scalars and arrays of scalars as themselves, else JSON text.
    Json(&'a Value),
}

/// Why a span failed: its `exception` event and `error.type`.
#[derive(Debug)]
pub(crate) struct Failure<'a> {
    pub kind: &'a str,
    pub message: &'a str,
    pub stack: Option<&'a str>,
}

/// One span, as both writers read it.
#[derive(Debug)]
pub(crate) struct Span<'a> {
    pub trace: [u8; 16],
    pub id: [u8; 8],
    pub parent: Option<[u8; 8]>,
    /// Written as `name.0` then, if any, a space and `name.1`.
    pub name: (&'a str, Option<&'a str>),
    pub kind: u8,
    pub start: u64,
    pub end: u64,
    pub attrs: Vec<(&'a str, Val<'a>)>,
    pub error: Option<Failure<'a>>,
}

impl Span<'_> {
    /// About the bytes the span takes encoded (JSON a little more, protobuf a little less):
    /// room made once for an event whose content is kilobytes, not grown by doubling.
    pub(crate) fn size_hint(&self) -> usize {
        let text = |v: &Val| match v {
            Val::Str(s) => s.len(),
            Val::Own(s) => s.len(),
            Val::Json(_) => 48,
            _ => 8,
        };
        let attrs: usize = (self.attrs.iter())
            .map(|(k, v)| k.len() + text(v) + 24)
            .sum();
        let error = (self.error.as_ref()).map_or(0, |f| {
            f.kind.len() + f.message.len() + f.stack.map_or(0, str::len) + 64
        });
        160 + self.name.0.len() + self.name.1.map_or(0, str::len) + attrs + error
    }
}

/// What a `session_start` or `run_start` leaves for its end.
#[derive(Clone, Debug, Default)]
pub(crate) struct Opened {
    start: u64,
    agent: Option<Box<str>>,
    name: Option<Box<str>>,
    parent: Option<Box<str>>,
    user: Option<Box<str>>,
    /// The type and message of the last error event inside the run: what a run that ends
    /// failed without saying why failed of.
    error: Option<(Box<str>, Box<str>)>,
}

impl Opened {
    pub(crate) fn of(ev: &Event) -> Self {
        let own = |s: &Option<String>| s.as_deref().map(Into::into);
        Self {
            start: nanos(ev.time()),
            agent: own(&ev.agent_name),
            name: own(&ev.run_name),
            parent: own(&ev.parent_run_id),
            user: own(&ev.user_id),
            error: None,
        }
    }

    /// Remembers `ev` (an error inside the run) as the run's failure, if it names one.
    pub(crate) fn saw_error(&mut self, ev: &Event) {
        let f = failure(ev);
        if f.kind != "_OTHER" || !f.message.is_empty() {
            self.error = Some((f.kind.into(), f.message.into()));
        }
    }
}

fn nanos(t: Option<UnixNanos>) -> u64 {
    t.map_or(0, |t| t.0.max(0) as u64)
}

fn duration(ms: Option<f64>) -> u64 {
    ms.filter(|d| d.is_finite() && *d > 0.0)
        .map_or(0, |d| (d * 1e6) as u64)
}

impl<'a> Span<'a> {
    fn new(ev: &'a Event, id: [u8; 8], parent: Option<[u8; 8]>, kind_name: &'a str) -> Self {
        let start = nanos(ev.time());
        let mut attrs = Vec::with_capacity(16);
        attrs.push(("gen_ai.conversation.id", Val::Str(&ev.session_id)));
        attrs.push(("agentlens.event.type", Val::Str(kind_name)));
        Self {
            trace: ids::trace_id(&ev.session_id),
            id,
            parent,
            name: ("", None),
            kind: INTERNAL,
            start,
            end: start.saturating_add(duration(ev.duration_ms)),
            attrs,
            error: None,
        }
    }

    fn put(&mut self, key: &'a str, v: Val<'a>) {
        self.attrs.push((key, v));
    }

    fn text(&mut self, key: &'a str, v: Option<&'a str>) {
        if let Some(v) = v {
            self.attrs.push((key, Val::Str(v)));
        }
    }

    fn int(&mut self, key: &'a str, v: Option<u64>) {
        if let Some(v) = v {
            self.attrs
                .push((key, Val::Int(v.min(i64::MAX as u64) as i64)));
        }
    }

    /// The event's own attributes, after the mapped ones (a key already set is skipped).
    fn copy(&mut self, ev: &'a Event, llm: bool) {
        let Some(map) = &ev.attributes else { return };
        for (k, v) in map {
            let key = match k.as_str() {
                "temperature" if llm => "gen_ai.request.temperature",
                "max_tokens" if llm => "gen_ai.request.max_tokens",
                other => other,
            };
            if !self.attrs.iter().any(|(have, _)| *have == key) {
                self.attrs.push((key, Val::Json(v)));
            }
        }
    }

    fn fail(&mut self, f: Failure<'a>) {
        if !self.attrs.iter().any(|(k, _)| *k == "error.type") {
            self.attrs.push(("error.type", Val::Str(f.kind)));
        }
        self.error = Some(f);
    }
}

/// The failure an event or end records: its error's type (else `_OTHER`), message, stack.
fn failure(ev: &Event) -> Failure<'_> {
    let out = |k: &str| {
        ev.output_data
            .as_ref()
            .and_then(|o| o.get(k))
            .and_then(Value::as_str)
    };
    let err = ev.error.as_ref();
    let kind = err
        .map(|e| e.error_type.as_str())
        .filter(|t| !t.is_empty())
        .or_else(|| out("error_type"))
        .filter(|t| !t.is_empty())
        .unwrap_or("_OTHER");
    Failure {
        kind,
        message: err
            .map(|e| e.message.as_str())
            .or_else(|| out("error"))
            .unwrap_or(""),
        stack: err.and_then(|e| e.stack_trace.as_deref()),
    }
}

fn str_attr<'a>(ev: &'a Event, key: &str) -> Option<&'a str> {
    ev.attributes.as_ref()?.get(key)?.as_str()
}

/// The span of a regular event (every type but the four lifecycle ones).
pub(crate) fn event<'a>(ev: &'a Event, cfg: &OtlpConfig) -> Span<'a> {
    let event_id = ev.event_id.as_deref().unwrap_or("");
    let parent = match &ev.run_id {
        Some(run) => ids::run_span(&ev.session_id, run),
        None => ids::session_span(&ev.session_id),
    };
    let id = ids::event_span(&ev.session_id, event_id);
    let mut s = Span::new(ev, id, Some(parent), ev.event_type.as_str());
    s.put("agentlens.event.id", Val::Str(event_id));
    // The run's span is written at its end, usually in a later request than its events:
    // the run's own id lets a reader place the event without that span.
    s.text("agentlens.run.id", ev.run_id.as_deref());
    s.text("user.id", ev.user_id.as_deref());
    let capture = cfg.capture_content;
    match &ev.event_type {
        EventType::LlmCall => llm(&mut s, ev, cfg),
        EventType::ToolCall | EventType::ToolError => tool(&mut s, ev, capture),
        EventType::AgentCall | EventType::AgentError => {
            let agent = ev.agent_name.as_deref();
            s.name = ("invoke_agent", agent);
            s.kind = CLIENT;
            s.put("gen_ai.operation.name", Val::Str("invoke_agent"));
            s.text("gen_ai.agent.name", agent);
        }
        EventType::Decision => decision(&mut s, ev, capture),
        EventType::MemoryRead | EventType::MemoryWrite => memory(&mut s, ev, capture),
        EventType::Error => s.name = ("agentlens.error", None),
        EventType::Final => {
            s.name = ("agentlens.final", None);
            if let (true, Some(out)) = (capture, &ev.output_data) {
                let answer = content::text(content::field(out, "answer"));
                s.put("agentlens.final.answer", Val::Own(answer));
            }
        }
        _ => s.name = (ev.run_name.as_deref().unwrap_or("agentlens.event"), None),
    }
    s.copy(ev, ev.event_type == EventType::LlmCall);
    if semantics::is_error(ev) {
        s.fail(failure(ev));
    }
    s
}

fn llm<'a>(s: &mut Span<'a>, ev: &'a Event, cfg: &OtlpConfig) {
    let model = ev.model.as_deref();
    s.name = ("chat", model);
    s.kind = CLIENT;
    s.put("gen_ai.operation.name", Val::Str("chat"));
    let provider = str_attr(ev, "gen_ai.provider.name")
        .or_else(|| str_attr(ev, "gen_ai.system"))
        .or_else(|| str_attr(ev, "provider"))
        .unwrap_or_else(|| provider_of(model.unwrap_or("")));
    let latest = cfg.semconv == Semconv::V1_42;
    let provider_key = if latest {
        "gen_ai.provider.name"
    } else {
        "gen_ai.system"
    };
    s.put(provider_key, Val::Str(provider));
    s.text("gen_ai.request.model", model);
    s.text("gen_ai.response.model", model);
    s.int("gen_ai.usage.input_tokens", ev.tokens_in);
    s.int("gen_ai.usage.output_tokens", ev.tokens_out);
    s.int(
        "gen_ai.usage.cache_read.input_tokens",
        ev.cached_input_tokens,
    );
    if latest {
        let creation = ev
            .attributes
            .as_ref()
            .and_then(|a| a.get("cache_creation_input_tokens"));
        s.int(
            "gen_ai.usage.cache_creation.input_tokens",
            creation.and_then(Value::as_u64),
        );
        s.int("gen_ai.usage.reasoning.output_tokens", ev.reasoning_tokens);
    }
    // What the call cost, as every AgentLens host prices it (never 0 for an unknown model:
    // then no attribute).
    if let Some(usd) = cfg.pricing.as_ref().and_then(|p| p.event_cost_usd(ev)) {
        s.put("agentlens.cost.usd", Val::F64(usd));
    }
    if !cfg.capture_content {
        return;
    }
    if let Some(input) = &ev.input_data {
        let prompt = input
            .get("prompt")
            .or_else(|| input.get("messages"))
            .unwrap_or(input);
        let (system, messages) = content::input(prompt);
        if let Some(system) = system {
            s.put("gen_ai.system_instructions", Val::Own(system));
        }
        if let Some(messages) = messages {
            s.put("gen_ai.input.messages", Val::Own(messages));
        }
    }
    if let Some(out) = &ev.output_data {
        let response = content::output(content::field(out, "response"));
        s.put("gen_ai.output.messages", Val::Own(response));
    }
}

fn tool<'a>(s: &mut Span<'a>, ev: &'a Event, capture: bool) {
    let call = ev.tool_call.as_ref();
    let name = call.map(|c| c.tool_name.as_str()).filter(|n| !n.is_empty());
    s.name = ("execute_tool", name);
    s.put("gen_ai.operation.name", Val::Str("execute_tool"));
    s.text("gen_ai.tool.name", name);
    s.text(
        "gen_ai.tool.call.id",
        call.map(|c| c.tool_call_id.as_str())
            .filter(|n| !n.is_empty()),
    );
    s.put("gen_ai.tool.type", Val::Str("function"));
    if let (true, Some(call)) = (capture, call) {
        s.put(
            "gen_ai.tool.call.arguments",
            Val::Own(call.tool_input.to_string()),
        );
        if let Some(result) = call.tool_output.as_ref().or(ev.output_data.as_ref()) {
            s.put("gen_ai.tool.call.result", Val::Own(result.to_string()));
        }
    }
}

fn decision<'a>(s: &mut Span<'a>, ev: &'a Event, capture: bool) {
    s.name = ("agentlens.decision", None);
    let Some(d) = &ev.decision_trace else { return };
    s.int("agentlens.decision.step", Some(d.step));
    if let Some(c) = d.confidence {
        s.put("agentlens.decision.confidence", Val::F64(c));
    }
    let n = d.alternatives_considered.len() as u64;
    s.int("agentlens.decision.alternatives", Some(n));
    if capture {
        s.put("agentlens.decision.reasoning", Val::Str(&d.reasoning));
        let alts = serde_json::to_string(&d.alternatives_considered).unwrap_or_default();
        s.put("agentlens.decision.alternatives_considered", Val::Own(alts));
    }
}

fn memory<'a>(s: &mut Span<'a>, ev: &'a Event, capture: bool) {
    let m = ev.memory.as_ref();
    let kind = m.and_then(|m| m.memory_type.as_deref());
    let op = match (&ev.event_type, m.and_then(|m| m.overwrite)) {
        (EventType::MemoryRead, _) => "search_memory",
        (_, Some(true)) => "update_memory",
        _ => "upsert_memory",
    };
    s.name = (op, kind);
    s.put("gen_ai.operation.name", Val::Str(op));
    let Some(m) = m else { return };
    s.put("agentlens.memory.key", Val::Str(&m.key));
    s.text("agentlens.memory.type", kind);
    if let Some(o) = m.overwrite {
        s.put("agentlens.memory.overwrite", Val::Bool(o));
    }
    if let (true, Some(v)) = (capture, &m.value) {
        s.put("agentlens.memory.value", Val::Own(content::text(v)));
    }
}

/// A run's span, at its end; `open` is what its start left, if still remembered.
pub(crate) fn run<'a>(ev: &'a Event, open: Option<&'a Opened>) -> Span<'a> {
    let run = ev.run_id.as_deref().unwrap_or("");
    let parent_run = ev
        .parent_run_id
        .as_deref()
        .or(open.and_then(|o| o.parent.as_deref()));
    let parent = match parent_run {
        Some(p) => ids::run_span(&ev.session_id, p),
        None => ids::session_span(&ev.session_id),
    };
    let mut s = Span::new(ev, ids::run_span(&ev.session_id, run), Some(parent), "run");
    started(&mut s, ev, open);
    let agent = agent_of(ev, open);
    let name = ev
        .run_name
        .as_deref()
        .or(open.and_then(|o| o.name.as_deref()));
    s.name = ("invoke_agent", agent.or(name));
    s.put("gen_ai.operation.name", Val::Str("invoke_agent"));
    s.text("gen_ai.agent.name", agent);
    s.put("gen_ai.agent.id", Val::Str(run));
    s.put("agentlens.span.kind", Val::Str("run"));
    s.put("agentlens.run.id", Val::Str(run));
    s.text("agentlens.run.name", name);
    s.text("agentlens.run.parent_id", parent_run);
    s.text("agentlens.run.status", ev.status.as_deref());
    let user = user_of(ev, open);
    s.text("user.id", user);
    s.copy(ev, false);
    if semantics::ended_in_failure(ev) {
        let mut f = failure(ev);
        if let (("_OTHER", ""), Some((kind, message))) =
            ((f.kind, f.message), open.and_then(|o| o.error.as_ref()))
        {
            (f.kind, f.message) = (kind, message);
            // Read back, the run's end stays without an error of its own.
            s.put("agentlens.error.inherited", Val::Bool(true));
        }
        s.fail(f);
    }
    s
}

/// The end's user id, else its start's.
fn user_of<'a>(ev: &'a Event, open: Option<&'a Opened>) -> Option<&'a str> {
    ev.user_id
        .as_deref()
        .or(open.and_then(|o| o.user.as_deref()))
}

/// The end's agent name, else its start's.
fn agent_of<'a>(ev: &'a Event, open: Option<&'a Opened>) -> Option<&'a str> {
    ev.agent_name
        .as_deref()
        .or(open.and_then(|o| o.agent.as_deref()))
}

/// The session's span, at its end.
pub(crate) fn session<'a>(ev: &'a Event, open: Option<&'a Opened>) -> Span<'a> {
    let mut s = Span::new(ev, ids::session_span(&ev.session_id), None, "session");
    started(&mut s, ev, open);
    let agent = agent_of(ev, open);
    s.name = ("invoke_agent", agent);
    s.put("gen_ai.operation.name", Val::Str("invoke_agent"));
    s.text("gen_ai.agent.name", agent);
    s.put("agentlens.span.kind", Val::Str("session"));
    s.text("agentlens.session.status", ev.status.as_deref());
    s.int("agentlens.usage.input_tokens", ev.total_tokens_in);
    s.int("agentlens.usage.output_tokens", ev.total_tokens_out);
    let user = user_of(ev, open);
    s.text("user.id", user);
    s.copy(ev, false);
    if semantics::ended_in_failure(ev) {
        s.fail(failure(ev));
    }
    s
}

/// A run or session span runs from its start to its end; forgotten, from its end minus
/// its duration.
fn started(s: &mut Span<'_>, ev: &Event, open: Option<&Opened>) {
    let end = nanos(ev.time());
    s.end = end;
    s.start = match open {
        Some(o) if o.start > 0 && o.start <= end => o.start,
        _ => end.saturating_sub(duration(ev.duration_ms)),
    };
}

/// The provider a model name implies (see docs/otlp.md), else `_OTHER`.
pub(crate) fn provider_of(model: &str) -> &str {
    if let Some((prefix, _)) = model.split_once('/') {
        if !prefix.is_empty() {
            return prefix;
        }
    }
    let starts = |p: &str| {
        model.len() >= p.len() && model.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    const TABLE: [(&str, &str); 12] = [
        ("gpt-", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("text-embedding-", "openai"),
        ("claude", "anthropic"),
        ("gemini", "gcp.gemini"),
        ("mistral", "mistral_ai"),
        ("mixtral", "mistral_ai"),
        ("grok", "x_ai"),
        ("deepseek", "deepseek"),
        ("command", "cohere"),
    ];
    TABLE
        .iter()
        .find(|(p, _)| starts(p))
        .map_or("_OTHER", |(_, name)| name)
}
