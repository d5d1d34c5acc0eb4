use serde_json::{Value, json};

use super::*;

const T: &str = "trace_0af7651916cd43dd8448eb211c80319c";

fn at(ms: u64) -> String {
    format!("2026-12-06T10:00:{:02}.{:03}Z", ms / 1000, ms % 1000)
}

fn trace(phase: &str, id: &str, group: Option<&str>) -> Value {
    json!({"object": "trace", "phase": phase, "id": id, "workflow_name": "Support",
        "group_id": group, "metadata": {"channel": "web"}})
}

fn span(phase: &str, id: &str, parent: Option<&str>, t: (u64, u64), data: Value) -> Value {
    let end = (phase == "end").then(|| at(t.1));
    json!({"object": "trace.span", "phase": phase, "id": id, "trace_id": T,
        "parent_id": parent, "started_at": at(t.0), "ended_at": end, "span_data": data, "error": null})
}

fn both(id: &str, parent: Option<&str>, t: (u64, u64), data: Value) -> [Value; 2] {
    [
        span("start", id, parent, t, data.clone()),
        span("end", id, parent, t, data),
    ]
}

fn usage(i: u64, o: u64, c: u64, r: u64) -> Value {
    json!({"input_tokens": i, "output_tokens": o, "total_tokens": i + o,
        "input_tokens_details": {"cached_tokens": c}, "output_tokens_details": {"reasoning_tokens": r}})
}

fn response(model: &str, u: Value, with_data: bool) -> Value {
    match with_data {
        true => {
            json!({"type": "response", "response_id": "resp_1", "_input": [{"role": "user", "content": "hi"}],
            "_response": {"id": "resp_1", "model": model, "output": [{"type": "message"}], "usage": u}})
        }
        false => json!({"type": "response", "response_id": "resp_1"}),
    }
}

fn run(live: &mut Live, records: Vec<Value>) -> Vec<Event> {
    let mut out = Vec::new();
    let mut warnings = Warnings::default();
    for r in records {
        live.map(r, &mut out, &mut warnings);
    }
    assert_eq!(warnings.count(), 0, "{:?}", warnings.as_slice());
    out
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn turn_usage() -> Value {
    json!({"input_tokens": 1000, "output_tokens": 50, "cached_input_tokens": 800, "cache_write_input_tokens": 0})
}

/// task → agent → turn → (response, function ok, function failed, handoff), guardrail.
fn agent_trace(with_data: bool) -> Vec<Value> {
    let mut r = vec![trace("start", T, Some("conv_1"))];
    r.push(span(
        "start",
        "task",
        None,
        (0, 0),
        json!({"type": "task", "name": "Support"}),
    ));
    r.push(span(
        "start",
        "agent",
        Some("task"),
        (1, 0),
        json!({"type": "agent", "name": "Triage", "tools": ["lookup"]}),
    ));
    r.push(span(
        "start",
        "turn",
        Some("agent"),
        (2, 0),
        json!({"type": "turn", "turn": 1, "agent_name": "Triage"}),
    ));
    r.extend(both(
        "resp",
        Some("turn"),
        (3, 10),
        response("gpt-5-mini", usage(1000, 50, 800, 20), with_data),
    ));
    r.extend(both("f1", Some("turn"), (11, 12), json!({"type": "function", "name": "lookup", "input": "{\"id\":\"A1\"}", "output": "{\"ok\":true}"})));
    let mut failed = both(
        "f2",
        Some("turn"),
        (13, 14),
        json!({"type": "function", "name": "refund", "input": "{}", "output": "oops"}),
    );
    failed[1]["error"] =
        json!({"message": "Error running tool (non-fatal)", "data": {"tool_name": "refund"}});
    r.extend(failed);
    r.extend(both(
        "h",
        Some("turn"),
        (15, 15),
        json!({"type": "handoff", "from_agent": "Triage", "to_agent": "Refunds"}),
    ));
    r.push(span(
        "end",
        "turn",
        Some("agent"),
        (2, 16),
        json!({"type": "turn", "turn": 1, "agent_name": "Triage", "usage": turn_usage()}),
    ));
    r.extend(both(
        "g",
        Some("agent"),
        (17, 18),
        json!({"type": "guardrail", "name": "no_pii", "triggered": true}),
    ));
    r.push(span(
        "end",
        "agent",
        Some("task"),
        (1, 19),
        json!({"type": "agent", "name": "Triage", "tools": ["lookup"]}),
    ));
    let task_usage = json!({"input_tokens": 1000, "output_tokens": 50, "cached_input_tokens": 800, "cache_write_input_tokens": 0, "requests": 1, "total_tokens": 1050});
    r.push(span(
        "end",
        "task",
        None,
        (0, 20),
        json!({"type": "task", "name": "Support", "usage": task_usage}),
    ));
    r.push(trace("end", T, Some("conv_1")));
    r
}

#[test]
fn a_trace_maps_to_a_session_with_nested_runs_calls_and_a_handoff() {
    let events = run(&mut Live::default(), agent_trace(true));
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "run_start",
            "run_start",
            "llm_call",
            "tool_call",
            "tool_error",
            "decision",
            "run_end",
            "decision",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    assert!(events.iter().all(|e| e.session_id == "conv_1"));
    let start = &events[0];
    assert_eq!(
        (
            start.agent_name.as_deref(),
            start.metadata.as_ref().unwrap()["channel"].as_str()
        ),
        (Some("Support"), Some("web"))
    );
    assert_eq!(
        start.timestamp.map(|t| t.0),
        json::time(Some(&json!(at(0)))).map(|t| t.0)
    );
    let (agent, turn) = (&events[2], &events[3]);
    assert_eq!(
        (agent.parent_run_id.as_deref(), agent.agent_name.as_deref()),
        (Some("task"), Some("Triage"))
    );
    assert_eq!(
        (turn.run_name.as_deref(), turn.parent_run_id.as_deref()),
        (Some("turn 1"), Some("agent"))
    );
    let llm = &events[4];
    assert_eq!(
        (llm.model.as_deref(), llm.run_id.as_deref()),
        (Some("gpt-5-mini"), Some("turn"))
    );
    assert_eq!(
        (
            llm.tokens_in,
            llm.tokens_out,
            llm.cached_input_tokens,
            llm.reasoning_tokens
        ),
        (Some(1000), Some(50), Some(800), Some(20))
    );
    assert_eq!(
        llm.input_data.as_ref().unwrap()["prompt"][0]["content"],
        "hi"
    );
    assert!(llm.attributes.as_ref().unwrap().get("_response").is_none());
    let tool = events[5].tool_call.as_ref().unwrap();
    assert_eq!(
        (tool.tool_name.as_str(), &tool.tool_input["id"]),
        ("lookup", &json!("A1"))
    );
    assert_eq!(
        events[6].error.as_ref().unwrap().message,
        "Error running tool (non-fatal)"
    );
    assert_eq!(
        events[7].decision_trace.as_ref().unwrap().reasoning,
        "handoff from Triage to Refunds"
    );
    // Tokens are counted once, on the call: the turn and task keep their usage as attributes.
    let turn_end = &events[8];
    assert_eq!(
        (
            turn_end.tokens_in,
            turn_end.attributes.as_ref().unwrap()["usage"]["input_tokens"].as_u64()
        ),
        (None, Some(1000))
    );
    assert_eq!(
        events[9].decision_trace.as_ref().unwrap().reasoning,
        "guardrail no_pii triggered"
    );
    assert_eq!(events[9].run_id.as_deref(), Some("agent"));
    assert_eq!(events[11].tokens_in, None);
    let end = &events[12];
    assert_eq!(
        (end.status.as_deref(), end.trace_id.as_deref()),
        (Some("completed"), Some(T))
    );
    assert_eq!(
        end.ended_at.map(|t| t.0),
        json::time(Some(&json!(at(20)))).map(|t| t.0)
    );
    let total: u64 = events.iter().map(|e| e.tokens_in.unwrap_or(0)).sum();
    assert_eq!(total, 1000);
}

#[test]
fn usage_the_calls_did_not_report_is_counted_once_on_the_turn() {
    let events = run(&mut Live::default(), agent_trace(false));
    let llm = events
        .iter()
        .find(|e| e.event_type == EventType::LlmCall)
        .unwrap();
    assert_eq!((llm.tokens_in, llm.model.as_deref()), (Some(0), None));
    let turn_end = events
        .iter()
        .find(|e| e.event_type == EventType::RunEnd)
        .unwrap();
    assert_eq!(
        (
            turn_end.run_id.as_deref(),
            turn_end.tokens_in,
            turn_end.tokens_out,
            turn_end.cached_input_tokens
        ),
        (Some("turn"), Some(1000), Some(50), Some(800))
    );
    let sum = |f: fn(&Event) -> Option<u64>| events.iter().map(|e| f(e).unwrap_or(0)).sum::<u64>();
    assert_eq!(
        (sum(|e| e.tokens_in), sum(|e| e.tokens_out)),
        (1000, 50),
        "the task adds nothing more"
    );
}

#[test]
fn traces_of_one_group_share_a_session_that_ends_with_its_last_open_trace() {
    let mut live = Live::default();
    let b = "trace_b";
    let mut records = vec![trace("start", T, Some("g")), trace("start", b, Some("g"))];
    records.extend(both(
        "s1",
        None,
        (0, 1),
        json!({"type": "custom", "name": "x", "data": {}}),
    ));
    let mut other = both(
        "s2",
        None,
        (2, 3),
        json!({"type": "custom", "name": "y", "data": {}}),
    );
    for r in &mut other {
        r["trace_id"] = json!(b);
    }
    records.extend(other);
    records.push(trace("end", T, Some("g")));
    let events = run(&mut live, records);
    assert_eq!(
        kinds(&events),
        ["session_start", "generic", "generic"],
        "one start; trace b is still open"
    );
    let events = run(&mut live, vec![trace("end", b, Some("g"))]);
    assert_eq!(kinds(&events), ["session_end"]);
    // A later trace of the group opens the session again.
    let events = run(
        &mut live,
        vec![
            trace("start", "trace_c", Some("g")),
            trace("end", "trace_c", Some("g")),
        ],
    );
    assert_eq!(kinds(&events), ["session_start", "session_end"]);
    assert!(events.iter().all(|e| e.session_id == "g"));
}

#[test]
fn every_span_type_has_its_event() {
    let mut live = Live::default();
    let mut r = vec![trace("start", T, None)];
    r.push(span(
        "start",
        "sg",
        None,
        (0, 0),
        json!({"type": "speech_group", "input": "hello"}),
    ));
    r.extend(both("tr", Some("sg"), (1, 2), json!({"type": "transcription", "model": "whisper", "input": {"data": "AAAA", "format": "pcm"}, "output": "hi"})));
    r.extend(both("sp", Some("sg"), (3, 4), json!({"type": "speech", "model": "tts", "input": "hi", "output": {"data": "BBBBBB", "format": "pcm"}})));
    r.push(span(
        "end",
        "sg",
        None,
        (0, 5),
        json!({"type": "speech_group", "input": "hello"}),
    ));
    r.extend(both(
        "mcp",
        None,
        (6, 7),
        json!({"type": "mcp_tools", "server": "files", "result": ["read"]}),
    ));
    r.extend(both("gen", None, (8, 9), json!({"type": "generation", "model": "gpt-4o", "input": [], "output": [],
        "usage": {"input_tokens": 10, "output_tokens": 2, "details": {"input_tokens_details": {"cached_tokens": 4}, "cache_write_input_tokens": 3}}})));
    r.extend(both(
        "gr",
        None,
        (10, 11),
        json!({"type": "guardrail", "name": "pii", "triggered": false}),
    ));
    r.extend(both(
        "c",
        None,
        (12, 13),
        json!({"type": "custom", "name": "plan", "data": {"steps": 2}}),
    ));
    r.extend(both("old", None, (14, 15), json!({"type": "custom", "name": "turn", "data": {"sdk_span_type": "turn", "turn": 2, "agent_name": "A"}})));
    r.push(trace("end", T, None));
    let events = run(&mut live, r);
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "llm_call",
            "llm_call",
            "run_end",
            "generic",
            "llm_call",
            "generic",
            "generic",
            "run_start",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(
        events[0].session_id, T,
        "no group: the trace is the session"
    );
    let transcription = &events[2];
    assert_eq!(
        (
            transcription.model.as_deref(),
            transcription.run_id.as_deref()
        ),
        (Some("whisper"), Some("sg"))
    );
    assert_eq!(
        transcription.input_data.as_ref().unwrap()["prompt"],
        json!({"data_chars": 4, "format": "pcm"})
    );
    assert_eq!(
        events[3].output_data.as_ref().unwrap()["response"]["data_chars"],
        6
    );
    assert_eq!(
        events[5].attributes.as_ref().unwrap()["span.name"],
        "MCP list tools (files)"
    );
    let generation = &events[6];
    assert_eq!(
        (generation.tokens_in, generation.cached_input_tokens),
        (Some(10), Some(4))
    );
    assert_eq!(
        generation.attributes.as_ref().unwrap()["cache_creation_input_tokens"],
        3
    );
    assert_eq!(events[7].attributes.as_ref().unwrap()["triggered"], false);
    assert_eq!(events[8].attributes.as_ref().unwrap()["span.name"], "plan");
    assert_eq!(
        (
            events[9].run_name.as_deref(),
            events[9].agent_name.as_deref()
        ),
        (Some("turn 2"), Some("A"))
    );
}

#[test]
fn a_span_inside_a_tool_belongs_to_the_tools_run_and_failed_runs_end_in_error() {
    let mut live = Live::default();
    let mut r = vec![trace("start", T, None)];
    r.push(span(
        "start",
        "agent",
        None,
        (0, 0),
        json!({"type": "agent", "name": "A"}),
    ));
    r.push(span(
        "start",
        "tool",
        Some("agent"),
        (1, 0),
        json!({"type": "function", "name": "ask"}),
    ));
    r.extend(both(
        "inner",
        Some("tool"),
        (2, 3),
        json!({"type": "custom", "name": "plan", "data": {}}),
    ));
    r.push(span(
        "end",
        "tool",
        Some("agent"),
        (1, 4),
        json!({"type": "function", "name": "ask", "input": "x", "output": "y"}),
    ));
    let mut end = span(
        "end",
        "agent",
        None,
        (0, 5),
        json!({"type": "agent", "name": "A"}),
    );
    end["error"] = json!({"message": "Max turns exceeded", "data": {"max_turns": 1}});
    r.push(end);
    r.push(trace("end", T, None));
    let events = run(&mut live, r);
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "generic",
            "tool_call",
            "error",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(events[2].run_id.as_deref(), Some("agent"));
    assert_eq!(
        (
            events[4].run_id.as_deref(),
            events[4].error.as_ref().unwrap().message.as_str()
        ),
        (Some("agent"), "Max turns exceeded")
    );
    assert_eq!(events[5].status.as_deref(), Some("error"));
    assert_eq!(
        events[6].status.as_deref(),
        Some("error"),
        "a failed top-level span fails the session"
    );
}

#[test]
fn state_is_bounded_and_a_forgotten_run_counts_none_of_its_usage() {
    let mut live = Live::default();
    let mut r = vec![trace("start", T, None)];
    r.push(span(
        "start",
        "turn",
        None,
        (0, 0),
        json!({"type": "turn", "turn": 1, "agent_name": "A"}),
    ));
    for i in 0..MAX_OPEN {
        r.push(span(
            "start",
            &format!("s{i}"),
            Some("turn"),
            (1, 0),
            json!({"type": "custom", "name": "x", "data": {}}),
        ));
    }
    run(&mut live, r);
    assert_eq!(live.forgotten(), 1, "the turn was the oldest entry");
    assert_eq!(live.spans.len(), MAX_OPEN);
    let u = json!({"type": "turn", "turn": 1, "agent_name": "A", "usage": turn_usage()});
    let events = run(&mut live, vec![span("end", "turn", None, (0, 9), u)]);
    assert_eq!(kinds(&events), ["run_start", "run_end"]);
    assert_eq!(events[1].tokens_in, None);
}

#[test]
fn records_that_are_not_spans_or_traces_are_skipped_with_a_warning() {
    let mut live = Live::default();
    let (mut out, mut warnings) = (Vec::new(), Warnings::default());
    for r in [
        json!(1),
        json!({"object": "x", "id": "a"}),
        json!({"object": "trace"}),
        json!({"object": "trace", "id": "t", "phase": "middle"}),
    ] {
        live.map(r, &mut out, &mut warnings);
    }
    assert_eq!((out.len(), warnings.count()), (0, 4));
}
