//! The session list: which sessions pass the filters (text search included), their rows,
//! and the values the filter menus offer.

use serde::Serialize;
use serde_json::Value;

use super::{Session, TraceView, sort_keyed};
use crate::model::Event;

/// What the list is filtered by. Every field is optional; sessions pass when they match
/// all that are given.
#[derive(Clone, Debug, Default)]
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

impl ListFilter {
    /// Reads `{"agent", "status", "model", "tool", "from", "to", "q", "order"}`; fields
    /// of another type are ignored.
    pub fn from_value(v: &Value) -> Self {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let num = |k: &str| v.get(k).and_then(Value::as_f64);
        Self {
            agent: text("agent"),
            status: text("status"),
            model: text("model"),
            tool: text("tool"),
            from: num("from"),
            to: num("to"),
            q: text("q"),
            order: text("order"),
        }
    }
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
        tokens: s.tokens().iter().fold(0u64, |a, &b| a.saturating_add(b)),
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
    /// The keys of the sessions passing `filter`, in the order it asks for; kept for
    /// [`TraceView::rows_page`].
    pub fn filter(&mut self, filter: &ListFilter) -> &[String] {
        let mut search = filter
            .q
            .as_deref()
            .filter(|q| !q.is_empty())
            .map(Search::new);
        let mut passed: Vec<(f64, usize)> = Vec::new();
        for (i, s) in self.all_sessions().iter().enumerate() {
            if passes(self, s, filter, &mut search) {
                passed.push((0.0, i));
            }
        }
        if filter.order.as_deref() == Some("newest") {
            // Newest first; sessions starting together keep their reading order.
            passed
                .iter_mut()
                .for_each(|p| p.0 = -self.all_sessions()[p.1].first.unwrap_or(f64::NEG_INFINITY));
            sort_keyed(&mut passed);
        }
        self.filtered = passed
            .into_iter()
            .map(|(_, i)| self.all_sessions()[i].key.clone())
            .collect();
        &self.filtered
    }

    /// Rows `offset..offset + limit` of the last filter's sessions.
    pub fn rows_page(&self, offset: usize, limit: usize) -> Vec<SessionRow> {
        self.rows(
            self.filtered
                .iter()
                .skip(offset)
                .take(limit)
                .map(String::as_str),
        )
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
