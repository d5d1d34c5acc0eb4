//! The pipeline: sanitise before queueing, encode, batch, account.

use agentlens::batch::{Outcome, Output};
use agentlens::encode::agentlens::decode_body;
use agentlens::model::{Event, EventType};
use agentlens::pipeline::{Config, ConfigError, Options, Pipeline};
use agentlens::time::{Millis, UnixNanos};
use serde_json::json;

pub(crate) fn drain(p: &mut Pipeline, now: Millis) -> Vec<Output> {
    let mut out = Vec::new();
    loop {
        let o = p.poll_output(now);
        let done = matches!(o, Output::Wait(_));
        out.push(o);
        if done {
            return out;
        }
    }
}

/// Sends every request and answers 200 until nothing is left; returns the bodies.
pub(crate) fn deliver_all(p: &mut Pipeline, now: Millis) -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    for _ in 0..1000 {
        let sends: Vec<_> = drain(p, now)
            .into_iter()
            .filter_map(|o| match o {
                Output::Send(r) => Some(r),
                _ => None,
            })
            .collect();
        if sends.is_empty() {
            return bodies;
        }
        for r in sends {
            p.handle_response(
                now,
                r.id,
                Outcome::Status {
                    code: 200,
                    retry_after: None,
                },
            );
            bodies.push(r.body);
        }
    }
    bodies
}

fn llm(i: u64) -> Event {
    let mut e = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
    e.input_data = Some(json!({"prompt": format!("question {i}")}));
    e
}

#[test]
fn events_get_ids_and_reach_the_wire_in_order() {
    let mut p = Pipeline::new(Config::default(), [1; 32]).unwrap();
    for i in 0..25 {
        p.push(Millis(0), llm(i), None);
    }
    p.flush(Millis(0));
    let bodies = deliver_all(&mut p, Millis(0));
    let events: Vec<Event> = bodies
        .iter()
        .flat_map(|b| decode_body(b).unwrap())
        .collect();
    assert_eq!(events.len(), 25);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e.input_data.as_ref().unwrap()["prompt"],
            format!("question {i}")
        );
        assert_eq!(e.event_id.as_ref().unwrap().len(), 16);
    }
    let s = p.stats();
    assert_eq!(s.batch.delivered, 25);
    assert!(s.batch.identity_holds());
}

#[test]
fn secrets_are_redacted_before_the_event_is_queued() {
    let mut p = Pipeline::new(Config::default(), [1; 32]).unwrap();
    let mut e = llm(0);
    e.input_data = Some(json!({"prompt": "mail bob@example.com", "api_key": "plain"}));
    e.user_id = Some("bob@example.com".into());
    p.push(Millis(0), e, None);
    p.flush(Millis(0));
    let body = String::from_utf8(deliver_all(&mut p, Millis(0)).concat()).unwrap();
    assert!(
        !body.contains("bob@example.com") && !body.contains("plain"),
        "{body}"
    );
    assert!(body.contains("mail [REDACTED]"));
    let r = p.stats().redaction;
    assert_eq!((r.keys_redacted, r.matches_redacted), (1, 2));
}

#[test]
fn fields_and_whole_events_are_held_to_their_byte_limits() {
    let mut config = Config::default();
    config.redact.max_field_bytes = 1000;
    config.redact.max_event_bytes = 3000;
    let mut p = Pipeline::new(config, [1; 32]).unwrap();
    let mut e = llm(0);
    e.input_data = Some(json!({"prompt": "é".repeat(5000)}));
    e.output_data = Some(json!({"response": "x".repeat(5000)}));
    e.metadata = Some(json!({"a": "y".repeat(900)}));
    e.tool_call = Some(Box::new(agentlens::model::ToolCall {
        tool_name: "t".into(),
        tool_input: json!(["z".repeat(900)]),
        ..Default::default()
    }));
    p.push(Millis(0), e, None);
    p.flush(Millis(0));
    let bodies = deliver_all(&mut p, Millis(0));
    let events = decode_body(&bodies[0]).unwrap();
    let size = serde_json::to_vec(&events[0]).unwrap().len();
    assert!(size <= 3000, "event is {size} bytes");
    let prompt = events[0].input_data.as_ref().unwrap()["prompt"]
        .as_str()
        .unwrap();
    assert!(prompt.ends_with("... [truncated]") && prompt.len() < 1000);
    assert!(p.stats().redaction.fields_truncated >= 2);
}

#[test]
fn a_backend_compatible_event_fits_its_byte_limit_envelope_included() {
    let mut config = Config::default();
    config.redact.max_event_bytes = 3000;
    let mut p = Pipeline::new(config, [1; 32]).unwrap();
    let mut e = llm(0);
    e.output_data = Some(json!({"response": "x".repeat(5000)}));
    e.metadata = Some(json!({"a": "y".repeat(900)}));
    e.attributes = json!({"b": "z".repeat(900)}).as_object().cloned();
    e.run_id = Some("r2".into());
    e.parent_run_id = Some("r1".into());
    e.run_name = Some("book".into());
    e.status = Some("completed".into());
    p.push(Millis(0), e, None);
    p.flush(Millis(0));
    let bodies = deliver_all(&mut p, Millis(0));
    let body: serde_json::Value = serde_json::from_slice(&bodies[0]).unwrap();
    let wire = &body["events"][0];
    let size = serde_json::to_vec(wire).unwrap().len();
    assert!(size <= 3000, "the event is {size} bytes on the wire");
    assert!(wire["output_data"]["_agentlens"].is_object());
    let event = &decode_body(&bodies[0]).unwrap()[0];
    assert_eq!(
        (event.run_id.as_deref(), event.run_name.as_deref()),
        (Some("r2"), Some("book"))
    );
    assert!(p.stats().redaction.fields_truncated >= 1);
}

#[test]
fn a_session_end_flushes_at_once() {
    let mut p = Pipeline::new(Config::default(), [1; 32]).unwrap();
    p.push(Millis(0), llm(0), None);
    assert!(matches!(
        drain(&mut p, Millis(0)).as_slice(),
        [Output::Wait(Some(_))]
    ));
    let end = Event {
        event_type: EventType::SessionEnd,
        session_id: "s1".into(),
        ..Event::default()
    };
    p.push(Millis(1), end, None);
    let bodies = deliver_all(&mut p, Millis(1));
    assert_eq!(decode_body(&bodies[0]).unwrap().len(), 2);
}

#[test]
fn json_input_that_is_not_an_event_is_counted_never_thrown() {
    let mut p = Pipeline::new(Config::default(), [1; 32]).unwrap();
    assert_eq!(
        p.push_json(
            Millis(0),
            r#"[{"event_type":"llm_call","session_id":"a"}, 5, "x", {"tool_call": 3}]"#
        ),
        1
    );
    assert_eq!(p.push_json(Millis(0), "{nope"), 0);
    let s = p.stats().batch;
    assert_eq!(s.dropped.invalid, 4);
    assert_eq!(s.tracked, 5);
    assert!(s.identity_holds());
}

#[test]
fn host_options_parse_with_defaults_and_name_bad_options() {
    let c = Options::from_json(
        r#"{"batchSize": 50, "flushIntervalMs": 250, "redactKeys": ["custom_field"]}"#,
    )
    .unwrap()
    .into_config()
    .unwrap();
    assert_eq!(c.batch.batch_size, 50);
    assert_eq!(c.batch.flush_interval, Millis(250));
    assert!(c.redact.keys.iter().any(|k| k == "custom_field"));
    let err = Options::from_json(r#"{"batchSiz": 5}"#).unwrap_err();
    assert!(err.to_string().contains("batchSiz"), "{err}");
    // Kinds and ranges are checked as the options are read, naming the option.
    let err = Options::from_json(r#"{"flushIntervalMs": -1}"#).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Value { option, .. } if option == "flushIntervalMs"),
        "{err:?}"
    );
    let err = Options::from_json(r#"{"format": "xml"}"#).unwrap_err();
    assert!(err.to_string().contains("format"));
    let bad = Options::from_json(r#"{"redactPatterns": [{"name": "mine", "regex": "("}]}"#)
        .unwrap()
        .into_config()
        .unwrap();
    let err = Pipeline::new(bad, [0; 32]).unwrap_err();
    assert!(err.to_string().contains("mine"), "{err}");
}
