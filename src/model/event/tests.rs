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
