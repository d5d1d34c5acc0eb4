//! The OTLP sink in a pipeline, on a virtual clock: the OTLP delivery policy (only 429,
//! 502, 503, 504, timeouts and network errors retried, `Retry-After` on 429 and 503 only,
//! 413 final), partial success counted exactly, the envelope within the request limit,
//! redaction before encoding, and the AgentLens sink's policy unchanged beside it.

use agentlens::batch::{self, DropReason, Notice, Outcome, Output, Request, parse_retry_after};
use agentlens::encode::otlp::{Encoding, OtlpConfig};
use agentlens::model::{Event, EventType};
use agentlens::pipeline::{Config, Format, Pipeline};
use agentlens::time::{Millis, UnixNanos};
use serde_json::{Value, json};

fn otlp(encoding: Encoding, capture: bool) -> Format {
    Format::Otlp(Box::new(OtlpConfig {
        encoding,
        capture_content: capture,
        ..OtlpConfig::default()
    }))
}

fn pipeline(formats: &[Format], batch: batch::Config) -> Pipeline {
    let config = Config {
        batch,
        ..Config::default()
    };
    Pipeline::with_sinks(config, formats, [7; 32]).unwrap()
}

fn llm(i: usize, prompt: &str) -> Event {
    let mut e = Event::new(EventType::LlmCall, "sess", UnixNanos(1_000 + i as i64));
    e.model = Some("gpt-4o".into());
    e.input_data = Some(json!({ "prompt": prompt }));
    e
}

/// Pushes `n` events and flushes; returns the first request of sink `sink`.
fn push_and_send(p: &mut Pipeline, n: usize, now: Millis) -> Request {
    for i in 0..n {
        p.push(now, llm(i, "hello"), None);
    }
    let _ = p.flush(now);
    next_send(p, now).expect("a request")
}

/// Polls until a request or the wait; notices go to `notices`.
fn poll(
    p: &mut Pipeline,
    now: Millis,
    notices: &mut Vec<Notice>,
) -> Result<Request, Option<Millis>> {
    loop {
        match p.poll_output(now) {
            Output::Send(r) => return Ok(r),
            Output::Event(n) => notices.push(n),
            Output::Wait(at) => return Err(at),
        }
    }
}

fn next_send(p: &mut Pipeline, now: Millis) -> Option<Request> {
    poll(p, now, &mut Vec::new()).ok()
}

fn status(p: &mut Pipeline, now: Millis, id: u64, code: u16, retry_after: Option<&str>) {
    let after = retry_after.and_then(|h| parse_retry_after(h, 1_792_567_680_000.0));
    p.handle_status(now, id, code, after, b"");
}

/// The delay of the retry scheduled after the last answer, if one was.
fn retry_delay(p: &mut Pipeline, now: Millis) -> Option<Millis> {
    let mut notices = Vec::new();
    let _ = poll(p, now, &mut notices);
    notices.iter().find_map(|n| match n {
        Notice::Retrying { delay, .. } => Some(*delay),
        _ => None,
    })
}

fn fast() -> batch::Config {
    batch::Config::default()
        .with_backoff_base(Millis(100))
        .with_backoff_cap(Millis(400))
        .with_max_retries(3)
}

#[test]
fn an_outage_answering_500_is_final_for_otlp_and_retried_for_agentlens() {
    let mut p = pipeline(
        &[otlp(Encoding::Protobuf, false), Format::Agentlens],
        fast(),
    );
    let now = Millis(0);
    for i in 0..3 {
        p.push(now, llm(i, "x"), None);
    }
    let _ = p.flush(now);
    let mut notices = Vec::new();
    for _ in 0..2 {
        let r = poll(&mut p, now, &mut notices).unwrap();
        status(&mut p, now, r.id, 500, None);
    }
    let _ = poll(&mut p, now, &mut notices);
    let [o, a] = &p.sink_stats()[..] else {
        panic!()
    };
    assert_eq!(
        (o.dropped.rejected, o.retries, o.pending),
        (3, 0, 0),
        "OTLP: 500 is final"
    );
    assert_eq!(
        (a.dropped.rejected, a.retries, a.pending),
        (0, 1, 3),
        "AgentLens: 500 is retried"
    );
    assert!(o.identity_holds() && a.identity_holds());
}

#[test]
fn retry_after_is_honoured_on_429_and_503_only_seconds_or_http_date() {
    for (code, header, want) in [
        (503, Some("7"), Some(Millis(7_000))),
        (429, Some("2"), Some(Millis(2_000))),
        (
            503,
            Some("Wed, 21 Oct 2026 07:28:30 GMT"),
            Some(Millis(30_000)),
        ),
        (502, Some("7"), None),
        (504, Some("7"), None),
        (503, None, None),
    ] {
        let mut p = pipeline(&[otlp(Encoding::Protobuf, false)], fast());
        let r = push_and_send(&mut p, 2, Millis(0));
        status(&mut p, Millis(0), r.id, code, header);
        let delay = retry_delay(&mut p, Millis(0)).expect("retried");
        match want {
            Some(d) => assert_eq!(delay, d, "{code} {header:?}"),
            None => assert!(
                delay <= Millis(400),
                "{code} {header:?}: backoff, not the header ({delay})"
            ),
        }
        // The retry goes out when due, and a 2xx delivers it.
        let again = next_send(&mut p, delay).expect("the retry");
        assert_eq!(again.events, 2);
        status(&mut p, delay, again.id, 200, None);
        let s = &p.sink_stats()[0];
        assert_eq!((s.delivered, s.retries), (2, 1));
    }
}

#[test]
fn statuses_outside_the_retry_list_are_final_413_included() {
    for (code, reason) in [
        (400, DropReason::Rejected),
        (401, DropReason::Rejected),
        (404, DropReason::Rejected),
        (408, DropReason::Rejected),
        (500, DropReason::Rejected),
        (501, DropReason::Rejected),
        (413, DropReason::TooLarge),
    ] {
        let mut p = pipeline(&[otlp(Encoding::Json, false)], fast());
        let r = push_and_send(&mut p, 4, Millis(0));
        status(&mut p, Millis(0), r.id, code, Some("1"));
        assert!(
            next_send(&mut p, Millis(60_000)).is_none(),
            "{code}: no retry, no split"
        );
        let s = &p.sink_stats()[0];
        assert_eq!(
            (s.dropped.get(reason), s.retries, s.requests),
            (4, 0, 1),
            "{code}"
        );
    }
}

#[test]
fn network_errors_and_timeouts_are_retried_with_backoff_until_the_limit() {
    let mut p = pipeline(&[otlp(Encoding::Protobuf, false)], fast());
    let mut now = Millis(0);
    let mut r = push_and_send(&mut p, 1, now);
    for attempt in 0..4 {
        let outcome = if attempt % 2 == 0 {
            Outcome::Network
        } else {
            Outcome::Timeout
        };
        p.handle_response(now, r.id, outcome);
        match retry_delay(&mut p, now) {
            Some(d) => {
                now = now + d;
                r = next_send(&mut p, now).expect("the retry");
            }
            None => break,
        }
    }
    let s = &p.sink_stats()[0];
    assert_eq!(
        (s.retries, s.dropped.retries_exhausted, s.requests),
        (3, 1, 4)
    );
    assert!(s.identity_holds());
}

/// An `ExportTraceServiceResponse` with a partial success, in protobuf.
fn partial_proto(rejected: u8, message: &str) -> Vec<u8> {
    let mut inner = vec![0x08, rejected, 0x12, message.len() as u8];
    inner.extend_from_slice(message.as_bytes());
    let mut out = vec![0x0a, inner.len() as u8];
    out.extend(inner);
    out
}

#[test]
fn a_partial_success_is_final_and_counted_exactly() {
    let mut p = pipeline(&[otlp(Encoding::Protobuf, false)], fast());
    let now = Millis(0);
    let r = push_and_send(&mut p, 5, now);
    p.handle_status(now, r.id, 200, None, &partial_proto(2, "2 spans too old"));
    let mut notices = Vec::new();
    assert!(poll(&mut p, now, &mut notices).is_err(), "nothing resent");
    let s = &p.sink_stats()[0];
    assert_eq!(
        (
            s.tracked,
            s.delivered,
            s.dropped.rejected,
            s.partial_rejected,
            s.pending
        ),
        (5, 3, 2, 2, 0)
    );
    assert!(s.identity_holds());
    assert!(notices.contains(&Notice::Delivered { events: 3 }));
    assert!(notices.contains(&Notice::PartialSuccess {
        request: r.id,
        rejected: 2,
        warn: true
    }));
    assert_eq!(p.partial_message(0), Some("2 spans too old"));

    // The second explanation is not a warning; a count over the batch is clamped.
    let r = push_and_send(&mut p, 1, now);
    p.handle_status(now, r.id, 200, None, &partial_proto(9, "again"));
    let mut notices = Vec::new();
    let _ = poll(&mut p, now, &mut notices);
    assert!(notices.contains(&Notice::PartialSuccess {
        request: r.id,
        rejected: 1,
        warn: false
    }));
    assert_eq!(p.partial_message(0), Some("2 spans too old"));
    let s = &p.sink_stats()[0];
    assert_eq!(
        (s.delivered, s.partial_rejected, s.dropped.rejected),
        (3, 3, 3)
    );

    // JSON, and a 200 with rejected_spans 0 is a full success.
    let mut p = pipeline(&[otlp(Encoding::Json, false)], fast());
    let r = push_and_send(&mut p, 4, now);
    let body = br#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"m"}}"#;
    p.handle_status(now, r.id, 200, None, body);
    let r = push_and_send(&mut p, 2, now);
    p.handle_status(now, r.id, 200, None, br#"{"partialSuccess":{}}"#);
    let s = &p.sink_stats()[0];
    assert_eq!(
        (s.delivered, s.partial_rejected, s.dropped.rejected),
        (5, 1, 1)
    );
    assert!(s.identity_holds());
}

#[test]
fn wrapped_bodies_stay_within_the_request_limit() {
    let limit = 4096;
    let batch = batch::Config::default()
        .with_max_request_bytes(limit)
        .with_batch_size(1000);
    let config = Config {
        batch,
        redact: agentlens::redact::Config {
            max_event_bytes: 2048,
            ..agentlens::redact::Config::default()
        },
        ..Config::default()
    };
    for encoding in [Encoding::Protobuf, Encoding::Json] {
        let mut p = Pipeline::with_sinks(config.clone(), &[otlp(encoding, true)], [1; 32]).unwrap();
        for i in 0..60 {
            p.push(Millis(0), llm(i, &"long prompt ".repeat(20)), None);
        }
        let _ = p.flush(Millis(0));
        let mut sent = 0;
        while let Some(r) = next_send(&mut p, Millis(0)) {
            assert!(r.body.len() <= limit, "{} > {limit}", r.body.len());
            sent += r.events;
            p.handle_status(Millis(0), r.id, 200, None, b"");
        }
        assert_eq!(sent, 60, "{encoding:?}");
    }
}

#[test]
fn content_is_redacted_before_it_is_encoded() {
    let secret = "mail bob@example.com, key sk-abcdefghijklmnopqrstuvwxyz123456";
    for encoding in [Encoding::Protobuf, Encoding::Json] {
        let mut p = pipeline(&[otlp(encoding, true)], batch::Config::default());
        let mut e = llm(0, secret);
        e.output_data = Some(json!({ "response": secret }));
        e.attributes = Some(serde_json::Map::from_iter([(
            "note".to_owned(),
            Value::from(secret),
        )]));
        p.push(Millis(0), e, None);
        let r = push_and_send(&mut p, 0, Millis(0));
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("gen_ai.input.messages"), "content captured");
        assert!(!body.contains("bob@example.com"), "{encoding:?}: {body}");
        assert!(!body.contains("sk-abcdefghijklmnop"), "{encoding:?}");
    }
}

#[test]
fn a_model_calls_content_no_sink_writes_is_never_kept_nor_redacted() {
    let secret = "mail bob@example.com";
    let call = |failed: bool| {
        let mut e = llm(0, secret);
        e.output_data = Some(json!({ "response": secret, "error": "rate limited" }));
        if failed {
            e.status = Some("error".into());
        }
        e
    };
    // OTLP without captureContent alone: the prompt and response are dropped before
    // redaction (nothing counted); a failed call keeps `output_data`, which names its error.
    let mut p = pipeline(&[otlp(Encoding::Json, false)], batch::Config::default());
    p.push(Millis(0), call(false), None);
    assert_eq!(p.redaction().matches_redacted, 0);
    p.push(Millis(0), call(true), None);
    assert_eq!(
        p.redaction().matches_redacted,
        1,
        "the failed call's response"
    );
    let r = push_and_send(&mut p, 0, Millis(0));
    let body = String::from_utf8_lossy(&r.body);
    assert!(
        body.contains("rate limited"),
        "the failure's message: {body}"
    );
    assert!(!body.contains("bob@example.com") && !body.contains("gen_ai.input.messages"));
    // Beside a sink that writes content (AgentLens, or OTLP with captureContent), the
    // content is kept and redacted once for all of them.
    for other in [Format::Agentlens, otlp(Encoding::Json, true)] {
        let mut p = pipeline(
            &[otlp(Encoding::Json, false), other],
            batch::Config::default(),
        );
        p.push(Millis(0), call(false), None);
        assert_eq!(p.redaction().matches_redacted, 2, "prompt and response");
    }
}
