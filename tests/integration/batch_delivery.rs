//! Delivery as a host waits for it: flush marks, shutdown through retries, and the
//! failure notices (one warning per cause) and `last_error` a host shows its user.

use agentlens::batch::{Config, DropReason, Failure, Notice, Problem};
use agentlens::testing::{Fault, Sim};
use agentlens::time::Millis;

fn sim(config: Config) -> Sim {
    Sim::new(config, 3)
}

/// Every `Failed` notice so far: (problem, gave up, warn).
fn failures(s: &Sim) -> Vec<(Problem, Option<DropReason>, bool)> {
    s.notices
        .iter()
        .filter_map(|n| match n {
            Notice::Failed { failure, warn, .. } => Some((failure.problem, failure.gave_up, *warn)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_flush_is_complete_only_once_its_records_are_delivered_through_retries() {
    let mut s = sim(Config::default());
    s.receiver.script([
        Fault::StatusRetryAfter(429, 2),
        Fault::Status(503),
        Fault::Ok,
    ]);
    s.push_events("s", 4);
    let mark = s.flush();
    assert!(!s.batcher.is_flushed(mark));
    let _ = s.poll();
    assert!(!s.batcher.is_flushed(mark), "in flight is not flushed");
    s.advance(Millis(1500));
    assert!(
        !s.batcher.is_flushed(mark),
        "waiting out Retry-After: 2 is not flushed"
    );
    s.drive();
    assert!(s.batcher.is_flushed(mark));
    assert_eq!(s.batcher.stats().delivered, 4);
    assert_eq!(s.sent.len(), 3);
}

#[test]
fn records_pushed_after_a_flush_do_not_hold_it_up() {
    let mut s = sim(Config::default().with_batch_size(100));
    s.push_events("s", 2);
    let mark = s.flush();
    let _ = s.poll();
    s.push_events("s", 3);
    assert!(!s.batcher.is_flushed(mark));
    s.advance(Millis(100));
    assert!(s.batcher.is_flushed(mark));
    assert_eq!(s.batcher.stats().pending, 3);
}

#[test]
fn a_flush_of_records_that_are_given_up_is_complete_and_counted() {
    let mut s = sim(Config::default().with_max_retries(1));
    s.receiver.script([Fault::Network, Fault::Network]);
    s.push_events("s", 3);
    let mark = s.flush();
    s.drive();
    assert!(s.batcher.is_flushed(mark));
    assert_eq!(s.batcher.stats().dropped.retries_exhausted, 3);
}

#[test]
fn shutdown_completes_only_after_the_retries_deliver_everything_before_the_deadline() {
    let mut s = sim(Config::default());
    s.receiver.script([
        Fault::StatusRetryAfter(429, 2),
        Fault::Status(503),
        Fault::Network,
        Fault::Ok,
    ]);
    s.push_events("s", 4);
    s.shutdown(Millis(60_000));
    s.advance(Millis(2500));
    assert!(!s.batcher.is_shut_down(), "a retry is still pending");
    s.drive();
    assert!(s.batcher.is_shut_down());
    let stats = s.batcher.stats();
    assert_eq!((stats.delivered, stats.pending), (4, 0));
    assert_eq!(stats.dropped.total(), 0);
}

#[test]
fn what_the_deadline_leaves_is_counted_shutdown_timeout_and_the_failure_says_so() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::StatusRetryAfter(429, 30)]);
    s.push_events("s", 4);
    s.shutdown(Millis(10_000));
    s.drive();
    assert!(s.batcher.is_shut_down());
    assert_eq!(s.batcher.stats().dropped.shutdown_timeout, 4);
    assert_eq!(
        failures(&s),
        [(
            Problem::RateLimited,
            Some(DropReason::ShutdownTimeout),
            true
        )]
    );
}

#[test]
fn an_unreachable_destination_warns_once_and_keeps_the_last_error() {
    let mut s = sim(Config::default().with_max_retries(2));
    s.receiver.script([Fault::Network; 6]);
    s.push_events("s", 2);
    s.flush();
    s.drive();
    s.push_events("s", 1);
    s.flush();
    s.drive();
    let f = failures(&s);
    assert_eq!(f.len(), 6);
    assert_eq!(f.iter().filter(|x| x.2).count(), 1, "one warning: {f:?}");
    assert_eq!(f[0], (Problem::Network, None, true));
    assert_eq!(
        f[2],
        (Problem::Network, Some(DropReason::RetriesExhausted), false)
    );
    assert_eq!(
        s.batcher.stats().last_error,
        Some(Failure {
            problem: Problem::Network,
            status: None,
            gave_up: Some(DropReason::RetriesExhausted),
            count: 6,
        })
    );
}

#[test]
fn a_refused_key_is_final_warned_and_named_by_status() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::Status(401), Fault::Status(403)]);
    s.push_events("s", 2);
    s.flush();
    s.drive();
    s.push_events("s", 2);
    s.flush();
    s.drive();
    assert_eq!(
        failures(&s),
        [
            (Problem::Unauthorized, Some(DropReason::Rejected), true),
            (Problem::Unauthorized, Some(DropReason::Rejected), false)
        ]
    );
    let last = s.batcher.stats().last_error.unwrap();
    assert_eq!(last.status, Some(403));
    assert_eq!(s.batcher.stats().dropped.rejected, 4);
}

#[test]
fn a_busy_destination_that_recovers_is_not_worth_a_warning_but_giving_up_is() {
    let mut s = sim(Config::default().with_max_retries(1));
    s.receiver.script([Fault::Status(503), Fault::Ok]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(failures(&s), [(Problem::Server, None, false)]);
    s.receiver.script([Fault::Status(502), Fault::Status(504)]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    let f = failures(&s);
    assert_eq!(
        f.last(),
        Some(&(Problem::Server, Some(DropReason::RetriesExhausted), true))
    );
    assert_eq!(s.batcher.stats().delivered, 1);
}

#[test]
fn last_error_serialises_with_snake_case_names() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::Status(404)]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    let json = serde_json::to_value(s.batcher.stats()).unwrap();
    assert_eq!(
        json["last_error"],
        serde_json::json!({"problem": "not_found", "status": 404, "gave_up": "rejected", "count": 1})
    );
}
