//! The fast read gives what the general read gives, body for body, or gives way.

use serde_json::{Value, json};

use super::{read_array, read_body};
use crate::encode::agentlens::{WireConfig, encode_event};
use crate::ingest::{
    Batch, Options, ingest_array, ingest_body, ingest_body_general, ingest_values, parse,
};
use crate::model::{Event, EventType, Memory};
use crate::redact::{Config, Redactor};
use crate::time::UnixNanos;

fn options(compress: bool) -> Options {
    Options {
        redactor: Redactor::new(Config::default()).unwrap(),
        now: UnixNanos(1_767_225_600_000_000_000),
        seed: 11,
        compress,
        max_events: 10_000,
    }
}

fn same(a: &Batch, b: &Batch, what: &str) {
    assert_eq!(a.received, b.received, "{what}: received");
    assert_eq!(a.rejected, b.rejected, "{what}: rejected");
    assert_eq!(a.report, b.report, "{what}: report");
    assert_eq!(a.records, b.records, "{what}: records");
}

/// `body` through `ingest_body` equals the general read, and the fast read took it (`fast`) or gave way.
fn check(body: &str, fast: bool) {
    assert_eq!(read_body(body).is_some(), fast, "fast read of {body}");
    for compress in [false, true] {
        let o = options(compress);
        match (
            ingest_body(body.as_bytes(), &o),
            ingest_body_general(body, &o),
        ) {
            (Ok(a), Ok(b)) => same(&a, &b, body),
            (Err(a), Err(b)) => assert_eq!(a, b, "{body}"),
            (a, b) => panic!("{body}: {a:?} vs {b:?}"),
        }
    }
}

fn events(items: &[Value]) -> String {
    json!({ "events": items }).to_string()
}

fn realistic() -> Vec<Value> {
    vec![
        json!({"event_id": "a1", "session_id": "s-1", "event_type": "session_start", "timestamp": "2026-01-05T10:00:00+00:00",
               "agent_name": "travel", "metadata": {"env": "prod", "owner": "jane.doe@example.com"}}),
        json!({"event_id": "a2", "session_id": "s-1", "event_type": "llm_call", "timestamp": "2026-01-05T10:00:00.100Z",
               "model": "gpt-4o", "tokens_in": "12.7", "tokens_out": 5, "cached_input_tokens": 3, "duration_ms": 812.5,
               "input_data": {"messages": [{"role": "user", "content": "key sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c please"}], "t": 0.2},
               "output_data": {"content": "card 4111 1111 1111 1111", "tool_calls": [{"id": "c1", "arguments": "{\"a\":1}"}]},
               "metadata": {"request_id": "r1", "password": "hunter2"}, "trace_id": "t1", "span_id": "sp1", "span_name": "chat", "children": [1, {"x": null}]}),
        json!({"event_id": "a3", "session_id": "s-1", "event_type": "tool_call", "timestamp": 1_767_225_600_123_i64,
               "tool_call": {"tool_name": "search", "tool_input": {"q": "AKIAIOSFODNN7EXAMPLE"}, "tool_output": {"n": 3}}, "run_id": "r-1"}),
        json!({"session_id": "s-1", "event_type": "decision", "timestamp": null, "span_id": "sp2",
               "decision_trace": {"trace_id": "t", "step": 2, "reasoning": "Bearer abcdefgh12345678", "alternatives_considered": ["x"], "confidence": 0.5}}),
        json!({"event_id": "a5", "session_id": "s-1", "event_type": "memory_write", "memory": {"key": "k", "value": {"v": 1}, "overwrite": true}}),
        json!({"event_id": "a6", "session_id": "s-1", "event_type": "error", "error": {"error_type": "E", "message": "ssn 078-05-1120", "critical": true}}),
        json!({"event_id": "a7", "session_id": "s-1", "event_type": "run_start", "run_id": "r-2", "run_name": "plan", "user_id": "u", "agent_type": "planner", "attributes": {"gen_ai.system": "openai"}}),
        json!({"event_id": "a8", "session_id": "s-1", "event_type": "run_end", "run_id": "r-2", "status": "failed", "duration_ms": -3}),
        json!({"session_id": "s-1", "event_type": "session_end", "ended_at": "2026-01-05T10:05:00Z", "total_tokens_in": 40, "status": "completed"}),
        json!({"event_id": "a9", "session_id": "bad id!", "event_type": "llm_call"}),
        json!({"event_id": "a10", "session_id": "jane@example.com", "event_type": "llm_call"}),
        json!({"event_id": "a11", "run_id": "r-3", "event_type": "custom_thing", "input_data": null, "output_data": null, "metadata": null}),
        json!({"event_id": "a12", "session_id": "s-2", "event_type": "tool_call", "tool_call": "not an object",
               "decision_trace": {"reasoning": "r", "alternatives_considered": [1, 2]}, "error": {"critical": "yes"}, "memory": {"key": "k", "overwrite": 1},
               "attributes": [1], "output_data": {"_agentlens": "not an envelope"}}),
        json!(1),
        json!("text"),
        json!(null),
        json!([1, [2, {"a": []}]]),
        json!(true),
        json!(2.5),
    ]
}

#[test]
fn realistic_and_odd_events_read_the_same_both_ways() {
    let items = realistic();
    check(&events(&items), true);
    for item in &items {
        check(&events(std::slice::from_ref(item)), true);
    }
    check(&events(&[]), true);
    check(
        r#"{"before": {"x": [1, 2]}, "events": [{"session_id": "s", "event_type": "llm_call"}], "after": null}"#,
        true,
    );
    check(
        r#"{"events": [{"\u0065vent_id": "e\u0031", "session_id": "s", "event_type": "llm_call", "x\ty": "\u00e9"}]}"#,
        true,
    );
    let body = include_str!("../../../tests/fixtures/wire/python_sdk_batch.json");
    check(body, true);
}

#[test]
fn what_the_fast_read_cannot_promise_goes_the_general_way() {
    // A key twice (the general read keeps the last), model field or extra.
    check(
        r#"{"events": [{"session_id": "a", "session_id": "b", "event_type": "llm_call"}]}"#,
        false,
    );
    check(
        r#"{"events": [{"session_id": "a", "tool_call": {"tool_name": "t"}, "tool_call": "x"}]}"#,
        false,
    );
    check(
        r#"{"events": [{"session_id": "a", "x": 1, "x": 2}]}"#,
        false,
    );
    check(r#"{"events": [{"session_id": "a"}], "events": []}"#, false);
    // Backend compatibility to undo, written by our own encoder and by hand (escaped too).
    let mut e = Event::new(EventType::MemoryWrite, "s1", UnixNanos(5_000_000));
    e.event_id = Some("m1".into());
    e.run_id = Some("r1".into());
    e.memory = Some(Box::new(Memory {
        key: "k".into(),
        ..Memory::default()
    }));
    let wire: Value = serde_json::from_slice(&encode_event(&e, WireConfig::default())).unwrap();
    let mut end = Event::new(EventType::SessionEnd, "s1", UnixNanos(9_000_000));
    end.total_tokens_in = Some(40);
    let end_wire: Value =
        serde_json::from_slice(&encode_event(&end, WireConfig::default())).unwrap();
    check(&events(&[wire]), false);
    check(&events(&[end_wire]), false);
    check(
        r#"{"events": [{"session_id": "a", "event_type": "generic", "\u0061gentlens_type": "decision"}]}"#,
        false,
    );
    check(
        r#"{"events": [{"session_id": "a", "output_data": {"\u005fagentlens": {"run_id": "r"}}}]}"#,
        false,
    );
    // Sections are read leniently, as the general read reads them.
    check(
        r#"{"events": [{"session_id": "a", "memory": {"key": 5, "overwrite": null}, "tool_call": {"tool_name": ["x"]}}]}"#,
        true,
    );
    // Not a batch, not JSON, too deep: the general read names the error.
    for body in [
        "[]",
        "{}",
        r#"{"events": {}}"#,
        r#"{"events": [1,]}"#,
        "nope",
        r#"{"events": []} x"#,
    ] {
        check(body, false);
    }
    let deep = format!(
        r#"{{"events": [{{"session_id": "a", "x": {}1{}}}]}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    check(&deep, false);
    let deep_beside = format!(
        r#"{{"other": {}1{}, "events": []}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    check(&deep_beside, false);
}

#[test]
fn arrays_read_the_same_both_ways() {
    let o = options(false);
    let text = Value::Array(realistic()).to_string();
    assert!(read_array(&text).is_some());
    let general = match parse(&text).unwrap() {
        Value::Array(items) => ingest_values(items, &o).unwrap(),
        _ => unreachable!(),
    };
    same(
        &ingest_array(text.as_bytes(), &o).unwrap(),
        &general,
        "array",
    );
    assert!(read_array(r#"{"events": []}"#).is_none());
    assert!(ingest_array(br#"{"events": []}"#, &o).is_err());
}
