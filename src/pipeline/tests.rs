//! A pipeline of several sinks on a virtual clock: redaction once, each sink its own
//! framing, batcher and retries.

use serde_json::{Value, json};

use super::*;
use crate::batch::{Notice, Outcome};
use crate::model::Event;
use crate::time::UnixNanos;

const SECRET: &str = "mail bob@example.com please";

fn event(i: u64) -> Event {
    let mut e = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
    e.input_data = Some(json!({ "prompt": SECRET, "i": i }));
    e
}

fn two_sinks() -> Pipeline {
    let config = Config {
        batch: batch::Config::default().with_batch_size(5),
        ..Config::default()
    };
    Pipeline::with_sinks(config, &[Format::Agentlens, Format::Ndjson], [4; 32]).unwrap()
}

/// What each sink was sent, by sink.
#[derive(Default)]
struct Wire {
    bodies: [Vec<Vec<u8>>; 2],
    notices: Vec<(usize, Notice)>,
}

/// Drives the pipeline on a virtual clock until `until`: every request is answered at
/// once by `answer(sink, now)`; timers fire when due.
fn run(
    p: &mut Pipeline,
    wire: &mut Wire,
    from: Millis,
    until: Millis,
    answer: impl Fn(usize, Millis) -> u16,
) {
    let mut now = from;
    while now <= until {
        let next = loop {
            match p.poll_sink_output(now) {
                (i, Output::Send(req)) => {
                    let code = answer(i, now);
                    assert_eq!(sinks::sink_of(req.id, 2), i, "the id names the sink");
                    if code == 200 {
                        wire.bodies[i].push(req.body);
                    }
                    p.handle_response(
                        now,
                        req.id,
                        Outcome::Status {
                            code,
                            retry_after: None,
                        },
                    );
                }
                (i, Output::Event(n)) => wire.notices.push((i, n)),
                (_, Output::Wait(at)) => break at,
            }
        };
        now = match next {
            Some(at) if at > now => at,
            Some(_) => Millis(now.0 + 1),
            None => break,
        };
        p.handle_timeout(now);
    }
}

fn events_in(body: &[u8], ndjson: bool) -> Vec<Value> {
    if ndjson {
        std::str::from_utf8(body)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    } else {
        let v: Value = serde_json::from_slice(body).unwrap();
        v["events"].as_array().unwrap().clone()
    }
}

#[test]
fn one_event_is_redacted_once_and_each_sink_gets_its_own_framing() {
    let mut p = two_sinks();
    for i in 0..10 {
        p.push(Millis(0), event(i), None);
    }
    let mut wire = Wire::default();
    run(&mut p, &mut wire, Millis(0), Millis(0), |_, _| 200);
    assert_eq!(
        p.redaction().matches_redacted,
        10,
        "once per event, not once per sink"
    );
    assert!(wire.bodies[0][0].starts_with(b"{\"events\":["));
    assert!(wire.bodies[1][0].ends_with(b"\n") && wire.bodies[1][0].starts_with(b"{\"event_id\""));
    for (sink, ndjson) in [(0, false), (1, true)] {
        let events: Vec<Value> = wire.bodies[sink]
            .iter()
            .flat_map(|b| events_in(b, ndjson))
            .collect();
        assert_eq!(events.len(), 10);
        let ids: Vec<_> = events.iter().map(|e| e["event_id"].clone()).collect();
        let first: Vec<_> = wire.bodies[0]
            .iter()
            .flat_map(|b| events_in(b, false))
            .map(|e| e["event_id"].clone())
            .collect();
        assert_eq!(ids, first, "both sinks carry the same ids, in order");
        for e in &events {
            let text = e.to_string();
            assert!(
                !text.contains("bob@example.com") && text.contains("[REDACTED]"),
                "{text}"
            );
        }
    }
    for (i, s) in p.sink_stats().iter().enumerate() {
        assert_eq!((s.tracked, s.delivered, s.pending), (10, 10, 0), "sink {i}");
        assert!(s.identity_holds());
    }
}

/// What a host shows of the events it sent (a tracker's `explain()`, its analyses) is
/// redacted by the pipeline's own redactor: a redacted id there is the id on the wire.
#[test]
fn the_shared_redactor_tags_an_id_as_the_wire_carries_it() {
    let mut p = two_sinks();
    let mut e = event(0);
    e.session_id = "sess-alice@example.com".into();
    p.push(Millis(0), e, None);
    p.flush(Millis(0));
    let mut wire = Wire::default();
    run(&mut p, &mut wire, Millis(0), Millis(0), |_, _| 200);
    let sent = events_in(&wire.bodies[1][0], true);
    let on_wire = sent[0]["session_id"].as_str().unwrap();
    assert!(
        on_wire.contains("REDACTED.") && !on_wire.contains("alice"),
        "{on_wire}"
    );

    let shared = p.shared_redactor();
    let mut id = "sess-alice@example.com".to_owned();
    shared.redact_id(&mut id, &mut Report::default());
    assert_eq!(id, on_wire);
    assert!(std::ptr::eq(&*shared, p.redactor()), "shared, not a copy");
    let other = Pipeline::with_sinks(Config::default(), &[], [5; 32]).unwrap();
    let mut id = "sess-alice@example.com".to_owned();
    other.redactor().redact_id(&mut id, &mut Report::default());
    assert_ne!(id, on_wire, "another seed, another key");
}

#[test]
fn a_failing_sink_retries_on_its_own_while_the_other_delivers() {
    let mut p = two_sinks();
    for i in 0..10 {
        p.push(Millis(0), event(i), None);
    }
    let mark = p.flush(Millis(0));
    let mut wire = Wire::default();
    // The HTTP sink's receiver is down for the first 20 s; the file sink never fails.
    let answer = |sink: usize, now: Millis| {
        if sink == 0 && now < Millis(20_000) {
            503
        } else {
            200
        }
    };
    run(&mut p, &mut wire, Millis(0), Millis(0), answer);
    assert_eq!(
        p.sink_stats()[1].delivered,
        10,
        "the file sink is not held up"
    );
    assert_eq!(p.sink_stats()[0].delivered, 0);
    assert!(!p.is_flushed(mark), "a flush waits for every sink");
    assert!(
        wire.notices
            .iter()
            .any(|(i, n)| *i == 0 && matches!(n, Notice::Retrying { .. }))
    );
    assert!(
        wire.notices
            .iter()
            .all(|(i, n)| *i == 0 || !matches!(n, Notice::Retrying { .. }))
    );
    run(&mut p, &mut wire, Millis(1), Millis(120_000), answer);
    let s = p.sink_stats();
    assert_eq!((s[0].delivered, s[0].pending), (10, 0), "{:?}", s[0]);
    assert!(s[0].retries > 0 && s[1].retries == 0);
    assert!(p.is_flushed(mark));
    assert_eq!(
        p.redaction().matches_redacted,
        10,
        "retries never redact again"
    );
}

#[test]
fn shutdown_completes_per_sink_and_the_identity_holds_in_each() {
    let mut p = two_sinks();
    for i in 0..7 {
        p.push(Millis(0), event(i), None);
    }
    p.shutdown(Millis(0), Millis(5_000));
    let mut wire = Wire::default();
    run(&mut p, &mut wire, Millis(0), Millis(10_000), |sink, _| {
        if sink == 0 { 503 } else { 200 }
    });
    assert!(p.is_shut_down());
    let s = p.sink_stats();
    assert_eq!(s[1].delivered, 7);
    assert_eq!(
        s[0].dropped.total(),
        7,
        "the HTTP sink's events ran out of time"
    );
    assert!(s.iter().all(Stats::identity_holds));
    let complete = wire
        .notices
        .iter()
        .filter(|(_, n)| matches!(n, Notice::ShutdownComplete { .. }));
    assert_eq!(complete.count(), 2, "one per sink");
}

#[test]
fn no_sinks_checks_options_mints_ids_and_is_always_flushed() {
    let mut p = Pipeline::with_sinks(Config::default(), &[], [1; 32]).unwrap();
    p.push(Millis(0), event(0), None);
    assert_eq!(
        p.redaction(),
        &Report::default(),
        "nothing leaves, nothing to redact"
    );
    let mark = p.flush(Millis(0));
    assert!(p.is_flushed(mark));
    assert_eq!(p.poll_sink_output(Millis(0)), (0, Output::Wait(None)));
    assert_eq!(p.ids().event_ids(3).len(), 48);
    let bad = Config {
        batch: batch::Config::default().with_batch_size(0),
        ..Config::default()
    };
    let err = Pipeline::with_sinks(bad, &[], [1; 32]).unwrap_err();
    assert_eq!(err.option(), "batchSize");
}

#[test]
fn a_response_reaches_only_the_sink_whose_request_it_answers() {
    let mut p = two_sinks();
    p.push(Millis(0), event(0), None);
    p.flush(Millis(0));
    let mut sends = Vec::new();
    loop {
        match p.poll_sink_output(Millis(0)) {
            (_, Output::Send(req)) => sends.push(req.id),
            (_, Output::Wait(_)) => break,
            _ => {}
        }
    }
    assert_eq!(sends.len(), 2);
    p.handle_response(
        Millis(1),
        sends[1],
        Outcome::Status {
            code: 200,
            retry_after: None,
        },
    );
    let s = p.sink_stats();
    assert_eq!((s[0].delivered, s[1].delivered), (0, 1));
}

#[test]
fn token_counts_are_the_event_models() {
    for v in [
        json!(12),
        json!(-3),
        json!(2.9),
        json!("7"),
        json!(null),
        json!(true),
        json!(1e300),
    ] {
        let mut e = Map::new();
        e.insert("event_type".into(), "llm_call".into());
        e.insert("session_id".into(), "s".into());
        e.insert("tokens_in".into(), v.clone());
        let decoded = agentlens::decode_event(Value::Object(e))
            .unwrap()
            .tokens_in
            .unwrap_or(0);
        assert_eq!(token_count(v.clone()), decoded, "{v}");
    }
    assert_eq!(token_count(json!(12)), 12);
}

#[test]
fn host_errors_name_the_option_as_the_host_spells_it() {
    let err = check_options(r#"{"backoffBaseMs": 5000, "backoffCapMs": 10}"#).unwrap_err();
    assert_eq!(err.option(), "backoffBaseMs");
    assert!(err.message().contains("backoff"), "{}", err.message());
    let err = check_options(r#"{"redactPatterns": [{"name": "broken_rule", "regex": "("}]}"#)
        .unwrap_err();
    assert_eq!(err.option(), "redactPatterns");
    assert!(err.message().contains("broken_rule"));
    let err = check_options(r#"{"maxEventBytes": 4096, "maxRequestBytes": 1024}"#).unwrap_err();
    assert_eq!(err.option(), "maxEventBytes");
    assert!(check_options("{}").is_ok());
}

#[test]
fn every_batch_refusal_names_a_host_option() {
    let d = batch::Config::default;
    for c in [
        d().with_batch_size(0),
        d().with_max_request_events(0),
        d().with_max_request_bytes(63),
        d().with_backoff_base(Millis(5)).with_backoff_cap(Millis(4)),
        d().with_sample_rate(2.0),
        d().with_max_buffer_events(0),
        d().with_max_buffer_bytes(0),
        d().with_max_held_events(0),
    ] {
        let err = ConfigError::Batch(c.validate().unwrap_err());
        assert!(
            OPTIONS.iter().any(|s| s.name == err.option()),
            "{}",
            err.option()
        );
    }
}
