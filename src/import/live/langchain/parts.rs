//! The LangChain mapper's small parts: how a run ended, the events it builds, its names
//! and attributes.

use serde_json::{Map, Value};

use super::state::Open;
use crate::import::json;
use crate::model::{ErrorInfo, Event, EventType};
use crate::time::UnixNanos;

/// The tag LangChain and LangGraph put on runs tracing UIs should not show.
pub(super) const HIDDEN_TAG: &str = "langsmith:hidden";

/// How a run ended.
pub(super) enum Failure {
    None,
    /// With an error of its own.
    Own(ErrorInfo),
    /// With an error a run inside it already recorded.
    Inherited,
}

impl Failure {
    pub(super) fn own(self) -> Vec<ErrorInfo> {
        match self {
            Self::Own(e) => vec![e],
            _ => Vec::new(),
        }
    }
}

/// The error an end record reports: its `error`, or an unnamed one for an `…Error`
/// callback whose error could not be copied.
pub(super) fn error_of(r: &Value) -> Option<ErrorInfo> {
    let failed = r
        .get("cb")
        .and_then(Value::as_str)
        .is_some_and(|c| c.ends_with("Error"));
    super::read::error(r).or_else(|| {
        failed.then(|| ErrorInfo {
            error_type: "Error".into(),
            ..ErrorInfo::default()
        })
    })
}

/// An event of `kind` in `session` at `at`, nothing else set (one constructor: `Event` is
/// large, and each literal of it costs code in the wasm build).
#[inline(never)]
pub(super) fn bare(kind: EventType, session: &str, at: Option<UnixNanos>) -> Event {
    Event {
        event_type: kind,
        session_id: session.to_owned(),
        timestamp: at,
        ..Event::default()
    }
}

/// A regular event in `open`'s session and run (token counts present, as the SDK sends).
pub(super) fn event(
    kind: EventType,
    open: &Open,
    span: Option<&str>,
    at: Option<UnixNanos>,
) -> Event {
    let mut e = bare(kind, &open.session, at);
    e.run_id = open.run.clone();
    e.span_id = span.map(str::to_owned);
    (e.tokens_in, e.tokens_out) = (Some(0), Some(0));
    e
}

/// A root's own session ends with it.
pub(super) fn end_session(open: &Open, at: Option<UnixNanos>, failed: bool, out: &mut Vec<Event>) {
    if open.owns_session {
        let mut e = bare(EventType::SessionEnd, &open.session, None);
        e.ended_at = at;
        e.status = Some(if failed { "error" } else { "completed" }.into());
        out.push(e);
    }
}

/// The run's name: the name it was given (`runName`), else its class's.
pub(super) fn name_of(r: &Value, fallback: &str) -> String {
    json::text(r.get("run_name"))
        .or_else(|| json::text(r.get("name")))
        .unwrap_or_else(|| fallback.to_owned())
}

pub(super) fn tags(r: &Value) -> impl Iterator<Item = &str> {
    r.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A field of a record, absent when null (the handler leaves out what it does not record).
pub(super) fn field<'a>(r: &'a Value, key: &str) -> Option<&'a Value> {
    r.get(key).filter(|v| !v.is_null())
}

pub(super) fn copy(r: &Value, from: &str, to: &str, attrs: &mut Map<String, Value>) {
    if let Some(v) = field(r, from) {
        attrs.insert(to.into(), v.clone());
    }
}

/// A run's attributes: its run type, tags and metadata (LangChain's own `ls_*` keys and
/// package versions left out: the event's fields carry what they say).
pub(super) fn attributes(r: &Value) -> Map<String, Value> {
    let mut attrs = Map::new();
    copy(r, "run_type", "langchain.run_type", &mut attrs);
    if tags(r).next().is_some() {
        copy(r, "tags", "langchain.tags", &mut attrs);
    }
    if let Some(meta) = r.get("metadata").and_then(Value::as_object) {
        let mut kept = meta.clone();
        kept.retain(|k, _| !k.starts_with("ls_") && k != "versions");
        if !kept.is_empty() {
            attrs.insert("langchain.metadata".into(), Value::Object(kept));
        }
    }
    attrs
}
