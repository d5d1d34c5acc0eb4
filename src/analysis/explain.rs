//! A session's events as Markdown, in the two formats the AgentLens seed prints.
//!
//! - [`explain`]: the Python SDK's `AgentTracker.explain()` (reference B.1): a header and
//!   a numbered event timeline. Its own lines are byte-for-byte the SDK's; lines the SDK
//!   cannot produce (alternatives, confidence, errors, memory, final answers, tool
//!   durations, nested runs) are added after them, indented the same way.
//! - [`explain_backend`]: the backend's `GET /sessions/:id/explain` (reference A.5,
//!   `backend/lib/explain.js`): numbered steps for LLM, tool and agent calls, then a
//!   summary.
//!
//! Both read one session's events, in any mix of types, and never fail: missing fields
//! get the seed's defaults and odd values are printed as they are. They do not redact;
//! [`explain_sanitized`] and [`explain_json`] first redact and truncate each event as the
//! pipeline does ([`pipeline::sanitize`], [`pipeline::fit_event`]), so that an
//! explanation shows no more than the trace that was sent.

use std::fmt::Write as _;

use serde_json::Value;

use crate::encode::DecodeError;
use crate::model::{DEFAULT_AGENT_NAME, Event, EventType, status};
use crate::pipeline::{self, ConfigError};
use crate::redact::{Redactor, Report};
use crate::time::UnixNanos;

/// Inputs, outputs and answers longer than this many UTF-16 code units (JavaScript's
/// `length`, which the backend's `truncate` counts) are cut and end with `…`.
pub const MAX_SHOWN: usize = 120;

const NANOS_PER_MS: i64 = 1_000_000;

/// Which seed format to print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// The Python SDK's `explain()`, with AgentLens's extra lines ([`explain`]).
    #[default]
    Sdk,
    /// The backend's `GET /sessions/:id/explain` ([`explain_backend`]).
    Backend,
}

impl Style {
    /// Reads a style name: `"sdk"` (also the default when absent) or `"backend"`.
    ///
    /// # Errors
    /// [`ConfigError::Option`] naming `style` for any other name.
    ///
    /// ```
    /// use agentlens::analysis::explain::Style;
    /// assert_eq!(Style::parse(None).unwrap(), Style::Sdk);
    /// assert_eq!(Style::parse(Some("backend")).unwrap(), Style::Backend);
    /// assert!(Style::parse(Some("html")).is_err());
    /// ```
    pub fn parse(name: Option<&str>) -> Result<Self, ConfigError> {
        match name {
            None | Some("sdk") => Ok(Self::Sdk),
            Some("backend") => Ok(Self::Backend),
            Some(_) => Err(ConfigError::Option {
                option: "style",
                message: "must be \"sdk\" or \"backend\"".into(),
            }),
        }
    }

    /// Renders `events` in this style.
    pub fn render(self, events: &[Event]) -> String {
        match self {
            Self::Sdk => explain(events),
            Self::Backend => explain_backend(events),
        }
    }
}

/// What both formats need to know about the session as a whole.
struct Session<'a> {
    /// The last `session_end`.
    end: Option<&'a Event>,
    agent_name: &'a str,
    session_id: &'a str,
    /// The start's timestamp, else the first timed event's.
    started: Option<UnixNanos>,
    /// The latest time of any event.
    latest: Option<UnixNanos>,
    /// Tokens summed over the regular events.
    tokens: (u64, u64),
}

fn is_regular(e: &Event) -> bool {
    !matches!(
        e.event_type,
        EventType::SessionStart | EventType::SessionEnd
    )
}

impl<'a> Session<'a> {
    fn of(events: &'a [Event]) -> Self {
        let (mut start, mut end, mut first_time, mut latest) = (None, None, None, None);
        let mut tokens = (0u64, 0u64);
        for e in events {
            match e.event_type {
                EventType::SessionStart => start = start.or(Some(e)),
                EventType::SessionEnd => end = Some(e),
                _ => {
                    tokens.0 = tokens.0.saturating_add(e.tokens_in.unwrap_or(0));
                    tokens.1 = tokens.1.saturating_add(e.tokens_out.unwrap_or(0));
                }
            }
            first_time = first_time.or(e.time());
            latest = latest.max(e.time());
        }
        let start: Option<&Event> = start;
        Self {
            end,
            agent_name: start
                .and_then(|s| s.agent_name.as_deref())
                .filter(|n| !n.is_empty())
                .unwrap_or(DEFAULT_AGENT_NAME),
            session_id: start.or(events.first()).map_or("", |e| &e.session_id),
            started: start.and_then(|s| s.timestamp).or(first_time),
            latest,
            tokens,
        }
    }
}

/// The AgentLens SDK's `explain()` Markdown for one session's events.
///
/// The header comes from the `session_start` (agent name, default `default-agent`; start
/// time, else the first event's) and the last `session_end` (status, else `active`;
/// token totals, else the sum over the events). Every other event is a numbered
/// timeline entry with its UTC time of day, as the SDK prints it:
///
/// ```text
/// 1. [HH:MM:SS.mmm] **{event_type}**[ (model: {model})][ → tool: {tool_name}]
///    💡 Reasoning: {reasoning}
///    📊 Tokens: {in} in / {out} out
/// ```
///
/// followed by what the SDK cannot show, when present: `↳ run:` for a nested run's
/// start, `🔀 Alternatives:`, `🎯 Confidence:`, `⚠️ Error:`, `🧠 Memory read|write:`,
/// `✅ Answer:` (cut to [`MAX_SHOWN`]) and a tool call's `⏱️` duration. Times print as
/// RFC 3339 with microseconds and `Z` (the SDK wrote `+00:00`) and `??:??:??.???` when
/// an event has none. Lines are joined with `\n`, with no newline at the end, as the SDK.
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use agentlens::analysis::explain::explain;
/// use agentlens::model::{Event, EventType};
/// use agentlens::time::UnixNanos;
///
/// let at = UnixNanos::parse_rfc3339("2026-02-14T10:30:01.234Z").unwrap();
/// let mut start = Event::new(EventType::SessionStart, "a1b2c3d4", at);
/// start.agent_name = Some("research-agent-v2".into());
/// let mut llm = Event::new(EventType::LlmCall, "a1b2c3d4", at);
/// llm.model = Some("gpt-4-turbo".into());
/// (llm.tokens_in, llm.tokens_out) = (Some(1200), Some(350));
/// assert_eq!(
///     explain(&[start, llm]),
///     "## Session Explanation: research-agent-v2\n\
///      **Session ID:** a1b2c3d4\n\
///      **Started:** 2026-02-14T10:30:01.234000Z\n\
///      **Status:** active\n\
///      **Total tokens:** 1200 in / 350 out\n\n### Event Timeline:\n\
///      1. [10:30:01.234] **llm_call** (model: gpt-4-turbo)\n   \
///         📊 Tokens: 1200 in / 350 out"
/// );
/// ```
pub fn explain(events: &[Event]) -> String {
    let s = Session::of(events);
    let mut md = Md::default();
    md.s("## Session Explanation: ")
        .s(s.agent_name)
        .s("\n**Session ID:** ")
        .s(s.session_id)
        .s("\n**Started:** ");
    match s.started {
        Some(t) => md.s(&t.to_rfc3339()),
        None => md.s("unknown"),
    };
    md.s("\n**Status:** ").s(s.end.map_or(status::ACTIVE, |e| {
        e.status.as_deref().unwrap_or(status::COMPLETED)
    }));
    let end_in = s.end.and_then(|e| e.total_tokens_in);
    let end_out = s.end.and_then(|e| e.total_tokens_out);
    md.s("\n**Total tokens:** ")
        .tokens(end_in.unwrap_or(s.tokens.0), end_out.unwrap_or(s.tokens.1))
        .s("\n\n### Event Timeline:");
    for (i, e) in events.iter().filter(|e| is_regular(e)).enumerate() {
        md.s("\n").n(i as u64 + 1).s(". [");
        md.time_of_day(e.timestamp)
            .s("] **")
            .s(e.event_type.as_str())
            .s("**");
        if let Some(m) = e.model.as_deref().filter(|m| !m.is_empty()) {
            md.s(" (model: ").s(m).s(")");
        }
        if let Some(t) = &e.tool_call {
            md.s(" → tool: ").s(&t.tool_name);
        }
        if let Some(r) = reasoning(e) {
            md.s("\n   💡 Reasoning: ").s(r);
        }
        let (tin, tout) = (e.tokens_in.unwrap_or(0), e.tokens_out.unwrap_or(0));
        if tin > 0 || tout > 0 {
            md.s("\n   📊 Tokens: ").tokens(tin, tout);
        }
        md.extras(e);
    }
    md.0
}

/// A Markdown document being written.
///
/// Every append goes through a few small functions that are never inlined: the two
/// formats are mostly literal pieces, and inlining `push_str` at each one would cost the
/// wasm size budget some thirty bytes a piece.
#[derive(Default)]
struct Md(String);

impl Md {
    #[inline(never)]
    fn s(&mut self, text: &str) -> &mut Self {
        self.0.push_str(text);
        self
    }

    /// `n` in decimal.
    #[inline(never)]
    fn n(&mut self, n: u64) -> &mut Self {
        let _ = write!(self.0, "{n}");
        self
    }

    /// `{in} in / {out} out`.
    fn tokens(&mut self, tin: u64, tout: u64) -> &mut Self {
        self.n(tin).s(" in / ").n(tout).s(" out")
    }

    /// `HH:MM:SS.mmm` in UTC, milliseconds cut rather than rounded (Python's `%f[:-3]`).
    fn time_of_day(&mut self, t: Option<UnixNanos>) -> &mut Self {
        // RFC 3339 here always ends `HH:MM:SS.ffffffZ`.
        let text = t.map(UnixNanos::to_rfc3339).unwrap_or_default();
        let n = text.len();
        self.s(text
            .get(n.wrapping_sub(16)..n.wrapping_sub(4))
            .unwrap_or("??:??:??.???"))
    }

    /// JavaScript's `x.toFixed(digits)`.
    ///
    /// Rust prints the exact binary value, rounding an exact tie to even; JavaScript
    /// rounds it up ("let n be the larger"). Ties are the values that are multiples of
    /// `2^-(digits+1)` with an odd last digit (`0.25`, `0.125`); nudged one ulp away
    /// from zero, Rust rounds them as JavaScript does. Every other value agrees.
    /// Non-finite values print as Rust writes them (`NaN`, `inf`).
    #[inline(never)]
    fn fixed(&mut self, x: f64, digits: u32) -> &mut Self {
        // JavaScript prints no sign for negative zero.
        let mut x = if x == 0.0 { 0.0 } else { x };
        let scale = if digits == 1 { 10.0 } else { 100.0 };
        if (x * f64::from(2u32 << digits)).fract() == 0.0 && (x * scale).fract().abs() == 0.5 {
            x = f64::from_bits(x.to_bits() + 1);
        }
        let _ = write!(self.0, "{x:.prec$}", prec = digits as usize);
        self
    }

    /// `truncate(text, 120)` of `explain.js`: at most [`MAX_SHOWN`] UTF-16 units, then
    /// `…`.
    #[inline(never)]
    fn cut(&mut self, text: &str) -> &mut Self {
        let mut units = 0;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            // A lead byte starts a character; four-byte characters are two UTF-16 units.
            if b & 0xc0 != 0x80 {
                units += 1 + usize::from(b >= 0xf0);
                if units > MAX_SHOWN {
                    return self.s(text.get(..i).unwrap_or_default()).s("…");
                }
            }
        }
        self.s(text)
    }

    /// JavaScript's `String(v)`, with `null` written as nothing, as `Array.join` does.
    fn js_string(&mut self, v: &Value, depth: usize) -> &mut Self {
        match v {
            Value::Null => self,
            Value::Bool(b) => self.s(if *b { "true" } else { "false" }),
            Value::Number(n) => self.s(&n.to_string()),
            Value::String(s) => self.s(s),
            Value::Array(items) => self.js_items(items, usize::MAX, depth + 1),
            Value::Object(_) => self.s("[object Object]"),
        }
    }

    /// The first `max` items as `Array.join` writes them.
    fn js_items(&mut self, items: &[Value], max: usize, depth: usize) -> &mut Self {
        // serde_json nests at most 128 deep when parsing; this bounds values built in code.
        if depth > 128 {
            return self;
        }
        for (i, item) in items.iter().take(max).enumerate() {
            if i > 0 {
                self.s(",");
            }
            self.js_string(item, depth);
        }
        self
    }

    /// `v` as compact JSON (`JSON.stringify`), cut as [`Md::cut`] does.
    fn cut_json(&mut self, v: &Value) -> &mut Self {
        self.cut(&serde_json::to_string(v).unwrap_or_default())
    }

    /// The lines the SDK's format has no room for.
    fn extras(&mut self, e: &Event) {
        if e.event_type == EventType::RunStart && e.parent_run_id.is_some() {
            if let Some(name) = &e.run_name {
                self.s("\n   ↳ run: ").s(name);
            }
        }
        if let Some(d) = &e.decision_trace {
            for (i, a) in d.alternatives_considered.iter().enumerate() {
                self.s(if i == 0 {
                    "\n   🔀 Alternatives: "
                } else {
                    ", "
                })
                .s(a);
            }
            if let Some(c) = d.confidence {
                self.s("\n   🎯 Confidence: ").fixed(c, 2);
            }
        }
        if let Some(err) = &e.error {
            self.s("\n   ⚠️ Error: ");
            if !err.error_type.is_empty() {
                self.s(&err.error_type).s(": ");
            }
            self.s(&err.message)
                .s(if err.critical { " (critical)" } else { "" });
        }
        if let Some(m) = &e.memory {
            self.s(if e.event_type == EventType::MemoryWrite {
                "\n   🧠 Memory write: "
            } else {
                "\n   🧠 Memory read: "
            })
            .s(&m.key);
        }
        if e.event_type == EventType::Final {
            // Agent Inspector's final answer is `{"answer": …}`; else the whole output.
            let output = e.output_data.as_ref();
            match output.and_then(|o| o.get("answer")).or(output) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => {
                    self.s("\n   ✅ Answer: ").cut(s);
                }
                Some(v) => {
                    self.s("\n   ✅ Answer: ").cut_json(v);
                }
            }
        }
        if e.tool_call.is_some() || e.event_type == EventType::ToolCall {
            let ms = e.tool_call.as_ref().and_then(|t| t.duration_ms);
            if let Some(ms) = ms.or(e.duration_ms) {
                self.s("\n   ⏱️ ").fixed(ms, 1).s("ms");
            }
        }
    }
}

fn reasoning(e: &Event) -> Option<&str> {
    e.decision_trace
        .as_ref()
        .map(|d| d.reasoning.as_str())
        .filter(|r| !r.is_empty())
}

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
/// Steps are written for `llm_call`, `tool_call` and `agent_call` events only, in time
/// order; every other event is skipped without using a step number but still counts in
/// the summary (the backend would have skipped storing decisions, runs and custom
/// types, pitfall D.5.2). Inputs and outputs are cut to [`MAX_SHOWN`] UTF-16 units plus
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
    let s = Session::of(events);
    let end_total = |v: Option<u64>, sum: u64| v.filter(|&n| n > 0).unwrap_or(sum);
    let tin = end_total(s.end.and_then(|e| e.total_tokens_in), s.tokens.0);
    let tout = end_total(s.end.and_then(|e| e.total_tokens_out), s.tokens.1);
    let total = tin.saturating_add(tout);

    let mut md = Md::default();
    md.s("## Agent Session: ")
        .s(s.agent_name)
        .s("\n**Duration:** ");
    push_duration(&mut md, &s);
    md.s("\n**Total tokens used:** ")
        .n(total)
        .s(" (")
        .n(tin)
        .s(" input, ")
        .n(tout)
        .s(" output)\n\n### What happened:\n\n");

    let (mut step, mut llm, mut tools, mut errors) = (0u64, 0u64, 0u64, 0u64);
    for e in by_time(events) {
        if e.event_type.as_str().contains("error") {
            errors += 1;
        }
        match e.event_type {
            EventType::LlmCall => llm += 1,
            EventType::ToolCall => tools += 1,
            EventType::AgentCall => {}
            _ => continue,
        }
        step += 1;
        push_step(&mut md, step, e);
    }
    md.s("### Summary\n- ")
        .n(llm)
        .s(" LLM call(s), ")
        .n(tools)
        .s(" tool call(s), ")
        .n(errors)
        .s(" error(s)\n- Total tokens: ")
        .n(total)
        .s("\n- Session status: ")
        .s(s.end.map_or(status::ACTIVE, |e| match e.status.as_deref() {
            Some(st @ ("active" | "completed" | "error" | "timeout")) => st,
            _ => status::COMPLETED,
        }));
    md.0
}

/// The regular events as the backend reads them, `ORDER BY timestamp ASC`.
///
/// The backend stamps an event that has no time with its own clock on arrival, so those
/// come last. A stable bottom-up merge sort, written out because the standard library's
/// stable sort cost several hundred gzipped bytes of wasm for this one call (measured).
fn by_time(events: &[Event]) -> Vec<&Event> {
    let key = |e: &Event| e.timestamp.map_or(i64::MAX, |t| t.0);
    let mut v: Vec<&Event> = events.iter().filter(|e| is_regular(e)).collect();
    let n = v.len();
    let mut merged = v.clone();
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = n.min(lo + width);
            let hi = n.min(mid + width);
            let (mut a, mut b) = (lo, mid);
            for slot in &mut merged[lo..hi] {
                let take_a = b >= hi || (a < mid && key(v[a]) <= key(v[b]));
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

/// One step of `explain.js`, ending with its blank line.
fn push_step(md: &mut Md, step: u64, e: &Event) {
    md.s("**Step ").n(step).s(":** ");
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
            let name = tool.map_or("", |t| t.tool_name.as_str());
            md.s("The agent called the **")
                .s(if name.is_empty() {
                    "unknown tool"
                } else {
                    name
                })
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

/// Sanitises `events` as the pipeline does before sending them (redaction, per-field
/// truncation, then shrinking an event to `max_event_bytes`), then renders them in
/// `style`: an explanation never shows more than the trace that left the process.
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use agentlens::analysis::explain::{Style, explain_sanitized};
/// use agentlens::model::{DecisionTrace, Event, EventType};
/// use agentlens::redact::{Config, Redactor};
/// use agentlens::time::UnixNanos;
///
/// let mut e = Event::new(EventType::Decision, "s1", UnixNanos(0));
/// e.decision_trace = Some(DecisionTrace {
///     reasoning: "ask bob@example.com".into(),
///     ..DecisionTrace::default()
/// });
/// let redactor = Redactor::new(Config::default()).unwrap();
/// let text = explain_sanitized(&redactor, vec![e], Style::Sdk);
/// assert!(text.ends_with("💡 Reasoning: ask [REDACTED]"));
/// ```
pub fn explain_sanitized(redactor: &Redactor, mut events: Vec<Event>, style: Style) -> String {
    let mut report = Report::default();
    let max_event_bytes = redactor.config().max_event_bytes;
    for e in &mut events {
        pipeline::sanitize(redactor, e, &mut report);
        pipeline::fit_event(e, max_event_bytes, &mut report);
    }
    style.render(&events)
}

/// Reads a JSON array of events and explains them with [`explain_sanitized`]. Elements
/// that are not events are skipped; backend-compatible wire events (`generic` with an
/// `agentlens_type`) get their real types back.
///
/// # Errors
/// [`DecodeError::Json`] when the text is not JSON, [`DecodeError::NotAnEventBatch`]
/// when it is JSON but not an array.
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use agentlens::analysis::explain::{Style, explain_json};
/// use agentlens::redact::{Config, Redactor};
///
/// let redactor = Redactor::new(Config::default()).unwrap();
/// let text = explain_json(&redactor, "[]", Style::Sdk).unwrap();
/// assert!(text.ends_with("### Event Timeline:"));
/// assert!(explain_json(&redactor, "42", Style::Sdk).is_err());
/// ```
pub fn explain_json(redactor: &Redactor, text: &str, style: Style) -> Result<String, DecodeError> {
    let (events, _skipped) = crate::encode::agentlens::decode_event_array(text)?;
    Ok(explain_sanitized(redactor, events, style))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{DecisionTrace, ErrorInfo, Memory, ToolCall};

    fn at(text: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(text).unwrap()
    }

    fn event(kind: EventType, time: &str) -> Event {
        Event::new(kind, "s1", at(time))
    }

    fn start(name: &str, time: &str) -> Event {
        let mut e = event(EventType::SessionStart, time);
        (e.tokens_in, e.tokens_out) = (None, None);
        e.agent_name = Some(name.into());
        e
    }

    fn end(status: &str, tokens: Option<(u64, u64)>, time: Option<&str>) -> Event {
        Event {
            session_id: "s1".into(),
            event_type: EventType::SessionEnd,
            ended_at: time.map(at),
            status: Some(status.into()),
            total_tokens_in: tokens.map(|t| t.0),
            total_tokens_out: tokens.map(|t| t.1),
            ..Event::default()
        }
    }

    fn reasoned(mut e: Event, why: &str) -> Event {
        e.decision_trace = Some(DecisionTrace {
            reasoning: why.into(),
            ..DecisionTrace::default()
        });
        e
    }

    fn tool(name: &str, time: &str, input: Value, ms: Option<f64>) -> Event {
        let mut e = event(EventType::ToolCall, time);
        e.tool_call = Some(ToolCall {
            tool_name: name.into(),
            tool_input: input,
            duration_ms: ms,
            ..ToolCall::default()
        });
        e.duration_ms = ms;
        e
    }

    fn fixed(x: f64, digits: u32) -> String {
        let mut md = Md::default();
        md.fixed(x, digits);
        md.0
    }

    fn cut(text: &str) -> String {
        let mut md = Md::default();
        md.cut(text);
        md.0
    }

    #[test]
    fn an_empty_trace_is_a_complete_document_with_no_events() {
        assert_eq!(
            explain(&[]),
            "## Session Explanation: default-agent\n**Session ID:** \n**Started:** unknown\n\
             **Status:** active\n**Total tokens:** 0 in / 0 out\n\n### Event Timeline:"
        );
    }

    #[test]
    fn timeline_lines_are_the_sdks_and_session_records_are_not_entries() {
        let mut llm = reasoned(
            event(EventType::LlmCall, "2026-11-22T02:41:23.314486Z"),
            "simple arithmetic",
        );
        llm.model = Some("gpt-4o".into());
        (llm.tokens_in, llm.tokens_out) = (Some(120), Some(45));
        let events = [
            start("research-agent", "2026-11-22T02:41:23.314377+00:00"),
            llm,
            tool(
                "calculator",
                "2026-11-22T02:41:23.314661Z",
                json!({"expr": "2+2"}),
                None,
            ),
            end(
                "completed",
                Some((7, 8)),
                Some("2026-11-22T02:41:23.314894Z"),
            ),
        ];
        assert_eq!(
            explain(&events),
            "## Session Explanation: research-agent\n\
             **Session ID:** s1\n\
             **Started:** 2026-11-22T02:41:23.314377Z\n\
             **Status:** completed\n\
             **Total tokens:** 7 in / 8 out\n\
             \n\
             ### Event Timeline:\n\
             1. [02:41:23.314] **llm_call** (model: gpt-4o)\n   \
                💡 Reasoning: simple arithmetic\n   \
                📊 Tokens: 120 in / 45 out\n\
             2. [02:41:23.314] **tool_call** → tool: calculator"
        );
    }

    #[test]
    fn totals_are_summed_and_the_start_is_the_first_time_without_a_session_start() {
        let mut a = event(EventType::LlmCall, "2026-01-01T23:59:59.999999Z");
        (a.tokens_in, a.tokens_out) = (Some(3), Some(0));
        let mut b = event(EventType::Generic, "2026-01-02T00:00:00Z");
        (b.tokens_in, b.tokens_out) = (Some(4), Some(1));
        b.model = Some(String::new());
        let mut untimed = event(
            EventType::Custom("agent_handoff".into()),
            "2026-01-01T00:00:00Z",
        );
        untimed.timestamp = None;
        assert_eq!(
            explain(&[a, untimed, b]),
            "## Session Explanation: default-agent\n\
             **Session ID:** s1\n\
             **Started:** 2026-01-01T23:59:59.999999Z\n\
             **Status:** active\n\
             **Total tokens:** 7 in / 1 out\n\
             \n\
             ### Event Timeline:\n\
             1. [23:59:59.999] **llm_call**\n   \
                📊 Tokens: 3 in / 0 out\n\
             2. [??:??:??.???] **agent_handoff**\n\
             3. [00:00:00.000] **generic**\n   \
                📊 Tokens: 4 in / 1 out"
        );
    }

    #[test]
    fn extra_lines_follow_the_seed_lines_in_a_fixed_order() {
        let t = "2026-11-22T09:00:00Z";
        let mut run = event(EventType::RunStart, t);
        run.run_name = Some("lookup".into());
        run.parent_run_id = Some("r1".into());
        let mut top = event(EventType::RunStart, t);
        top.run_name = Some("main".into());
        let mut decision = reasoned(event(EventType::Decision, t), "cheapest");
        if let Some(d) = &mut decision.decision_trace {
            d.alternatives_considered = vec!["a".into(), "b".into()];
            d.confidence = Some(0.9);
        }
        let mut error = event(EventType::Error, t);
        error.error = Some(ErrorInfo {
            message: "disk full".into(),
            critical: true,
            ..ErrorInfo::default()
        });
        let mut read = event(EventType::MemoryRead, t);
        read.memory = Some(Memory {
            key: "profile".into(),
            ..Memory::default()
        });
        let mut answer = event(EventType::Final, t);
        answer.output_data = Some(json!({"total": 4}));
        let mut untimed_tool = tool("search", t, Value::Null, None);
        untimed_tool.duration_ms = Some(15.0);
        let text = explain(&[top, run, decision, error, read, answer, untimed_tool]);
        let timeline = text.split("### Event Timeline:\n").nth(1).unwrap();
        assert_eq!(
            timeline,
            "1. [09:00:00.000] **run_start**\n\
             2. [09:00:00.000] **run_start**\n   \
                ↳ run: lookup\n\
             3. [09:00:00.000] **decision**\n   \
                💡 Reasoning: cheapest\n   \
                🔀 Alternatives: a, b\n   \
                🎯 Confidence: 0.90\n\
             4. [09:00:00.000] **error**\n   \
                ⚠️ Error: disk full (critical)\n\
             5. [09:00:00.000] **memory_read**\n   \
                🧠 Memory read: profile\n\
             6. [09:00:00.000] **final**\n   \
                ✅ Answer: {\"total\":4}\n\
             7. [09:00:00.000] **tool_call** → tool: search\n   \
                ⏱️ 15.0ms"
        );
    }

    #[test]
    fn fixed_rounds_like_javascript_to_fixed_including_exact_ties() {
        // Expected values printed by Node's Number.prototype.toFixed.
        for (x, one, two) in [
            (0.25, "0.3", "0.25"),
            (0.125, "0.1", "0.13"),
            (0.15, "0.1", "0.15"),
            (1.05, "1.1", "1.05"),
            (0.35, "0.3", "0.35"),
            (0.75, "0.8", "0.75"),
            (2.45, "2.5", "2.45"),
            (890.2, "890.2", "890.20"),
            (0.005, "0.0", "0.01"),
            (1e-7, "0.0", "0.00"),
            (-0.25, "-0.3", "-0.25"),
            (-0.01, "-0.0", "-0.01"),
            (-0.0, "0.0", "0.00"),
            (123_456.789, "123456.8", "123456.79"),
        ] {
            assert_eq!(
                (fixed(x, 1).as_str(), fixed(x, 2).as_str()),
                (one, two),
                "{x}"
            );
        }
    }

    #[test]
    fn cut_counts_utf16_units_and_never_splits_a_character() {
        let a120 = "a".repeat(120);
        assert_eq!(cut(&a120), a120);
        assert_eq!(cut(&format!("{a120}b")), format!("{a120}…"));
        let a118 = "a".repeat(118);
        // An astral character is two units: 118 + 2 fits, 119 + 2 does not.
        assert_eq!(cut(&format!("{a118}📚")), format!("{a118}📚"));
        assert_eq!(cut(&format!("{a118}a📚")), format!("{a118}a…"));
        assert_eq!(cut(&"é".repeat(121)), format!("{}…", "é".repeat(120)));
    }

    #[test]
    fn backend_duration_follows_format_duration() {
        let t0 = "2026-11-22T10:00:00.000900Z";
        let duration = |events: &[Event]| {
            let text = explain_backend(events);
            text.lines().nth(1).unwrap().to_owned()
        };
        let with_end =
            |ended: &str| duration(&[start("a", t0), end("completed", None, Some(ended))]);
        assert_eq!(duration(&[]), "**Duration:** unknown");
        assert_eq!(duration(&[start("a", t0)]), "**Duration:** ongoing");
        // Dates hold whole milliseconds: .000900 and .999999 are 0 and 999.
        assert_eq!(
            with_end("2026-11-22T10:00:00.999999Z"),
            "**Duration:** 999ms"
        );
        assert_eq!(with_end("2026-11-22T10:00:01.050Z"), "**Duration:** 1.1s");
        assert_eq!(with_end("2026-11-22T10:00:59.999Z"), "**Duration:** 60.0s");
        assert_eq!(with_end("2026-11-22T10:01:00Z"), "**Duration:** 1.0m");
        assert_eq!(with_end("2026-11-22T09:59:59.990Z"), "**Duration:** -10ms");
        // An end without a time: the latest event stands in for the backend's clock.
        let mut late = event(EventType::Generic, "2026-11-22T10:00:02.500Z");
        late.tokens_in = None;
        let mut timeless_end = end("completed", None, None);
        timeless_end.timestamp = None;
        assert_eq!(
            duration(&[start("a", t0), late, timeless_end]),
            "**Duration:** 2.5s"
        );
    }

    #[test]
    fn backend_normalises_the_status_and_falls_back_to_summed_tokens() {
        let mut llm = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
        (llm.tokens_in, llm.tokens_out) = (Some(10), Some(2));
        let summary = |status: &str, tokens| {
            let text = explain_backend(&[llm.clone(), end(status, tokens, None)]);
            text.split("### Summary\n").nth(1).unwrap().to_owned()
        };
        assert_eq!(
            summary("weird", Some((0, 0))),
            "- 1 LLM call(s), 0 tool call(s), 0 error(s)\n- Total tokens: 12\n- Session status: completed"
        );
        assert!(
            summary("timeout", Some((100, 0)))
                .ends_with("- Total tokens: 102\n- Session status: timeout")
        );
        assert!(explain_backend(&[llm.clone()]).ends_with("- Session status: active"));
    }

    #[test]
    fn backend_reads_events_in_time_order_keeping_ties_and_untimed_events_last() {
        let named = |name: &str, time: Option<&str>| {
            let mut e = tool(name, "2026-11-22T10:00:00Z", Value::Null, None);
            e.timestamp = time.map(at);
            e
        };
        let events = [
            named("untimed", None),
            named("late", Some("2026-11-22T10:00:02Z")),
            named("first-tie", Some("2026-11-22T10:00:01Z")),
            named("second-tie", Some("2026-11-22T10:00:01Z")),
            named("early", Some("2026-11-22T10:00:00Z")),
        ];
        let text = explain_backend(&events);
        let order: Vec<&str> = text.lines().filter_map(|l| l.split("**").nth(3)).collect();
        assert_eq!(
            order,
            ["early", "first-tie", "second-tie", "late", "untimed"]
        );
    }

    #[test]
    fn backend_prints_prompts_that_are_not_strings_as_javascript_string_does() {
        let prompt = |v: Value| {
            let mut e = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
            e.input_data = Some(json!({ "prompt": v }));
            let text = explain_backend(&[e]);
            let line = text.lines().find(|l| l.starts_with("- *Input:*")).unwrap();
            line["- *Input:* ".len()..].to_owned()
        };
        assert_eq!(prompt(json!(42)), "\"42\"");
        assert_eq!(prompt(json!(0)), "\"unknown prompt\"");
        assert_eq!(prompt(json!(true)), "\"true\"");
        assert_eq!(prompt(json!("")), "\"unknown prompt\"");
        assert_eq!(prompt(json!({"role": "user"})), "\"[object Object]\"");
        assert_eq!(
            prompt(json!(["a", null, {"x": 1}, [1, [2, 3]]])),
            "\"a,,[object Object],1,2,3\""
        );
        let many: Vec<u32> = (0..121).map(|i| i % 10).collect();
        let shown: Vec<String> = many[..120].iter().map(u32::to_string).collect();
        assert_eq!(prompt(json!(many)), format!("\"{}…\"", shown.join(",")));
    }

    #[test]
    fn odd_values_never_panic() {
        let mut deep = json!("bottom");
        for _ in 0..300 {
            deep = json!([deep]);
        }
        let mut e = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
        e.timestamp = Some(UnixNanos(i64::MIN));
        (e.tokens_in, e.tokens_out) = (Some(u64::MAX), Some(u64::MAX));
        e.input_data = Some(json!({ "prompt": deep }));
        e.duration_ms = Some(f64::NAN);
        let mut t = tool("", "2026-11-22T10:00:00Z", json!(""), Some(f64::INFINITY));
        t.timestamp = Some(UnixNanos(i64::MAX));
        let mut d = reasoned(event(EventType::Decision, "2026-11-22T10:00:00Z"), "x");
        if let Some(trace) = &mut d.decision_trace {
            trace.confidence = Some(f64::MAX);
        }
        let mut s = start("", "2026-11-22T10:00:00Z");
        s.timestamp = Some(UnixNanos(i64::MAX));
        let events = [s, e, t, d, end("", Some((u64::MAX, 1)), None)];
        for style in [Style::Sdk, Style::Backend] {
            assert!(!style.render(&events).is_empty());
        }
        assert!(explain_backend(&events).contains("- Total tokens: 18446744073709551615\n"));
    }

    #[test]
    fn explain_json_skips_what_is_not_an_event_and_restores_backend_compat_types() {
        let redactor = Redactor::new(crate::redact::Config::default()).unwrap();
        let text = r#"[1, "x", null, {"event_type": "generic", "agentlens_type": "decision",
            "session_id": "s9", "timestamp": "2026-11-22T10:00:00Z"}, {"event_type": 7}]"#;
        let out = explain_json(&redactor, text, Style::Sdk).unwrap();
        assert!(out.contains("**Session ID:** s9\n"), "{out}");
        assert!(
            out.ends_with("1. [10:00:00.000] **decision**\n2. [??:??:??.???] **7**"),
            "{out}"
        );
        assert_eq!(
            explain_json(&redactor, "{\"events\": []}", Style::Sdk),
            Err(DecodeError::NotAnEventBatch)
        );
        assert!(matches!(
            explain_json(&redactor, "[", Style::Backend),
            Err(DecodeError::Json { .. })
        ));
    }

    #[test]
    fn style_names_are_sdk_and_backend_and_nothing_else() {
        assert_eq!(Style::parse(None), Ok(Style::Sdk));
        assert_eq!(Style::parse(Some("sdk")), Ok(Style::Sdk));
        assert_eq!(Style::parse(Some("backend")), Ok(Style::Backend));
        let err = Style::parse(Some("SDK")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid option style: must be \"sdk\" or \"backend\""
        );
    }
}
