//! One span (OTLP or OpenAI Agents) into events: the common half of both mappers.
//!
//! A run span becomes `run_start` + `run_end` (run id = span id, parent run = parent
//! span), an LLM span `llm_call`, a tool span `tool_call` (`tool_error` when it failed),
//! a handoff `decision`, anything else `generic`; every non-run event's `run_id` is its
//! parent span. A failed run or other span also gets an `error` event per recorded
//! error. Events come out in time order, runs opening before what they contain.

use serde_json::{Map, Value};

use super::json;
use crate::model::{DecisionTrace, ErrorInfo, Event, EventType, ToolCall, status};
use crate::time::UnixNanos;

/// An event with its time and its place among events of the same time (see [`rank`]),
/// for sorting.
pub(crate) type Timed = (Option<UnixNanos>, u8, Event);

/// Places among events of the same time: a session opens before its runs, a run before
/// what it contains, and they close in the reverse order.
pub(crate) mod rank {
    /// A session's start.
    pub(crate) const SESSION_START: u8 = 0;
    /// A run's start.
    pub(crate) const RUN_START: u8 = 1;
    /// Anything a run contains.
    pub(crate) const INSIDE: u8 = 2;
    /// A run's end.
    pub(crate) const RUN_END: u8 = 3;
    /// A session's end.
    pub(crate) const SESSION_END: u8 = 4;
}

/// What a span records.
#[derive(Debug, Default)]
pub(crate) enum Body {
    /// A unit of work that contains others (an agent, a workflow, a turn).
    Run {
        /// The agent's name, when the span names one.
        agent_name: Option<String>,
        user_id: Option<String>,
    },
    /// A call to a language model.
    Llm {
        model: Option<String>,
        tokens_in: Option<u64>,
        tokens_out: Option<u64>,
        cached_in: Option<u64>,
        reasoning: Option<u64>,
        prompt: Option<Value>,
        response: Option<Value>,
    },
    /// A tool call.
    Tool {
        name: String,
        call_id: Option<String>,
        input: Option<Value>,
        output: Option<Value>,
    },
    /// A handoff or other decision.
    Decision {
        reasoning: String,
        alternatives: Vec<String>,
    },
    /// Anything else.
    #[default]
    Generic,
}

/// A span, already read from its format.
#[derive(Debug, Default)]
pub(crate) struct Span {
    pub(crate) session_id: String,
    pub(crate) trace_id: Option<String>,
    pub(crate) span_id: String,
    pub(crate) parent_id: Option<String>,
    pub(crate) name: String,
    pub(crate) start: Option<UnixNanos>,
    pub(crate) end: Option<UnixNanos>,
    pub(crate) body: Body,
    /// The span failed (OTLP status ERROR, an OpenAI span `error`).
    pub(crate) failed: bool,
    /// The errors it recorded (exception events, the status message).
    pub(crate) errors: Vec<ErrorInfo>,
    pub(crate) attributes: Map<String, Value>,
}

impl Span {
    fn event(&self, event_type: EventType, at: Option<UnixNanos>) -> Event {
        Event {
            event_type,
            session_id: self.session_id.clone(),
            timestamp: at,
            trace_id: self.trace_id.clone(),
            span_id: Some(self.span_id.clone()).filter(|s| !s.is_empty()),
            run_id: self.parent_id.clone(),
            ..Event::default()
        }
    }

    fn attributes(&mut self) -> Option<Map<String, Value>> {
        let attrs = std::mem::take(&mut self.attributes);
        (!attrs.is_empty()).then_some(attrs)
    }

    /// The span's events, in the order they happened.
    pub(crate) fn into_events(mut self, out: &mut Vec<Timed>) {
        let duration = json::span_ms(self.start, self.end);
        let body = std::mem::take(&mut self.body);
        let errors = std::mem::take(&mut self.errors);
        match body {
            Body::Run {
                agent_name,
                user_id,
            } => self.run_events(agent_name, user_id, duration, &errors, out),
            Body::Tool {
                name,
                call_id,
                input,
                output,
            } => {
                let call = ToolCall {
                    tool_call_id: call_id.unwrap_or_else(|| self.span_id.clone()),
                    tool_name: name,
                    tool_input: input.unwrap_or(Value::Null),
                    tool_output: output,
                    timestamp: self.start,
                    duration_ms: duration,
                };
                self.tool_event(call, duration, &errors, out);
            }
            body => self.step_event(body, duration, &errors, out),
        }
    }

    /// Live tracing: what a span that has just started records. A run opens
    /// (`run_start`, with the span's attributes); any other span records nothing until it
    /// ends. Returns whether it was a run.
    pub(crate) fn started_events(mut self, out: &mut Vec<Event>) -> bool {
        match std::mem::take(&mut self.body) {
            Body::Run {
                agent_name,
                user_id,
            } => {
                out.push(self.run_start(agent_name, user_id));
                true
            }
            _ => false,
        }
    }

    /// Live tracing: what a span that has just ended records, in order. A run whose
    /// start was recorded closes (its errors, `run_end`; attributes were sent at its
    /// start); any other span gives what [`Span::into_events`] gives.
    pub(crate) fn ended_events(mut self, run_started: bool, out: &mut Vec<Event>) {
        let mut timed = Vec::new();
        if run_started && matches!(self.body, Body::Run { .. }) {
            let duration = json::span_ms(self.start, self.end);
            let errors = std::mem::take(&mut self.errors);
            self.run_end_events(duration, &errors, &mut timed);
        } else {
            self.into_events(&mut timed);
        }
        out.extend(timed.into_iter().map(|(_, _, e)| e));
    }

    /// One `error` event per recorded error, at the span's end; `run`: inside the run the
    /// span is (rather than its parent).
    fn push_errors(&self, errors: &[ErrorInfo], out: &mut Vec<Timed>, run: bool) {
        for error in errors {
            let mut e = self.event(EventType::Error, self.end.or(self.start));
            if run {
                e.run_id = Some(self.span_id.clone());
            }
            e.error = Some(Box::new(error.clone()));
            out.push((e.timestamp, rank::INSIDE, e));
        }
    }

    /// A run span: `run_start`, its errors, `run_end`.
    fn run_events(
        &mut self,
        agent_name: Option<String>,
        user_id: Option<String>,
        duration: Option<f64>,
        errors: &[ErrorInfo],
        out: &mut Vec<Timed>,
    ) {
        let start = self.run_start(agent_name, user_id);
        out.push((start.timestamp, rank::RUN_START, start));
        self.run_end_events(duration, errors, out);
    }

    /// A run span's `run_start` (it takes the span's attributes).
    fn run_start(&mut self, agent_name: Option<String>, user_id: Option<String>) -> Event {
        let mut start = self.event(EventType::RunStart, self.start);
        start.run_id = Some(self.span_id.clone());
        start.parent_run_id = self.parent_id.clone();
        start.run_name = Some(self.name.clone()).filter(|n| !n.is_empty());
        start.agent_name = agent_name;
        start.user_id = user_id;
        start.status = Some(status::RUNNING.into());
        start.attributes = self.attributes();
        start
    }

    /// A run span's errors and `run_end`.
    fn run_end_events(
        &mut self,
        duration: Option<f64>,
        errors: &[ErrorInfo],
        out: &mut Vec<Timed>,
    ) {
        self.push_errors(errors, out, true);
        let mut end = self.event(EventType::RunEnd, self.end.or(self.start));
        end.run_id = Some(self.span_id.clone());
        end.parent_run_id = self.parent_id.clone();
        end.status = Some(
            if self.failed {
                status::ERROR
            } else {
                status::COMPLETED
            }
            .into(),
        );
        end.duration_ms = duration;
        out.push((end.timestamp, rank::RUN_END, end));
    }

    /// A tool span: `tool_call`, or `tool_error` with its first error when it failed.
    fn tool_event(
        &mut self,
        call: ToolCall,
        duration: Option<f64>,
        errors: &[ErrorInfo],
        out: &mut Vec<Timed>,
    ) {
        let kind = match self.failed {
            true => EventType::ToolError,
            false => EventType::ToolCall,
        };
        let mut e = self.event(kind, self.start);
        e.tool_call = Some(Box::new(call));
        (e.tokens_in, e.tokens_out) = (Some(0), Some(0));
        e.error = errors.first().cloned().map(Box::new);
        e.duration_ms = duration;
        e.attributes = self.attributes();
        out.push((e.timestamp, rank::INSIDE, e));
    }

    /// Any other span: `llm_call`, `decision` or `generic` (named by `span.name`), then
    /// its errors.
    fn step_event(
        &mut self,
        body: Body,
        duration: Option<f64>,
        errors: &[ErrorInfo],
        out: &mut Vec<Timed>,
    ) {
        let mut e = self.event(EventType::Generic, self.start);
        e.duration_ms = duration;
        match body {
            Body::Llm {
                model,
                tokens_in,
                tokens_out,
                cached_in,
                reasoning,
                prompt,
                response,
            } => {
                e.event_type = EventType::LlmCall;
                e.model = model;
                e.tokens_in = Some(tokens_in.unwrap_or(0));
                e.tokens_out = Some(tokens_out.unwrap_or(0));
                e.cached_input_tokens = cached_in;
                e.reasoning_tokens = reasoning;
                e.input_data = prompt.map(|p| json::object1("prompt", p));
                e.output_data = response.map(|r| json::object1("response", r));
            }
            Body::Decision {
                reasoning,
                alternatives,
            } => {
                e.event_type = EventType::Decision;
                e.decision_trace = Some(Box::new(DecisionTrace {
                    trace_id: self.span_id.clone(),
                    step: 0,
                    reasoning,
                    alternatives_considered: alternatives,
                    confidence: None,
                    timestamp: self.start,
                }));
            }
            _ => {
                if !self.name.is_empty() {
                    let name = Value::String(self.name.clone());
                    self.attributes.insert("span.name".into(), name);
                }
            }
        }
        e.attributes = self.attributes();
        out.push((e.timestamp, rank::INSIDE, e));
        self.push_errors(errors, out, false);
    }
}

/// Orders the spans' events by time (stable; a run's start before what it contains at
/// the same instant, its end after), and drops the sort keys.
///
/// The keys are sorted, not the events: an event is large, and a sort moves what it sorts
/// many times (sorting the events themselves was a tenth of a large OTLP import).
pub(crate) fn in_time_order(events: Vec<Timed>) -> Vec<Event> {
    let mut order: Vec<(Option<i64>, u8, usize)> = events
        .iter()
        .enumerate()
        .map(|(i, (at, rank, _))| (at.map(|t| t.0), *rank, i))
        .collect();
    // Unstable is stable here: the index is the last part of the key.
    order.sort_unstable();
    let mut slots: Vec<Option<Event>> = events.into_iter().map(|(_, _, e)| Some(e)).collect();
    order
        .into_iter()
        .filter_map(|(_, _, i)| slots[i].take())
        .collect()
}
