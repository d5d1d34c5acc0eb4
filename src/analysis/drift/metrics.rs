//! The eight numbers each session becomes ([`SessionMetrics`]).

use serde::{Deserialize, Serialize};

use super::super::compliance::SessionView;
use super::mean;
use crate::model::semantics::{self, contains_ignore_ascii_case};
use crate::model::{Event, EventType};

/// The seed's `extract_session_metrics`: eight numbers per session, all 0 for a session
/// without regular events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionMetrics {
    /// Regular events.
    pub event_count: f64,
    /// Mean `duration_ms` over the events that have one (0 when none do).
    pub avg_latency_ms: f64,
    /// `sorted[min(floor(n·0.95), n−1)]` of those durations: nearest rank, no interpolation.
    pub p95_latency_ms: f64,
    /// `tokens_in + tokens_out` summed over the events.
    pub total_tokens: f64,
    /// `total_tokens / event_count`.
    pub tokens_per_event: f64,
    /// Share of events that are errors, by the core's one rule ([`semantics::is_error`]).
    pub error_rate: f64,
    /// Share of events with a tool call or with `tool` in their type.
    pub tool_call_rate: f64,
    /// Share of those tool events that are also errors.
    pub tool_failure_rate: f64,
}

impl SessionMetrics {
    /// Computes the metrics of one session.
    pub fn of(session: &SessionView) -> Self {
        let events = &session.events;
        let n = events.len();
        if n == 0 {
            return Self::default();
        }
        let mut durations = Vec::with_capacity(n);
        let (mut tokens, mut errors, mut tools, mut tool_errors) = (0u64, 0usize, 0usize, 0usize);
        for e in events {
            if let Some(d) = e.duration_ms {
                durations.push(d);
            }
            tokens = tokens
                .saturating_add(e.tokens_in.unwrap_or(0))
                .saturating_add(e.tokens_out.unwrap_or(0));
            let error = semantics::is_error(e);
            let tool = e.tool_call.is_some() || is_tool_type(e);
            errors += usize::from(error);
            if tool {
                tools += 1;
                tool_errors += usize::from(error);
            }
        }
        let (avg, p95) = if durations.is_empty() {
            (0.0, 0.0)
        } else {
            durations.sort_by(f64::total_cmp);
            let len = durations.len();
            let idx = ((len as f64 * 0.95) as usize).min(len - 1);
            (mean(&durations), durations[idx])
        };
        let nf = n as f64;
        Self {
            event_count: nf,
            avg_latency_ms: avg,
            p95_latency_ms: p95,
            total_tokens: tokens as f64,
            tokens_per_event: tokens as f64 / nf,
            error_rate: errors as f64 / nf,
            tool_call_rate: tools as f64 / nf,
            tool_failure_rate: if tools > 0 {
                tool_errors as f64 / tools as f64
            } else {
                0.0
            },
        }
    }

    /// A metric by name (see [`super::METRIC_NAMES`]); `None` for other names.
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "event_count" => self.event_count,
            "avg_latency_ms" => self.avg_latency_ms,
            "p95_latency_ms" => self.p95_latency_ms,
            "total_tokens" => self.total_tokens,
            "tokens_per_event" => self.tokens_per_event,
            "error_rate" => self.error_rate,
            "tool_call_rate" => self.tool_call_rate,
            "tool_failure_rate" => self.tool_failure_rate,
            _ => return None,
        })
    }
}

/// Whether the event's type contains `tool`, ignoring case (`tool_call`, `tool_error`, ...).
fn is_tool_type(e: &Event) -> bool {
    match &e.event_type {
        EventType::Custom(name) => contains_ignore_ascii_case(name, "tool"),
        known => matches!(known, EventType::ToolCall | EventType::ToolError),
    }
}
