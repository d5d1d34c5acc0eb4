//! Unit tests of the LangChain mapping: one per callback's mapping, tokens, nesting,
//! sessions, errors recorded once, bounded state.

use serde_json::{Value, json};

use super::Live;
use crate::import::live::MAX_OPEN;
use crate::import::warn::Warnings;
use crate::model::{Event, EventType};

fn run(live: &mut Live, records: Value) -> (Vec<Event>, Warnings) {
    let mut out = Vec::new();
    let mut warnings = Warnings::default();
    for r in records.as_array().unwrap().clone() {
        live.map(r, &mut out, &mut warnings);
    }
    (out, warnings)
}

fn types(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn chain(cb: &str, id: &str, parent: Option<&str>, t: f64) -> Value {
    json!({"cb": cb, "run_id": id, "parent_run_id": parent, "t": t, "name": "RunnableSequence", "run_type": null, "inputs": {"q": "hi"}, "outputs": {"output": "ok"}})
}

#[test]
fn chains_are_runs_nested_by_parent_and_a_root_has_its_own_session() {
    let mut live = Live::default();
    let (out, w) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1000.0),
            chain("handleChainStart", "c", Some("r"), 1001.0),
            chain("handleChainEnd", "c", Some("r"), 1002.0),
            chain("handleChainEnd", "r", None, 1003.0),
        ]),
    );
    assert_eq!(w.count(), 0);
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "run_start",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    assert!(out.iter().all(|e| e.session_id == "r"));
    assert_eq!(out[0].agent_name.as_deref(), Some("RunnableSequence"));
    assert_eq!(out[1].run_id.as_deref(), Some("r"));
    assert_eq!(out[1].parent_run_id, None);
    assert_eq!(out[1].agent_name.as_deref(), Some("RunnableSequence"));
    assert_eq!(out[1].input_data, Some(json!({"inputs": {"q": "hi"}})));
    assert_eq!(out[2].parent_run_id.as_deref(), Some("r"));
    assert_eq!(out[2].agent_name, None);
    assert_eq!(out[3].status.as_deref(), Some("completed"));
    assert_eq!(out[3].duration_ms, Some(1.0));
    assert_eq!(
        out[3].output_data,
        Some(json!({"outputs": {"output": "ok"}}))
    );
    assert_eq!(out[5].status.as_deref(), Some("completed"));
    assert_eq!(live.runs.len(), 0);
}

fn llm_end(id: &str, parent: &str, usage: Value, llm_output: Value) -> Value {
    json!({"cb": "handleLLMEnd", "run_id": id, "parent_run_id": parent, "t": 2000.0,
        "generations": [{"text": "Paris", "message": {"type": "ai", "content": "Paris", "usage_metadata": usage,
            "response_metadata": {"model_name": "gpt-4o-2024-08-06", "finish_reason": "stop"}}}],
        "llm_output": llm_output})
}

fn chat_start(id: &str, parent: &str) -> Value {
    json!({"cb": "handleChatModelStart", "run_id": id, "parent_run_id": parent, "t": 1500.0, "name": "ChatOpenAI",
        "metadata": {"ls_model_name": "gpt-4o", "ls_provider": "openai", "user_key": 1},
        "invocation_params": {"model": "ignored"},
        "messages": [{"type": "system", "content": "Be brief."}, {"type": "human", "content": "Capital of France?"}]})
}

#[test]
fn a_chat_model_call_is_an_llm_call_with_cached_and_reasoning_tokens_counted_once() {
    let mut live = Live::default();
    let usage = json!({"input_tokens": 120, "output_tokens": 40, "total_tokens": 160,
        "input_token_details": {"cache_read": 100, "cache_creation": 7}, "output_token_details": {"reasoning": 30}});
    // LangChain copies usage_metadata into llmOutput.tokenUsage: the same tokens, twice.
    let llm_output =
        json!({"tokenUsage": {"promptTokens": 120, "completionTokens": 40, "totalTokens": 160}});
    let (out, w) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1000.0),
            chat_start("m", "r"),
            llm_end("m", "r", usage, llm_output)
        ]),
    );
    assert_eq!(w.count(), 0);
    let e = &out[2];
    assert_eq!(e.event_type, EventType::LlmCall);
    assert_eq!(e.run_id.as_deref(), Some("r"));
    assert_eq!(e.span_id.as_deref(), Some("m"));
    assert_eq!(e.model.as_deref(), Some("gpt-4o"));
    assert_eq!((e.tokens_in, e.tokens_out), (Some(120), Some(40)));
    assert_eq!(
        (e.cached_input_tokens, e.reasoning_tokens),
        (Some(100), Some(30))
    );
    assert_eq!(e.duration_ms, Some(500.0));
    let attrs = e.attributes.as_ref().unwrap();
    assert_eq!(attrs["cache_creation_input_tokens"], 7);
    assert_eq!(attrs["gen_ai.provider.name"], "openai");
    assert_eq!(attrs["gen_ai.response.model"], "gpt-4o-2024-08-06");
    assert_eq!(attrs["gen_ai.response.finish_reasons"], json!(["stop"]));
    assert_eq!(attrs["langchain.metadata"], json!({"user_key": 1}));
    assert_eq!(
        e.input_data,
        Some(
            json!({"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}]})
        )
    );
    assert_eq!(e.output_data, Some(json!({"response": "Paris"})));
}

#[test]
fn tokens_fall_back_to_llm_output_then_the_estimate_and_the_model_to_the_response() {
    let mut live = Live::default();
    let start = |id: &str| json!({"cb": "handleLLMStart", "run_id": id, "t": 1.0, "prompts": ["Say hi"], "kwargs": {"modelName": "gpt-3.5-turbo-instruct"}});
    let end = |id: &str, out: Value| json!({"cb": "handleLLMEnd", "run_id": id, "t": 2.0, "generations": [{"text": "hi"}], "llm_output": out});
    let (out, _) = run(
        &mut live,
        json!([
            start("a"),
            end(
                "a",
                json!({"tokenUsage": {"promptTokens": 5, "completionTokens": 2}, "estimatedTokenUsage": {"promptTokens": 9, "completionTokens": 9}})
            ),
            start("b"),
            end(
                "b",
                json!({"estimatedTokenUsage": {"promptTokens": 4, "completionTokens": 1}})
            ),
            json!({"cb": "handleChatModelStart", "run_id": "c", "t": 1.0, "messages": []}),
            json!({"cb": "handleLLMEnd", "run_id": "c", "t": 2.0, "generations": [{"text": "", "message": {"content": [{"type": "text", "text": "x"}], "response_metadata": {"model": "claude-sonnet-4-5"}}}]}),
        ]),
    );
    let calls: Vec<&Event> = out
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall)
        .collect();
    assert_eq!(
        (calls[0].tokens_in, calls[0].tokens_out),
        (Some(5), Some(2))
    );
    assert_eq!(calls[0].model.as_deref(), Some("gpt-3.5-turbo-instruct"));
    assert_eq!(calls[0].input_data, Some(json!({"prompt": "Say hi"})));
    assert_eq!(
        (calls[1].tokens_in, calls[1].tokens_out),
        (Some(4), Some(1))
    );
    assert_eq!(
        (calls[2].tokens_in, calls[2].tokens_out),
        (Some(0), Some(0))
    );
    assert_eq!(calls[2].cached_input_tokens, None);
    assert_eq!(calls[2].model.as_deref(), Some("claude-sonnet-4-5"));
    assert_eq!(
        calls[2].output_data,
        Some(json!({"response": [{"type": "text", "text": "x"}]}))
    );
    // Each standalone call is a root with a session of its own.
    assert_eq!(
        types(&out[..3]),
        ["session_start", "llm_call", "session_end"]
    );
}

#[test]
fn a_response_asking_for_tools_keeps_the_calls_and_a_first_token_gives_time_to_first_token() {
    let mut live = Live::default();
    let (out, _) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1000.0),
            chat_start("m", "r"),
            {"cb": "handleLLMNewToken", "run_id": "m", "t": 1525.0},
            {"cb": "handleLLMNewToken", "run_id": "m", "t": 1600.0},
            {"cb": "handleLLMEnd", "run_id": "m", "t": 1700.0, "generations": [{"text": "", "message": {"type": "ai", "content": "",
                "tool_calls": [{"name": "weather", "args": {"city": "Paris"}, "id": "call_1", "type": "tool_call"}]}}]},
        ]),
    );
    let e = &out[2];
    assert_eq!(
        e.output_data,
        Some(
            json!({"response": {"content": "", "tool_calls": [{"id": "call_1", "name": "weather", "args": {"city": "Paris"}}]}})
        )
    );
    assert_eq!(
        e.attributes.as_ref().unwrap()["time_to_first_token_ms"],
        25.0
    );
}

#[test]
fn tools_are_tool_calls_with_their_call_id_input_and_output() {
    let mut live = Live::default();
    let (out, w) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1000.0),
            {"cb": "handleToolStart", "run_id": "t1", "parent_run_id": "r", "t": 1001.0, "run_name": "weather", "input": "{\"city\":\"Paris\"}", "tool_call_id": "call_1"},
            {"cb": "handleToolEnd", "run_id": "t1", "parent_run_id": "r", "t": 1003.0, "output": {"type": "tool", "content": "{\"c\":21}", "tool_call_id": "call_1", "status": "success"}},
            {"cb": "handleToolStart", "run_id": "t2", "parent_run_id": "r", "t": 1004.0, "run_name": "calc", "input": "2+"},
            {"cb": "handleToolEnd", "run_id": "t2", "parent_run_id": "r", "t": 1005.0, "output": "plain"},
            {"cb": "handleToolStart", "run_id": "t3", "parent_run_id": "r", "t": 1006.0, "run_name": "lookup", "input": "x"},
            {"cb": "handleToolEnd", "run_id": "t3", "parent_run_id": "r", "t": 1007.0, "output": {"type": "tool", "content": "no such page", "tool_call_id": "call_3", "status": "error"}},
        ]),
    );
    assert_eq!(w.count(), 0);
    assert_eq!(types(&out[2..]), ["tool_call", "tool_call", "tool_error"]);
    let t = out[2].tool_call.as_ref().unwrap();
    assert_eq!(
        (t.tool_name.as_str(), t.tool_call_id.as_str()),
        ("weather", "call_1")
    );
    assert_eq!(t.tool_input, json!({"city": "Paris"}));
    assert_eq!(t.tool_output, Some(json!({"c": 21})));
    assert_eq!(t.duration_ms, Some(2.0));
    assert_eq!(out[2].run_id.as_deref(), Some("r"));
    let t = out[3].tool_call.as_ref().unwrap();
    assert_eq!(
        (t.tool_call_id.as_str(), &t.tool_input, &t.tool_output),
        ("t2", &json!("2+"), &Some(json!("plain")))
    );
    assert_eq!(out[4].tool_call.as_ref().unwrap().tool_call_id, "call_3");
    assert_eq!(out[4].error.as_ref().unwrap().message, "no such page");
}

fn err(cb: &str, id: &str, parent: Option<&str>, message: &str) -> Value {
    json!({"cb": cb, "run_id": id, "parent_run_id": parent, "t": 5.0, "error": {"name": "TypeError", "message": message, "stack": "at x"}})
}

#[test]
fn an_error_is_recorded_once_where_it_happened_and_fails_every_run_it_ends() {
    let mut live = Live::default();
    let (out, _) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1.0),
            chain("handleChainStart", "c", Some("r"), 2.0),
            {"cb": "handleToolStart", "run_id": "t", "parent_run_id": "c", "t": 3.0, "name": "boom", "input": "{}"},
            err("handleToolError", "t", Some("c"), "exploded"),
            err("handleChainError", "c", Some("r"), "exploded"),
            err("handleChainError", "r", None, "exploded"),
        ]),
    );
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "run_start",
            "tool_error",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    let e = out[3].error.as_ref().unwrap();
    assert_eq!(
        (
            e.error_type.as_str(),
            e.message.as_str(),
            e.stack_trace.as_deref()
        ),
        ("TypeError", "exploded", Some("at x"))
    );
    assert!(
        out[4..6]
            .iter()
            .all(|e| e.status.as_deref() == Some("error"))
    );
    assert_eq!(out[6].status.as_deref(), Some("error"));
}

#[test]
fn a_chain_error_of_its_own_and_a_failed_llm_call_give_error_events() {
    let mut live = Live::default();
    let (out, _) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1.0),
            chat_start("m", "r"),
            err("handleLLMError", "m", Some("r"), "429 rate limited"),
            err("handleChainError", "r", None, "gave up"),
        ]),
    );
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "llm_call",
            "error",
            "error",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(out[3].error.as_ref().unwrap().message, "429 rate limited");
    assert_eq!(out[3].run_id.as_deref(), Some("r"));
    assert_eq!(out[4].error.as_ref().unwrap().message, "gave up");
    assert_eq!(out[4].run_id.as_deref(), Some("r"));
}

#[test]
fn hidden_chains_are_not_runs_and_their_content_joins_the_run_around_them() {
    let mut live = Live::default();
    let mut hidden = chain("handleChainStart", "h", Some("r"), 2.0);
    hidden["tags"] = json!(["langsmith:hidden"]);
    let (out, _) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1.0),
            hidden,
            chain("handleChainStart", "n", Some("h"), 3.0),
            chain("handleChainEnd", "n", Some("h"), 4.0),
            chain("handleChainEnd", "h", Some("r"), 5.0),
            chain("handleChainEnd", "r", None, 6.0),
        ]),
    );
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "run_start",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(out[2].run_id.as_deref(), Some("n"));
    assert_eq!(out[2].parent_run_id.as_deref(), Some("r"));
}

#[test]
fn the_session_comes_from_metadata_then_the_tracker_then_the_thread() {
    let mut live = Live::default();
    let mut explicit = chain("handleChainStart", "a", None, 1.0);
    explicit["metadata"] = json!({"session_id": "s-explicit", "thread_id": "th"});
    explicit["al_session"] = json!("s-tracker");
    let mut tracker = chain("handleChainStart", "b", None, 1.0);
    tracker["metadata"] = json!({"thread_id": "th"});
    tracker["al_session"] = json!("s-tracker");
    tracker["al_run"] = json!("run-outer");
    let mut thread = chain("handleChainStart", "c", None, 1.0);
    thread["metadata"] = json!({"thread_id": "th"});
    let (out, _) = run(
        &mut live,
        json!([
            explicit,
            chain("handleChainEnd", "a", None, 2.0),
            tracker,
            chain("handleChainEnd", "b", None, 2.0),
            thread,
            chain("handleChainEnd", "c", None, 2.0)
        ]),
    );
    let sessions: Vec<(&str, &str)> = out
        .iter()
        .map(|e| (e.event_type.as_str(), e.session_id.as_str()))
        .collect();
    assert_eq!(
        sessions,
        [
            ("session_start", "s-explicit"),
            ("run_start", "s-explicit"),
            ("run_end", "s-explicit"),
            ("run_start", "s-tracker"),
            ("run_end", "s-tracker"),
            ("session_start", "th"),
            ("run_start", "th"),
            ("run_end", "th"),
        ]
    );
    assert_eq!(out[3].parent_run_id.as_deref(), Some("run-outer"));
    assert_eq!(out[4].parent_run_id.as_deref(), Some("run-outer"));
}

#[test]
fn retrievers_are_memory_reads_and_agents_give_decisions_and_final_answers() {
    let mut live = Live::default();
    let (out, w) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1.0),
            {"cb": "handleRetrieverStart", "run_id": "q", "parent_run_id": "r", "t": 2.0, "name": "DocsRetriever", "query": "refund policy"},
            {"cb": "handleRetrieverEnd", "run_id": "q", "parent_run_id": "r", "t": 4.0, "documents": [{"page_content": "30 days", "metadata": {"src": "faq"}}]},
            {"cb": "handleRetrieverStart", "run_id": "q2", "parent_run_id": "r", "t": 5.0, "query": "x"},
            err("handleRetrieverError", "q2", Some("r"), "index offline"),
            {"cb": "handleAgentAction", "run_id": "r", "t": 6.0, "tool": "search", "tool_input": {"q": "x"}, "log": "I should search.", "tool_call_id": "c9"},
            {"cb": "handleAgentEnd", "run_id": "r", "t": 7.0, "return_values": {"output": "30 days"}, "log": "done"},
            {"cb": "handleCustomEvent", "run_id": "r", "t": 8.0, "event_name": "progress", "data": {"pct": 50}},
        ]),
    );
    assert_eq!(w.count(), 0);
    assert_eq!(
        types(&out[2..]),
        [
            "memory_read",
            "memory_read",
            "error",
            "decision",
            "final",
            "generic"
        ]
    );
    let m = out[2].memory.as_ref().unwrap();
    assert_eq!(
        (m.key.as_str(), m.memory_type.as_deref()),
        ("refund policy", Some("retriever"))
    );
    assert_eq!(
        m.value,
        Some(json!([{"page_content": "30 days", "metadata": {"src": "faq"}}]))
    );
    assert_eq!(
        (out[2].run_id.as_deref(), out[2].duration_ms),
        (Some("r"), Some(2.0))
    );
    assert_eq!(out[4].error.as_ref().unwrap().message, "index offline");
    let d = &out[5];
    assert_eq!(
        d.decision_trace.as_ref().unwrap().reasoning,
        "I should search."
    );
    assert_eq!(
        d.input_data,
        Some(json!({"tool": "search", "tool_input": {"q": "x"}}))
    );
    assert_eq!(d.run_id.as_deref(), Some("r"));
    assert_eq!(out[6].output_data, Some(json!({"answer": "30 days"})));
    assert_eq!(
        out[7].attributes.as_ref().unwrap()["langchain.event"],
        "progress"
    );
}

#[test]
fn records_that_cannot_be_placed_are_skipped_with_a_warning() {
    let mut live = Live::default();
    let (out, w) = run(
        &mut live,
        json!([
            {"run_id": "x"},
            {"cb": "handleChainStart"},
            {"cb": "handleSomethingNew", "run_id": "x"},
            chain("handleChainEnd", "never-started", None, 1.0),
            {"cb": "handleAgentAction", "run_id": "nope"},
        ]),
    );
    assert!(out.is_empty());
    assert_eq!(w.count(), 5);
    assert!(
        w.as_slice().iter().all(|m| !m.contains("never-started")),
        "{:?}",
        w.as_slice()
    );
}

#[test]
fn open_runs_are_bounded_and_the_forgotten_counted() {
    let mut live = Live::default();
    let mut out = Vec::new();
    let mut w = Warnings::default();
    for i in 0..MAX_OPEN + 5 {
        live.map(
            json!({"cb": "handleChainStart", "run_id": format!("r{i}"), "t": 1.0}),
            &mut out,
            &mut w,
        );
    }
    assert_eq!(live.runs.len(), MAX_OPEN);
    assert_eq!(live.forgotten(), 5);
    // The oldest were forgotten: their end is skipped; a kept one still ends.
    out.clear();
    live.map(chain("handleChainEnd", "r0", None, 2.0), &mut out, &mut w);
    live.map(chain("handleChainEnd", "r9", None, 2.0), &mut out, &mut w);
    assert_eq!(w.count(), 1);
    assert_eq!(types(&out), ["run_end", "session_end"]);
    // Ending and starting many more keeps the bookkeeping bounded too.
    for i in 0..3 * MAX_OPEN {
        let id = format!("n{i}");
        live.map(
            json!({"cb": "handleChainStart", "run_id": id, "t": 1.0}),
            &mut out,
            &mut w,
        );
        live.map(
            json!({"cb": "handleChainEnd", "run_id": id, "t": 1.0}),
            &mut out,
            &mut w,
        );
    }
    assert!(live.runs.order_len() <= 2 * MAX_OPEN + 1);
    assert_eq!(live.forgotten(), 5);
}

#[test]
fn what_the_handler_left_out_is_absent_not_null() {
    let mut live = Live::default();
    let (out, _) = run(
        &mut live,
        json!([
            {"cb": "handleChainStart", "run_id": "r", "t": 1.0, "inputs": null},
            {"cb": "handleToolStart", "run_id": "t", "parent_run_id": "r", "t": 1.0, "input": null},
            {"cb": "handleToolEnd", "run_id": "t", "t": 2.0, "output": null},
            {"cb": "handleChainEnd", "run_id": "r", "t": 2.0, "outputs": null, "inputs": null},
        ]),
    );
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "tool_call",
            "run_end",
            "session_end"
        ]
    );
    assert_eq!(
        (&out[1].input_data, &out[3].input_data, &out[3].output_data),
        (&None, &None, &None)
    );
    assert_eq!(out[2].tool_call.as_ref().unwrap().tool_output, None);
}

#[test]
fn an_error_callback_fails_its_run_even_without_an_error_copied() {
    let mut live = Live::default();
    let (out, _) = run(
        &mut live,
        json!([
            chain("handleChainStart", "r", None, 1.0),
            {"cb": "handleToolStart", "run_id": "t", "parent_run_id": "r", "t": 2.0, "name": "x"},
            {"cb": "handleToolError", "run_id": "t", "parent_run_id": "r", "t": 3.0, "error": null},
            {"cb": "handleChainError", "run_id": "r", "t": 4.0},
        ]),
    );
    assert_eq!(
        types(&out),
        [
            "session_start",
            "run_start",
            "tool_error",
            "run_end",
            "session_end"
        ]
    );
    let e = out[2].error.as_ref().unwrap();
    assert_eq!((e.error_type.as_str(), e.message.as_str()), ("Error", ""));
    assert_eq!(out[3].status.as_deref(), Some("error"));
    assert_eq!(out[4].status.as_deref(), Some("error"));
}
