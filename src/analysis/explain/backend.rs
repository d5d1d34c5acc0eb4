//! The AgentLens backend's narrative (`GET /sessions/:id/explain`, `backend/lib/explain.js`).

use serde_json::Value;

use super::backend_steps::{is_extra_step, push_extra_step};
use super::{Fact, MAX_SHOWN, Md, NANOS_PER_MS, Session, is_regular, reasoning};
use crate::model::{Event, EventType, semantics};

/// The AgentLens backend's explanation (`GET /sessions/:id/explain`) for one session's
/// events, as `backend/lib/explain.js` writes it (reference A.5).
///
/// Session values are those the backend would have stored: agent name from the
/// `session_start` (default `default-agent`); duration from its timestamp (else the first
/// event's) to the `session_end`'s `ended_at` (else its latest event), `unknown` with no
/// start and `ongoing` with no end; status from the end (`completed` unless one of
/// `active`, `completed`, `error`, `timeout`), `active` with no end; token totals from
/// the end when above zero, else summed over the events, once (not the backend's
/// double count, pitfall D.5.1).
///
/// Steps are written in time order for `llm_call`, `tool_call` and `agent_call` events
/// as the backend writes them, and — where the backend skipped them because it never
/// stored them (pitfall D.5.2) — for errors, decisions, memory reads and writes and final
/// answers, in the same layout (see `backend_steps`), so every error the summary counts
/// has its step. Run starts and ends, generic and custom events are skipped without
/// using a step number. The summary counts errors with
/// [`crate::model::semantics::is_error`] and gives the session's
/// [`crate::model::SessionStatus`]. Inputs and outputs are cut to [`MAX_SHOWN`] UTF-16 units plus
/// `…`; a surrogate pair straddling the cut is dropped whole where JavaScript keeps half.
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use agentlens::analysis::explain::explain_backend;
/// use agentlens::model::{Event, EventType};
/// use agentlens::time::UnixNanos;
///
/// let mut llm = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
/// llm.input_data = Some(serde_json::json!({"prompt": "What is 2+2?"}));
/// assert_eq!(
///     explain_backend(&[llm]),
///     "## Agent Session: default-agent\n\
///      **Duration:** ongoing\n\
///      **Total tokens used:** 0 (0 input, 0 output)\n\n### What happened:\n\n\
///      **Step 1:** The agent made an LLM call.\n\
///      - *Input:* \"What is 2+2?\"\n\
///      - *Output:* \"unknown response\"\n\n### Summary\n\
///      - 1 LLM call(s), 0 tool call(s), 0 error(s)\n\
///      - Total tokens: 0\n\
///      - Session status: active"
/// );
/// ```
pub fn explain_backend(events: &[Event]) -> String {
    let mut md = Md::default();
    let s = Session::of(events.iter().map(Fact::of));
    let total = push_backend_header(&mut md, &s);
    let regular: Vec<&Event> = events.iter().filter(|e| is_regular(e)).collect();
    let keys: Vec<i64> = regular.iter().map(|e| time_key(e)).collect();
    let mut counts = Counts::default();
    for i in by_time(&keys) {
        let e = regular[i];
        if counts.add(StepFacts::of(e)) {
            md.s("**Step ").n(counts.step()).s(":** ");
            push_step(&mut md, e);
        }
    }
    push_summary(&mut md, &counts, total, &s);
    md.0
}

/// The header, up to and including `### What happened:` and its blank line; returns the
/// session's total tokens, which the summary repeats.
pub(super) fn push_backend_header(md: &mut Md, s: &Session<'_>) -> u64 {
    let end_total = |v: Option<u64>, sum: u64| v.filter(|&n| n > 0).unwrap_or(sum);
    let tin = end_total(s.end.and_then(|e| e.total_tokens_in), s.tokens.0);
    let tout = end_total(s.end.and_then(|e| e.total_tokens_out), s.tokens.1);
    let total = tin.saturating_add(tout);
    md.s("## Agent Session: ")
        .s(s.agent_name)
        .s("\n**Duration:** ");
    push_duration(md, s);
    md.s("\n**Total tokens used:** ")
        .n(total)
        .s(" (")
        .n(tin)
        .s(" input, ")
        .n(tout)
        .s(" output)\n\n### What happened:\n\n");
    total
}

/// `### Summary` and its lines.
pub(super) fn push_summary(md: &mut Md, c: &Counts, total: u64, s: &Session<'_>) {
    md.s("### Summary\n- ")
        .n(c.llm)
        .s(" LLM call(s), ")
        .n(c.tools)
        .s(" tool call(s), ")
        .n(c.errors)
        .s(" error(s)\n- Total tokens: ")
        .n(total)
        .s("\n- Session status: ")
        .s(s.status.as_str());
}

/// How the backend format counts one regular event, and whether it is a step.
#[derive(Clone, Copy, Default)]
pub(super) struct StepFacts {
    error: bool,
    llm: bool,
    tool: bool,
    step: bool,
}

impl StepFacts {
    pub(super) fn of(e: &Event) -> Self {
        let call = matches!(
            e.event_type,
            EventType::LlmCall | EventType::ToolCall | EventType::AgentCall
        );
        Self {
            error: semantics::is_error(e),
            llm: e.event_type == EventType::LlmCall,
            tool: e.event_type == EventType::ToolCall,
            step: call || is_extra_step(e),
        }
    }

    /// Whether the event is a step of its own.
    pub(super) fn is_step(self) -> bool {
        self.step
    }
}

/// The summary's counts, and the steps numbered so far.
#[derive(Default)]
pub(super) struct Counts {
    steps: u64,
    llm: u64,
    tools: u64,
    errors: u64,
}

impl Counts {
    /// Counts one event in time order; returns whether it is the next step (numbered
    /// [`Counts::step`]).
    pub(super) fn add(&mut self, f: StepFacts) -> bool {
        self.errors += u64::from(f.error);
        self.llm += u64::from(f.llm);
        self.tools += u64::from(f.tool);
        self.steps += u64::from(f.step);
        f.step
    }

    /// The number of the last step counted.
    pub(super) fn step(&self) -> u64 {
        self.steps
    }
}

/// The key the backend orders events by, `ORDER BY timestamp ASC`.
///
/// The backend stamps an event that has no time with its own clock on arrival, so those
/// come last.
pub(super) fn time_key(e: &Event) -> i64 {
    e.timestamp.map_or(i64::MAX, |t| t.0)
}

/// The positions of `keys` in ascending order, ties in their given order.
///
/// A stable bottom-up merge sort, written out because the standard library's
/// stable sort cost several hundred gzipped bytes of wasm for this one call (measured).
pub(super) fn by_time(keys: &[i64]) -> Vec<usize> {
    let n = keys.len();
    let mut v: Vec<usize> = (0..n).collect();
    let mut merged = v.clone();
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = n.min(lo + width);
            let hi = n.min(mid + width);
            let (mut a, mut b) = (lo, mid);
            for slot in &mut merged[lo..hi] {
                let take_a = b >= hi || (a < mid && keys[v[a]] <= keys[v[b]]);
                *slot = if take_a { v[a] } else { v[b] };
                if take_a {
                    a += 1;
                } else {
                    b += 1;
                }
            }
            lo = hi;
        }
        std::mem::swap(&mut v, &mut merged);
        width = width.saturating_mul(2);
    }
    v
}

/// A step after its `**Step {n}:** `: its sentence and lines, ending with its blank line.
pub(super) fn push_step(md: &mut Md, e: &Event) {
    if matches!(
        e.event_type,
        EventType::LlmCall | EventType::ToolCall | EventType::AgentCall
    ) {
        push_call_step(md, e);
    } else {
        push_extra_step(md, e);
        md.s("\n");
    }
}

/// A tool event's name as the backend shows it: `unknown tool` when it has none.
pub(super) fn tool_label(e: &Event) -> &str {
    let name = e.tool_call.as_ref().map_or("", |t| t.tool_name.as_str());
    if name.is_empty() {
        "unknown tool"
    } else {
        name
    }
}

/// One call step of `explain.js` after its number, ending with its blank line.
fn push_call_step(md: &mut Md, e: &Event) {
    let tool = e.tool_call.as_ref();
    match e.event_type {
        EventType::LlmCall => {
            md.s("The agent made an LLM call");
            if let Some(m) = e.model.as_deref().filter(|m| !m.is_empty()) {
                md.s(" using ").s(m);
            }
            md.s(".\n- *Input:* \"");
            push_field(md, e.input_data.as_ref(), "prompt", "unknown prompt");
            md.s("\"\n- *Output:* \"");
            push_field(md, e.output_data.as_ref(), "response", "unknown response");
            md.s("\"\n");
            let (tin, tout) = (e.tokens_in.unwrap_or(0), e.tokens_out.unwrap_or(0));
            if tin > 0 || tout > 0 {
                md.s("- *Tokens:* ").tokens(tin, tout).s("\n");
            }
            push_backend_reasoning(md, e);
        }
        EventType::ToolCall => {
            md.s("The agent called the **")
                .s(tool_label(e))
                .s("** tool.\n");
            for (label, v) in [
                ("- *Input:* ", tool.map(|t| &t.tool_input)),
                ("- *Output:* ", tool.and_then(|t| t.tool_output.as_ref())),
            ] {
                if let Some(v) = v.filter(|v| truthy(v)) {
                    md.s(label).cut_json(v).s("\n");
                }
            }
            push_backend_duration(md, e);
        }
        _ => {
            md.s("Agent function executed.\n");
            push_backend_reasoning(md, e);
            push_backend_duration(md, e);
        }
    }
    md.s("\n");
}

fn push_backend_reasoning(md: &mut Md, e: &Event) {
    if let Some(r) = reasoning(e) {
        md.s("- 💡 *Reasoning:* ").s(r).s("\n");
    }
}

fn push_backend_duration(md: &mut Md, e: &Event) {
    if let Some(ms) = e.duration_ms.filter(|ms| *ms != 0.0 && !ms.is_nan()) {
        md.s("- *Duration:* ").fixed(ms, 1).s("ms\n");
    }
}

/// `formatDuration(started_at, ended_at)` of `explain.js`.
fn push_duration(md: &mut Md, s: &Session<'_>) {
    let Some(start) = s.started else {
        md.s("unknown");
        return;
    };
    // The backend stamps a `session_end` without `ended_at` with its own clock on
    // arrival; the latest event is the nearest time a trace knows.
    let end = s.end.and_then(|e| e.ended_at.or(e.timestamp).or(s.latest));
    let Some(end) = end else {
        md.s("ongoing");
        return;
    };
    // JavaScript `Date`s hold whole milliseconds.
    let ms = end.0.div_euclid(NANOS_PER_MS) - start.0.div_euclid(NANOS_PER_MS);
    if ms < 1000 {
        if ms < 0 {
            md.s("-");
        }
        md.n(ms.unsigned_abs()).s("ms");
    } else if ms < 60_000 {
        md.fixed(ms as f64 / 1000.0, 1).s("s");
    } else {
        md.fixed(ms as f64 / 60_000.0, 1).s("m");
    }
}

/// `truncate(data?.[key] || fallback, 120)` with JavaScript's truthiness and `String()`.
fn push_field(md: &mut Md, data: Option<&Value>, key: &str, fallback: &str) {
    match data.and_then(|d| d.get(key)).filter(|v| truthy(v)) {
        None => md.s(fallback),
        Some(Value::String(s)) => md.cut(s),
        // `truncate` slices arrays by element count too; other values pass unchanged.
        Some(Value::Array(items)) => {
            md.js_items(items, MAX_SHOWN, 0);
            md.s(if items.len() > MAX_SHOWN { "…" } else { "" })
        }
        Some(v) => md.js_string(v, 0),
    };
}

/// JavaScript truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}
