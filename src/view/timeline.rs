//! A session's timeline (runs nested by `parent_run_id`, each event under its run, a run's
//! end folded into its start), its header, and one event's detail.

use std::collections::HashMap;

use serde::Serialize;

use super::list::row_of;
use super::{TraceView, time_ms, tool_name};
use crate::analysis::cost::{EventCost, event_cost, session_cost};
use crate::model::{Event, EventType};

/// Nesting deeper than this is drawn at this depth (and cycles end here).
const MAX_DEPTH: usize = 64;
/// A decision's reasoning is cut to this many characters in its label.
const LABEL_CHARS: usize = 120;

/// One row of a session's timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineRow {
    /// Position in the timeline (deep links use it when an event has no id).
    pub n: usize,
    /// The event type's wire name.
    #[serde(rename = "type")]
    pub kind: String,
    /// The step name shown ([`step_label`]).
    pub label: String,
    /// Nesting depth: 0 for events outside any run.
    pub depth: usize,
    /// Milliseconds from the session's first event.
    pub start: f64,
    /// Duration in ms (a run's from its end), if known.
    pub dur: Option<f64>,
    /// An error by the core's rule (a run: its end failed).
    pub error: bool,
    /// The event id, else `@n`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The run id, or empty.
    pub run: String,
}

/// A session's rows, built once and kept until events arrive.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    key: String,
    rows: Vec<TimelineRow>,
    /// The event index of each row.
    index: Vec<u32>,
    span: f64,
}

/// A page of a session's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct TimelinePage {
    /// Rows in the whole timeline.
    pub total: usize,
    /// Milliseconds from the first event to the last end.
    pub span: f64,
    /// The rows asked for.
    pub rows: Vec<TimelineRow>,
}

/// A session's header: its list row, totals and cost.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionHeader {
    /// The session's key.
    pub id: String,
    /// The agent's name, or empty.
    pub agent: String,
    /// The session's status by the core's rule.
    pub status: &'static str,
    /// Epoch ms of its earliest event.
    pub first: Option<f64>,
    /// From its earliest to its latest event.
    pub duration_ms: f64,
    /// Events held.
    pub events: usize,
    /// Errors by the core's rule.
    pub errors: u64,
    /// Every model named, in first-seen order.
    pub models: Vec<String>,
    /// Input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Tools called, in first-seen order.
    pub tools: Vec<String>,
    /// Rows in its timeline.
    pub rows: usize,
    /// See [`TimelinePage::span`].
    pub span: f64,
    /// Cost of the priced events, in USD.
    pub total_cost: f64,
    /// Models with no price.
    pub unmatched_models: Vec<String>,
}

/// One event in full, with its cost.
#[derive(Clone, Debug, Serialize)]
pub struct EventDetail<'a> {
    /// Its timeline row.
    pub row: TimelineRow,
    /// The event, in the wire shape.
    pub event: &'a Event,
    /// Its cost, when it names a model.
    pub cost: Option<EventCost>,
}

/// The name a timeline shows for an event: the model of an LLM call, the tool of a tool
/// event, the name of a run, an error's type and message, a memory key, a decision's
/// reasoning, the agent of a session start, the status of a session end; else the type.
pub fn step_label(e: &Event) -> String {
    let kind = e.event_type.as_str();
    let or_type = |s: &str| {
        if s.is_empty() {
            kind.to_owned()
        } else {
            s.to_owned()
        }
    };
    let some = |s: &Option<String>| s.as_deref().unwrap_or("").to_owned();
    match &e.event_type {
        EventType::LlmCall => e
            .model
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "LLM call".into()),
        _ if kind.starts_with("tool") => or_type(tool_name(e)),
        EventType::RunStart => [&e.run_name, &e.run_id]
            .into_iter()
            .find_map(|s| s.clone().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "run".into()),
        _ if e.error.is_some() => {
            let err = e
                .error
                .as_ref()
                .map(|x| [x.error_type.as_str(), x.message.as_str()])
                .unwrap_or_default();
            or_type(
                &err.iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(": "),
            )
        }
        _ if e.memory.is_some() => or_type(e.memory.as_ref().map_or("", |m| m.key.as_str())),
        _ if e.decision_trace.is_some() => {
            let r = e
                .decision_trace
                .as_ref()
                .map_or("", |d| d.reasoning.as_str());
            let cut = r
                .char_indices()
                .nth(LABEL_CHARS)
                .map_or(r.len(), |(at, _)| at);
            or_type(&r[..cut])
        }
        EventType::SessionStart => Some(some(&e.agent_name))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "session start".into()),
        EventType::SessionEnd => match e.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => format!("ended: {s}"),
            None => "session end".into(),
        },
        _ => or_type(&some(&e.agent_name)),
    }
}

/// What a timeline needs to know of one run.
#[derive(Clone, Copy, Default)]
struct Run {
    /// Index of the parent run.
    parent: Option<usize>,
    /// The event index of its end, and whether it has a start.
    end: Option<u32>,
    started: bool,
}

/// How deep a run sits: 1 at the root, one more per parent (cycles and very deep
/// nesting cut at [`MAX_DEPTH`]).
fn depth(runs: &[Run], run: usize) -> usize {
    let (mut d, mut seen, mut at) = (1, vec![run], run);
    while let Some(p) = runs[at].parent {
        if seen.contains(&p) || d >= MAX_DEPTH {
            break;
        }
        seen.push(p);
        d += 1;
        at = p;
    }
    d
}

/// The runs of a session, by id (`HashMap<String, usize>`, as everywhere in the view).
fn runs_of(view: &TraceView, order: &[u32]) -> (HashMap<String, usize>, Vec<Run>) {
    let (mut ids, mut runs): (HashMap<String, usize>, Vec<Run>) = (HashMap::new(), Vec::new());
    let mut index = |id: &str, runs: &mut Vec<Run>| {
        let n = ids.len();
        *ids.entry(id.to_owned()).or_insert_with(|| {
            runs.push(Run::default());
            n
        })
    };
    for &i in order {
        let e = view.event(i);
        let Some(run) = e.run_id.as_deref().filter(|r| !r.is_empty()) else {
            continue;
        };
        let r = index(run, &mut runs);
        if let Some(p) = e
            .parent_run_id
            .as_deref()
            .filter(|p| !p.is_empty() && *p != run)
        {
            let p = index(p, &mut runs);
            runs[r].parent = runs[r].parent.or(Some(p));
        }
        match e.event_type {
            EventType::RunEnd => runs[r].end = Some(i),
            EventType::RunStart => runs[r].started = true,
            _ => {}
        }
    }
    (ids, runs)
}

fn build(view: &TraceView, key: &str, order: &[u32]) -> Timeline {
    let (ids, runs) = runs_of(view, order);
    let t0 = view.session(key).and_then(|s| s.first).unwrap_or(0.0);
    let mut t = Timeline {
        key: key.to_owned(),
        ..Timeline::default()
    };
    for &i in order {
        let e = view.event(i);
        let run_id = e.run_id.as_deref().unwrap_or("");
        let run = ids.get(run_id).map(|&r| (r, runs[r]));
        if e.event_type == EventType::RunEnd && run.is_some_and(|(_, r)| r.started) {
            continue;
        }
        let at = time_ms(e);
        let start = at.map_or(0.0, |v| v - t0);
        let (mut dur, mut error) = (e.duration_ms, view.facts(i).error);
        if let (EventType::RunStart, Some((_, Run { end: Some(end), .. }))) = (&e.event_type, run) {
            let end_event = view.event(end);
            dur = end_event
                .duration_ms
                .or_else(|| Some(time_ms(end_event)? - at?));
            error |= view.facts(end).failed_end;
        }
        let depth = run.map_or(0, |(r, _)| depth(&runs, r))
            - usize::from(run.is_some() && e.event_type == EventType::RunStart);
        let n = t.rows.len();
        t.span = t
            .span
            .max(start + dur.filter(|d| d.is_finite()).unwrap_or(0.0));
        t.rows.push(TimelineRow {
            n,
            kind: e.event_type.as_str().to_owned(),
            label: step_label(e),
            depth,
            start,
            dur: dur.filter(|d| d.is_finite()),
            error,
            reference: e
                .event_id
                .clone()
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| format!("@{n}")),
            run: run_id.to_owned(),
        });
        t.index.push(i);
    }
    t
}

impl TraceView {
    fn timeline_of(&mut self, key: &str) -> Option<&Timeline> {
        if self.cached.as_ref().is_none_or(|t| t.key != key) {
            let order = self.ordered(key)?.to_vec();
            self.cached = Some(build(self, key, &order));
        }
        self.cached.as_ref()
    }

    /// Rows `offset..offset + limit` of a session's timeline.
    pub fn timeline(&mut self, key: &str, offset: usize, limit: usize) -> Option<TimelinePage> {
        let t = self.timeline_of(key)?;
        let rows = t.rows.iter().skip(offset).take(limit).cloned().collect();
        Some(TimelinePage {
            total: t.rows.len(),
            span: t.span,
            rows,
        })
    }

    /// The row of an event reference in a session's timeline: an event id, `@n`, or
    /// `run:<id>` (the run's start, else its first event). `None` when absent.
    pub fn find_row(&mut self, key: &str, reference: &str) -> Option<usize> {
        let rows = &self.timeline_of(key)?.rows;
        if let Some(run) = reference.strip_prefix("run:") {
            let start = rows
                .iter()
                .position(|r| r.run == run && r.kind == "run_start");
            return start.or_else(|| rows.iter().position(|r| r.run == run));
        }
        if let Some(n) = reference
            .strip_prefix('@')
            .and_then(|n| n.parse::<usize>().ok())
        {
            return (n < rows.len()).then_some(n);
        }
        rows.iter().position(|r| r.reference == reference)
    }

    /// A session's header, its cost priced over the events that name a model or count
    /// tokens.
    pub fn header(&mut self, key: &str) -> Option<SessionHeader> {
        let (rows, span) = self.timeline_of(key).map(|t| (t.rows.len(), t.span))?;
        let s = self.session(key)?;
        let priced: Vec<Event> = s
            .events
            .iter()
            .map(|&i| self.event(i))
            .filter(|e| {
                e.model.is_some() || e.tokens_in.unwrap_or(0) > 0 || e.tokens_out.unwrap_or(0) > 0
            })
            .cloned()
            .collect();
        let cost = session_cost(&priced, self.pricing());
        let row = row_of(s);
        let [tokens_in, tokens_out] = s.tokens();
        Some(SessionHeader {
            id: row.id,
            agent: row.agent,
            status: row.status,
            first: row.first,
            duration_ms: row.duration_ms,
            events: row.events,
            errors: row.errors,
            models: s.models.clone(),
            tokens_in,
            tokens_out,
            tools: s.tools.clone(),
            rows,
            span,
            total_cost: cost.total_cost,
            unmatched_models: cost.unmatched_models,
        })
    }

    /// Row `n` of a session's timeline with its event in full.
    pub fn event_detail(&mut self, key: &str, n: usize) -> Option<EventDetail<'_>> {
        let t = self.timeline_of(key)?;
        let (row, i) = (t.rows.get(n)?.clone(), t.index[n]);
        let e = self.event(i);
        let cost = event_cost(e, self.pricing());
        Some(EventDetail {
            row,
            event: e,
            cost,
        })
    }
}
