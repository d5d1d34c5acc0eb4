//! A session's explanation kept up to date as its events arrive, for a host that
//! explains the same session again and again (the SDK's `tracker.explain()`).
//!
//! Reading, redacting and rendering every event on every call costs a long session
//! tens of milliseconds each time. A
//! [`Digest`] does that once per event, when the event is pushed, and keeps only what
//! the explanation shows of it: its entry (SDK style) or step (backend style), already
//! redacted and rendered, and the few facts the header and summary add up (time, tokens,
//! status, whether it is an error). A session start or end is kept whole, as the header
//! reads several of its fields. Rendering joins the kept pieces with their numbers under
//! the header, so it costs about as much as copying the text out. The host forgets its
//! oldest events with [`Digest::forget`] as it forgets them itself, and the explanation
//! is always the one [`super::explain_sanitized`] gives for the events still kept, byte
//! for byte (a test compares them over generated sessions). [`super::explain_json`] is a
//! digest of one push.

use super::backend::{
    Counts, StepFacts, by_time, push_backend_header, push_step, push_summary, time_key,
};
use super::{Fact, Md, Session, Style, is_regular, push_entry, push_sdk_header};
use crate::encode::DecodeError;
use crate::encode::agentlens::decode_event_array;
use crate::model::{Event, SessionStatus};
use crate::redact::{Redactor, Report, sanitize_events};
use crate::time::UnixNanos;

/// A session's events as one explanation style needs them, each read, redacted and
/// rendered once (module docs).
///
/// The events are a session start (set apart, as a host keeps it: [`Digest::set_start_json`])
/// followed by the entries pushed and not yet forgotten. An element that is not an event
/// keeps its place among the entries, so that the host's count of what it forgot stays
/// right, and shows nowhere.
///
/// # Examples
/// ```
/// use agentlens::analysis::explain::{Digest, Style, explain_json};
/// use agentlens::redact::{Config, Redactor};
///
/// let redactor = Redactor::new(Config::default()).unwrap();
/// let start = r#"{"event_type":"session_start","session_id":"s1","agent_name":"a"}"#;
/// let llm = r#"{"event_type":"llm_call","session_id":"s1","model":"m1"}"#;
/// let why = r#"{"event_type":"decision","session_id":"s1",
///               "decision_trace":{"reasoning":"mail x@example.com"}}"#;
/// let mut digest = Digest::new(Style::Sdk);
/// digest.set_start_json(&redactor, Some(start)).unwrap();
/// digest.push_json(&redactor, &format!("[{llm},{why}]")).unwrap();
/// digest.forget(1);
/// let kept = format!("[{start},{why}]");
/// assert_eq!(digest.render(), explain_json(&redactor, &kept, Style::Sdk).unwrap());
/// assert!(digest.render().ends_with("💡 Reasoning: mail [REDACTED]"));
/// ```
#[derive(Default)]
pub struct Digest {
    style: Style,
    /// `None`: no start; `Some(None)`: a start that is not an event.
    start: Option<Option<Piece>>,
    /// The entries from `head` on; those before it are forgotten (`None`), until the
    /// vector is compacted.
    entries: Vec<Option<Piece>>,
    head: usize,
}

/// What the explanation keeps of one event.
enum Piece {
    /// A session start or end, whole.
    Lifecycle(Box<Event>),
    Regular(Box<Regular>),
}

/// A regular event: its facts and its rendered text.
struct Regular {
    session_id: String,
    time: Option<UnixNanos>,
    tokens: (u64, u64),
    status: SessionStatus,
    /// The backend style's order ([`time_key`]) and counts.
    key: i64,
    facts: StepFacts,
    /// SDK style: the timeline entry after its `{n}. [`. Backend style: the step after
    /// its `**Step {n}:** `, empty when the event is no step.
    text: String,
}

impl Piece {
    fn of(e: Event, style: Style) -> Self {
        if !is_regular(&e) {
            return Self::Lifecycle(Box::new(e));
        }
        let facts = StepFacts::of(&e);
        let mut md = Md::default();
        match style {
            Style::Sdk => push_entry(&mut md, &e),
            Style::Backend if facts.is_step() => push_step(&mut md, &e),
            Style::Backend => {}
        }
        md.0.shrink_to_fit();
        let f = Fact::of(&e);
        Self::Regular(Box::new(Regular {
            time: f.time,
            tokens: f.tokens,
            status: f.status,
            key: time_key(&e),
            facts,
            text: md.0,
            session_id: e.session_id,
        }))
    }

    fn fact(&self) -> Fact<'_> {
        match self {
            Self::Lifecycle(e) => Fact::of(e),
            Self::Regular(r) => Fact {
                lifecycle: None,
                session_id: &r.session_id,
                time: r.time,
                tokens: r.tokens,
                status: r.status,
            },
        }
    }
}

impl Digest {
    /// An empty digest rendering `style`.
    pub fn new(style: Style) -> Self {
        Self {
            style,
            ..Self::default()
        }
    }

    /// The entries kept (the start not included), events or not.
    pub fn len(&self) -> usize {
        self.entries.len() - self.head
    }

    /// Whether no entry is kept (a start may be).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds an event that is already sanitised ([`crate::redact::sanitize_events`]) as the
    /// last entry.
    pub fn push_event(&mut self, event: Event) {
        self.entries.push(Some(Piece::of(event, self.style)));
    }

    /// Reads a JSON array of events, each element alone exactly as
    /// [`decode_event_array`] reads it inside an array (elements that are not events are
    /// skipped, backend-compatible events get their real types back), sanitises each as
    /// the pipeline does ([`sanitize_events`]) and adds each element as an entry, in
    /// order. Nothing is added when it fails.
    ///
    /// # Errors
    /// [`DecodeError::Json`] when the text is not JSON, [`DecodeError::NotAnEventBatch`]
    /// when it is not an array.
    pub fn push_json(&mut self, redactor: &Redactor, text: &str) -> Result<(), DecodeError> {
        let Some(elements) = elements(text) else {
            return Err(decode_event_array(text)
                .err()
                .unwrap_or(DecodeError::NotAnEventBatch));
        };
        let mut read = Vec::with_capacity(elements.len());
        for element in elements {
            read.push(self.read(redactor, element)?);
        }
        self.entries.extend(read);
        Ok(())
    }

    /// Sets the session start from the JSON text of one event (or none), read and
    /// redacted as [`Digest::push_json`] reads an element; it is shown before every entry.
    ///
    /// # Errors
    /// [`DecodeError::Json`] when the text is not one JSON value; the start is unchanged.
    pub fn set_start_json(
        &mut self,
        redactor: &Redactor,
        text: Option<&str>,
    ) -> Result<(), DecodeError> {
        self.start = match text {
            None => None,
            Some(t) => Some(self.read(redactor, t)?),
        };
        Ok(())
    }

    /// Forgets the `count` oldest entries (all of them when there are fewer).
    pub fn forget(&mut self, count: usize) {
        let end = self.head + count.min(self.len());
        for slot in &mut self.entries[self.head..end] {
            *slot = None;
        }
        self.head = end;
        // Compact once the forgotten prefix is as long as what is kept.
        if self.head * 2 > self.entries.len() {
            self.entries = self.entries.split_off(self.head);
            self.head = 0;
        }
    }

    /// The explanation of the start and the entries kept, in this digest's style.
    pub fn render(&self) -> String {
        let pieces = || {
            self.start
                .iter()
                .chain(&self.entries[self.head..])
                .filter_map(Option::as_ref)
        };
        let regular: Vec<&Regular> = pieces()
            .filter_map(|p| match p {
                Piece::Regular(r) => Some(&**r),
                Piece::Lifecycle(_) => None,
            })
            .collect();
        let s = Session::of(pieces().map(Piece::fact));
        let size: usize = regular.iter().map(|r| r.text.len() + 24).sum();
        let mut md = Md(String::with_capacity(size + 512));
        match self.style {
            Style::Sdk => {
                push_sdk_header(&mut md, &s);
                for (i, r) in regular.iter().enumerate() {
                    md.s("\n").n(i as u64 + 1).s(". [").s(&r.text);
                }
            }
            Style::Backend => {
                let total = push_backend_header(&mut md, &s);
                let keys: Vec<i64> = regular.iter().map(|r| r.key).collect();
                let mut counts = Counts::default();
                for i in by_time(&keys) {
                    let r = regular[i];
                    if counts.add(r.facts) {
                        md.s("**Step ").n(counts.step()).s(":** ").s(&r.text);
                    }
                }
                push_summary(&mut md, &counts, total, &s);
            }
        }
        md.0
    }

    /// One element: decoded alone exactly as inside an array, sanitised, rendered.
    fn read(&self, redactor: &Redactor, element: &str) -> Result<Option<Piece>, DecodeError> {
        let mut one = String::with_capacity(element.len() + 2);
        one.push('[');
        one.push_str(element);
        one.push(']');
        let (mut events, _skipped) = decode_event_array(&one)?;
        if events.len() != 1 {
            return Ok(None);
        }
        sanitize_events(redactor, &mut events, &mut Report::default());
        Ok(events.pop().map(|e| Piece::of(e, self.style)))
    }
}

/// The top-level elements of a JSON array, as text (each still to be read, whitespace
/// around it included), or `None` when the text is not an array: `[`, elements separated
/// by commas, `]`, JSON whitespace around them. Only strings and nesting are followed;
/// each element is checked when it is read.
fn elements(text: &str) -> Option<Vec<&str>> {
    let at = text.bytes().position(|b| !is_ws(b))?;
    let body = text.get(at..)?.strip_prefix('[')?;
    let b = body.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut from, mut in_str, mut escaped) = (0usize, 0, false, false);
    for (i, &c) in b.iter().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                let element = &body[from..i];
                let last = c == b']';
                let blank = element.bytes().all(is_ws);
                if blank || last {
                    // `[]` has no element; `[,`, `,,` and `,]` are not JSON; nothing follows.
                    let done = last && (!blank || out.is_empty());
                    if !blank {
                        out.push(element);
                    }
                    return (done && b[i + 1..].iter().all(|&c| is_ws(c))).then_some(out);
                }
                out.push(element);
                from = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// JSON whitespace.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests;
