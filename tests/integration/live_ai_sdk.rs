//! Live mapping of the Vercel AI SDK 7's telemetry records (`@agentlens/sdk/ai-sdk`),
//! through the public [`LiveMapper`], as the SDK's bridge drives it: batches of records.

use agentlens::import::live::{Framework, LiveMapper, MAX_OPEN};
use agentlens::model::{Event, EventType};
use serde_json::{Value, json};

fn usage(input: u64, output: u64, read: u64, write: u64, reasoning: u64) -> Value {
    json!({
        "inputTokens": input, "outputTokens": output, "totalTokens": input + output,
        "inputTokenDetails": { "noCacheTokens": input - read - write, "cacheReadTokens": read, "cacheWriteTokens": write },
        "outputTokenDetails": { "textTokens": output - reasoning, "reasoningTokens": reasoning },
    })
}

fn rec(hook: &str, call: &str, at: f64, fields: Value) -> Value {
    let mut r = json!({ "hook": hook, "callId": call, "at": at });
    if let (Some(o), Value::Object(f)) = (r.as_object_mut(), fields) {
        o.extend(f);
    }
    r
}

fn batch(mapper: &mut LiveMapper, records: &[Value]) -> (Vec<Event>, usize) {
    let mapped = mapper.map_json(&Value::Array(records.to_vec()).to_string());
    (mapped.events, mapped.skipped)
}

/// `generateText` with a tool that runs a nested `generateText` (a sub-agent), then a
/// second step; every hook the SDK calls, in its order.
fn agent_with_sub_agent() -> Vec<Value> {
    vec![
        rec(
            "onStart",
            "main",
            1.0,
            json!({ "operationId": "ai.generateText", "functionId": "travel-agent", "provider": "openai.responses", "modelId": "gpt-5", "settings": { "temperature": 0.2, "maxRetries": 2 } }),
        ),
        rec("onStepStart", "main", 2.0, json!({ "stepNumber": 0 })),
        rec(
            "onLanguageModelCallStart",
            "main",
            2.0,
            json!({ "modelId": "gpt-5", "messages": [{ "role": "user", "content": "trip" }] }),
        ),
        rec(
            "onLanguageModelCallEnd",
            "main",
            9.0,
            json!({ "modelId": "gpt-5", "finishReason": "tool-calls", "usage": usage(1200, 150, 800, 200, 60), "durationMs": 7.0 }),
        ),
        rec(
            "onToolExecutionStart",
            "main",
            10.0,
            json!({ "toolCallId": "call_flights", "toolName": "search_flights", "input": { "to": "CDG" } }),
        ),
        rec(
            "onStart",
            "sub",
            11.0,
            json!({ "operationId": "ai.generateText", "functionId": "flight-expert", "parent": { "callId": "main", "toolCallId": "call_flights" } }),
        ),
        rec("onStepStart", "sub", 11.0, json!({ "stepNumber": 0 })),
        rec(
            "onLanguageModelCallStart",
            "sub",
            11.0,
            json!({ "modelId": "claude-haiku-4-5" }),
        ),
        rec(
            "onLanguageModelCallEnd",
            "sub",
            12.0,
            json!({ "modelId": "claude-haiku-4-5", "finishReason": "stop", "usage": usage(300, 40, 0, 0, 0) }),
        ),
        rec(
            "onStepEnd",
            "sub",
            12.0,
            json!({ "stepNumber": 0, "finishReason": "stop" }),
        ),
        rec(
            "onEnd",
            "sub",
            12.0,
            json!({ "finishReason": "stop", "output": "AF83" }),
        ),
        rec(
            "onToolExecutionEnd",
            "main",
            13.0,
            json!({ "toolCallId": "call_flights", "toolName": "search_flights", "durationMs": 3.0, "outcome": "tool-result", "output": { "best": "AF83" } }),
        ),
        rec(
            "onStepEnd",
            "main",
            13.0,
            json!({ "stepNumber": 0, "finishReason": "tool-calls" }),
        ),
        rec("onStepStart", "main", 14.0, json!({ "stepNumber": 1 })),
        rec(
            "onLanguageModelCallStart",
            "main",
            14.0,
            json!({ "modelId": "gpt-5" }),
        ),
        rec(
            "onLanguageModelCallEnd",
            "main",
            15.0,
            json!({ "modelId": "gpt-5", "finishReason": "stop", "usage": usage(1500, 80, 1400, 0, 0) }),
        ),
        rec(
            "onStepEnd",
            "main",
            15.0,
            json!({ "stepNumber": 1, "finishReason": "stop" }),
        ),
        rec(
            "onEnd",
            "main",
            16.0,
            json!({ "finishReason": "stop", "output": "Booked." }),
        ),
    ]
}

fn find(events: &[Event], t: EventType, pick: impl Fn(&Event) -> bool) -> &Event {
    events
        .iter()
        .find(|e| e.event_type == t && pick(e))
        .unwrap_or_else(|| panic!("no {t:?}"))
}

#[test]
fn a_sub_agent_called_by_a_tool_nests_under_the_step_that_called_it() {
    let mut mapper = LiveMapper::new(Framework::AiSdk);
    let (events, skipped) = batch(&mut mapper, &agent_with_sub_agent());
    assert_eq!(skipped, 0);
    let main = find(&events, EventType::RunStart, |e| {
        e.run_name.as_deref() == Some("travel-agent")
    });
    let step1 = find(&events, EventType::RunStart, |e| {
        e.run_name.as_deref() == Some("step 1") && e.parent_run_id == main.run_id
    });
    let sub = find(&events, EventType::RunStart, |e| {
        e.run_name.as_deref() == Some("flight-expert")
    });
    assert_eq!(
        sub.parent_run_id, step1.run_id,
        "the sub-agent is inside the step whose tool called it"
    );
    assert!(
        events.iter().all(|e| e.session_id == main.session_id),
        "one session for the whole tree"
    );
    let sessions: Vec<&Event> = events
        .iter()
        .filter(|e| {
            matches!(
                e.event_type,
                EventType::SessionStart | EventType::SessionEnd
            )
        })
        .collect();
    assert_eq!(
        sessions.len(),
        2,
        "the top-level call opens and closes its session once"
    );
    let attrs = main.attributes.as_ref().unwrap();
    assert_eq!(attrs["gen_ai.request.temperature"], 0.2);
    assert_eq!(attrs["ai.settings.maxRetries"], 2);
    let tool = find(&events, EventType::ToolCall, |_| true);
    assert_eq!(tool.run_id, step1.run_id);
    assert_eq!(
        tool.tool_call.as_ref().unwrap().tool_call_id,
        "call_flights"
    );
}

#[test]
fn session_tokens_are_the_model_calls_own_cached_and_reasoning_inside() {
    let mut mapper = LiveMapper::new(Framework::AiSdk);
    let (events, _) = batch(&mut mapper, &agent_with_sub_agent());
    let llm: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall)
        .collect();
    assert_eq!(llm.len(), 3);
    assert_eq!(
        llm.iter()
            .map(|e| (e.tokens_in, e.cached_input_tokens, e.reasoning_tokens))
            .collect::<Vec<_>>(),
        [
            (Some(1200), Some(800), Some(60)),
            (Some(300), Some(0), Some(0)),
            (Some(1500), Some(1400), Some(0))
        ]
    );
    assert_eq!(
        llm[0].attributes.as_ref().unwrap()["cache_creation_input_tokens"],
        200
    );
    let total_in: u64 = events.iter().map(|e| e.tokens_in.unwrap_or(0)).sum();
    let total_out: u64 = events.iter().map(|e| e.tokens_out.unwrap_or(0)).sum();
    assert_eq!((total_in, total_out), (3000, 270), "nothing counted twice");
}

#[test]
fn an_aborted_stream_ends_in_error_and_keeps_what_its_finished_step_used() {
    let mut mapper = LiveMapper::new(Framework::AiSdk);
    let records = [
        rec(
            "onStart",
            "s",
            1.0,
            json!({ "operationId": "ai.streamText", "functionId": "follow-up" }),
        ),
        rec("onStepStart", "s", 1.0, json!({ "stepNumber": 0 })),
        rec(
            "onLanguageModelCallStart",
            "s",
            1.0,
            json!({ "modelId": "gpt-5" }),
        ),
        rec(
            "onLanguageModelCallEnd",
            "s",
            2.0,
            json!({ "modelId": "gpt-5", "usage": usage(400, 30, 0, 0, 0), "finishReason": "tool-calls" }),
        ),
        rec(
            "onToolExecutionStart",
            "s",
            2.0,
            json!({ "toolCallId": "w", "toolName": "get_weather" }),
        ),
        rec(
            "onToolExecutionEnd",
            "s",
            3.0,
            json!({ "toolCallId": "w", "toolName": "get_weather", "outcome": "tool-result", "output": "rain" }),
        ),
        rec("onStepEnd", "s", 3.0, json!({ "stepNumber": 0 })),
        rec("onStepStart", "s", 4.0, json!({ "stepNumber": 1 })),
        rec(
            "onLanguageModelCallStart",
            "s",
            4.0,
            json!({ "modelId": "gpt-5" }),
        ),
        rec(
            "onAbort",
            "s",
            5.0,
            json!({ "reason": { "name": "AbortError", "message": "This operation was aborted" } }),
        ),
    ];
    let (events, skipped) = batch(&mut mapper, &records);
    assert_eq!(skipped, 0);
    let run = find(&events, EventType::RunStart, |e| {
        e.run_name.as_deref() == Some("follow-up")
    });
    let end = find(&events, EventType::RunEnd, |e| e.run_id == run.run_id);
    assert_eq!(end.status.as_deref(), Some("error"));
    assert_eq!(end.duration_ms, Some(4.0));
    let error = find(&events, EventType::Error, |_| true);
    assert_eq!(
        (
            error.run_id.as_ref(),
            error.error.as_ref().unwrap().error_type.as_str()
        ),
        (run.run_id.as_ref(), "AbortError")
    );
    let llm: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall)
        .collect();
    assert_eq!(llm.len(), 2, "the model call in flight is recorded too");
    assert_eq!(
        events.iter().map(|e| e.tokens_in.unwrap_or(0)).sum::<u64>(),
        400
    );
    assert_eq!(events.last().unwrap().event_type, EventType::SessionEnd);
    assert_eq!(events.last().unwrap().status.as_deref(), Some("error"));
}

#[test]
fn open_calls_past_the_bound_are_forgotten_and_counted() {
    let mut mapper = LiveMapper::new(Framework::AiSdk);
    let records: Vec<Value> = (0..MAX_OPEN + 3)
        .map(|i| {
            rec(
                "onStart",
                &format!("c{i}"),
                1.0,
                json!({ "currentSession": "s" }),
            )
        })
        .collect();
    let (events, skipped) = batch(&mut mapper, &records);
    assert_eq!((events.len(), skipped), (MAX_OPEN + 3, 0));
    assert_eq!(mapper.forgotten(), 3);
    let (late, skipped) = batch(
        &mut mapper,
        &[
            rec("onEnd", "c1", 2.0, json!({})),
            rec("onEnd", "c5", 2.0, json!({})),
        ],
    );
    assert_eq!(skipped, 1, "the oldest calls' ends name nothing now");
    assert_eq!(late.len(), 1);
}

#[test]
fn text_that_is_not_json_and_records_of_the_wrong_shape_map_to_nothing() {
    let mut mapper = LiveMapper::new(Framework::AiSdk);
    let mapped = mapper.map_json("{not json");
    assert_eq!((mapped.events.len(), mapped.skipped), (0, 1));
    let mapped = mapper
        .map_json(r#"[1, "x", {"hook": "onEnd"}, {"hook": "onStepEnd", "callId": "nobody"}]"#);
    assert_eq!((mapped.events.len(), mapped.skipped), (0, 4));
    assert!(
        mapped.warnings.iter().all(|w| !w.contains("nobody")),
        "warnings name shapes, not content"
    );
}
