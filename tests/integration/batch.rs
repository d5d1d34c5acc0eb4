//! The batching/retry state machine, on a virtual clock.
//!
//! Direct tests drive a `Batcher` by hand; the rest use `agentlens::testing::Sim`
//! (a simulated collector with scripted or seeded faults). Seeded fault-injection soak
//! tests are in `mod soak` at the end.

use agentlens::batch::{
    Batcher, Class, Config, DropReason, Failure, Framing, Notice, Outcome, Output, Problem, Record,
    Request, parse_retry_after,
};
use agentlens::testing::{Fault, Sim};
use agentlens::time::Millis;

/// Every output until `Wait`.
fn drain(b: &mut Batcher, now: Millis) -> (Vec<Request>, Vec<Notice>, Option<Millis>) {
    let (mut sends, mut notices) = (Vec::new(), Vec::new());
    loop {
        match b.poll_output(now) {
            Output::Send(r) => sends.push(r),
            Output::Event(n) => notices.push(n),
            Output::Wait(at) => return (sends, notices, at),
        }
    }
}

fn rec(session: &str, seq: usize, class: Class) -> Record {
    Record {
        body: format!(r#"{{"session_id":"{session}","seq":{seq}}}"#)
            .into_bytes()
            .into(),
        session: session.into(),
        run: None,
        class,
        sampled: None,
    }
}

fn ok() -> Outcome {
    Outcome::Status {
        code: 200,
        retry_after: None,
    }
}

fn status(code: u16) -> Outcome {
    Outcome::Status {
        code,
        retry_after: None,
    }
}

fn retrying(notices: &[Notice]) -> Vec<(u32, Millis)> {
    notices
        .iter()
        .filter_map(|n| match n {
            Notice::Retrying { attempt, delay, .. } => Some((*attempt, *delay)),
            _ => None,
        })
        .collect()
}

fn sim(config: Config) -> Sim {
    Sim::new(config, 1)
}

// ---------------------------------------------------------------- when to send

#[test]
fn sends_when_batch_size_records_are_buffered() {
    let mut b = Batcher::new(Config::default().with_batch_size(3), 0);
    b.push_many(Millis(0), (0..2).map(|i| rec("s", i, Class::Normal)));
    let (sends, _, wait) = drain(&mut b, Millis(0));
    assert!(sends.is_empty());
    assert_eq!(
        wait,
        Some(Millis(5000)),
        "the flush timer of the oldest record"
    );
    b.push(Millis(10), rec("s", 2, Class::Normal));
    let (sends, _, _) = drain(&mut b, Millis(10));
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].events, 3);
    assert_eq!(sends[0].timeout, Millis(10_000));
}

#[test]
fn sends_when_the_oldest_record_has_waited_the_flush_interval() {
    let mut s = sim(Config::default().with_flush_interval(Millis(2000)));
    s.push_events("s", 1);
    s.advance(Millis(1000));
    s.push_events("s", 1);
    s.advance(Millis(999));
    assert!(s.sent.is_empty());
    s.advance(Millis(1));
    assert_eq!(s.sent.len(), 1);
    assert_eq!(s.sent[0].events, 2);
}

#[test]
fn an_explicit_flush_sends_everything_buffered_at_once() {
    let mut s = sim(Config::default());
    s.push_events("s", 4);
    s.flush();
    let _ = s.poll();
    assert_eq!(s.sent.len(), 1);
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 4);
    assert!(s.batcher.is_idle());
}

#[test]
fn a_session_end_flushes_the_buffer_as_the_python_end_session_did() {
    let mut s = sim(Config::default());
    s.push_events("s", 2);
    s.push_class("s", None, Class::SessionEnd);
    let _ = s.poll();
    assert_eq!(s.sent.len(), 1);
    assert_eq!(s.sent[0].events, 3);
}

#[test]
fn a_flush_while_a_request_is_in_flight_sends_the_rest_after_it() {
    let mut s = sim(Config::default().with_batch_size(2));
    s.push_events("s", 2);
    let _ = s.poll();
    s.push_events("s", 1);
    s.flush();
    let _ = s.poll();
    assert_eq!(s.sent.len(), 1, "one request in flight at a time");
    s.drive();
    assert_eq!(s.sent.len(), 2);
    assert_eq!(
        s.delivered().iter().map(|e| e.1).collect::<Vec<_>>(),
        [0, 1, 2]
    );
}

// ---------------------------------------------------------------- request limits

#[test]
fn six_hundred_events_go_out_as_two_requests_of_at_most_five_hundred() {
    // The Python transport sent one POST of 600, got 400 four times and lost them all.
    let mut s = sim(Config::default());
    s.push_events("s", 600);
    s.flush();
    s.drive();
    let sizes: Vec<usize> = s.sent.iter().map(|r| r.events).collect();
    assert_eq!(sizes, [500, 100]);
    assert_eq!(s.batcher.stats().delivered, 600);
    assert_eq!(s.delivered_unique().len(), 600);
}

#[test]
fn requests_are_split_to_fit_the_byte_limit_framing_included() {
    let config = Config::default()
        .with_max_request_bytes(200)
        .with_batch_size(1000);
    let mut s = sim(config);
    s.push_events("s", 40);
    s.flush();
    s.drive();
    assert!(s.sent.len() > 1);
    assert!(
        s.sent.iter().all(|r| r.body.len() <= 200),
        "a body over 200 bytes"
    );
    assert_eq!(s.batcher.stats().delivered, 40);
    let body = std::str::from_utf8(&s.sent[0].body).unwrap();
    assert!(body.starts_with(r#"{"events":[{"session_id""#) && body.ends_with("}]}"));
}

#[test]
fn a_record_that_cannot_fit_in_any_request_is_dropped_too_large_at_push() {
    let mut b = Batcher::new(Config::default().with_max_request_bytes(64), 0);
    let mut big = rec("s", 0, Class::SessionEnd);
    big.body = vec![b'x'; 52].into();
    b.push(Millis(0), big.clone());
    big.body = vec![b'x'; 51].into(); // 51 + 13 bytes of framing = 64: fits
    b.push(Millis(0), big);
    let (sends, notices, _) = drain(&mut b, Millis(0));
    assert_eq!(
        notices,
        [Notice::Dropped {
            reason: DropReason::TooLarge,
            count: 1
        }]
    );
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].body.len(), 64);
}

#[test]
fn ndjson_framing_writes_one_record_per_line() {
    let mut b = Batcher::new(Config::default().with_framing(Framing::NDJSON), 0);
    b.push_many(Millis(0), (0..2).map(|i| rec("s", i, Class::Normal)));
    b.flush(Millis(0));
    let (sends, _, _) = drain(&mut b, Millis(0));
    assert_eq!(
        sends[0].body,
        b"{\"session_id\":\"s\",\"seq\":0}\n{\"session_id\":\"s\",\"seq\":1}\n"
    );
}

// ---------------------------------------------------------------- retries

#[test]
fn retries_back_off_exponentially_with_jitter_between_half_and_full_delay_up_to_the_cap() {
    let config = Config::default()
        .with_max_retries(8)
        .with_backoff_base(Millis(1000))
        .with_backoff_cap(Millis(8000));
    for seed in 0..20 {
        let mut s = Sim::new(config.clone(), seed);
        s.receiver.script([Fault::Status(503); 8]);
        s.push_events("s", 1);
        s.flush();
        s.drive();
        let delays = retrying(&s.notices);
        assert_eq!(delays.len(), 8, "seed {seed}");
        for (attempt, delay) in delays {
            let d = (1000u64 << (attempt - 1)).min(8000);
            assert!(
                (d / 2..=d).contains(&delay.0),
                "seed {seed}: retry {attempt} waited {delay}"
            );
        }
        assert_eq!(s.batcher.stats().delivered, 1, "seed {seed}");
        assert_eq!(s.batcher.stats().retries, 8);
        assert_eq!(s.batcher.stats().requests, 9);
    }
}

#[test]
fn no_request_is_sent_during_the_backoff() {
    let mut s = sim(Config::default().with_batch_size(1));
    s.receiver.script([Fault::Status(500)]);
    s.push_events("s", 1);
    s.advance(Millis(100));
    let delay = retrying(&s.notices)[0].1;
    s.push_events("s", 5);
    s.advance(delay - Millis(100) - Millis(51));
    assert_eq!(s.sent.len(), 1, "sent during the backoff");
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 6);
}

#[test]
fn retry_after_seconds_override_the_computed_backoff_and_are_clamped() {
    let config = Config::default().with_max_retry_after(Millis(60_000));
    let mut s = sim(config);
    s.receiver.script([
        Fault::StatusRetryAfter(429, 7),
        Fault::StatusRetryAfter(503, 3600),
    ]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(
        retrying(&s.notices),
        [(1, Millis(7000)), (2, Millis(60_000))]
    );
    assert_eq!(s.batcher.stats().delivered, 1);
}

#[test]
fn a_retry_after_http_date_overrides_the_computed_backoff() {
    let wall = 1_792_567_680_000.0 - 42_000.0; // 42 s before Wed, 21 Oct 2026 07:28:00 GMT
    let retry_after = parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", wall);
    assert_eq!(retry_after, Some(Millis(42_000)));
    let mut b = Batcher::new(Config::default(), 0);
    b.push(Millis(0), rec("s", 0, Class::SessionEnd));
    let (sends, _, _) = drain(&mut b, Millis(0));
    b.handle_response(
        Millis(10),
        sends[0].id,
        Outcome::Status {
            code: 503,
            retry_after,
        },
    );
    let (sends2, notices, wait) = drain(&mut b, Millis(10));
    assert!(sends2.is_empty());
    assert_eq!(retrying(&notices), [(1, Millis(42_000))]);
    assert_eq!(wait, Some(Millis(42_010)));
    let (sends3, _, _) = drain(&mut b, Millis(42_010));
    assert_eq!(sends3.len(), 1);
}

#[test]
fn statuses_408_429_and_every_5xx_are_retried() {
    for code in [408, 429, 500, 502, 503, 504, 507, 599] {
        let mut s = sim(Config::default());
        s.receiver.script([Fault::Status(code)]);
        s.push_events("s", 2);
        s.flush();
        s.drive();
        assert_eq!(s.sent.len(), 2, "{code} retried once");
        assert_eq!(s.batcher.stats().delivered, 2, "{code}");
    }
    let mut s = sim(Config::default());
    s.receiver.script([Fault::Network, Fault::Timeout]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 1);
    assert_eq!(retrying(&s.notices).len(), 2);
}

#[test]
fn statuses_400_401_403_404_and_3xx_are_final_and_counted_rejected() {
    for code in [400, 401, 403, 404, 422, 301, 100] {
        let mut s = sim(Config::default());
        s.receiver.script([Fault::Status(code)]);
        s.push_events("s", 3);
        s.flush();
        s.drive();
        assert_eq!(s.sent.len(), 1, "{code} must not be retried");
        let stats = s.batcher.stats();
        assert_eq!(stats.dropped.rejected, 3, "{code}");
        assert_eq!(s.dropped_notices(DropReason::Rejected), 3);
        assert!(stats.identity_holds());
    }
}

#[test]
fn a_413_splits_the_batch_into_halves_and_a_single_event_413_is_too_large() {
    let mut s = sim(Config::default());
    // [s0..s4 t0] 413 → [s0 s1 s2] ok, [s3 s4 t0] 413 → [s3 s4] 413 → [s3] 413: too
    // large; [s4] ok; [t0] ok. Each half goes alone, even with newer records queued.
    s.receiver
        .script([413, 200, 413, 413, 413].map(Fault::Status));
    s.push_events("s", 5);
    s.push_events("t", 1);
    s.flush();
    let _ = s.poll();
    s.push_events("u", 1); // newer: must not join the halves
    s.drive();
    let sizes: Vec<usize> = s.sent.iter().map(|r| r.events).collect();
    assert_eq!(sizes, [6, 3, 3, 2, 1, 1, 1, 1]);
    let stats = s.batcher.stats();
    assert_eq!(stats.dropped.too_large, 1);
    assert_eq!(stats.delivered, 6);
    assert_eq!(stats.retries, 0, "a split is not a failure");
    let order: Vec<(String, u64)> = s.delivered();
    let want = [("s", 0), ("s", 1), ("s", 2), ("s", 4), ("t", 0), ("u", 0)];
    assert_eq!(order, want.map(|(k, n)| (k.to_owned(), n)));
}

#[test]
fn a_failed_batch_is_retried_ahead_of_newer_records_and_alone() {
    let mut s = sim(Config::default().with_batch_size(2));
    s.receiver.script([Fault::Status(503), Fault::Network]);
    s.push_events("s", 2);
    let _ = s.poll();
    s.push_events("s", 3);
    s.drive();
    let sizes: Vec<usize> = s.sent.iter().map(|r| r.events).collect();
    assert_eq!(
        sizes,
        [2, 2, 2, 3],
        "the retried batch keeps its boundaries"
    );
    let seqs: Vec<u64> = s.delivered().iter().map(|e| e.1).collect();
    assert_eq!(seqs, [0, 1, 2, 3, 4]);
}

#[test]
fn a_batch_is_dropped_retries_exhausted_after_one_plus_max_retries_attempts() {
    let mut s = sim(Config::default().with_max_retries(2));
    s.receiver.script([Fault::Status(503); 3]);
    s.push_events("s", 4);
    s.flush();
    s.drive();
    assert_eq!(s.sent.len(), 3);
    assert_eq!(s.batcher.stats().dropped.retries_exhausted, 4);
    assert_eq!(s.dropped_notices(DropReason::RetriesExhausted), 4);
    // The counter reset: the next batch gets its own three attempts.
    s.receiver.script([Fault::Status(503), Fault::Status(503)]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 1);
}

#[test]
fn a_success_resets_the_failure_count() {
    let mut s = sim(Config::default().with_max_retries(1).with_batch_size(1));
    s.receiver
        .script([Fault::Status(503), Fault::Ok, Fault::Status(503), Fault::Ok]);
    s.push_events("s", 1);
    s.drive();
    s.push_events("s", 1);
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 2);
    let attempts: Vec<u32> = retrying(&s.notices).iter().map(|r| r.0).collect();
    assert_eq!(attempts, [1, 1]);
}

#[test]
fn zero_retries_means_one_attempt() {
    let mut s = sim(Config::default().with_max_retries(0));
    s.receiver.script([Fault::Network]);
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(s.sent.len(), 1);
    assert_eq!(s.batcher.stats().dropped.retries_exhausted, 1);
}

// ---------------------------------------------------------------- responses and timers

#[test]
fn the_response_timer_fires_when_the_host_never_answers() {
    let config = Config::default().with_request_timeout(Millis(3000));
    let mut b = Batcher::new(config, 0);
    b.push(Millis(0), rec("s", 0, Class::SessionEnd));
    let (sends, _, wait) = drain(&mut b, Millis(0));
    assert_eq!(sends.len(), 1);
    assert_eq!(wait, Some(Millis(4000)), "timeout + 1 s of grace");
    b.handle_timeout(Millis(3999));
    assert_eq!(b.stats().retries, 0);
    b.handle_timeout(Millis(4000));
    let (_, notices, _) = drain(&mut b, Millis(4000));
    assert!(matches!(
        notices[..],
        [
            Notice::Retrying {
                request: 1,
                attempt: 1,
                ..
            },
            Notice::Failed {
                request: 1,
                failure: Failure {
                    problem: Problem::Timeout,
                    gave_up: None,
                    ..
                },
                warn: true,
            }
        ]
    ));
    // The late answer to the abandoned request changes nothing.
    b.handle_response(Millis(4100), sends[0].id, ok());
    assert_eq!(b.stats().delivered, 0);
}

#[test]
fn a_dead_receiver_is_detected_by_the_response_timer_in_the_sim() {
    let mut s = sim(Config::default().with_max_retries(1));
    s.receiver.kill();
    s.push_events("s", 1);
    s.flush();
    s.drive();
    assert_eq!(s.batcher.stats().dropped.retries_exhausted, 1);
    assert_eq!(s.sent.len(), 2);
}

#[test]
fn stale_and_unknown_response_ids_are_ignored() {
    let mut b = Batcher::new(Config::default(), 0);
    b.handle_response(Millis(0), 99, ok());
    b.push(Millis(0), rec("s", 0, Class::SessionEnd));
    let (sends, _, _) = drain(&mut b, Millis(0));
    b.handle_response(Millis(1), sends[0].id + 1, ok());
    assert_eq!(b.stats().pending, 1);
    b.handle_response(Millis(2), sends[0].id, ok());
    b.handle_response(Millis(3), sends[0].id, ok());
    assert_eq!(b.stats().delivered, 1);
    assert!(b.stats().identity_holds());
}

#[test]
fn spurious_timeouts_are_harmless_and_an_idle_batcher_waits_for_input() {
    let mut b = Batcher::new(Config::default(), 0);
    b.handle_timeout(Millis(5));
    b.handle_timeout(Millis(1_000_000));
    assert_eq!(b.poll_output(Millis(1_000_000)), Output::Wait(None));
    assert!(b.is_idle());
}

#[test]
fn notices_come_before_sends() {
    let mut b = Batcher::new(Config::default().with_max_request_bytes(64), 0);
    b.push(
        Millis(0),
        Record {
            body: vec![b'x'; 100].into(),
            ..rec("s", 0, Class::Normal)
        },
    );
    b.push(Millis(0), rec("s", 1, Class::SessionEnd));
    assert!(matches!(
        b.poll_output(Millis(0)),
        Output::Event(Notice::Dropped { .. })
    ));
    assert!(matches!(b.poll_output(Millis(0)), Output::Send(_)));
}

#[test]
fn a_timeout_the_collector_actually_received_is_redelivered_once_not_lost() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::Timeout]);
    s.push_events("s", 3);
    s.flush();
    s.drive();
    assert_eq!(s.delivered().len(), 6, "the retried batch arrives twice");
    assert_eq!(s.delivered_unique().len(), 3);
    assert_eq!(s.batcher.stats().delivered, 3, "but is counted once");
    s.assert_all_accounted();
}

#[test]
fn invalid_input_is_tracked_and_dropped() {
    let mut b = Batcher::new(Config::default(), 0);
    b.note_invalid(3);
    let (_, notices, _) = drain(&mut b, Millis(0));
    assert_eq!(
        notices,
        [Notice::Dropped {
            reason: DropReason::Invalid,
            count: 3
        }]
    );
    let stats = b.stats();
    assert_eq!((stats.tracked, stats.dropped.invalid), (3, 3));
}

// ---------------------------------------------------------------- bounded buffer

#[test]
fn a_full_buffer_drops_the_oldest_records_with_one_coalesced_notice() {
    let config = Config::default()
        .with_max_buffer_events(10)
        .with_batch_size(100);
    let mut b = Batcher::new(config, 0);
    b.push_many(Millis(0), (0..25).map(|i| rec("s", i, Class::Normal)));
    let (_, notices, _) = drain(&mut b, Millis(0));
    assert_eq!(
        notices,
        [Notice::Dropped {
            reason: DropReason::BufferFull,
            count: 15
        }]
    );
    b.flush(Millis(0));
    let (sends, _, _) = drain(&mut b, Millis(0));
    let body = String::from_utf8(sends[0].body.clone()).unwrap();
    assert!(
        body.contains(r#""seq":15}"#) && !body.contains(r#""seq":14}"#),
        "{body}"
    );
    assert_eq!(b.stats().pending, 10);
}

#[test]
fn a_full_buffer_never_drops_run_ends_session_ends_or_the_batch_in_flight() {
    let config = Config::default()
        .with_max_buffer_events(4)
        .with_batch_size(2);
    let mut b = Batcher::new(config, 0);
    b.push_many(Millis(0), (0..2).map(|i| rec("s", i, Class::Normal)));
    let (sends, _, _) = drain(&mut b, Millis(0)); // 2 in flight
    b.push(Millis(1), rec("s", 2, Class::RunEnd { error: false }));
    b.push(Millis(1), rec("s", 3, Class::SessionEnd));
    b.push_many(Millis(1), (4..10).map(|i| rec("s", i, Class::Normal)));
    assert_eq!(b.stats().dropped.buffer_full, 6);
    b.push(Millis(1), rec("s", 10, Class::SessionEnd));
    assert_eq!(b.stats().pending, 5, "critical records may exceed the cap");
    b.handle_response(Millis(2), sends[0].id, ok());
    let (sends, _, _) = drain(&mut b, Millis(2));
    let body = String::from_utf8(sends[0].body.clone()).unwrap();
    for seq in [2, 3, 10] {
        assert!(body.contains(&format!(r#""seq":{seq}}}"#)), "{body}");
    }
    assert_eq!(b.stats().delivered, 2);
}

#[test]
fn the_byte_cap_bounds_the_buffer_too() {
    let config = Config::default()
        .with_max_buffer_bytes(100)
        .with_batch_size(1000);
    let mut s = sim(config);
    s.push_events("s", 20); // ~27 bytes each
    let stats = s.batcher.stats();
    assert!(stats.buffered_bytes <= 100, "{stats:?}");
    assert!(stats.dropped.buffer_full >= 16);
    s.assert_invariants();
}

#[test]
fn a_retry_waiting_batch_is_droppable_for_space_and_what_is_left_is_retried() {
    let config = Config::default()
        .with_max_buffer_events(4)
        .with_batch_size(3);
    let mut s = sim(config);
    s.receiver.script([Fault::Status(503)]);
    s.push_events("s", 3);
    s.advance(Millis(100)); // failed, waiting
    s.push_events("s", 3);
    s.drive();
    assert_eq!(s.batcher.stats().dropped.buffer_full, 2);
    let seqs: Vec<u64> = s.delivered().iter().map(|e| e.1).collect();
    assert_eq!(seqs, [2, 3, 4, 5]);
}

// ---------------------------------------------------------------- sampling

fn sampled_record(session: &str, sampled: Option<bool>) -> Record {
    Record {
        sampled,
        ..rec(session, 0, Class::Normal)
    }
}

#[test]
fn sampling_gives_the_same_decision_for_the_same_session() {
    let config = Config::default()
        .with_sample_rate(0.5)
        .with_batch_size(10_000);
    let (mut a, mut b) = (Batcher::new(config.clone(), 1), Batcher::new(config, 2));
    for i in 0..200 {
        let session = format!("session-{}", i % 50);
        a.push(Millis(0), sampled_record(&session, None));
        b.push(Millis(0), sampled_record(&session, None));
    }
    assert_eq!(a.stats(), b.stats(), "the seed must not matter");
    assert_eq!(a.stats().sampled_out % 4, 0, "whole sessions are in or out");
}

#[test]
fn a_half_rate_keeps_roughly_half_of_a_thousand_sessions() {
    let config = Config::default()
        .with_sample_rate(0.5)
        .with_batch_size(10_000);
    let mut b = Batcher::new(config.with_max_buffer_events(10_000), 0);
    for i in 0..1000 {
        b.push(Millis(0), sampled_record(&format!("{i:016x}"), None));
    }
    let kept = b.stats().pending;
    assert!((400..=600).contains(&kept), "kept {kept} of 1000");
}

#[test]
fn a_host_sampling_decision_overrides_the_rate() {
    let mut b = Batcher::new(Config::default().with_sample_rate(0.0), 0);
    b.push(Millis(0), sampled_record("a", Some(true)));
    b.push(Millis(0), sampled_record("a", None));
    let mut all = Batcher::new(Config::default(), 0);
    all.push(Millis(0), sampled_record("b", Some(false)));
    assert_eq!((b.stats().pending, b.stats().sampled_out), (1, 1));
    assert_eq!((all.stats().pending, all.stats().sampled_out), (0, 1));
}

#[test]
fn the_end_records_of_a_sampled_out_session_are_sampled_out_too() {
    let mut b = Batcher::new(Config::default().with_sample_rate(0.0), 0);
    b.push(Millis(0), rec("s", 0, Class::Normal));
    b.push(Millis(0), rec("s", 1, Class::RunEnd { error: true }));
    b.push(Millis(0), rec("s", 2, Class::SessionEnd));
    let stats = b.stats();
    assert_eq!(
        (stats.sampled_out, stats.pending, stats.dropped.total()),
        (3, 0, 0)
    );
    assert!(stats.identity_holds());
}

// ---------------------------------------------------------------- only_on_error

fn run_rec(sim: &mut Sim, run: &str, class: Class) -> Record {
    sim.record("s", Some(run), class)
}

#[test]
fn only_on_error_keeps_failed_runs_whole_and_samples_out_clean_ones() {
    let mut s = sim(Config::default().with_only_on_error(true));
    for class in [Class::Normal, Class::Normal, Class::RunEnd { error: false }] {
        let r = run_rec(&mut s, "clean", class);
        s.push(r);
    }
    for class in [
        Class::Normal,
        Class::Error,
        Class::Normal,
        Class::RunEnd { error: false },
    ] {
        let r = run_rec(&mut s, "failed", class);
        s.push(r);
    }
    s.push_events("s", 1); // no run: passes through
    s.flush();
    s.drive();
    let stats = s.batcher.stats();
    assert_eq!(stats.sampled_out, 3);
    assert_eq!(stats.delivered, 5);
    let seqs: Vec<u64> = s.delivered().iter().map(|e| e.1).collect();
    assert_eq!(seqs, [3, 4, 5, 6, 7]);
}

#[test]
fn only_on_error_releases_a_run_whose_end_reports_an_error() {
    let mut s = sim(Config::default().with_only_on_error(true));
    for class in [Class::Normal, Class::Normal] {
        let r = run_rec(&mut s, "r", class);
        s.push(r);
    }
    assert_eq!(s.batcher.stats().pending, 2, "held records are pending");
    let end = run_rec(&mut s, "r", Class::RunEnd { error: true });
    s.push(end);
    s.flush();
    s.drive();
    assert_eq!(s.batcher.stats().delivered, 3);
}

#[test]
fn nested_runs_are_held_and_decided_independently() {
    let mut s = sim(Config::default().with_only_on_error(true));
    let steps = [
        ("parent", Class::Normal),
        ("child", Class::Normal),
        ("child", Class::Error),
        ("child", Class::RunEnd { error: true }),
        ("parent", Class::RunEnd { error: false }),
    ];
    for (run, class) in steps {
        let r = run_rec(&mut s, run, class);
        s.push(r);
    }
    s.flush();
    s.drive();
    let stats = s.batcher.stats();
    assert_eq!((stats.delivered, stats.sampled_out), (3, 2));
}

#[test]
fn the_hold_is_bounded_and_drops_the_oldest_run_hold_full() {
    let config = Config::default()
        .with_only_on_error(true)
        .with_max_held_events(5);
    let mut s = sim(config);
    for _ in 0..4 {
        let r = run_rec(&mut s, "old", Class::Normal);
        s.push(r);
    }
    for _ in 0..2 {
        let r = run_rec(&mut s, "new", Class::Normal);
        s.push(r);
    }
    let stats = s.batcher.stats();
    assert_eq!((stats.dropped.hold_full, stats.pending), (4, 2));
    let _ = s.poll();
    assert_eq!(s.dropped_notices(DropReason::HoldFull), 4);
    s.assert_invariants();
}

// ---------------------------------------------------------------- shutdown

#[test]
fn shutdown_drains_everything_before_the_deadline() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::Status(503)]);
    s.push_events("s", 1200);
    s.shutdown(Millis(30_000));
    s.drive();
    let stats = s.batcher.stats();
    assert_eq!(stats.delivered, 1200);
    assert!(s.batcher.is_shut_down());
    assert_eq!(
        s.notices.last(),
        Some(&Notice::ShutdownComplete {
            delivered: 1200,
            dropped: 0
        })
    );
    assert!(s.now < Millis(30_000));
}

#[test]
fn shutdown_against_a_dead_receiver_drops_the_rest_shutdown_timeout_at_the_deadline() {
    let mut s = sim(Config::default());
    s.receiver.kill();
    s.push_events("s", 700);
    s.shutdown(Millis(5000));
    s.drive();
    let stats = s.batcher.stats();
    assert_eq!(stats.dropped.shutdown_timeout, 700);
    assert_eq!(s.now, Millis(5000));
    let complete: Vec<_> = s
        .notices
        .iter()
        .filter(|n| matches!(n, Notice::ShutdownComplete { .. }))
        .collect();
    assert_eq!(
        complete,
        [&Notice::ShutdownComplete {
            delivered: 0,
            dropped: 700
        }]
    );
    // The in-flight request was counted dropped: its late answer must not count again.
    s.batcher.handle_response(s.now, s.sent[0].id, ok());
    assert_eq!(s.batcher.stats().delivered, 0);
    assert!(s.batcher.stats().identity_holds());
}

#[test]
fn a_retry_is_never_scheduled_past_the_shutdown_deadline() {
    let config = Config::default()
        .with_backoff_base(Millis(4000))
        .with_backoff_cap(Millis(4000));
    let mut s = sim(config);
    s.receiver.script([Fault::Status(503)]);
    s.push_events("s", 3);
    s.shutdown(Millis(1000)); // backoff is at least 2000 ms
    s.drive();
    assert!(retrying(&s.notices).is_empty());
    assert_eq!(s.batcher.stats().dropped.shutdown_timeout, 3);
    assert!(
        s.now < Millis(1000),
        "gave up at once instead of waiting for the deadline"
    );
    assert!(s.batcher.is_shut_down());
}

#[test]
fn a_retry_after_beyond_the_deadline_gives_up_at_once() {
    let mut s = sim(Config::default());
    s.receiver.script([Fault::StatusRetryAfter(429, 60)]);
    s.push_events("s", 2);
    s.shutdown(Millis(10_000));
    s.drive();
    assert_eq!(s.batcher.stats().dropped.shutdown_timeout, 2);
    assert!(s.now < Millis(1000));
}

#[test]
fn records_pushed_after_shutdown_are_dropped_shutdown_timeout() {
    let mut s = sim(Config::default());
    s.shutdown(Millis(1000));
    s.push_events("s", 2);
    let _ = s.poll();
    assert_eq!(s.batcher.stats().dropped.shutdown_timeout, 2);
    assert!(s.batcher.is_shut_down());
    s.assert_all_accounted();
}

#[test]
fn shutdown_drops_held_records_of_runs_that_can_no_longer_end() {
    let mut s = sim(Config::default().with_only_on_error(true));
    let r = run_rec(&mut s, "r", Class::Normal);
    s.push(r);
    s.push_events("s", 1);
    s.shutdown(Millis(10_000));
    s.drive();
    let stats = s.batcher.stats();
    assert_eq!((stats.delivered, stats.dropped.shutdown_timeout), (1, 1));
    assert!(s.batcher.is_shut_down());
}

#[test]
fn shutdown_complete_is_emitted_once() {
    let mut b = Batcher::new(Config::default(), 0);
    b.shutdown(Millis(0), Millis(10));
    b.shutdown(Millis(1), Millis(20));
    let (_, notices, wait) = drain(&mut b, Millis(50));
    assert_eq!(
        notices,
        [Notice::ShutdownComplete {
            delivered: 0,
            dropped: 0
        }]
    );
    assert_eq!(wait, None);
    assert!(drain(&mut b, Millis(60)).1.is_empty());
}

// ---------------------------------------------------------------- seeded soak

mod soak {
    use super::*;
    use agentlens::testing::Rng;

    const SEEDS: u64 = 50;
    const OPS: usize = 300;

    const FAULTS: &[(Fault, u32)] = &[
        (Fault::Ok, 50),
        (Fault::Status(503), 8),
        (Fault::Status(500), 4),
        (Fault::StatusRetryAfter(429, 1), 4),
        (Fault::Status(408), 2),
        (Fault::Status(400), 2),
        (Fault::Status(413), 4),
        (Fault::Timeout, 4),
        (Fault::Network, 6),
        (Fault::Slow(Millis(300)), 4),
        (Fault::Slow(Millis(20_000)), 2),
    ];

    fn random_config(rng: &mut Rng) -> Config {
        let base = 10 + rng.below(1000);
        let mut config = Config::default()
            .with_batch_size(1 + rng.below(20) as usize)
            .with_flush_interval(Millis(100 + rng.below(5000)))
            .with_max_request_bytes(256 + rng.below(4000) as usize)
            .with_max_request_events(1 + rng.below(60) as usize)
            .with_max_retries(rng.below(5) as u32)
            .with_backoff_base(Millis(base))
            .with_backoff_cap(Millis(base * (1 + rng.below(10))))
            .with_max_retry_after(Millis(1000 + rng.below(20_000)))
            .with_request_timeout(Millis(200 + rng.below(3000)))
            .with_max_buffer_events(10 + rng.below(100) as usize)
            .with_max_buffer_bytes(1000 + rng.below(10_000) as usize)
            .with_only_on_error(rng.chance(0.3))
            .with_max_held_events(5 + rng.below(100) as usize);
        if rng.chance(0.3) {
            config.sample_rate = rng.below(101) as f64 / 100.0;
        }
        if rng.chance(0.2) {
            config.framing = Framing::NDJSON;
        }
        assert_eq!(config.validate(), Ok(()));
        config
    }

    /// How a soak run ends.
    #[derive(Clone, Copy, PartialEq)]
    enum Ending {
        /// The outage ends, the collector calms down, the deadline is ample.
        Calm,
        /// The collector stays faulty and the deadline is short.
        Tight,
    }

    /// Random bursts of pushes, flushes, outages and time jumps against a faulty
    /// collector, with every invariant checked after every step; then a shutdown that
    /// must account for every event.
    fn soak(seed: u64, ending: Ending) {
        let mut rng = Rng::new(seed);
        let mut s = Sim::new(random_config(&mut rng), seed);
        s.label = format!(
            "seed {seed} ({})",
            if ending == Ending::Calm {
                "calm"
            } else {
                "tight"
            }
        );
        s.receiver.randomize(seed ^ 0x5EED, FAULTS);
        s.receiver.latency = Millis(1 + rng.below(200));
        let sessions = ["a", "b", "c", "d"];
        let mut runs = [0u32; 4];
        let mut invalid = 0;
        for _ in 0..OPS {
            match rng.below(100) {
                0..=54 => {
                    let burst = if rng.chance(0.1) { 40 } else { 3 };
                    for _ in 0..1 + rng.below(burst) {
                        let i = rng.below(4) as usize;
                        let class = match rng.below(100) {
                            0..=79 => Class::Normal,
                            80..=84 => Class::Error,
                            85..=94 => Class::RunEnd {
                                error: rng.chance(0.2),
                            },
                            _ => Class::SessionEnd,
                        };
                        // A session end belongs to no run (and is never held).
                        let in_run = class != Class::SessionEnd && rng.chance(0.6);
                        let run = in_run.then(|| format!("{}-r{}", sessions[i], runs[i]));
                        if matches!(class, Class::RunEnd { .. }) {
                            runs[i] += 1;
                        }
                        s.push_class(sessions[i], run.as_deref(), class);
                    }
                }
                55..=59 => {
                    let _ = s.flush();
                }
                60..=62 => s.receiver.kill(),
                63..=66 => s.receiver.revive(),
                67 => {
                    s.batcher.note_invalid(1);
                    invalid += 1;
                }
                _ => s.advance(Millis(rng.below(3000))),
            }
            let _ = s.poll();
            s.assert_invariants();
        }
        let label = s.label.clone();
        let held = s.batcher.usage().held as u64;
        let deadline = match ending {
            Ending::Calm => {
                s.receiver.revive();
                s.receiver.calm();
                Millis(100_000_000)
            }
            Ending::Tight => Millis(rng.below(20_000)),
        };
        let start = s.now;
        s.flush();
        s.shutdown(deadline);
        s.drive();
        let stats = s.batcher.stats();
        assert!(s.batcher.is_shut_down(), "{label}: no shutdown: {stats:?}");
        s.assert_all_accounted();
        assert_eq!(stats.dropped.invalid, invalid, "{label}");
        let complete = s
            .notices
            .iter()
            .filter(|n| matches!(n, Notice::ShutdownComplete { .. }));
        assert_eq!(complete.count(), 1, "{label}");
        let notified: u64 = DropReason::ALL.iter().map(|&r| s.dropped_notices(r)).sum();
        assert_eq!(
            notified,
            stats.dropped.total(),
            "{label}: every drop was reported"
        );
        if ending == Ending::Calm {
            assert!(s.now < start + deadline, "{label}: ran into the deadline");
            assert_eq!(
                stats.dropped.shutdown_timeout, held,
                "{label}: with an ample deadline only held records of unended runs are lost"
            );
        }
        // Nothing the batcher did was scheduled past the deadline.
        for notice in &s.notices {
            if let Notice::Retrying { delay, .. } = notice {
                assert!(
                    *delay
                        <= s.batcher
                            .config()
                            .max_retry_after
                            .max(s.batcher.config().backoff_cap),
                    "{label}"
                );
            }
        }
    }

    #[test]
    fn seeded_fault_injection_never_loses_an_event_silently() {
        for seed in 0..SEEDS {
            soak(seed, Ending::Calm);
        }
    }

    #[test]
    fn seeded_faults_with_a_tight_shutdown_deadline_account_for_every_event() {
        for seed in 0..SEEDS {
            soak(seed, Ending::Tight);
        }
    }

    #[test]
    fn a_long_outage_keeps_memory_bounded_and_recovers() {
        for seed in 0..10 {
            let config = Config::default()
                .with_max_buffer_events(50)
                .with_batch_size(5);
            let mut s = Sim::new(config, seed);
            s.receiver.kill();
            let mut rng = Rng::new(seed);
            for _ in 0..2000 {
                let session = ["a", "b"][rng.below(2) as usize];
                let class = if rng.chance(0.05) {
                    Class::SessionEnd
                } else {
                    Class::Normal
                };
                s.push_class(session, None, class);
                s.advance(Millis(rng.below(500)));
            }
            assert!(s.batcher.stats().dropped.buffer_full > 1000, "seed {seed}");
            s.receiver.revive();
            s.shutdown(Millis(10_000_000));
            s.drive();
            assert!(s.batcher.is_shut_down(), "seed {seed}");
            s.assert_all_accounted();
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_retry_after_never_panics(header in ".{0,40}", now in any::<f64>()) {
            let _ = parse_retry_after(&header, now);
        }

        #[test]
        fn any_input_sequence_keeps_the_accounting_exact(ops in proptest::collection::vec(0u8..8, 0..200)) {
            let config = Config::default().with_batch_size(3).with_max_buffer_events(8);
            let mut b = Batcher::new(config, 9);
            let mut now = Millis(0);
            let mut last_id = 0;
            for op in ops {
                match op {
                    0..=2 => b.push(now, rec("s", 0, Class::Normal)),
                    3 => b.push(now, rec("s", 0, Class::SessionEnd)),
                    4 => b.handle_response(now, last_id, status(503)),
                    5 => b.handle_response(now, last_id, ok()),
                    6 => now = now + Millis(700),
                    _ => b.shutdown(now, now + Millis(5000)),
                }
                let (sends, _, wait) = drain(&mut b, now);
                if let Some(r) = sends.last() {
                    last_id = r.id;
                }
                prop_assert!(b.stats().identity_holds());
                prop_assert!(wait.is_none_or(|w| w > now));
            }
        }
    }
}
