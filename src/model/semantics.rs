//! What events mean: which ones report an error, whether a run or session ended in
//! failure, and a session's status. One rule each, used by every engine and host (the
//! batcher's `only_on_error`, explain, cost and session statistics, compliance, drift,
//! the collector, the CLI and the viewer), so they always agree on the same trace.
//!
//! - An **error** is something that went wrong in one operation: an `error`,
//!   `tool_error` or `agent_error` event, any other type whose name contains `error`
//!   (`llm_error`, `handoff_error`), an event with error details, or one whose status
//!   says it failed or timed out ([`is_failure_status`]). Lifecycle records
//!   (`session_start`, `session_end`, `run_start`, `run_end`) are never errors
//!   themselves: their status is the outcome of a whole run or session, and counting it
//!   too would count one failure twice (the `error` event a failing run records and the
//!   run's end).
//!
//!   The seed systems each counted a part of this: the backend's `error_rate` the three
//!   error types, the SDK's compliance `max_error_rate` only `error`, its drift metrics
//!   any type containing `error`, its client-side alerts any event with error details,
//!   and Agent Inspector marks an operation that went wrong with the status `failed`
//!   (reference A.5, B.5, B.6, B.7, C.1). The rule is their union, so no engine misses
//!   an error another one shows. A **timed-out operation** (an `llm_call` with status
//!   `timeout`) is an error: it did not complete, as a `failed` one did not, and
//!   OpenTelemetry records a timeout as an operation's `error.type`. Only a *session's*
//!   `timeout` is an outcome of its own (the backend's session statuses keep `timeout`
//!   apart from `error`), which [`SessionStatus::Timeout`] keeps.
//! - A run or session **ended in failure** when its end record has an error status or
//!   error details.
//! - A **session's status** is `error` as soon as its end says so or one of its root runs
//!   (a run without a parent) ended in failure, whatever a later end says; otherwise
//!   `timeout` or `completed` once it has ended, and `active` until then.
//! - A **session's token total** (in and out apart) is what its end said, when the end
//!   gave a total above zero; otherwise the sum of its other events' counts (session
//!   starts and ends add nothing): [`session_total`], [`event_tokens`]. The SDK's
//!   `session_end`, the collector's stored totals, compare metrics, the statistics and
//!   explain engines and the viewer all follow it.

use super::{Event, EventType, status};

/// A session's status, as every view shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SessionStatus {
    /// Started and not ended.
    #[default]
    Active,
    /// Ended normally.
    Completed,
    /// Ended because it ran out of time.
    Timeout,
    /// Ended in failure, or a root run did.
    Error,
}

impl SessionStatus {
    /// The wire name: `active`, `completed`, `timeout` or `error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => status::ACTIVE,
            Self::Completed => status::COMPLETED,
            Self::Timeout => status::TIMEOUT,
            Self::Error => status::ERROR,
        }
    }

    /// Reads a wire name; anything unknown is `active`.
    pub fn parse(name: &str) -> Self {
        match name {
            "completed" => Self::Completed,
            "timeout" => Self::Timeout,
            "error" | "failed" => Self::Error,
            _ => Self::Active,
        }
    }

    /// The status after `next` is learnt about the same session: an error is final, an
    /// end replaces `active`, and a later end replaces an earlier one.
    #[must_use]
    pub fn then(self, next: Self) -> Self {
        match (self, next) {
            (Self::Error, _) | (_, Self::Error) => Self::Error,
            (prev, Self::Active) => prev,
            (_, ended) => ended,
        }
    }

    /// What `e` says about its session's status: `Error` for a failed session end or root
    /// run end, `Completed`/`Timeout` for another session end, `Active` (nothing) else.
    pub fn of_event(e: &Event) -> Self {
        match e.event_type {
            EventType::SessionEnd if e.status.as_deref() == Some(status::TIMEOUT) => Self::Timeout,
            EventType::SessionEnd if ended_in_failure(e) => Self::Error,
            EventType::SessionEnd => Self::Completed,
            EventType::RunEnd if e.parent_run_id.is_none() && ended_in_failure(e) => Self::Error,
            _ => Self::Active,
        }
    }

    /// The status of a session with these events (any order).
    pub fn of_session<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut out = Self::Active;
        for e in events {
            out = out.then(Self::of_event(e));
        }
        out
    }
}

/// What one event means for the views that count and colour it: whether it is an error,
/// and what it says about its session's status. Hosts that store events one at a time
/// (the collector) keep these instead of deciding again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// [`is_error`].
    pub error: bool,
    /// [`SessionStatus::of_event`]: `Active` when the event says nothing about it.
    pub session: SessionStatus,
    /// The end of a run or session that [`ended_in_failure`] (a timeout included).
    pub failed_end: bool,
}

impl Facts {
    /// The facts of `e`.
    pub fn of(e: &Event) -> Self {
        let end = matches!(e.event_type, EventType::RunEnd | EventType::SessionEnd);
        Self {
            error: is_error(e),
            session: SessionStatus::of_event(e),
            failed_end: end && ended_in_failure(e),
        }
    }

    /// As one byte: bit 0 the error, bits 1–2 the session status (0 active/nothing,
    /// 1 completed, 2 timeout, 3 error), bit 3 a failed end.
    pub fn to_bits(self) -> u8 {
        let session = match self.session {
            SessionStatus::Active => 0,
            SessionStatus::Completed => 1,
            SessionStatus::Timeout => 2,
            SessionStatus::Error => 3,
        };
        u8::from(self.error) | session << 1 | u8::from(self.failed_end) << 3
    }
}

/// Whether a status string says the operation failed or timed out: `error`, `failed`
/// (Agent Inspector), `failure`, `timeout` or `timed_out`, in any case.
pub fn is_failure_status(s: &str) -> bool {
    s.eq_ignore_ascii_case(status::ERROR)
        || s.eq_ignore_ascii_case(status::FAILED)
        || s.eq_ignore_ascii_case("failure")
        || s.eq_ignore_ascii_case(status::TIMEOUT)
        || s.eq_ignore_ascii_case("timed_out")
}

/// Whether the event type is a lifecycle record (start or end of a session or run).
pub const fn is_lifecycle(t: &EventType) -> bool {
    matches!(
        t,
        EventType::SessionStart | EventType::SessionEnd | EventType::RunStart | EventType::RunEnd
    )
}

/// Whether `e` reports an error in one operation (see the module docs).
///
/// ```
/// use agentlens::model::{Event, EventType, semantics::is_error};
/// use agentlens::time::UnixNanos;
///
/// let mut call = Event::new(EventType::LlmCall, "s", UnixNanos(0));
/// assert!(!is_error(&call));
/// call.status = Some("timeout".into());
/// assert!(is_error(&call));
/// assert!(is_error(&Event::new(EventType::Custom("llm_error".into()), "s", UnixNanos(0))));
/// let mut end = Event::new(EventType::RunEnd, "s", UnixNanos(0));
/// end.status = Some("error".into());
/// assert!(!is_error(&end), "a run's end is its outcome, not another error");
/// ```
pub fn is_error(e: &Event) -> bool {
    if is_lifecycle(&e.event_type) {
        return false;
    }
    is_error_type(&e.event_type)
        || e.error.is_some()
        || e.status.as_deref().is_some_and(is_failure_status)
}

/// Whether the type alone says an event is an error: `error`, `tool_error`,
/// `agent_error`, or any other type whose name contains `error`, ignoring case.
pub fn is_error_type(t: &EventType) -> bool {
    match t {
        EventType::Error | EventType::ToolError | EventType::AgentError => true,
        EventType::Custom(name) => contains_ignore_ascii_case(name, "error"),
        _ => false,
    }
}

/// Whether `e`, the end of a run or session, says it ended in failure.
pub fn ended_in_failure(e: &Event) -> bool {
    e.error.is_some() || e.status.as_deref().is_some_and(is_failure_status)
}

/// Whether `haystack` contains `needle`, ignoring ASCII case, without allocating.
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The end's own total when it gave one above zero (a `0` or a missing total says
/// nothing: it leaves the events' sum in force).
pub fn end_total(given: Option<u64>) -> Option<u64> {
    given.filter(|&n| n > 0)
}

/// A session's total from the sum of its events' counts and what its end said.
///
/// ```
/// use agentlens::model::semantics::session_total;
/// assert_eq!(session_total(40, None), 40);
/// assert_eq!(session_total(40, Some(0)), 40);
/// assert_eq!(session_total(40, Some(55)), 55);
/// ```
pub fn session_total(events_sum: u64, end_said: Option<u64>) -> u64 {
    end_total(end_said).unwrap_or(events_sum)
}

/// What one event adds to its session's token sums: its `tokens_in` and `tokens_out`, or
/// nothing for a session start or end.
pub fn event_tokens(e: &Event) -> [u64; 2] {
    if matches!(
        e.event_type,
        EventType::SessionStart | EventType::SessionEnd
    ) {
        return [0, 0];
    }
    [e.tokens_in.unwrap_or(0), e.tokens_out.unwrap_or(0)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorInfo;
    use crate::time::UnixNanos;

    fn ev(t: &str) -> Event {
        Event::new(EventType::parse(t), "s", UnixNanos(0))
    }

    fn with_status(t: &str, s: &str) -> Event {
        Event {
            status: Some(s.into()),
            ..ev(t)
        }
    }

    #[test]
    fn errors_by_type_details_and_status_never_lifecycle_records() {
        for t in [
            "error",
            "tool_error",
            "agent_error",
            "llm_error",
            "Handoff_Error",
        ] {
            assert!(is_error(&ev(t)), "{t}");
        }
        for t in [
            "llm_call",
            "tool_call",
            "decision",
            "final",
            "memory_read",
            "generic",
        ] {
            assert!(!is_error(&ev(t)), "{t}");
        }
        let detailed = Event {
            error: Some(Box::new(ErrorInfo::default())),
            ..ev("tool_call")
        };
        assert!(is_error(&detailed));
        for s in ["error", "failed", "FAILURE", "timeout", "timed_out"] {
            assert!(is_error(&with_status("llm_call", s)), "{s}");
        }
        assert!(!is_error(&with_status("llm_call", "completed")));
        for t in ["session_start", "session_end", "run_start", "run_end"] {
            assert!(!is_error(&with_status(t, "error")), "{t}");
        }
    }

    #[test]
    fn a_failed_root_run_makes_the_session_an_error_whatever_its_end_says() {
        let root = with_status("run_end", "error");
        let nested = Event {
            parent_run_id: Some("r0".into()),
            ..with_status("run_end", "failed")
        };
        let end = with_status("session_end", "completed");
        assert_eq!(
            SessionStatus::of_session([&ev("session_start")]),
            SessionStatus::Active
        );
        assert_eq!(
            SessionStatus::of_session([&nested, &end]),
            SessionStatus::Completed
        );
        assert_eq!(
            SessionStatus::of_session([&root, &end]),
            SessionStatus::Error
        );
        assert_eq!(
            SessionStatus::of_session([&end, &root]),
            SessionStatus::Error
        );
        assert_eq!(SessionStatus::of_session([&root]), SessionStatus::Error);
        assert_eq!(
            SessionStatus::of_session([&with_status("session_end", "timeout")]),
            SessionStatus::Timeout
        );
        assert_eq!(
            SessionStatus::of_session([&with_status("session_end", "failed")]),
            SessionStatus::Error
        );
        assert_eq!(
            SessionStatus::of_session([&ev("error"), &end]),
            SessionStatus::Completed,
            "a recovered error does not fail the session"
        );
    }

    #[test]
    fn facts_pack_into_one_byte() {
        assert_eq!(Facts::of(&ev("llm_call")).to_bits(), 0);
        assert_eq!(Facts::of(&ev("tool_error")).to_bits(), 1);
        assert_eq!(
            Facts::of(&with_status("session_end", "completed")).to_bits(),
            2
        );
        assert_eq!(
            Facts::of(&with_status("session_end", "timeout")).to_bits(),
            4 | 8
        );
        assert_eq!(Facts::of(&with_status("run_end", "error")).to_bits(), 6 | 8);
        let nested = Event {
            parent_run_id: Some("r0".into()),
            ..with_status("run_end", "failed")
        };
        assert_eq!(
            Facts::of(&nested).to_bits(),
            8,
            "a nested run's failure is its own"
        );
    }

    #[test]
    fn status_names_round_trip_and_then_keeps_errors() {
        for s in [
            SessionStatus::Active,
            SessionStatus::Completed,
            SessionStatus::Timeout,
            SessionStatus::Error,
        ] {
            assert_eq!(SessionStatus::parse(s.as_str()), s);
        }
        assert_eq!(
            SessionStatus::Error.then(SessionStatus::Completed),
            SessionStatus::Error
        );
        assert_eq!(
            SessionStatus::Completed.then(SessionStatus::Active),
            SessionStatus::Completed
        );
        assert_eq!(
            SessionStatus::Completed.then(SessionStatus::Timeout),
            SessionStatus::Timeout
        );
    }
}
