//! Wire and trace-file codecs: every event kind round-trips; bad input gives positions.

use agentlens::encode::agentlens::{WireConfig, decode_body, encode_body};
use agentlens::encode::{DecodeError, ndjson};
use agentlens::model::{DecisionTrace, ErrorInfo, Event, EventType, Memory, ToolCall};
use agentlens::time::UnixNanos;
use proptest::prelude::*;
use serde_json::json;

fn one_of_each() -> Vec<Event> {
    let at = UnixNanos::parse_rfc3339("2026-11-22T10:00:00.123456Z").unwrap();
    let mut events = Vec::new();
    let mut start = Event::new(EventType::SessionStart, "s1", at);
    (start.tokens_in, start.tokens_out) = (None, None);
    start.agent_name = Some("research-agent".into());
    start.metadata = Some(json!({"env": "dev"}));
    events.push(start);
    let mut run = Event::new(EventType::RunStart, "s1", at);
    run.run_id = Some("r1".into());
    run.run_name = Some("plan".into());
    run.user_id = Some("u1".into());
    run.trace_id = Some("0af7651916cd43dd8448eb211c80319c".into());
    run.span_id = Some("b7ad6b7169203331".into());
    events.push(run);
    let mut llm = Event::new(EventType::LlmCall, "s1", at);
    llm.event_id = Some("a01bdf57e9c94b6d".into());
    llm.model = Some("gpt-4o".into());
    llm.input_data = Some(json!({"prompt": "2+2?"}));
    llm.output_data = Some(json!({"response": "4"}));
    (llm.tokens_in, llm.tokens_out) = (Some(120), Some(45));
    llm.cached_input_tokens = Some(100);
    llm.reasoning_tokens = Some(12);
    llm.duration_ms = Some(812.5);
    llm.decision_trace = Some(Box::new(DecisionTrace {
        trace_id: "512aaf2dbb3a4d98".into(),
        step: 1,
        reasoning: "simple arithmetic".into(),
        alternatives_considered: vec!["ask a human".into()],
        confidence: Some(0.75),
        timestamp: Some(at),
    }));
    events.push(llm);
    let mut tool = Event::new(EventType::ToolCall, "s1", at);
    tool.tool_call = Some(Box::new(ToolCall {
        tool_call_id: "d154e136d8664e77".into(),
        tool_name: "calculator".into(),
        tool_input: json!({"expr": "2+2"}),
        tool_output: Some(json!({"result": 4})),
        timestamp: Some(at),
        duration_ms: Some(3.2),
    }));
    events.push(tool);
    for kind in [EventType::MemoryRead, EventType::MemoryWrite] {
        let mut m = Event::new(kind, "s1", at);
        m.memory = Some(Box::new(Memory {
            key: "prefs".into(),
            value: Some(json!({"seat": "window"})),
            memory_type: Some("key_value".into()),
            overwrite: Some(true),
        }));
        events.push(m);
    }
    let mut err = Event::new(EventType::Error, "s1", at);
    err.error = Some(Box::new(ErrorInfo {
        error_type: "Timeout".into(),
        message: "slow".into(),
        critical: false,
        stack_trace: None,
    }));
    events.push(err);
    let mut fin = Event::new(EventType::Final, "s1", at);
    fin.output_data = Some(json!({"answer": "4"}));
    events.push(fin);
    let mut custom = Event::new(EventType::Custom("agent_handoff".into()), "s1", at);
    custom.attributes = Some(
        json!({"from_agent_id": "a", "to_agent_id": "b"})
            .as_object()
            .unwrap()
            .clone(),
    );
    events.push(custom);
    events.push(Event::new(EventType::Decision, "s1", at));
    let mut run_end = Event::new(EventType::RunEnd, "s1", at);
    run_end.run_id = Some("r1".into());
    run_end.status = Some("failed".into());
    events.push(run_end);
    let mut end = Event {
        event_type: EventType::SessionEnd,
        session_id: "s1".into(),
        ..Event::default()
    };
    end.ended_at = Some(at);
    end.status = Some("completed".into());
    (end.total_tokens_in, end.total_tokens_out) = (Some(120), Some(45));
    events.push(end);
    events
}

#[test]
fn every_event_kind_round_trips_through_the_wire_in_both_modes() {
    let events = one_of_each();
    for config in [
        WireConfig::default(),
        WireConfig {
            backend_compat: false,
        },
    ] {
        let body = encode_body(&events, config);
        assert_eq!(decode_body(&body).unwrap(), events, "{config:?}");
    }
}

#[test]
fn compat_mode_sends_only_types_the_agentlens_backend_stores() {
    let body = encode_body(&one_of_each(), WireConfig::default());
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let allowed = [
        "session_start",
        "session_end",
        "llm_call",
        "tool_call",
        "tool_error",
        "agent_call",
        "agent_error",
        "error",
        "generic",
    ];
    for e in v["events"].as_array().unwrap() {
        assert!(allowed.contains(&e["event_type"].as_str().unwrap()), "{e}");
    }
}

#[test]
fn every_event_kind_round_trips_through_an_ndjson_file() {
    let events = one_of_each();
    let text = ndjson::encode(&ndjson::Header::new(None), &events);
    let trace = ndjson::decode(std::str::from_utf8(&text).unwrap()).unwrap();
    assert_eq!(trace.events, events);
    assert_eq!(
        text.iter().filter(|&&b| b == b'\n').count(),
        events.len() + 1
    );
}

#[test]
fn truncated_input_reports_the_line_of_the_problem() {
    let text = ndjson::encode(&ndjson::Header::new(None), &one_of_each());
    let cut = &text[..text.len() - 20];
    let err = ndjson::decode(std::str::from_utf8(cut).unwrap()).unwrap_err();
    assert!(
        matches!(err, DecodeError::Json { line, .. } if line == one_of_each().len() + 1),
        "{err:?}"
    );
}

proptest! {
    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_body(&bytes);
        let _ = ndjson::decode_lossy(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn text_events_round_trip(prompt in ".{0,64}", model in "[a-z0-9.-]{1,20}", tokens in 0u64..1_000_000) {
        let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(1_700_000_000_000_000_000));
        e.input_data = Some(json!({"prompt": prompt}));
        e.model = Some(model);
        e.tokens_in = Some(tokens);
        let body = encode_body([&e], WireConfig::default());
        prop_assert_eq!(decode_body(&body).unwrap(), vec![e]);
    }
}

#[test]
fn an_event_array_reads_the_same_through_the_fast_and_the_element_path() {
    let events = json!([
        {"event_type": "llm_call", "session_id": "s", "timestamp": "2026-01-05T10:00:00Z",
         "model": "gpt-4o", "tokens_in": "12", "tokens_out": 3.0, "input_data": {"prompt": "hi", "n": [1, 2]}},
        {"event_type": "tool_call", "session_id": "s", "tool_call": {"tool_name": "search", "tool_input": {"q": "x"}},
         "duration_ms": 4.5, "unknown_field": true},
        {"event_type": "decision", "session_id": "s", "decision_trace": {"reasoning": "because", "step": "2"}}
    ]);
    let fast = agentlens::encode::agentlens::decode_event_array(&events.to_string()).unwrap();
    // A non-event element sends the whole array down the element-by-element path.
    let mut with_junk = events.as_array().unwrap().clone();
    with_junk.push(json!(7));
    with_junk.push(json!(["evt", "s"])); // serde would read a struct from an array; not an event
    let slow =
        agentlens::encode::agentlens::decode_event_array(&json!(with_junk).to_string()).unwrap();
    assert_eq!(fast.1, 0);
    assert_eq!(slow.1, 2);
    assert_eq!(fast.0, slow.0);
    assert_eq!(fast.0[0].model.as_deref(), Some("gpt-4o"));
    assert_eq!(fast.0[2].event_type, EventType::Decision);
}

#[test]
fn an_array_of_arrays_is_not_read_as_events() {
    let (events, skipped) =
        agentlens::encode::agentlens::decode_event_array(r#"[["a","s","llm_call"]]"#).unwrap();
    assert!(events.is_empty());
    assert_eq!(skipped, 1);
}
