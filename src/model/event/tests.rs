use super::*;

#[test]
fn event_types_round_trip_by_name_and_keep_custom_names() {
    for name in [
        "session_start",
        "session_end",
        "run_start",
        "run_end",
        "llm_call",
        "tool_call",
        "tool_error",
        "agent_call",
        "agent_error",
        "decision",
        "memory_read",
        "memory_write",
        "error",
        "final",
        "generic",
        "agent_handoff",
    ] {
        assert_eq!(EventType::parse(name).as_str(), name);
    }
    assert_eq!(EventType::parse("final_answer"), EventType::Final);
    assert_eq!(EventType::parse(""), EventType::Generic);
}

#[test]
fn bad_numbers_become_safe_values() {
    let e: Event = serde_json::from_str(
        r#"{"session_id":"s","event_type":"llm_call","tokens_in":-5,"tokens_out":"7",
            "duration_ms":-1,"timestamp":"not a time"}"#,
    )
    .unwrap();
    assert_eq!(e.tokens_in, Some(0));
    // A numeric string is a count (the one token rule, `lenient::token_count`).
    assert_eq!(e.tokens_out, Some(7));
    assert_eq!(e.duration_ms, Some(0.0));
    assert_eq!(e.timestamp, None);
}

#[test]
fn absent_sections_are_omitted_on_the_wire() {
    let e = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
    let text = serde_json::to_string(&e).unwrap();
    assert_eq!(
        text,
        r#"{"session_id":"s1","event_type":"llm_call","timestamp":"1970-01-01T00:00:00.000000Z","tokens_in":0,"tokens_out":0}"#
    );
}

#[test]
fn reading_from_text_and_from_a_value_tree_give_the_same_event() {
    // Straight from JSON text the lenient readers borrow strings without escapes; from a
    // `Value` tree (and for strings with escapes) they take owned ones. Same events.
    let texts = [
        r#"{"session_id":"s","event_type":"llm_call","timestamp":"2026-01-05T10:00:00.5+02:00","tokens_in":"12.9","tokens_out":-3,"duration_ms":"7","model":7}"#,
        r#"{"session_id":7,"event_type":"tool_call","timestamp":1767607200500,"ended_at":"no","tokens_in":1e300,"duration_ms":-5.5,"status":true,"run_id":{"a":[1,2]}}"#,
        r#"{"session_id":"s\"q\u00e9","timestamp":"2026-01-05T10:00:00Z","model":"gpt\n4","tokens_in":null,"tokens_out":" 8 ","total_tokens_in":[1],"user_id":null,"agent_name":["x",null]}"#,
        r#"{"session_id":"s","tool_call":{"tool_name":"t","tool_input":{"q":"x"},"timestamp":"2026-01-05T10:00:01.000001Z","duration_ms":"1"},"error":{"error_type":3,"message":null,"stack_trace":false}}"#,
        r#"{"session_id":"s","decision_trace":{"trace_id":"d","step":"2","reasoning":"r","confidence":"0.5","timestamp":12.5},"memory":{"key":1.5,"memory_type":"kv"}}"#,
        r#"{"session_id":null,"tokens_in":true,"reasoning_tokens":{"n":1},"cached_input_tokens":"1e3","duration_ms":null,"timestamp":null}"#,
    ];
    for text in texts {
        let direct: Event = serde_json::from_str(text).unwrap();
        let tree: Value = serde_json::from_str(text).unwrap();
        let via_tree: Event = serde_json::from_value(tree).unwrap();
        assert_eq!(direct, via_tree, "{text}");
    }
    let e: Event = serde_json::from_str(texts[0]).unwrap();
    assert_eq!(e.timestamp, Some(UnixNanos(1_767_600_000_500_000_000)));
    assert_eq!((e.tokens_in, e.tokens_out), (Some(12), Some(0)));
    assert_eq!(e.model.as_deref(), Some("7"));
    let e: Event = serde_json::from_str(texts[1]).unwrap();
    assert_eq!(e.session_id, "7");
    assert_eq!(e.timestamp, Some(UnixNanos(1_767_607_200_500_000_000)));
    assert_eq!(e.run_id.as_deref(), Some(r#"{"a":[1,2]}"#));
    assert_eq!(e.duration_ms, Some(0.0));
    let e: Event = serde_json::from_str(texts[2]).unwrap();
    assert_eq!(e.session_id, "s\"qé");
    assert_eq!((e.tokens_in, e.tokens_out), (None, Some(8)));
}
