//! Tests of the explanations: both formats, the seed's layouts, redaction first.

use serde_json::json;

use super::*;
use crate::model::{DecisionTrace, ErrorInfo, Memory, ToolCall};

fn at(text: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(text).unwrap()
}

fn event(kind: EventType, time: &str) -> Event {
    Event::new(kind, "s1", at(time))
}

fn start(name: &str, time: &str) -> Event {
    let mut e = event(EventType::SessionStart, time);
    (e.tokens_in, e.tokens_out) = (None, None);
    e.agent_name = Some(name.into());
    e
}

fn end(status: &str, tokens: Option<(u64, u64)>, time: Option<&str>) -> Event {
    Event {
        session_id: "s1".into(),
        event_type: EventType::SessionEnd,
        ended_at: time.map(at),
        status: Some(status.into()),
        total_tokens_in: tokens.map(|t| t.0),
        total_tokens_out: tokens.map(|t| t.1),
        ..Event::default()
    }
}

fn reasoned(mut e: Event, why: &str) -> Event {
    e.decision_trace = Some(Box::new(DecisionTrace {
        reasoning: why.into(),
        ..DecisionTrace::default()
    }));
    e
}

fn tool(name: &str, time: &str, input: Value, ms: Option<f64>) -> Event {
    let mut e = event(EventType::ToolCall, time);
    e.tool_call = Some(Box::new(ToolCall {
        tool_name: name.into(),
        tool_input: input,
        duration_ms: ms,
        ..ToolCall::default()
    }));
    e.duration_ms = ms;
    e
}

fn fixed(x: f64, digits: u32) -> String {
    let mut md = Md::default();
    md.fixed(x, digits);
    md.0
}

fn cut(text: &str) -> String {
    let mut md = Md::default();
    md.cut(text);
    md.0
}

#[test]
fn an_empty_trace_is_a_complete_document_with_no_events() {
    assert_eq!(
        explain(&[]),
        "## Session Explanation: default-agent\n**Session ID:** \n**Started:** unknown\n\
         **Status:** active\n**Total tokens:** 0 in / 0 out\n\n### Event Timeline:"
    );
}

#[test]
fn timeline_lines_are_the_sdks_and_session_records_are_not_entries() {
    let mut llm = reasoned(
        event(EventType::LlmCall, "2026-11-22T02:41:23.314486Z"),
        "simple arithmetic",
    );
    llm.model = Some("gpt-4o".into());
    (llm.tokens_in, llm.tokens_out) = (Some(120), Some(45));
    let events = [
        start("research-agent", "2026-11-22T02:41:23.314377+00:00"),
        llm,
        tool(
            "calculator",
            "2026-11-22T02:41:23.314661Z",
            json!({"expr": "2+2"}),
            None,
        ),
        end(
            "completed",
            Some((7, 8)),
            Some("2026-11-22T02:41:23.314894Z"),
        ),
    ];
    assert_eq!(
        explain(&events),
        "## Session Explanation: research-agent\n\
         **Session ID:** s1\n\
         **Started:** 2026-11-22T02:41:23.314377Z\n\
         **Status:** completed\n\
         **Total tokens:** 7 in / 8 out\n\
         \n\
         ### Event Timeline:\n\
         1. [02:41:23.314] **llm_call** (model: gpt-4o)\n   \
            💡 Reasoning: simple arithmetic\n   \
            📊 Tokens: 120 in / 45 out\n\
         2. [02:41:23.314] **tool_call** → tool: calculator"
    );
}

#[test]
fn totals_are_summed_and_the_start_is_the_first_time_without_a_session_start() {
    let mut a = event(EventType::LlmCall, "2026-01-01T23:59:59.999999Z");
    (a.tokens_in, a.tokens_out) = (Some(3), Some(0));
    let mut b = event(EventType::Generic, "2026-01-02T00:00:00Z");
    (b.tokens_in, b.tokens_out) = (Some(4), Some(1));
    b.model = Some(String::new());
    let mut untimed = event(
        EventType::Custom("agent_handoff".into()),
        "2026-01-01T00:00:00Z",
    );
    untimed.timestamp = None;
    assert_eq!(
        explain(&[a, untimed, b]),
        "## Session Explanation: default-agent\n\
         **Session ID:** s1\n\
         **Started:** 2026-01-01T23:59:59.999999Z\n\
         **Status:** active\n\
         **Total tokens:** 7 in / 1 out\n\
         \n\
         ### Event Timeline:\n\
         1. [23:59:59.999] **llm_call**\n   \
            📊 Tokens: 3 in / 0 out\n\
         2. [??:??:??.???] **agent_handoff**\n\
         3. [00:00:00.000] **generic**\n   \
            📊 Tokens: 4 in / 1 out"
    );
}

#[test]
fn extra_lines_follow_the_seed_lines_in_a_fixed_order() {
    let t = "2026-11-22T09:00:00Z";
    let mut run = event(EventType::RunStart, t);
    run.run_name = Some("lookup".into());
    run.parent_run_id = Some("r1".into());
    let mut top = event(EventType::RunStart, t);
    top.run_name = Some("main".into());
    let mut decision = reasoned(event(EventType::Decision, t), "cheapest");
    if let Some(d) = &mut decision.decision_trace {
        d.alternatives_considered = vec!["a".into(), "b".into()];
        d.confidence = Some(0.9);
    }
    let mut error = event(EventType::Error, t);
    error.error = Some(Box::new(ErrorInfo {
        message: "disk full".into(),
        critical: true,
        ..ErrorInfo::default()
    }));
    let mut read = event(EventType::MemoryRead, t);
    read.memory = Some(Box::new(Memory {
        key: "profile".into(),
        ..Memory::default()
    }));
    let mut answer = event(EventType::Final, t);
    answer.output_data = Some(json!({"total": 4}));
    let mut untimed_tool = tool("search", t, Value::Null, None);
    untimed_tool.duration_ms = Some(15.0);
    let text = explain(&[top, run, decision, error, read, answer, untimed_tool]);
    let timeline = text.split("### Event Timeline:\n").nth(1).unwrap();
    assert_eq!(
        timeline,
        "1. [09:00:00.000] **run_start**\n\
         2. [09:00:00.000] **run_start**\n   \
            ↳ run: lookup\n\
         3. [09:00:00.000] **decision**\n   \
            💡 Reasoning: cheapest\n   \
            🔀 Alternatives: a, b\n   \
            🎯 Confidence: 0.90\n\
         4. [09:00:00.000] **error**\n   \
            ⚠️ Error: disk full (critical)\n\
         5. [09:00:00.000] **memory_read**\n   \
            🧠 Memory read: profile\n\
         6. [09:00:00.000] **final**\n   \
            ✅ Answer: {\"total\":4}\n\
         7. [09:00:00.000] **tool_call** → tool: search\n   \
            ⏱️ 15.0ms"
    );
}

#[test]
fn fixed_rounds_like_javascript_to_fixed_including_exact_ties() {
    // Expected values printed by Node's Number.prototype.toFixed.
    for (x, one, two) in [
        (0.25, "0.3", "0.25"),
        (0.125, "0.1", "0.13"),
        (0.15, "0.1", "0.15"),
        (1.05, "1.1", "1.05"),
        (0.35, "0.3", "0.35"),
        (0.75, "0.8", "0.75"),
        (2.45, "2.5", "2.45"),
        (890.2, "890.2", "890.20"),
        (0.005, "0.0", "0.01"),
        (1e-7, "0.0", "0.00"),
        (-0.25, "-0.3", "-0.25"),
        (-0.01, "-0.0", "-0.01"),
        (-0.0, "0.0", "0.00"),
        (123_456.789, "123456.8", "123456.79"),
    ] {
        assert_eq!(
            (fixed(x, 1).as_str(), fixed(x, 2).as_str()),
            (one, two),
            "{x}"
        );
    }
}

#[test]
fn cut_counts_utf16_units_and_never_splits_a_character() {
    let a120 = "a".repeat(120);
    assert_eq!(cut(&a120), a120);
    assert_eq!(cut(&format!("{a120}b")), format!("{a120}…"));
    let a118 = "a".repeat(118);
    // An astral character is two units: 118 + 2 fits, 119 + 2 does not.
    assert_eq!(cut(&format!("{a118}📚")), format!("{a118}📚"));
    assert_eq!(cut(&format!("{a118}a📚")), format!("{a118}a…"));
    assert_eq!(cut(&"é".repeat(121)), format!("{}…", "é".repeat(120)));
}

#[test]
fn backend_duration_follows_format_duration() {
    let t0 = "2026-11-22T10:00:00.000900Z";
    let duration = |events: &[Event]| {
        let text = explain_backend(events);
        text.lines().nth(1).unwrap().to_owned()
    };
    let with_end = |ended: &str| duration(&[start("a", t0), end("completed", None, Some(ended))]);
    assert_eq!(duration(&[]), "**Duration:** unknown");
    assert_eq!(duration(&[start("a", t0)]), "**Duration:** ongoing");
    // Dates hold whole milliseconds: .000900 and .999999 are 0 and 999.
    assert_eq!(
        with_end("2026-11-22T10:00:00.999999Z"),
        "**Duration:** 999ms"
    );
    assert_eq!(with_end("2026-11-22T10:00:01.050Z"), "**Duration:** 1.1s");
    assert_eq!(with_end("2026-11-22T10:00:59.999Z"), "**Duration:** 60.0s");
    assert_eq!(with_end("2026-11-22T10:01:00Z"), "**Duration:** 1.0m");
    assert_eq!(with_end("2026-11-22T09:59:59.990Z"), "**Duration:** -10ms");
    // An end without a time: the latest event stands in for the backend's clock.
    let mut late = event(EventType::Generic, "2026-11-22T10:00:02.500Z");
    late.tokens_in = None;
    let mut timeless_end = end("completed", None, None);
    timeless_end.timestamp = None;
    assert_eq!(
        duration(&[start("a", t0), late, timeless_end]),
        "**Duration:** 2.5s"
    );
}

#[test]
fn backend_normalises_the_status_and_falls_back_to_summed_tokens() {
    let mut llm = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
    (llm.tokens_in, llm.tokens_out) = (Some(10), Some(2));
    let summary = |status: &str, tokens| {
        let text = explain_backend(&[llm.clone(), end(status, tokens, None)]);
        text.split("### Summary\n").nth(1).unwrap().to_owned()
    };
    assert_eq!(
        summary("weird", Some((0, 0))),
        "- 1 LLM call(s), 0 tool call(s), 0 error(s)\n- Total tokens: 12\n- Session status: completed"
    );
    assert!(
        summary("timeout", Some((100, 0)))
            .ends_with("- Total tokens: 102\n- Session status: timeout")
    );
    assert!(explain_backend(&[llm.clone()]).ends_with("- Session status: active"));
}

#[test]
fn backend_reads_events_in_time_order_keeping_ties_and_untimed_events_last() {
    let named = |name: &str, time: Option<&str>| {
        let mut e = tool(name, "2026-11-22T10:00:00Z", Value::Null, None);
        e.timestamp = time.map(at);
        e
    };
    let events = [
        named("untimed", None),
        named("late", Some("2026-11-22T10:00:02Z")),
        named("first-tie", Some("2026-11-22T10:00:01Z")),
        named("second-tie", Some("2026-11-22T10:00:01Z")),
        named("early", Some("2026-11-22T10:00:00Z")),
    ];
    let text = explain_backend(&events);
    let order: Vec<&str> = text.lines().filter_map(|l| l.split("**").nth(3)).collect();
    assert_eq!(
        order,
        ["early", "first-tie", "second-tie", "late", "untimed"]
    );
}

#[test]
fn backend_prints_prompts_that_are_not_strings_as_javascript_string_does() {
    let prompt = |v: Value| {
        let mut e = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
        e.input_data = Some(json!({ "prompt": v }));
        let text = explain_backend(&[e]);
        let line = text.lines().find(|l| l.starts_with("- *Input:*")).unwrap();
        line["- *Input:* ".len()..].to_owned()
    };
    assert_eq!(prompt(json!(42)), "\"42\"");
    assert_eq!(prompt(json!(0)), "\"unknown prompt\"");
    assert_eq!(prompt(json!(true)), "\"true\"");
    assert_eq!(prompt(json!("")), "\"unknown prompt\"");
    assert_eq!(prompt(json!({"role": "user"})), "\"[object Object]\"");
    assert_eq!(
        prompt(json!(["a", null, {"x": 1}, [1, [2, 3]]])),
        "\"a,,[object Object],1,2,3\""
    );
    let many: Vec<u32> = (0..121).map(|i| i % 10).collect();
    let shown: Vec<String> = many[..120].iter().map(u32::to_string).collect();
    assert_eq!(prompt(json!(many)), format!("\"{}…\"", shown.join(",")));
}

#[test]
fn odd_values_never_panic() {
    let mut deep = json!("bottom");
    for _ in 0..300 {
        deep = json!([deep]);
    }
    let mut e = event(EventType::LlmCall, "2026-11-22T10:00:00Z");
    e.timestamp = Some(UnixNanos(i64::MIN));
    (e.tokens_in, e.tokens_out) = (Some(u64::MAX), Some(u64::MAX));
    e.input_data = Some(json!({ "prompt": deep }));
    e.duration_ms = Some(f64::NAN);
    let mut t = tool("", "2026-11-22T10:00:00Z", json!(""), Some(f64::INFINITY));
    t.timestamp = Some(UnixNanos(i64::MAX));
    let mut d = reasoned(event(EventType::Decision, "2026-11-22T10:00:00Z"), "x");
    if let Some(trace) = &mut d.decision_trace {
        trace.confidence = Some(f64::MAX);
    }
    let mut s = start("", "2026-11-22T10:00:00Z");
    s.timestamp = Some(UnixNanos(i64::MAX));
    let events = [s, e, t, d, end("", Some((u64::MAX, 1)), None)];
    for style in [Style::Sdk, Style::Backend] {
        assert!(!style.render(&events).is_empty());
    }
    assert!(explain_backend(&events).contains("- Total tokens: 18446744073709551615\n"));
}

#[test]
fn explain_json_skips_what_is_not_an_event_and_restores_backend_compat_types() {
    let redactor = Redactor::new(crate::redact::Config::default()).unwrap();
    let text = r#"[1, "x", null, {"event_type": "generic", "agentlens_type": "decision",
        "session_id": "s9", "timestamp": "2026-11-22T10:00:00Z"}, {"event_type": 7}]"#;
    let out = explain_json(&redactor, text, Style::Sdk).unwrap();
    assert!(out.contains("**Session ID:** s9\n"), "{out}");
    assert!(
        out.ends_with("1. [10:00:00.000] **decision**\n2. [??:??:??.???] **7**"),
        "{out}"
    );
    assert_eq!(
        explain_json(&redactor, "{\"events\": []}", Style::Sdk),
        Err(DecodeError::NotAnEventBatch)
    );
    assert!(matches!(
        explain_json(&redactor, "[", Style::Backend),
        Err(DecodeError::Json { .. })
    ));
}

#[test]
fn style_names_are_sdk_and_backend_and_nothing_else() {
    assert_eq!(Style::parse(None), Ok(Style::Sdk));
    assert_eq!(Style::parse(Some("sdk")), Ok(Style::Sdk));
    assert_eq!(Style::parse(Some("backend")), Ok(Style::Backend));
    let err = Style::parse(Some("SDK")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid option style: must be \"sdk\" or \"backend\""
    );
}

#[test]
fn backend_style_shows_a_step_for_every_error_decision_memory_and_answer() {
    let mut err = event(EventType::Error, "2026-11-22T10:00:01Z");
    err.error = Some(Box::new(ErrorInfo {
        error_type: "ValueError".into(),
        message: "bad input".into(),
        critical: true,
        stack_trace: None,
    }));
    let mut read = event(EventType::MemoryRead, "2026-11-22T10:00:02Z");
    read.memory = Some(Box::new(Memory {
        key: "prefs".into(),
        value: Some(json!({"seat": "aisle"})),
        ..Memory::default()
    }));
    let mut write = event(EventType::MemoryWrite, "2026-11-22T10:00:03Z");
    write.memory = Some(Box::new(Memory {
        key: "prefs".into(),
        overwrite: Some(true),
        ..Memory::default()
    }));
    let mut decision = event(EventType::Decision, "2026-11-22T10:00:04Z");
    decision.decision_trace = Some(Box::new(DecisionTrace {
        reasoning: "cheapest".into(),
        alternatives_considered: vec!["fast".into(), "direct".into()],
        confidence: Some(0.8),
        ..DecisionTrace::default()
    }));
    let mut answer = event(EventType::Final, "2026-11-22T10:00:05Z");
    answer.output_data = Some(json!({"answer": "Booked UA 12"}));
    let mut py_error = event(EventType::AgentError, "2026-11-22T10:00:06Z");
    py_error.output_data = Some(json!({"error": "boom", "error_type": "RuntimeError"}));
    let mut root_end = event(EventType::RunEnd, "2026-11-22T10:00:07Z");
    root_end.status = Some("error".into());
    let text = explain_backend(&[
        err,
        read,
        write,
        decision,
        answer,
        py_error,
        root_end,
        end("completed", None, None),
    ]);
    let steps = text.split("### What happened:\n\n").nth(1).unwrap();
    assert_eq!(
        steps,
        "**Step 1:** The agent met an error.\n- *Error:* ValueError: bad input\n- *Critical:* yes, it ended the run\n\n\
         **Step 2:** The agent read **prefs** from memory.\n- *Value:* {\"seat\":\"aisle\"}\n\n\
         **Step 3:** The agent wrote **prefs** to memory, replacing its value.\n\n\
         **Step 4:** The agent made a decision.\n- 💡 *Reasoning:* cheapest\n- *Alternatives:* fast; direct\n- *Confidence:* 0.80\n\n\
         **Step 5:** The agent gave its final answer.\n- *Answer:* \"Booked UA 12\"\n\n\
         **Step 6:** Agent function failed.\n- *Error:* RuntimeError: boom\n\n\
         ### Summary\n- 0 LLM call(s), 0 tool call(s), 2 error(s)\n- Total tokens: 0\n- Session status: error"
    );
}

#[test]
fn both_styles_give_the_session_status_by_the_one_rule() {
    let mut root_end = event(EventType::RunEnd, "2026-11-22T10:00:07Z");
    root_end.status = Some("failed".into());
    let events = [
        start("a", "2026-11-22T10:00:00Z"),
        root_end,
        end("completed", None, None),
    ];
    assert!(explain(&events).contains("**Status:** error"));
    assert!(explain_backend(&events).ends_with("- Session status: error"));
}
