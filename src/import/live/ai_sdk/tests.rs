use serde_json::{Value, json};

use super::{Live, read};
use crate::import::live::MAX_OPEN;
use crate::import::warn::Warnings;
use crate::model::{Event, EventType};

fn map(live: &mut Live, records: Vec<Value>) -> (Vec<Event>, Vec<String>) {
    let (mut out, mut warnings) = (Vec::new(), Warnings::default());
    for r in records {
        live.map(r, &mut out, &mut warnings);
    }
    (out, warnings.as_slice().to_vec())
}

fn types(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn usage(input: u64, output: u64, read: u64, write: u64, reasoning: u64) -> Value {
    json!({
        "inputTokens": input,
        "inputTokenDetails": { "noCacheTokens": input - read - write, "cacheReadTokens": read, "cacheWriteTokens": write },
        "outputTokens": output,
        "outputTokenDetails": { "textTokens": output - reasoning, "reasoningTokens": reasoning },
        "totalTokens": input + output,
    })
}

fn start(call: &str, extra: Value) -> Value {
    let mut r = json!({ "hook": "onStart", "callId": call, "at": 1000.0, "operationId": "ai.generateText", "provider": "openai.chat", "modelId": "gpt-x", "functionId": "agent" });
    if let (Some(o), Value::Object(e)) = (r.as_object_mut(), extra) {
        o.extend(e);
    }
    r
}

/// A two-step call: a step with a model call and two tools (one failing), then a final step.
fn agent(call: &str) -> Vec<Value> {
    vec![
        start(call, json!({})),
        json!({ "hook": "onStepStart", "callId": call, "at": 1001.0, "stepNumber": 0 }),
        json!({ "hook": "onLanguageModelCallStart", "callId": call, "at": 1002.0, "modelId": "gpt-x", "provider": "openai.chat", "instructions": "Be brief.", "messages": [{ "role": "user", "content": "hi" }] }),
        json!({ "hook": "onLanguageModelCallEnd", "callId": call, "at": 1010.0, "modelId": "gpt-x", "finishReason": "tool-calls", "usage": usage(100, 20, 60, 10, 5), "durationMs": 7.5, "content": [{ "type": "text", "text": "Plan." }, { "type": "tool-call", "toolCallId": "t1", "toolName": "search", "input": {} }] }),
        json!({ "hook": "onToolExecutionStart", "callId": call, "at": 1011.0, "toolCallId": "t1", "toolName": "search", "input": { "q": "paris" } }),
        json!({ "hook": "onToolExecutionStart", "callId": call, "at": 1011.0, "toolCallId": "t2", "toolName": "book", "input": {} }),
        json!({ "hook": "onToolExecutionEnd", "callId": call, "at": 1012.0, "toolCallId": "t2", "toolName": "book", "durationMs": 1.0, "outcome": "tool-error", "error": { "name": "Error", "message": "503" } }),
        json!({ "hook": "onToolExecutionEnd", "callId": call, "at": 1013.0, "toolCallId": "t1", "toolName": "search", "durationMs": 2.0, "outcome": "tool-result", "output": { "hits": 3 } }),
        json!({ "hook": "onStepEnd", "callId": call, "at": 1014.0, "stepNumber": 0, "finishReason": "tool-calls", "usage": usage(100, 20, 60, 10, 5) }),
        json!({ "hook": "onStepStart", "callId": call, "at": 1015.0, "stepNumber": 1 }),
        json!({ "hook": "onLanguageModelCallStart", "callId": call, "at": 1015.0, "modelId": "gpt-x" }),
        json!({ "hook": "onLanguageModelCallEnd", "callId": call, "at": 1020.0, "modelId": "gpt-x", "finishReason": "stop", "usage": usage(150, 10, 100, 0, 0), "content": [{ "type": "text", "text": "Done." }] }),
        json!({ "hook": "onStepEnd", "callId": call, "at": 1021.0, "stepNumber": 1, "finishReason": "stop", "usage": usage(150, 10, 100, 0, 0) }),
        json!({ "hook": "onEnd", "callId": call, "at": 1022.0, "finishReason": "stop", "output": "Done.", "usage": usage(250, 30, 160, 10, 5) }),
    ]
}

#[test]
fn a_multi_step_call_is_a_run_of_step_runs_holding_model_and_tool_calls() {
    let mut live = Live::default();
    let (events, warnings) = map(&mut live, agent("c1"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        types(&events),
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "tool_error",
            "tool_call",
            "run_end",
            "run_start",
            "llm_call",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    let run = events[1].run_id.clone().unwrap();
    assert_eq!(events[1].run_name.as_deref(), Some("agent"));
    assert_eq!(events[1].agent_name.as_deref(), Some("agent"));
    assert_eq!(events[1].parent_run_id, None);
    let step = events[2].run_id.clone().unwrap();
    assert_eq!(events[2].parent_run_id.as_deref(), Some(run.as_str()));
    assert_eq!(events[2].run_name.as_deref(), Some("step 1"));
    for e in &events[3..6] {
        assert_eq!(
            e.run_id.as_deref(),
            Some(step.as_str()),
            "{:?}",
            e.event_type
        );
    }
    let llm = &events[3];
    assert_eq!(llm.model.as_deref(), Some("gpt-x"));
    assert_eq!(llm.duration_ms, Some(7.5));
    let prompt = &llm.input_data.as_ref().unwrap()["prompt"];
    assert_eq!(
        prompt[0],
        json!({ "role": "system", "content": "Be brief." })
    );
    assert_eq!(prompt[1]["content"], "hi");
    let attrs = llm.attributes.as_ref().unwrap();
    assert_eq!(attrs["gen_ai.provider.name"], "openai");
    assert_eq!(
        attrs["gen_ai.response.finish_reasons"],
        json!(["tool-calls"])
    );
    let failed = events[4].tool_call.as_ref().unwrap();
    assert_eq!(
        (failed.tool_name.as_str(), failed.tool_call_id.as_str()),
        ("book", "t2")
    );
    assert_eq!(events[4].error.as_ref().unwrap().message, "503");
    let ok = events[5].tool_call.as_ref().unwrap();
    assert_eq!(ok.tool_input, json!({ "q": "paris" }));
    assert_eq!(ok.tool_output, Some(json!({ "hits": 3 })));
    assert_eq!(ok.duration_ms, Some(2.0));
    assert_eq!(events[8].output_data, Some(json!({ "response": "Done." })));
    let end = &events[10];
    assert_eq!(
        (end.run_id.as_deref(), end.status.as_deref()),
        (Some(run.as_str()), Some("completed"))
    );
    assert_eq!(end.output_data, Some(json!({ "response": "Done." })));
    assert_eq!(events[11].session_id, events[0].session_id);
    assert_eq!(live.calls.len(), 0, "an ended call is forgotten");
}

#[test]
fn tokens_count_cached_and_reasoning_once() {
    let mut live = Live::default();
    let (events, _) = map(&mut live, agent("c1"));
    let llm: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall)
        .collect();
    assert_eq!((llm[0].tokens_in, llm[0].tokens_out), (Some(100), Some(20)));
    assert_eq!(
        (llm[0].cached_input_tokens, llm[0].reasoning_tokens),
        (Some(60), Some(5))
    );
    assert_eq!(
        llm[0].attributes.as_ref().unwrap()["cache_creation_input_tokens"],
        10
    );
    // The step, the call and the session carry no tokens of their own: the sum is the model calls'.
    let sum: u64 = events.iter().map(|e| e.tokens_in.unwrap_or(0)).sum();
    assert_eq!(sum, 250);
    let out: u64 = events.iter().map(|e| e.tokens_out.unwrap_or(0)).sum();
    assert_eq!(out, 30);
}

#[test]
fn usage_without_totals_sums_its_details_and_a_total_is_never_added_to() {
    let details = json!({ "inputTokenDetails": { "noCacheTokens": 5, "cacheReadTokens": 7, "cacheWriteTokens": 3 }, "outputTokenDetails": { "textTokens": 4, "reasoningTokens": 6 } });
    let u = read::usage(Some(&details));
    assert_eq!(
        (
            u.tokens_in,
            u.tokens_out,
            u.cached_in,
            u.cache_write,
            u.reasoning
        ),
        (Some(15), Some(10), Some(7), Some(3), Some(6))
    );
    let u = read::usage(Some(&usage(100, 20, 60, 10, 5)));
    assert_eq!((u.tokens_in, u.tokens_out), (Some(100), Some(20)));
    let bad = json!({ "inputTokens": "many", "outputTokens": -4, "inputTokenDetails": 3 });
    let u = read::usage(Some(&bad));
    assert_eq!(
        (u.tokens_in, u.tokens_out, u.cached_in),
        (None, Some(0), None)
    );
    assert_eq!(read::usage(None), read::Usage::default());
}

#[test]
fn an_aborted_stream_keeps_its_finished_usage_and_ends_in_error() {
    let mut live = Live::default();
    let mut records = agent("c1");
    records.truncate(12); // up to the second model call's end: step 2 is open
    records[0]["operationId"] = "ai.streamText".into();
    records[10] = json!({ "hook": "onLanguageModelCallStart", "callId": "c1", "at": 1015.0, "modelId": "gpt-x" });
    records.truncate(11);
    records.push(json!({ "hook": "onAbort", "callId": "c1", "at": 1030.0, "reason": { "name": "Error", "message": "user stop" } }));
    let (events, warnings) = map(&mut live, records);
    assert!(warnings.is_empty(), "{warnings:?}");
    let tail: Vec<&str> = types(&events).into_iter().rev().take(5).collect();
    assert_eq!(
        tail,
        ["session_end", "run_end", "error", "run_end", "llm_call"]
    );
    let n = events.len();
    let inflight = &events[n - 5];
    assert_eq!(
        (inflight.tokens_in, inflight.tokens_out),
        (Some(0), Some(0))
    );
    assert_eq!(
        inflight.attributes.as_ref().unwrap()["error.type"],
        "AbortError"
    );
    assert_eq!(
        events[n - 4].status.as_deref(),
        Some("error"),
        "the open step ends in error"
    );
    let error = events[n - 3].error.as_ref().unwrap();
    assert_eq!(
        (
            error.error_type.as_str(),
            error.message.as_str(),
            error.critical
        ),
        ("AbortError", "user stop", true)
    );
    assert_eq!(events[n - 2].status.as_deref(), Some("error"));
    assert_eq!(events[n - 1].status.as_deref(), Some("error"));
    let sum: u64 = events.iter().map(|e| e.tokens_in.unwrap_or(0)).sum();
    assert_eq!(sum, 100, "the finished step's model call still counts");
}

#[test]
fn a_step_error_fails_the_step_and_the_call_with_one_error_each_place() {
    let mut live = Live::default();
    let records = vec![
        start("c1", json!({})),
        json!({ "hook": "onStepStart", "callId": "c1", "at": 1001.0, "stepNumber": 0 }),
        json!({ "hook": "onLanguageModelCallStart", "callId": "c1", "at": 1002.0, "modelId": "gpt-x" }),
        json!({ "hook": "onStepError", "callId": "c1", "at": 1003.0, "stepNumber": 0, "error": { "name": "AI_APICallError", "message": "503" } }),
        json!({ "hook": "onError", "callId": "c1", "at": 1004.0, "error": { "name": "AI_APICallError", "message": "503" } }),
    ];
    let (events, _) = map(&mut live, records);
    assert_eq!(
        types(&events),
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "error",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    let step = events[2].run_id.clone();
    assert_eq!(events[4].run_id, step, "the error is inside the step");
    assert_eq!(
        events[4].error.as_ref().unwrap().error_type,
        "AI_APICallError"
    );
    assert_eq!(events[5].status.as_deref(), Some("error"));
    assert_eq!(events[6].status.as_deref(), Some("error"));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event_type == EventType::Error)
            .count(),
        1
    );
}

#[test]
fn sessions_follow_the_parent_call_the_named_session_the_active_run_then_the_current_one() {
    let mut live = Live::default();
    let named = json!({ "runtimeContext": { "sessionId": "conv-7", "userId": "u1" } });
    let (a, _) = map(
        &mut live,
        vec![start("a", named.clone()), start("b", named)],
    );
    assert_eq!(
        types(&a),
        ["session_start", "run_start", "run_start"],
        "a named session opens once"
    );
    assert!(a.iter().all(|e| e.session_id == "conv-7"));
    assert_eq!(a[1].user_id.as_deref(), Some("u1"));
    let (nested, _) = map(
        &mut live,
        vec![start(
            "n",
            json!({ "parent": { "callId": "a", "toolCallId": "t9" } }),
        )],
    );
    assert_eq!(nested[0].session_id, "conv-7");
    assert_eq!(nested[0].parent_run_id, a[1].run_id);
    assert_eq!(
        nested[0].attributes.as_ref().unwrap()["ai.parent.tool_call_id"],
        "t9"
    );
    let active =
        json!({ "activeRun": { "runId": "r1", "sessionId": "s1" }, "currentSession": "cur" });
    let (run, _) = map(&mut live, vec![start("c", active)]);
    assert_eq!(types(&run), ["run_start"]);
    assert_eq!(
        (run[0].session_id.as_str(), run[0].parent_run_id.as_deref()),
        ("s1", Some("r1"))
    );
    let (cur, _) = map(
        &mut live,
        vec![start("d", json!({ "currentSession": "cur" }))],
    );
    assert_eq!(
        (cur[0].session_id.as_str(), cur[0].parent_run_id.as_deref()),
        ("cur", None)
    );
    let (end, _) = map(
        &mut live,
        vec![json!({ "hook": "onEnd", "callId": "d", "at": 2000.0 })],
    );
    assert_eq!(
        types(&end),
        ["run_end"],
        "a session the call did not open stays open"
    );
}

#[test]
fn open_calls_are_bounded_and_the_forgotten_are_counted() {
    let mut live = Live::default();
    let (_, _) = map(
        &mut live,
        (0..MAX_OPEN + 5)
            .map(|i| start(&format!("c{i}"), json!({ "currentSession": "s" })))
            .collect(),
    );
    assert_eq!(live.calls.len(), MAX_OPEN);
    assert_eq!(live.forgotten(), 5);
    let (events, warnings) = map(
        &mut live,
        vec![json!({ "hook": "onEnd", "callId": "c0", "at": 1.0 })],
    );
    assert!(events.is_empty());
    assert_eq!(warnings.len(), 1);
    let (events, _) = map(
        &mut live,
        vec![json!({ "hook": "onEnd", "callId": "c9", "at": 1.0 })],
    );
    assert_eq!(types(&events), ["run_end"]);
}

#[test]
fn bad_records_are_skipped_with_a_reason_and_never_panic() {
    let mut live = Live::default();
    let records = vec![
        json!(null),
        json!("text"),
        json!({ "hook": "onStart" }),
        json!({ "hook": "onSomething", "callId": "x" }),
        json!({ "hook": "onStart", "callId": 7, "at": "soon", "settings": 3, "runtimeContext": [1], "parent": "p" }),
        json!({ "hook": "nope", "callId": "7" }),
        json!({ "hook": "onLanguageModelCallEnd", "callId": "7", "usage": "lots", "content": 5, "durationMs": -3 }),
        json!({ "hook": "onToolExecutionEnd", "callId": "7", "error": "boom" }),
        json!({ "hook": "onEmbedEnd", "callId": "7", "tokens": { "n": 1 } }),
        json!({ "hook": "onAbort", "callId": "7", "reason": 42 }),
    ];
    let (events, warnings) = map(&mut live, records);
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert!(types(&events).contains(&"tool_error"));
    assert_eq!(events.last().unwrap().event_type, EventType::SessionEnd);
}

#[test]
fn derived_ids_are_hex_with_a_letter_and_stable() {
    for i in 0..20_000 {
        let id = read::hex_id(&["run", &i.to_string()]);
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(id.bytes().any(|b| b.is_ascii_alphabetic()), "{id}");
    }
    assert_eq!(read::hex_id(&["a", "bc"]), read::hex_id(&["a", "bc"]));
    assert_ne!(read::hex_id(&["a", "bc"]), read::hex_id(&["ab", "c"]));
}

#[test]
fn embeddings_and_reranks_are_generic_events_with_model_and_tokens() {
    let mut live = Live::default();
    let records = vec![
        json!({ "hook": "onStart", "callId": "e", "at": 1.0, "operationId": "ai.embedMany", "modelId": "emb" }),
        json!({ "hook": "onEmbedStart", "callId": "e", "embedCallId": "x", "at": 2.0, "modelId": "emb", "provider": "openai.embedding", "input": ["a", "b"] }),
        json!({ "hook": "onEmbedEnd", "callId": "e", "embedCallId": "x", "at": 3.0, "modelId": "emb", "tokens": 12, "count": 2 }),
        json!({ "hook": "onRerankStart", "callId": "e", "at": 4.0, "modelId": "rr", "input": { "query": "q" } }),
        json!({ "hook": "onRerankEnd", "callId": "e", "at": 5.0, "modelId": "rr", "output": [{ "index": 0 }] }),
        json!({ "hook": "onEnd", "callId": "e", "at": 6.0 }),
    ];
    let (events, _) = map(&mut live, records);
    assert_eq!(
        types(&events),
        [
            "session_start",
            "run_start",
            "generic",
            "generic",
            "run_end",
            "session_end"
        ]
    );
    let embed = &events[2];
    assert_eq!(
        (embed.model.as_deref(), embed.tokens_in, embed.duration_ms),
        (Some("emb"), Some(12), Some(1.0))
    );
    assert_eq!(embed.input_data, Some(json!({ "input": ["a", "b"] })));
    assert_eq!(
        embed.attributes.as_ref().unwrap()["gen_ai.operation.name"],
        "embeddings"
    );
    assert_eq!(
        events[1].attributes.as_ref().unwrap()["gen_ai.operation.name"],
        "embeddings"
    );
    assert_eq!(
        events[3].attributes.as_ref().unwrap()["gen_ai.operation.name"],
        "rerank"
    );
    assert_eq!(
        events[3].output_data,
        Some(json!({ "output": [{ "index": 0 }] }))
    );
}

#[test]
fn a_call_without_tools_has_no_step_runs() {
    let mut live = Live::default();
    let mut records = agent("c1");
    records[0]["tools"] = false.into();
    records.truncate(4);
    records.push(json!({ "hook": "onStepEnd", "callId": "c1", "at": 1014.0, "stepNumber": 0 }));
    records.push(json!({ "hook": "onEnd", "callId": "c1", "at": 1015.0 }));
    let (events, _) = map(&mut live, records);
    assert_eq!(
        types(&events),
        [
            "session_start",
            "run_start",
            "llm_call",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(events[2].run_id, events[1].run_id);
}

#[test]
fn named_sessions_are_remembered_once_and_bounded() {
    let mut live = Live::default();
    assert!(live.remember_named("b") && live.remember_named("a") && !live.remember_named("b"));
    for i in 0..MAX_OPEN {
        live.remember_named(&format!("s{i}"));
    }
    assert_eq!(live.named.len(), MAX_OPEN);
    assert_eq!(live.forgotten(), 2);
    assert!(live.named.windows(2).all(|w| w[0] < w[1]), "kept sorted");
}
