//! A trace held for a viewer: the events stay here, and the viewer asks for what it shows.
//!
//! [`TraceView`] keeps every event once, as the importer decoded it, grouped by session
//! as it arrives, with what each session's list row says (agent, status, times, errors,
//! tokens, models, tools) kept up to date by the core's rules
//! ([`crate::model::semantics`]). A viewer never parses or counts events itself: it asks
//! for a page of session rows ([`list`]), a page of a session's timeline ([`timeline`]),
//! one event, the charts' series ([`charts`]), alerts, compliance, drift and explain over
//! chosen sessions ([`panels`]), or the trace redacted ([`redaction`]). Answers are small
//! serialisable values; only what is shown crosses to the host.
//!
//! It performs no I/O and reads no clock: a time the answer depends on (compliance's
//! `checked_at`) is an input.

use std::collections::HashMap;

use crate::analysis::cost::PricingTable;
use crate::import::{ImportError, TraceImporter};
use crate::model::semantics::{Facts, SessionStatus, event_tokens, session_total};
use crate::model::{Event, EventType};

pub mod charts;
pub mod list;
pub mod panels;
pub mod query;
pub mod redaction;
pub mod timeline;

/// The session key of an event that names neither a session nor a run.
pub const NO_SESSION: &str = "(no session)";

/// One session as the list shows it, kept up to date as events arrive.
#[derive(Clone, Debug, Default)]
pub(crate) struct Session {
    /// The session id (else the run id, else [`NO_SESSION`]).
    pub(crate) key: String,
    /// The first agent name seen.
    pub(crate) agent: String,
    pub(crate) status: SessionStatus,
    /// Epoch milliseconds of the earliest and latest timed event.
    pub(crate) first: Option<f64>,
    pub(crate) last: Option<f64>,
    /// Indices into [`TraceView::events`], in time order once `sorted`.
    pub(crate) events: Vec<u32>,
    sorted: bool,
    pub(crate) errors: u64,
    /// Token sums over the events other than the session's start and end.
    sum_in: u64,
    sum_out: u64,
    /// The totals the session's end gave, if any.
    end_in: Option<u64>,
    end_out: Option<u64>,
    /// Models and tools named, in first-seen order.
    pub(crate) models: Vec<String>,
    pub(crate) tools: Vec<String>,
}

impl Session {
    /// The session's token totals, in and out, by the core's one rule
    /// ([`session_total`]: the end's own totals when above zero, else the events' sums).
    pub(crate) fn tokens(&self) -> [u64; 2] {
        [
            session_total(self.sum_in, self.end_in),
            session_total(self.sum_out, self.end_out),
        ]
    }
}

/// A trace held for a viewer (module docs).
pub struct TraceView {
    events: Vec<Event>,
    /// [`Facts::of`] each event.
    facts: Vec<Facts>,
    sessions: Vec<Session>,
    // Every map here is a `HashMap<String, usize>`, the one `SessionSet` uses: each other
    // key or value type would add its own copy of the hash table code to the wasm.
    by_key: HashMap<String, usize>,
    /// Identities already held (`<session index> <id>`), for [`TraceView::push_new`].
    seen: HashMap<String, usize>,
    /// The keys the last [`TraceView::filter`] passed, paged by [`TraceView::rows_page`].
    filtered: Vec<String>,
    pricing: PricingTable,
    /// The last timeline built (a viewer pages through one session at a time).
    cached: Option<timeline::Timeline>,
    /// Reads the file being read, chunk by chunk.
    importer: TraceImporter,
}

impl Default for TraceView {
    fn default() -> Self {
        Self::new(PricingTable::default())
    }
}

/// The session an event is listed under: its session, else its run.
pub fn session_key(e: &Event) -> &str {
    if !e.session_id.is_empty() {
        &e.session_id
    } else {
        e.run_id
            .as_deref()
            .filter(|r| !r.is_empty())
            .unwrap_or(NO_SESSION)
    }
}

/// Epoch milliseconds of an event's time.
pub(crate) fn time_ms(e: &Event) -> Option<f64> {
    e.time().map(|t| t.as_unix_ms())
}

/// The tool an event names: its tool call's, for tool events.
pub(crate) fn tool_name(e: &Event) -> &str {
    e.tool_call
        .as_ref()
        .map(|t| t.tool_name.as_str())
        .filter(|n| !n.is_empty())
        .unwrap_or("")
}

/// Sorts `(key, index)` pairs by key, then index: the one sort the view uses (each
/// `sort_by` closure is its own copy of the sort in the wasm).
pub(crate) fn sort_keyed(pairs: &mut [(f64, usize)]) {
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
}

fn add_name(names: &mut Vec<String>, name: &str) {
    if !name.is_empty() && !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
}

impl TraceView {
    /// An empty view that prices events with `pricing`.
    pub fn new(pricing: PricingTable) -> Self {
        Self {
            events: Vec::new(),
            facts: Vec::new(),
            sessions: Vec::new(),
            by_key: HashMap::new(),
            seen: HashMap::new(),
            filtered: Vec::new(),
            pricing,
            cached: None,
            importer: TraceImporter::new(),
        }
    }

    /// How many events are held.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// How many sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Every event, in the order it arrived.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Session keys in first-seen order.
    pub fn session_ids(&self) -> impl Iterator<Item = &str> {
        self.sessions.iter().map(|s| s.key.as_str())
    }

    /// Reads the next chunk of a trace file (any format the importers know, gzip too);
    /// returns how many events it completed.
    ///
    /// # Errors
    /// [`ImportError`] with the position of what cannot be read.
    pub fn read(&mut self, bytes: &[u8]) -> Result<usize, ImportError> {
        let events = self.importer.push(bytes)?;
        let n = events.len();
        self.push(events);
        Ok(n)
    }

    /// Ends the file being read: its format (`unknown` when none was found) and the
    /// importer's warnings. The next [`TraceView::read`] starts another file, whose events
    /// are added to these.
    ///
    /// # Errors
    /// [`ImportError`] for a file that ends in the middle of what it was reading.
    pub fn end_read(&mut self) -> Result<(String, Vec<String>), ImportError> {
        let mut importer = std::mem::take(&mut self.importer);
        self.push(importer.finish()?);
        let format = importer
            .format()
            .map_or("unknown", |f| f.as_str())
            .to_owned();
        Ok((format, importer.warnings().to_vec()))
    }

    /// Adds events, in order.
    pub fn push(&mut self, events: impl IntoIterator<Item = Event>) {
        events.into_iter().for_each(|e| self.push_one(e));
    }

    /// Adds the events not already added this way (a session's start and end once each,
    /// other events once per event id; events without an id are always new), for a host that
    /// may receive one event twice (a collector's listing and its live stream). Returns
    /// the keys of the sessions that changed.
    pub fn push_new(&mut self, events: impl IntoIterator<Item = Event>) -> Vec<String> {
        let mut changed: Vec<String> = Vec::new();
        for e in events {
            let id = match e.event_type {
                EventType::SessionStart | EventType::SessionEnd => {
                    Some(e.event_type.as_str().to_owned())
                }
                _ => e.event_id.as_ref().map(|id| format!("#{id}")),
            };
            let key = session_key(&e).to_owned();
            if let Some(id) = id {
                // A session not held yet has no identities; its index is known once pushed.
                let held = |v: &Self| v.by_key.get(&key).map(|s| format!("{s} {id}"));
                if held(self).is_some_and(|k| self.seen.contains_key(&k)) {
                    continue;
                }
                self.push_one(e);
                if let Some(k) = held(self) {
                    self.seen.insert(k, 0);
                }
            } else {
                self.push_one(e);
            }
            add_name(&mut changed, &key);
        }
        changed
    }

    fn push_one(&mut self, e: Event) {
        let index = self.events.len() as u32;
        self.cached = None;
        let key = session_key(&e);
        let si = match self.by_key.get(key) {
            Some(&i) => i,
            None => {
                self.by_key.insert(key.to_owned(), self.sessions.len());
                self.sessions.push(Session {
                    key: key.to_owned(),
                    sorted: true,
                    ..Session::default()
                });
                self.sessions.len() - 1
            }
        };
        let facts = Facts::of(&e);
        let s = &mut self.sessions[si];
        let t = time_ms(&e);
        if let (Some(t), Some(&prev)) = (t, s.events.last()) {
            if time_ms(&self.events[prev as usize]).is_some_and(|p| t < p) {
                s.sorted = false;
            }
        }
        s.events.push(index);
        if s.agent.is_empty() {
            s.agent = e.agent_name.clone().unwrap_or_default();
        }
        if let Some(t) = t {
            s.first = Some(s.first.map_or(t, |f| f.min(t)));
            s.last = Some(s.last.map_or(t, |l| l.max(t)));
        }
        s.errors += u64::from(facts.error);
        let [tin, tout] = event_tokens(&e);
        s.sum_in = s.sum_in.saturating_add(tin);
        s.sum_out = s.sum_out.saturating_add(tout);
        if e.event_type == EventType::SessionEnd {
            (s.end_in, s.end_out) = (e.total_tokens_in, e.total_tokens_out);
        }
        add_name(&mut s.models, e.model.as_deref().unwrap_or(""));
        add_name(&mut s.tools, tool_name(&e));
        s.status = s.status.then(facts.session);
        self.events.push(e);
        self.facts.push(facts);
    }

    /// One session by key.
    pub(crate) fn session(&self, key: &str) -> Option<&Session> {
        self.by_key.get(key).map(|&i| &self.sessions[i])
    }

    /// A session's event indices in time order (untimed events first, then by arrival),
    /// sorted once when first asked for.
    pub(crate) fn ordered(&mut self, key: &str) -> Option<&[u32]> {
        let i = *self.by_key.get(key)?;
        let (events, s) = (&self.events, &mut self.sessions[i]);
        if !s.sorted {
            let mut pairs: Vec<(f64, usize)> = s
                .events
                .iter()
                .map(|&e| {
                    (
                        time_ms(&events[e as usize]).unwrap_or(f64::NEG_INFINITY),
                        e as usize,
                    )
                })
                .collect();
            sort_keyed(&mut pairs);
            s.events = pairs.into_iter().map(|(_, e)| e as u32).collect();
            s.sorted = true;
        }
        Some(&self.sessions[i].events)
    }

    /// The index of a session, for per-session flags.
    pub(crate) fn session_index(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The known sessions among `keys`, in the order given.
    pub(crate) fn known<'a>(&self, keys: &'a [String]) -> Vec<&'a str> {
        keys.iter()
            .map(String::as_str)
            .filter(|k| self.by_key.contains_key(*k))
            .collect()
    }

    /// The events of `keys`' sessions, session after session, each in time order (cloned:
    /// the engines read slices of events).
    pub(crate) fn events_of(&mut self, keys: &[&str]) -> Vec<Event> {
        let mut out = Vec::new();
        for key in keys {
            let order = self.ordered(key).map(<[u32]>::to_vec).unwrap_or_default();
            out.extend(order.iter().map(|&i| self.events[i as usize].clone()));
        }
        out
    }

    pub(crate) fn event(&self, i: u32) -> &Event {
        &self.events[i as usize]
    }

    pub(crate) fn facts(&self, i: u32) -> Facts {
        self.facts[i as usize]
    }

    pub(crate) fn pricing(&self) -> &PricingTable {
        &self.pricing
    }

    pub(crate) fn all_sessions(&self) -> &[Session] {
        &self.sessions
    }
}

#[cfg(test)]
mod tests;
