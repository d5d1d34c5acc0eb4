//! Backend compatibility on the AgentLens wire: what the original backend keeps of each
//! event is enough for our decoders to restore the event whole (errors, memory, runs,
//! attributes, token details), and the Python SDK's own shapes pass unchanged.

use agentlens::encode::agentlens::{
    WireConfig, decode_body, decode_event, encode_event, encode_event_owned,
};
use agentlens::model::{ErrorInfo, Event, EventType, Memory};
use agentlens::time::UnixNanos;
use serde_json::{Value, json};

/// The columns the AgentLens backend stores for a regular event (reference A.3/A.4).
const STORED: [&str; 12] = [
    "event_id",
    "session_id",
    "event_type",
    "timestamp",
    "input_data",
    "output_data",
    "model",
    "tokens_in",
    "tokens_out",
    "tool_call",
    "decision_trace",
    "duration_ms",
];

fn wire(e: &Event) -> Value {
    serde_json::from_slice(&encode_event(e, WireConfig::default())).unwrap()
}

/// The event as the backend stores it and gives it back: unknown fields dropped.
fn through_backend(e: &Event) -> Value {
    let Value::Object(mut map) = wire(e) else {
        panic!("not an object")
    };
    map.retain(|k, _| STORED.contains(&k.as_str()));
    Value::Object(map)
}

fn base(t: EventType) -> Event {
    let mut e = Event::new(t, "s1", UnixNanos::from_unix_ms(1_790_000_000_000.0));
    e.event_id = Some("e1".into());
    e
}

fn in_run(mut e: Event) -> Event {
    e.run_id = Some("r2".into());
    e.parent_run_id = Some("r1".into());
    e.trace_id = Some("0af7651916cd43dd8448eb211c80319c".into());
    e.span_id = Some("b7ad6b7169203331".into());
    e
}

#[test]
fn an_error_is_where_the_python_sdk_puts_it_and_comes_back_whole() {
    let mut e = in_run(base(EventType::Error));
    e.error = Some(Box::new(ErrorInfo {
        error_type: "TimeoutError".into(),
        message: "upstream took 30 s".into(),
        critical: true,
        stack_trace: Some("at fetch (agent.js:3)".into()),
    }));
    let stored = through_backend(&e);
    assert_eq!(stored["event_type"], "error");
    assert_eq!(stored["output_data"]["error"], "upstream took 30 s");
    assert_eq!(stored["output_data"]["error_type"], "TimeoutError");
    assert_eq!(decode_event(stored).unwrap(), e);
}

#[test]
fn memory_runs_and_attributes_survive_the_backend() {
    let mut e = in_run(base(EventType::MemoryWrite));
    e.memory = Some(Box::new(Memory {
        key: "user_pref".into(),
        value: Some(json!({"seat": "aisle"})),
        memory_type: Some("key_value".into()),
        overwrite: Some(true),
    }));
    e.run_name = Some("book_flight".into());
    e.user_id = Some("u-7".into());
    e.attributes = Some(
        json!({"gen_ai.operation.name": "memory"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let stored = through_backend(&e);
    assert_eq!(stored["event_type"], "generic", "a type the backend stores");
    assert_eq!(decode_event(stored).unwrap(), e);

    let mut end = in_run(base(EventType::RunEnd));
    end.status = Some("failed".into());
    end.duration_ms = Some(12.5);
    assert_eq!(decode_event(through_backend(&end)).unwrap(), end);
}

#[test]
fn an_llm_call_keeps_its_response_readable_and_its_token_details() {
    let mut e = in_run(base(EventType::LlmCall));
    e.model = Some("gpt-4o".into());
    e.input_data = Some(json!({"prompt": "hi"}));
    e.output_data = Some(json!({"response": "hello"}));
    (e.tokens_in, e.tokens_out) = (Some(120), Some(45));
    (e.cached_input_tokens, e.reasoning_tokens) = (Some(100), Some(7));
    e.status = Some("completed".into());
    let stored = through_backend(&e);
    assert_eq!(
        stored["output_data"]["response"], "hello",
        "the backend's explain reads it"
    );
    assert_eq!(decode_event(stored).unwrap(), e);
}

#[test]
fn odd_outputs_round_trip_exactly() {
    let mut error = ErrorInfo {
        error_type: "E".into(),
        message: "m".into(),
        ..ErrorInfo::default()
    };
    for output in [
        None,
        Some(json!("plain text")),
        Some(json!([1, 2])),
        Some(json!({})),
        Some(json!({"error": "theirs", "error_type": "Theirs"})),
        Some(json!({"_agentlens": "a user's own key"})),
    ] {
        let mut e = in_run(base(EventType::ToolError));
        e.output_data = output.clone();
        e.error = Some(Box::new(error.clone()));
        error.message.push('!');
        let stored = through_backend(&e);
        assert_eq!(decode_event(stored).unwrap(), e, "output {output:?}");
    }
}

#[test]
fn events_with_nothing_to_move_are_written_exactly_as_before() {
    let mut e = base(EventType::LlmCall);
    e.output_data = Some(json!({"response": "4"}));
    let v = wire(&e);
    assert_eq!(v, serde_json::to_value(&e).unwrap());
    let body = include_str!("../fixtures/wire/python_sdk_batch.json");
    for event in decode_body(body.as_bytes()).unwrap() {
        assert_eq!(
            wire(&event)["output_data"],
            serde_json::to_value(&event).unwrap()["output_data"]
        );
    }
}

#[test]
fn without_backend_compat_nothing_moves() {
    let mut e = in_run(base(EventType::Decision));
    e.status = Some("completed".into());
    let raw = encode_event(
        &e,
        WireConfig {
            backend_compat: false,
        },
    );
    let v: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(v["run_id"], "r2");
    assert!(v.get("output_data").is_none());
}

#[test]
fn writing_for_the_backend_leaves_the_event_as_it_was() {
    let mut e = in_run(base(EventType::ToolError));
    e.status = Some("failed".into());
    e.metadata = Some(json!({"k": 1}));
    e.output_data = Some(json!({"result": "partial"}));
    e.error = Some(Box::new(ErrorInfo {
        error_type: "E".into(),
        message: "m".into(),
        ..ErrorInfo::default()
    }));
    let before = e.clone();
    let bytes = encode_event_owned(&mut e, WireConfig::default());
    assert_eq!(e, before);
    assert_eq!(bytes, encode_event(&before, WireConfig::default()));
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        v["output_data"],
        json!({"result": "partial", "error": "m", "error_type": "E", "_agentlens": {
            "status": "failed", "run_id": "r2", "parent_run_id": "r1",
            "trace_id": "0af7651916cd43dd8448eb211c80319c", "span_id": "b7ad6b7169203331",
            "metadata": {"k": 1}, "mirrored_error": true,
            "error": {"error_type": "E", "message": "m", "critical": false}}})
    );
    assert_eq!(decode_event(v).unwrap(), before);
}
