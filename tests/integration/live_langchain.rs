//! Live mapping of LangChain.js records (`@agentlens/sdk/langchain`'s callback handler)
//! through the public [`LiveMapper`]: an agent's batch of callbacks into its event tree,
//! tokens counted once, bounded state.

use agentlens::import::live::{Framework, LiveMapper, MAX_OPEN};
use agentlens::model::{Event, EventType};
use serde_json::{Value, json};

/// A plan step, two tool calls (one failing), a streamed sub-chain and a final answer, as
/// the handler records them (a LangGraph-style graph: its nodes are chains).
fn agent_records() -> Value {
    json!([
        {"cb": "handleChainStart", "run_id": "g", "t": 1000, "name": "LangGraph", "inputs": {"messages": [{"type": "human", "content": "Weather in Paris?"}]}, "metadata": {"thread_id": "thread-7"}},
        {"cb": "handleChainStart", "run_id": "plan", "parent_run_id": "g", "t": 1001, "name": "agent", "run_type": null, "tags": ["graph:step:1"], "metadata": {"langgraph_node": "agent", "langgraph_step": 1, "thread_id": "thread-7"}},
        {"cb": "handleChatModelStart", "run_id": "m1", "parent_run_id": "plan", "t": 1002, "name": "ChatOpenAI", "metadata": {"ls_model_name": "gpt-4o", "ls_provider": "openai"},
         "messages": [{"type": "human", "content": "Weather in Paris?"}]},
        {"cb": "handleLLMEnd", "run_id": "m1", "parent_run_id": "plan", "t": 1010,
         "generations": [{"text": "", "message": {"type": "ai", "content": "", "tool_calls": [{"id": "call_a", "name": "weather", "args": {"city": "Paris"}}, {"id": "call_b", "name": "news", "args": {}}],
           "usage_metadata": {"input_tokens": 200, "output_tokens": 50, "input_token_details": {"cache_read": 150}, "output_token_details": {"reasoning": 20}}}}],
         "llm_output": {"tokenUsage": {"promptTokens": 200, "completionTokens": 50, "totalTokens": 250}}},
        {"cb": "handleChainEnd", "run_id": "plan", "parent_run_id": "g", "t": 1011, "outputs": {"messages": []}},
        {"cb": "handleChainStart", "run_id": "tools", "parent_run_id": "g", "t": 1012, "name": "tools"},
        {"cb": "handleToolStart", "run_id": "t1", "parent_run_id": "tools", "t": 1013, "run_name": "weather", "input": "{\"city\":\"Paris\"}", "tool_call_id": "call_a"},
        {"cb": "handleToolEnd", "run_id": "t1", "parent_run_id": "tools", "t": 1015, "output": {"type": "tool", "content": "21C sunny", "tool_call_id": "call_a", "status": "success"}},
        {"cb": "handleToolStart", "run_id": "t2", "parent_run_id": "tools", "t": 1016, "run_name": "news", "input": "{}", "tool_call_id": "call_b"},
        {"cb": "handleToolError", "run_id": "t2", "parent_run_id": "tools", "t": 1017, "error": {"name": "Error", "message": "news feed down"}},
        {"cb": "handleChainEnd", "run_id": "tools", "parent_run_id": "g", "t": 1018, "outputs": {}},
        {"cb": "handleChainStart", "run_id": "sum", "parent_run_id": "g", "t": 1019, "name": "summarise", "inputs": {"input": ""}},
        {"cb": "handleChatModelStart", "run_id": "m2", "parent_run_id": "sum", "t": 1020, "metadata": {"ls_model_name": "gpt-4o-mini"}, "messages": []},
        {"cb": "handleLLMNewToken", "run_id": "m2", "t": 1021},
        {"cb": "handleLLMEnd", "run_id": "m2", "parent_run_id": "sum", "t": 1025,
         "generations": [{"text": "Sunny, 21C.", "message": {"type": "ai", "content": "Sunny, 21C.", "usage_metadata": {"input_tokens": 80, "output_tokens": 6}}}],
         "llm_output": {"tokenUsage": {"promptTokens": 80, "completionTokens": 6}}},
        {"cb": "handleChainEnd", "run_id": "sum", "parent_run_id": "g", "t": 1026, "outputs": "Sunny, 21C.", "inputs": {"topic": "weather"}},
        {"cb": "handleChainEnd", "run_id": "g", "t": 1027, "outputs": {"messages": []}}
    ])
}

fn map(records: &Value) -> (Vec<Event>, LiveMapper) {
    let mut mapper = LiveMapper::new(Framework::Langchain);
    let mapped = mapper.map_json(&records.to_string());
    assert_eq!(mapped.skipped, 0, "{:?}", mapped.warnings);
    (mapped.events, mapper)
}

#[test]
fn an_agent_run_maps_to_a_tree_of_runs_llm_calls_and_tool_calls() {
    let (events, _) = map(&agent_records());
    let shape: Vec<(&str, Option<&str>, Option<&str>)> = events
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.run_id.as_deref(),
                e.parent_run_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("session_start", None, None),
            ("run_start", Some("g"), None),
            ("run_start", Some("plan"), Some("g")),
            ("llm_call", Some("plan"), None),
            ("run_end", Some("plan"), Some("g")),
            ("run_start", Some("tools"), Some("g")),
            ("tool_call", Some("tools"), None),
            ("tool_error", Some("tools"), None),
            ("run_end", Some("tools"), Some("g")),
            ("run_start", Some("sum"), Some("g")),
            ("llm_call", Some("sum"), None),
            ("run_end", Some("sum"), Some("g")),
            ("run_end", Some("g"), None),
        ]
    );
    // LangGraph's thread is the session, left open for the thread's next turn.
    assert!(events.iter().all(|e| e.session_id == "thread-7"));
    assert_eq!(events[0].agent_name.as_deref(), Some("LangGraph"));
    let plan = &events[3];
    assert_eq!(plan.model.as_deref(), Some("gpt-4o"));
    assert_eq!(
        (
            plan.tokens_in,
            plan.tokens_out,
            plan.cached_input_tokens,
            plan.reasoning_tokens
        ),
        (Some(200), Some(50), Some(150), Some(20))
    );
    let failed = &events[7];
    let call = failed.tool_call.as_ref().unwrap();
    assert_eq!(
        (call.tool_name.as_str(), call.tool_call_id.as_str()),
        ("news", "call_b")
    );
    assert_eq!(failed.error.as_ref().unwrap().message, "news feed down");
    assert_eq!(
        events[6].tool_call.as_ref().unwrap().tool_output,
        Some(json!("21C sunny"))
    );
    // The failure was handled: the tools node and the graph completed.
    assert_eq!(events[8].status.as_deref(), Some("completed"));
    assert_eq!(events[12].status.as_deref(), Some("completed"));
    let streamed = &events[10];
    assert_eq!(streamed.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(
        (streamed.tokens_in, streamed.tokens_out),
        (Some(80), Some(6))
    );
    assert_eq!(
        streamed.attributes.as_ref().unwrap()["time_to_first_token_ms"],
        1.0
    );
    assert_eq!(
        events[11].input_data,
        Some(json!({"inputs": {"topic": "weather"}}))
    );
    assert_eq!(
        events[11].output_data,
        Some(json!({"outputs": "Sunny, 21C."}))
    );
}

#[test]
fn tokens_over_the_run_are_counted_once() {
    let (events, _) = map(&agent_records());
    let calls = events.iter().filter(|e| e.event_type == EventType::LlmCall);
    let (tin, tout): (u64, u64) = calls.fold((0, 0), |(i, o), e| {
        (i + e.tokens_in.unwrap(), o + e.tokens_out.unwrap())
    });
    assert_eq!((tin, tout), (280, 56));
    // Every other event carries zero tokens, as the SDK's do.
    let others = events
        .iter()
        .filter(|e| matches!(e.event_type, EventType::ToolCall | EventType::ToolError));
    assert!(
        others
            .into_iter()
            .all(|e| e.tokens_in == Some(0) && e.tokens_out == Some(0))
    );
}

#[test]
fn the_events_serialise_to_the_wire_format() {
    let (events, _) = map(&agent_records());
    let llm = serde_json::to_value(&events[3]).unwrap();
    assert_eq!(llm["event_type"], "llm_call");
    assert_eq!(llm["session_id"], "thread-7");
    assert_eq!(llm["timestamp"], "1970-01-01T00:00:01.002000Z");
    assert_eq!(llm["duration_ms"], 8.0);
    assert_eq!(
        llm["input_data"]["prompt"][0],
        json!({"role": "user", "content": "Weather in Paris?"})
    );
    assert_eq!(
        llm["output_data"]["response"]["tool_calls"][1]["name"],
        "news"
    );
    let tool = serde_json::to_value(&events[6]).unwrap();
    assert_eq!(tool["tool_call"]["tool_input"], json!({"city": "Paris"}));
}

#[test]
fn text_that_is_not_json_and_unplaceable_records_are_counted() {
    let mut mapper = LiveMapper::new(Framework::Langchain);
    let bad = mapper.map_json("{oops");
    assert_eq!((bad.events.len(), bad.skipped), (0, 1));
    let orphan = mapper.map_json(r#"[{"cb":"handleToolEnd","run_id":"zzz","output":"x"}]"#);
    assert_eq!((orphan.events.len(), orphan.skipped), (0, 1));
    assert!(orphan.warnings[0].contains("handleToolEnd"));
}

#[test]
fn a_mapper_forgets_the_oldest_open_runs_past_the_bound() {
    let mut mapper = LiveMapper::new(Framework::Langchain);
    let starts: Vec<Value> = (0..MAX_OPEN + 3)
        .map(|i| json!({"cb": "handleLLMStart", "run_id": format!("m{i}"), "t": 1, "prompts": ["p"]}))
        .collect();
    mapper.map_json(&Value::Array(starts).to_string());
    assert_eq!(mapper.forgotten(), 3);
    let end = mapper.map_json(
        r#"[{"cb":"handleLLMEnd","run_id":"m0","t":2},{"cb":"handleLLMEnd","run_id":"m3","t":2}]"#,
    );
    assert_eq!(end.skipped, 1);
    let kinds: Vec<&str> = end.events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(kinds, ["llm_call", "session_end"]);
}
