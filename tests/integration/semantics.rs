//! The core's one rule for errors and session status (`model::semantics`), read the same
//! way by every engine: compliance, drift, statistics, both explain formats and the
//! per-event facts the collector and viewer store.
//!
//! The rule: an event is an error when its type is `error`, `tool_error`, `agent_error` or
//! contains `error`, when it carries error details, or when its status says it failed or
//! timed out (an `llm_call` with status `timeout` is an error); run and session ends never
//! count as errors themselves. A session is `error` once a root run failed, whatever its
//! end says; a session that ended with `timeout` is `timeout`, not `error`.

use agentlens::analysis::compliance::{
    ComplianceChecker, CompliancePolicy, ComplianceRule, SessionView, Verdict, kind,
};
use agentlens::analysis::cost::PricingTable;
use agentlens::analysis::drift::SessionMetrics;
use agentlens::analysis::explain::{explain, explain_backend};
use agentlens::analysis::stats::session_stats;
use agentlens::model::semantics::{self, Facts};
use agentlens::model::{ErrorInfo, Event, EventType, SessionStatus, ToolCall};
use agentlens::time::UnixNanos;

fn ev(t: EventType, at: i64) -> Event {
    let mut e = Event::new(
        t,
        "s1",
        UnixNanos(1_700_000_000_000_000_000 + at * 1_000_000),
    );
    e.run_id = Some("r1".into());
    e
}

fn with_status(mut e: Event, status: &str) -> Event {
    e.status = Some(status.into());
    e
}

fn tool(mut e: Event, name: &str) -> Event {
    e.tool_call = Some(Box::new(ToolCall {
        tool_name: name.into(),
        ..ToolCall::default()
    }));
    e
}

/// One session: 9 regular events, 5 of them errors, and a root run that failed.
fn session() -> Vec<Event> {
    let mut start = ev(EventType::SessionStart, 0);
    start.agent_name = Some("agent".into());
    start.run_id = None;
    let mut details = tool(ev(EventType::ToolCall, 7), "fetch");
    details.error = Some(Box::new(ErrorInfo {
        error_type: "HTTPError".into(),
        message: "502".into(),
        ..ErrorInfo::default()
    }));
    let mut end = with_status(ev(EventType::SessionEnd, 10), "completed");
    end.run_id = None;
    vec![
        start,
        ev(EventType::RunStart, 1),
        with_status(ev(EventType::LlmCall, 2), "timeout"), // error: timed out
        with_status(tool(ev(EventType::ToolCall, 3), "search"), "failed"), // error: failed
        ev(EventType::LlmCall, 4),
        ev(EventType::Error, 5),                          // error: by type
        ev(EventType::Custom("handoff_error".into()), 6), // error: type contains `error`
        details,                                          // error: details
        ev(EventType::Decision, 8),
        with_status(ev(EventType::RunEnd, 9), "failed"), // the root run's outcome, not an error
        end,
    ]
}

#[test]
fn the_rule_counts_five_errors_and_no_lifecycle_record() {
    let events = session();
    let errors: Vec<&str> = events
        .iter()
        .filter(|e| semantics::is_error(e))
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "llm_call",
            "tool_call",
            "error",
            "handoff_error",
            "tool_call"
        ]
    );
    let facts = events.iter().filter(|e| Facts::of(e).error).count();
    assert_eq!(facts, 5, "the facts hosts store say the same");
    assert_eq!(SessionStatus::of_session(&events), SessionStatus::Error);
}

#[test]
fn compliance_drift_stats_and_explain_agree_on_errors_and_status() {
    let events = session();
    let view = SessionView::from_events(&events);
    assert_eq!(view.events.len(), 9);
    assert_eq!(view.status, "error", "a failed root run fails the session");

    let mut policy = CompliancePolicy::new("p");
    let mut rule = ComplianceRule::new(kind::MAX_ERROR_RATE);
    rule.threshold = Some(0.5);
    policy.rules.push(rule);
    let report = ComplianceChecker::new().check(&view, &policy, UnixNanos(0));
    assert_eq!(report.results[0].verdict, Verdict::Fail);
    assert_eq!(
        report.results[0].message,
        "Error rate 55.6% exceeds threshold 50.0% (5/9 events)"
    );

    let metrics = SessionMetrics::of(&view);
    assert_eq!(metrics.error_rate, 5.0 / 9.0);
    assert_eq!(metrics.tool_failure_rate, 1.0, "both tool events failed");

    let stats = session_stats(&events, &PricingTable::empty());
    assert_eq!(stats.errors, 5);
    assert_eq!(stats.tool_failures, 2);

    let backend = explain_backend(&events);
    assert!(backend.contains(", 5 error(s)\n"), "{backend}");
    assert!(backend.ends_with("- Session status: error"), "{backend}");
    assert!(explain(&events).contains("\n**Status:** error\n"));
}

#[test]
fn a_session_that_timed_out_is_timeout_and_an_unknown_end_is_completed() {
    let mut events = session();
    events.retain(|e| e.event_type != EventType::RunEnd);
    let n = events.len();
    events[n - 1].status = Some("timeout".into());
    assert_eq!(SessionView::from_events(&events).status, "timeout");
    assert!(!semantics::is_error(&events[n - 1]));
    events[n - 1].status = Some("weird".into());
    assert_eq!(SessionView::from_events(&events).status, "completed");
    events.pop();
    assert_eq!(SessionView::from_events(&events).status, "active");
}
