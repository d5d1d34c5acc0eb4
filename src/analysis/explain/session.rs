//! What both formats need to know about a session as a whole, read from its events one
//! [`Fact`] at a time: from the events themselves ([`super::explain`],
//! [`super::explain_backend`]) or from what a [`super::Digest`] kept of them.

use crate::model::{DEFAULT_AGENT_NAME, Event, EventType, SessionStatus};
use crate::time::UnixNanos;

/// What the session header reads of one event.
#[derive(Clone, Copy)]
pub(super) struct Fact<'a> {
    /// The event itself when it is a session start or end: their fields fill the header.
    pub(super) lifecycle: Option<&'a Event>,
    pub(super) session_id: &'a str,
    /// [`Event::time`].
    pub(super) time: Option<UnixNanos>,
    /// `tokens_in` and `tokens_out`, 0 when absent.
    pub(super) tokens: (u64, u64),
    /// [`SessionStatus::of_event`].
    pub(super) status: SessionStatus,
}

impl<'a> Fact<'a> {
    pub(super) fn of(e: &'a Event) -> Self {
        Self {
            lifecycle: (!super::is_regular(e)).then_some(e),
            session_id: &e.session_id,
            time: e.time(),
            tokens: (e.tokens_in.unwrap_or(0), e.tokens_out.unwrap_or(0)),
            status: SessionStatus::of_event(e),
        }
    }
}

/// The session as a whole.
pub(super) struct Session<'a> {
    /// The last `session_end`.
    pub(super) end: Option<&'a Event>,
    pub(super) agent_name: &'a str,
    pub(super) session_id: &'a str,
    /// The start's timestamp, else the first timed event's.
    pub(super) started: Option<UnixNanos>,
    /// The latest time of any event.
    pub(super) latest: Option<UnixNanos>,
    /// Tokens summed over the regular events.
    pub(super) tokens: (u64, u64),
    /// [`SessionStatus::of_session`].
    pub(super) status: SessionStatus,
}

impl<'a> Session<'a> {
    /// The session of these facts, in the events' order.
    pub(super) fn of(facts: impl IntoIterator<Item = Fact<'a>>) -> Self {
        let (mut start, mut end, mut first_time, mut latest) = (None, None, None, None);
        let mut first_id = None;
        let mut tokens = (0u64, 0u64);
        let mut status = SessionStatus::Active;
        for f in facts {
            first_id = first_id.or(Some(f.session_id));
            match f.lifecycle {
                Some(e) if e.event_type == EventType::SessionStart => start = start.or(Some(e)),
                Some(e) => end = Some(e),
                None => {
                    tokens.0 = tokens.0.saturating_add(f.tokens.0);
                    tokens.1 = tokens.1.saturating_add(f.tokens.1);
                }
            }
            first_time = first_time.or(f.time);
            latest = latest.max(f.time);
            status = status.then(f.status);
        }
        let start: Option<&Event> = start;
        Self {
            end,
            agent_name: start
                .and_then(|s| s.agent_name.as_deref())
                .filter(|n| !n.is_empty())
                .unwrap_or(DEFAULT_AGENT_NAME),
            session_id: start.map_or(first_id.unwrap_or(""), |s| &s.session_id),
            started: start.and_then(|s| s.timestamp).or(first_time),
            latest,
            tokens,
            status,
        }
    }
}
