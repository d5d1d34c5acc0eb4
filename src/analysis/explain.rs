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
//! pipeline does ([`crate::redact::sanitize_events`]), so that an
//! explanation shows no more than the trace that was sent.
//!
//! [`blocks`] reads either format back as structured blocks (headings, paragraphs, lists,
//! strong and emphasised text), so a host can draw an explanation without a Markdown
//! parser; the Markdown itself is unchanged.

use std::fmt::Write as _;

use serde_json::Value;

use crate::encode::DecodeError;
use crate::model::{Event, EventType};
use crate::pipeline::ConfigError;
use crate::redact::{Redactor, Report};
use crate::time::UnixNanos;

mod backend;
mod backend_steps;
mod blocks;
mod digest;
mod session;

pub use backend::explain_backend;
pub use blocks::{Block, Line, Mark, Span, blocks, spans};
pub use digest::Digest;
use session::{Fact, Session};

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

fn is_regular(e: &Event) -> bool {
    !matches!(
        e.event_type,
        EventType::SessionStart | EventType::SessionEnd
    )
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
    let mut md = Md::default();
    push_sdk_header(&mut md, &Session::of(events.iter().map(Fact::of)));
    for (i, e) in events.iter().filter(|e| is_regular(e)).enumerate() {
        md.s("\n").n(i as u64 + 1).s(". [");
        push_entry(&mut md, e);
    }
    md.0
}

/// The SDK format's header, up to and including `### Event Timeline:`.
fn push_sdk_header(md: &mut Md, s: &Session<'_>) {
    md.s("## Session Explanation: ")
        .s(s.agent_name)
        .s("\n**Session ID:** ")
        .s(s.session_id)
        .s("\n**Started:** ");
    match s.started {
        Some(t) => md.s(&t.to_rfc3339()),
        None => md.s("unknown"),
    };
    md.s("\n**Status:** ").s(s.status.as_str());
    let end_in = s.end.and_then(|e| e.total_tokens_in);
    let end_out = s.end.and_then(|e| e.total_tokens_out);
    md.s("\n**Total tokens:** ")
        .tokens(end_in.unwrap_or(s.tokens.0), end_out.unwrap_or(s.tokens.1))
        .s("\n\n### Event Timeline:");
}

/// One timeline entry of the SDK format after its `{n}. [`.
fn push_entry(md: &mut Md, e: &Event) {
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
/// e.decision_trace = Some(Box::new(DecisionTrace {
///     reasoning: "ask bob@example.com".into(),
///     ..DecisionTrace::default()
/// }));
/// let redactor = Redactor::new(Config::default()).unwrap();
/// let text = explain_sanitized(&redactor, vec![e], Style::Sdk);
/// assert!(text.ends_with("💡 Reasoning: ask [REDACTED]"));
/// ```
pub fn explain_sanitized(redactor: &Redactor, mut events: Vec<Event>, style: Style) -> String {
    crate::redact::sanitize_events(redactor, &mut events, &mut Report::default());
    // Through a digest, as `explain_json`: one renderer in a wasm build (the same text as
    // `style.render`, compared by the digest's tests).
    let mut digest = Digest::new(style);
    for e in events {
        digest.push_event(e);
    }
    digest.render()
}

/// Reads a JSON array of events and explains them as [`explain_sanitized`] does, with the
/// same text: each element is read, sanitised and rendered once, into a [`Digest`] (the
/// one path for every host; a test compares it with [`explain_sanitized`] over
/// generated sessions). Elements that are not events are skipped; backend-compatible
/// wire events (`generic` with an `agentlens_type`) get their real types back.
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
    let mut digest = Digest::new(style);
    digest.push_json(redactor, text)?;
    Ok(digest.render())
}

#[cfg(test)]
mod tests;
