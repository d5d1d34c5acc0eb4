//! The session as the rules see it ([`SessionView`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{DEFAULT_AGENT_NAME, Event, EventType, SessionStatus};
use crate::time::UnixNanos;

const NANOS_PER_MS: f64 = 1_000_000.0;

/// One session as the analysis engines see it: its header facts and its regular events.
///
/// Built from a session's events in any order of types ([`SessionView::from_events`]):
/// - agent name, metadata and start time come from the first `session_start` (agent name
///   `default-agent` when absent; start time, else the first timed event's);
/// - end time and token totals come from the last `session_end` (`ended_at`, else its
///   timestamp, else the latest event time; token totals, else the sum over the regular
///   events); with no `session_end` the session has no end time;
/// - the status is the core's one rule, [`SessionStatus::of_session`]: `error` once the
///   end says so or a root run failed, else `timeout` or `completed` once ended (an end
///   with an unknown status or none is `completed`, as the backend reads it), `active`
///   before;
/// - every other event is a regular event, in order (the seed's `session.events`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session's id (from the start, else the first event).
    pub session_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// The start's metadata, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// When the session started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<UnixNanos>,
    /// When it ended; `None` while it is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<UnixNanos>,
    /// `active`, `completed`, `timeout` or `error`: [`SessionStatus::of_session`].
    pub status: String,
    /// Input tokens over the session.
    pub total_tokens_in: u64,
    /// Output tokens over the session.
    pub total_tokens_out: u64,
    /// The events other than `session_start` and `session_end`, in order.
    pub events: Vec<Event>,
}

impl SessionView {
    /// Builds the view of one session from its events (cloning the regular ones).
    ///
    /// ```
    /// use agentlens::analysis::compliance::SessionView;
    /// let view = SessionView::from_events(&[]);
    /// assert_eq!(view.agent_name, "default-agent");
    /// assert_eq!(view.status, "active");
    /// assert!(view.events.is_empty());
    /// ```
    pub fn from_events(events: &[Event]) -> Self {
        Self::from_owned(events.to_vec())
    }

    /// Builds the view of one session, taking ownership of its events (no copies: the
    /// regular events stay where they are in `events`, which becomes the view's list).
    pub fn from_owned(mut events: Vec<Event>) -> Self {
        let (mut start, mut end) = (None, None);
        let mut first_time = None;
        let mut latest = None;
        let (mut sum_in, mut sum_out) = (0u64, 0u64);
        let mut status = SessionStatus::Active;
        for (i, e) in events.iter().enumerate() {
            status = status.then(SessionStatus::of_event(e));
            first_time = first_time.or(e.time());
            latest = latest.max(e.time());
            match e.event_type {
                EventType::SessionStart => start = start.or(Some(i)),
                EventType::SessionEnd => end = Some(i),
                _ => {
                    sum_in = sum_in.saturating_add(e.tokens_in.unwrap_or(0));
                    sum_out = sum_out.saturating_add(e.tokens_out.unwrap_or(0));
                }
            }
        }
        let first_session_id = events.first().map(|e| &e.session_id);
        let start_event = start.map(|i| &events[i]);
        let session_id = start_event
            .map(|s| &s.session_id)
            .or(first_session_id)
            .cloned()
            .unwrap_or_default();
        let agent_name = start_event
            .and_then(|s| s.agent_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| DEFAULT_AGENT_NAME.to_owned());
        let started_at = start_event.and_then(|s| s.timestamp).or(first_time);
        let (ended_at, total_tokens_in, total_tokens_out) = match end.map(|i| &events[i]) {
            Some(end) => (
                end.ended_at.or(end.timestamp).or(latest),
                end.total_tokens_in.unwrap_or(sum_in),
                end.total_tokens_out.unwrap_or(sum_out),
            ),
            None => (None, sum_in, sum_out),
        };
        let metadata = start.and_then(|i| events[i].metadata.take());
        if start.is_some() || end.is_some() {
            events.retain(|e| {
                !matches!(
                    e.event_type,
                    EventType::SessionStart | EventType::SessionEnd
                )
            });
        }
        Self {
            session_id,
            agent_name,
            metadata,
            started_at,
            ended_at,
            status: status.as_str().to_owned(),
            total_tokens_in,
            total_tokens_out,
            events,
        }
    }

    /// Input plus output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.total_tokens_in.saturating_add(self.total_tokens_out)
    }

    /// Milliseconds from start to end; `None` while active or without a start time.
    pub fn duration_ms(&self) -> Option<f64> {
        let (start, end) = (self.started_at?, self.ended_at?);
        Some(end.0.saturating_sub(start.0) as f64 / NANOS_PER_MS)
    }
}
