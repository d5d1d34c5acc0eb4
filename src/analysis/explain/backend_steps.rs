//! Steps the original backend's narrative leaves out, written in its layout: errors,
//! decisions, memory reads and writes, and the final answer. The backend skipped these
//! events because it never stored them (pitfall D.5.2), so its summary could count an
//! error its steps never showed; here every step the summary counts is shown.

use serde_json::Value;

use super::backend::tool_label;
use super::{Md, reasoning};
use crate::model::{Event, EventType, semantics};

/// Whether the backend style shows `e` as one of these extra steps.
pub(super) fn is_extra_step(e: &Event) -> bool {
    matches!(
        e.event_type,
        EventType::Decision
            | EventType::MemoryRead
            | EventType::MemoryWrite
            | EventType::Final
            | EventType::ToolError
            | EventType::AgentError
            | EventType::Error
    ) || (semantics::is_error(e) && !semantics::is_lifecycle(&e.event_type))
}

/// Writes the step's sentence and its detail lines (not the step number).
pub(super) fn push_extra_step(md: &mut Md, e: &Event) {
    match e.event_type {
        EventType::ToolError => {
            md.s("The **").s(tool_label(e)).s("** tool failed.
");
            if let Some(input) = e
                .tool_call
                .as_ref()
                .map(|t| &t.tool_input)
                .filter(|v| !v.is_null())
            {
                md.s("- *Input:* ").cut_json(input).s("\n");
            }
            push_error(md, e);
        }
        EventType::AgentError => {
            md.s("Agent function failed.\n");
            push_error(md, e);
        }
        EventType::Decision => {
            md.s("The agent made a decision.\n");
            push_decision(md, e);
        }
        EventType::MemoryRead | EventType::MemoryWrite => push_memory(md, e),
        EventType::Final => {
            md.s("The agent gave its final answer.\n- *Answer:* \"");
            match e.output_data.as_ref().and_then(|o| o.get("answer")) {
                Some(Value::String(s)) => md.cut(s),
                Some(v) => md.cut_json(v),
                None => md.s("unknown answer"),
            };
            md.s("\"\n");
        }
        _ => {
            md.s("The agent met an error.\n");
            push_error(md, e);
        }
    }
}

/// `- *Error:* {type}: {message}`, from the error details or the Python SDK's
/// `output_data.error`/`error_type`; `- *Critical:* yes` when it ended the run.
fn push_error(md: &mut Md, e: &Event) {
    let out = e.output_data.as_ref();
    let text = |key: &str| {
        out.and_then(|o| o.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let (kind, message) = match &e.error {
        Some(err) => (err.error_type.as_str(), err.message.as_str()),
        None => (text("error_type"), text("error")),
    };
    md.s("- *Error:* ");
    if !kind.is_empty() {
        md.s(kind);
        if !message.is_empty() {
            md.s(": ");
        }
    }
    if kind.is_empty() && message.is_empty() {
        md.s("unknown error");
    }
    md.cut(message).s("\n");
    if e.error.as_ref().is_some_and(|err| err.critical) {
        md.s("- *Critical:* yes, it ended the run\n");
    }
}

fn push_decision(md: &mut Md, e: &Event) {
    if let Some(r) = reasoning(e) {
        md.s("- 💡 *Reasoning:* ").s(r).s("\n");
    }
    let Some(d) = &e.decision_trace else {
        return;
    };
    if !d.alternatives_considered.is_empty() {
        md.s("- *Alternatives:* ");
        for (i, a) in d.alternatives_considered.iter().enumerate() {
            if i > 0 {
                md.s("; ");
            }
            md.cut(a);
        }
        md.s("\n");
    }
    if let Some(c) = d.confidence.filter(|c| c.is_finite()) {
        md.s("- *Confidence:* ").fixed(c, 2).s("\n");
    }
}

fn push_memory(md: &mut Md, e: &Event) {
    let write = e.event_type == EventType::MemoryWrite;
    let m = e.memory.as_ref();
    let key = m.map_or("", |m| m.key.as_str());
    md.s(if write {
        "The agent wrote **"
    } else {
        "The agent read **"
    })
    .s(if key.is_empty() {
        "an unnamed key"
    } else {
        key
    })
    .s(if write {
        "** to memory"
    } else {
        "** from memory"
    });
    if write && m.and_then(|m| m.overwrite) == Some(true) {
        md.s(", replacing its value");
    }
    md.s(".\n");
    if let Some(v) = m.and_then(|m| m.value.as_ref()) {
        md.s("- *Value:* ").cut_json(v).s("\n");
    }
}
