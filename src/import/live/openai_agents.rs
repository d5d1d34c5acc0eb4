//! OpenAI Agents JS, live: its tracing processor's traces and spans as they start and end.
//!
//! A record is an item of OpenAI's export format (`{object:"trace"|"trace.span", id,
//! trace_id, parent_id, started_at, ended_at, span_data, error, group_id, workflow_name,
//! metadata}`, span data read from the SDK's own object, so a response span keeps `_input`
//! and `_response`) plus `phase: "start"|"end"`. What each span means is
//! [`crate::import::openai`]'s, shared with the file importer, which replays an export
//! through this same mapper.
//!
//! - **Runs.** Task, agent, turn and speech-group spans are runs: `run_start` when they
//!   start (attributes: what names them: type, name, turn, agent name), `run_end` when
//!   they end (attributes: the rest of their data as it ended, e.g. an agent's tools and
//!   handoffs, which the SDK fills in after the start), `parent_run_id` the enclosing run. Other spans give
//!   their events when they end; their `run_id` is the nearest enclosing *run* (a span
//!   inside a tool span, e.g. an agent used as a tool, belongs to the tool's run).
//! - **Sessions.** A trace is a session: the `session_id` the user's processor option
//!   chose, else its `group_id` (a conversation: every trace of a group is one session),
//!   else its id. `session_start` (agent name = workflow name,
//!   metadata = trace metadata) at the trace's first span, `session_end` when the last
//!   open trace of the session ends (error when a top-level span failed). A later trace
//!   of the same group opens the session again; its totals keep adding up.
//! - **Tokens.** Counted once, where the model call is: each `llm_call` carries its own
//!   usage. A task or turn's usage (the sum of its calls) is kept in its `run_end`
//!   attributes; only what its calls did not report (e.g. response spans recorded without
//!   data, `traceIncludeSensitiveData: false`) is counted on the `run_end`, so the session
//!   totals equal the SDK's usage either way.
//! - **Bounds.** Open spans, traces and sessions are remembered up to
//!   [`crate::import::live::MAX_OPEN`] each; past that the oldest are forgotten and
//!   counted. A run whose bookkeeping was forgotten still ends, but counts none of its own
//!   usage (nothing is ever counted twice).

mod bounded;

use serde_json::{Map, Value};

use self::bounded::Bounded;
use super::MAX_OPEN;
use crate::import::json;
use crate::import::openai::{Read, Tokens, read_span};
use crate::import::span::Body;
use crate::import::warn::Warnings;
use crate::model::{Event, EventType, status};
use crate::time::UnixNanos;

/// Whether a record tells of a start or an end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Start,
    End,
}

/// A span that has started and not ended.
struct Open {
    /// It opened a run.
    run: bool,
    /// The run its children belong to: itself when it is a run, else its own run.
    inner: Option<String>,
    /// Tokens counted inside it (runs only).
    counted: Tokens,
    /// Something inside it was forgotten: its own usage is not counted.
    incomplete: bool,
}

/// A trace that has started and not ended.
struct Trace {
    session: String,
    workflow: Option<String>,
    metadata: Option<Value>,
    /// Its `session_start` was given (or its session was already open).
    opened: bool,
    last_end: Option<UnixNanos>,
    failed: bool,
}

/// The openai-agents mapper's state.
pub(crate) struct Live {
    spans: Box<Bounded<Open>>,
    traces: Box<Bounded<Trace>>,
    /// Open traces per session.
    sessions: Box<Bounded<u32>>,
    forgotten: u64,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            spans: Box::new(Bounded::new(MAX_OPEN)),
            traces: Box::new(Bounded::new(MAX_OPEN)),
            sessions: Box::new(Bounded::new(MAX_OPEN)),
            forgotten: 0,
        }
    }
}

/// What names a run (its start's attributes), taken out of a span's data: the rest (an
/// agent's tools and handoffs, filled in after it starts; a run's usage) goes on its end.
fn identity(data: &mut Map<String, Value>) -> Map<String, Value> {
    let mut kept = Map::new();
    for key in ["type", "name", "turn", "agent_name"] {
        if let Some(v) = data.remove(key) {
            kept.insert(key.into(), v);
        }
    }
    kept
}

/// A trace's session: the one the user chose (`session_id`), else its group.
fn session_of(m: &Map<String, Value>) -> Option<String> {
    json::text(m.get("session_id")).or_else(|| json::text(m.get("group_id")))
}

fn add(a: Tokens, b: Tokens) -> Tokens {
    Tokens {
        input: a.input.saturating_add(b.input),
        output: a.output.saturating_add(b.output),
        cached: a.cached.saturating_add(b.cached),
    }
}

impl Live {
    /// Maps one record.
    pub(super) fn map(&mut self, record: Value, out: &mut Vec<Event>, warnings: &mut Warnings) {
        let Value::Object(mut m) = record else {
            warnings.push("an openai-agents record is not an object; skipped".into());
            return;
        };
        let object = m.get("object").and_then(Value::as_str);
        if !matches!(object, Some("trace" | "trace.span")) {
            warnings.push("an openai-agents record is neither a trace nor a span; skipped".into());
            return;
        }
        if json::text(m.get("id")).is_none() {
            warnings.push("an openai-agents record has no id; skipped".into());
            return;
        }
        match m.get("phase").and_then(Value::as_str) {
            Some("start") => self.item(&mut m, Phase::Start, out),
            Some("end") => self.item(&mut m, Phase::End, out),
            // An exported item: a trace that started, a span that is over.
            None if object == Some("trace") => self.item(&mut m, Phase::Start, out),
            None => {
                self.item(&mut m.clone(), Phase::Start, out);
                self.item(&mut m, Phase::End, out);
            }
            Some(_) => {
                warnings.push("an openai-agents record has an unknown phase; skipped".into())
            }
        }
    }

    /// Maps one trace or span's start or end (a span's data is taken out of `m`).
    pub(crate) fn item(&mut self, m: &mut Map<String, Value>, phase: Phase, out: &mut Vec<Event>) {
        let trace = m.get("object").and_then(Value::as_str) == Some("trace");
        match (trace, phase) {
            (true, Phase::Start) => self.trace_start(m),
            (true, Phase::End) => self.trace_end(m, out),
            (false, Phase::Start) => self.span_start(m, out),
            (false, Phase::End) => self.span_end(m, out),
        }
    }

    pub(super) fn forgotten(&self) -> u64 {
        self.forgotten
    }

    fn trace_start(&mut self, m: &Map<String, Value>) {
        let Some(id) = json::text(m.get("id")) else {
            return;
        };
        if self.traces.get(&id).is_some() {
            return;
        }
        let trace = Trace {
            session: session_of(m).unwrap_or_else(|| id.clone()),
            workflow: json::text(m.get("workflow_name")),
            metadata: m.get("metadata").filter(|v| !v.is_null()).cloned(),
            opened: false,
            last_end: None,
            failed: false,
        };
        self.forgotten += self.traces.insert(id, trace);
    }

    /// Opens the session of `trace_id`'s trace if this is its first span (at `at`);
    /// returns the session the span belongs to.
    fn open_trace(
        &mut self,
        trace_id: Option<&str>,
        at: Option<UnixNanos>,
        out: &mut Vec<Event>,
    ) -> String {
        let Some(id) = trace_id else {
            return String::new();
        };
        let Some(t) = self.traces.get_mut(id) else {
            return id.to_owned();
        };
        if !t.opened {
            t.opened = true;
            let session = t.session.clone();
            match self.sessions.get_mut(&session) {
                Some(n) => *n += 1,
                None => {
                    let mut e = Event::new(EventType::SessionStart, session.clone(), UnixNanos(0));
                    (e.timestamp, e.tokens_in, e.tokens_out) = (at, None, None);
                    (e.agent_name, e.metadata) = (t.workflow.clone(), t.metadata.clone());
                    e.trace_id = Some(id.to_owned());
                    out.push(e);
                    self.forgotten += self.sessions.insert(session, 1);
                }
            }
        }
        self.traces
            .get(id)
            .map(|t| t.session.clone())
            .unwrap_or_default()
    }

    fn trace_end(&mut self, m: &Map<String, Value>, out: &mut Vec<Event>) {
        let Some(id) = json::text(m.get("id")) else {
            return;
        };
        let Some(t) = self.traces.get(&id) else {
            // Forgotten (or never started): its session may still be open elsewhere.
            return self.trace_start_and_end(m, out);
        };
        if !t.opened {
            self.open_trace(Some(&id), None, out);
        }
        let Some(t) = self.traces.remove(&id) else {
            return;
        };
        match self.sessions.get_mut(&t.session) {
            Some(n) if *n > 1 => *n -= 1,
            _ => {
                self.sessions.remove(&t.session);
                let mut e = Event::new(EventType::SessionEnd, t.session, UnixNanos(0));
                (e.timestamp, e.ended_at, e.tokens_in, e.tokens_out) =
                    (t.last_end, t.last_end, None, None);
                e.status = Some(
                    if t.failed {
                        status::ERROR
                    } else {
                        status::COMPLETED
                    }
                    .into(),
                );
                e.trace_id = Some(id);
                out.push(e);
            }
        }
    }

    /// A trace that ends unknown: ended as one that had just started, unless another
    /// trace of its session is still open.
    fn trace_start_and_end(&mut self, m: &Map<String, Value>, out: &mut Vec<Event>) {
        let session = session_of(m).or_else(|| json::text(m.get("id")));
        if session.is_some_and(|s| self.sessions.get(&s).is_some()) {
            return;
        }
        self.trace_start(m);
        self.trace_end(m, out);
    }

    /// The run a span whose parent is `parent` belongs to.
    fn run_of(&self, parent: Option<String>) -> Option<String> {
        let p = parent?;
        match self.spans.get(&p) {
            Some(open) => open.inner.clone(),
            None => Some(p),
        }
    }

    fn span_start(&mut self, m: &mut Map<String, Value>, out: &mut Vec<Event>) {
        let at = json::time(m.get("started_at"));
        let session = self.open_trace(json::text(m.get("trace_id")).as_deref(), at, out);
        let Some(id) = json::text(m.get("id")) else {
            return;
        };
        let parent = self.run_of(json::text(m.get("parent_id")));
        let run = crate::import::openai::is_run(m);
        if run {
            let mut read = read_span(m, session, false);
            read.span.parent_id = parent.clone();
            read.span.attributes = identity(&mut read.span.attributes);
            read.span.started_events(out);
        }
        let inner = if run { Some(id.clone()) } else { parent };
        let open = Open {
            run,
            inner,
            counted: Tokens::default(),
            incomplete: false,
        };
        self.forgotten += self.spans.insert(id, open);
    }

    fn span_end(&mut self, m: &mut Map<String, Value>, out: &mut Vec<Event>) {
        let (start, end) = (
            json::time(m.get("started_at")),
            json::time(m.get("ended_at")),
        );
        let trace_id = json::text(m.get("trace_id"));
        let session = self.open_trace(trace_id.as_deref(), start.or(end), out);
        let mut read = read_span(m, session, true);
        let open = self.spans.remove(&read.span.span_id);
        let parent = match &open {
            Some(o) if !o.run => o.inner.clone(),
            _ => self.run_of(read.span.parent_id.take()),
        };
        read.span.parent_id = parent.clone();
        if let Some(t) = trace_id.and_then(|id| self.traces.get_mut(&id)) {
            t.last_end = t.last_end.max(end.or(start));
            let top = m.get("parent_id").is_none_or(Value::is_null);
            t.failed |= top && read.span.failed;
        }
        let (counted, incomplete) = match read.span.body {
            Body::Run { .. } => self.end_run(read, open, out),
            Body::Llm {
                tokens_in,
                tokens_out,
                cached_in,
                ..
            } => {
                let tokens = Tokens {
                    input: tokens_in.unwrap_or(0),
                    output: tokens_out.unwrap_or(0),
                    cached: cached_in.unwrap_or(0),
                };
                read.span.ended_events(false, out);
                (tokens, false)
            }
            _ => {
                read.span.ended_events(false, out);
                (Tokens::default(), false)
            }
        };
        if let Some(p) = parent.and_then(|p| self.spans.get_mut(&p)) {
            p.counted = add(p.counted, counted);
            p.incomplete |= incomplete;
        }
    }

    /// A run ends: `run_end` with its usage (and what its calls did not count). Returns
    /// the tokens counted in it, and whether some may be missing.
    fn end_run(&mut self, read: Read, open: Option<Open>, out: &mut Vec<Event>) -> (Tokens, bool) {
        let Read { mut span, usage } = read;
        let started = open.as_ref().is_some_and(|o| o.run);
        let (counted, incomplete) = match open {
            Some(o) if o.run => (o.counted, o.incomplete),
            _ => (Tokens::default(), true),
        };
        let mut data = std::mem::take(&mut span.attributes);
        let named = identity(&mut data);
        if !started {
            span.attributes = named;
        }
        span.ended_events(started, out);
        let Some(end) = out
            .iter_mut()
            .rev()
            .find(|e| e.event_type == EventType::RunEnd)
        else {
            return (counted, incomplete);
        };
        if !data.is_empty() {
            end.attributes = Some(data);
        }
        let Some(usage) = usage else {
            return (counted, incomplete);
        };
        let u = usage.tokens;
        let rest = Tokens {
            input: u.input.saturating_sub(counted.input),
            output: u.output.saturating_sub(counted.output),
            cached: u.cached.saturating_sub(counted.cached),
        };
        let writes = json::count(usage.raw.get("cache_write_input_tokens")).unwrap_or(0);
        let attrs = end.attributes.get_or_insert_with(Map::new);
        attrs.insert("usage".into(), usage.raw);
        if incomplete || (rest.input == 0 && rest.output == 0) {
            return (counted, incomplete);
        }
        if writes > 0 && counted.input == 0 {
            attrs.insert("cache_creation_input_tokens".into(), writes.into());
        }
        (end.tokens_in, end.tokens_out) = (Some(rest.input), Some(rest.output));
        end.cached_input_tokens = (rest.cached > 0).then_some(rest.cached);
        (add(counted, rest), false)
    }
}

#[cfg(test)]
mod tests;
