//! The session list: which sessions pass the filters (text search included), their rows,
//! and the values the filter menus offer.

use serde::{Deserialize, Serialize};

use super::{Session, TraceView};
use crate::model::Event;

/// What the list is filtered by. Every field is optional; sessions pass when they match
/// all that are given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListFilter {
    /// The agent's name, exactly.
    pub agent: Option<String>,
    /// The session's status (`active`, `completed`, `timeout`, `error`).
    pub status: Option<String>,
    /// A model some event of the session names.
    pub model: Option<String>,
    /// A tool some event of the session calls.
    pub tool: Option<String>,
    /// Epoch milliseconds: sessions overlapping `[from, to]` pass.
    pub from: Option<f64>,
    /// See `from`.
    pub to: Option<f64>,
    /// Text found (ignoring ASCII case) in the session id, the agent name or any event
    /// as compact JSON.
    pub q: Option<String>,
    /// `"newest"`: by first event, newest first; else in the order sessions were read.
    pub order: Option<String>,
}

/// One row of the session list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    /// The session's key.
    pub id: String,
    /// The agent's name, or empty.
    pub agent: String,
    /// The session's status by the core's rule.
    pub status: &'static str,
    /// Epoch ms of its earliest event (`null` with no timed event).
    pub first: Option<f64>,
    /// From its earliest to its latest event.
    pub duration_ms: f64,
    /// Events held.
    pub events: usize,
    /// Events that are errors by the core's rule.
    pub errors: u64,
    /// Input plus output tokens.
    pub tokens: u64,
    /// The first three models named.
    pub models: Vec<String>,
}

/// The values present, for the filter menus.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Agent names, sorted.
    pub agents: Vec<String>,
    /// Statuses, sorted.
    pub statuses: Vec<String>,
    /// Models, sorted.
    pub models: Vec<String>,
    /// Tools, sorted.
    pub tools: Vec<String>,
    /// The earliest event time (epoch ms).
    pub from: Option<f64>,
    /// The latest event time (epoch ms).
    pub to: Option<f64>,
}

pub(crate) fn row_of(s: &Session) -> SessionRow {
    SessionRow {
        id: s.key.clone(),
        agent: s.agent.clone(),
        status: s.status.as_str(),
        first: s.first,
        duration_ms: match (s.first, s.last) {
            (Some(f), Some(l)) => l - f,
            _ => 0.0,
        },
        events: s.events.len(),
        errors: s.errors,
        tokens: s.tokens_in.saturating_add(s.tokens_out),
        models: s.models.iter().take(3).cloned().collect(),
    }
}

/// Finds `needle` (already lowercase ASCII) in events as compact JSON, reusing one buffer.
struct Search {
    needle: Vec<u8>,
    buf: Vec<u8>,
}

impl Search {
    fn new(q: &str) -> Self {
        Self {
            needle: q.to_ascii_lowercase().into_bytes(),
            buf: Vec::new(),
        }
    }

    fn in_text(&self, text: &str) -> bool {
        contains(text.as_bytes(), &self.needle)
    }

    fn in_event(&mut self, e: &Event) -> bool {
        self.buf.clear();
        if serde_json::to_writer(&mut self.buf, e).is_err() {
            return false;
        }
        contains(&self.buf, &self.needle)
    }
}

/// ASCII-case-insensitive substring test; `needle` is lowercase.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    haystack.len() >= needle.len()
        && (0..=haystack.len() - needle.len()).any(|i| {
            haystack[i].to_ascii_lowercase() == first
                && haystack[i..i + needle.len()]
                    .iter()
                    .zip(needle)
                    .all(|(h, n)| h.to_ascii_lowercase() == *n)
        })
}

fn passes(view: &TraceView, s: &Session, f: &ListFilter, search: &mut Option<Search>) -> bool {
    let is = |want: &Option<String>, have: &str| {
        want.as_deref().is_none_or(|w| w.is_empty() || w == have)
    };
    let names = |want: &Option<String>, have: &[String]| {
        want.as_deref()
            .is_none_or(|w| w.is_empty() || have.iter().any(|h| h == w))
    };
    let ok = is(&f.agent, &s.agent)
        && is(&f.status, s.status.as_str())
        && names(&f.model, &s.models)
        && names(&f.tool, &s.tools)
        && f.from
            .filter(|v| v.is_finite())
            .is_none_or(|from| s.last.is_some_and(|l| l >= from))
        && f.to
            .filter(|v| v.is_finite())
            .is_none_or(|to| s.first.is_some_and(|t| t <= to));
    let Some(search) = search.as_mut().filter(|_| ok) else {
        return ok;
    };
    search.in_text(&s.key)
        || search.in_text(&s.agent)
        || s.events.iter().any(|&i| search.in_event(view.event(i)))
}

impl TraceView {
    /// The keys of the sessions passing `filter`, in the order it asks for.
    pub fn filter(&self, filter: &ListFilter) -> Vec<String> {
        let mut search = filter
            .q
            .as_deref()
            .filter(|q| !q.is_empty())
            .map(Search::new);
        let mut out: Vec<&Session> = self
            .all_sessions()
            .iter()
            .filter(|s| passes(self, s, filter, &mut search))
            .collect();
        if filter.order.as_deref() == Some("newest") {
            let first = |s: &Session| s.first.unwrap_or(f64::NEG_INFINITY);
            // Stable: sessions starting together keep their reading order.
            out.sort_by(|a, b| first(b).total_cmp(&first(a)));
        }
        out.into_iter().map(|s| s.key.clone()).collect()
    }

    /// The rows of `keys` (unknown keys are skipped).
    pub fn rows<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> Vec<SessionRow> {
        keys.into_iter()
            .filter_map(|k| self.session(k))
            .map(row_of)
            .collect()
    }

    /// The agents, statuses, models, tools and time range present.
    pub fn facets(&self) -> Facets {
        let mut f = Facets::default();
        for s in self.all_sessions() {
            f.agents.push(s.agent.clone());
            f.statuses.push(s.status.as_str().to_owned());
            f.models.extend(s.models.iter().cloned());
            f.tools.extend(s.tools.iter().cloned());
            f.from = s
                .first
                .map(|t| f.from.map_or(t, |v: f64| v.min(t)))
                .or(f.from);
            f.to = s.last.map(|t| f.to.map_or(t, |v: f64| v.max(t))).or(f.to);
        }
        for list in [&mut f.agents, &mut f.statuses, &mut f.models, &mut f.tools] {
            list.retain(|v| !v.is_empty());
            list.sort_unstable();
            list.dedup();
        }
        f
    }
}
