//! Live mapping of OpenTelemetry GenAI spans (`@agentlens/sdk/otel`'s records): every
//! convention the OTLP importer reads, the live result equal to a file import of the same
//! spans, runs before what they contain, bounded state.

use agentlens::import::import_trace;
use agentlens::import::live::{Framework, LiveMapper, MAX_OPEN};
use agentlens::model::{Event, EventType};
use serde_json::{Value, json};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// A record as the span processor sends it. `t`: start and end in microseconds.
fn span(
    id: &str,
    parent: Option<&str>,
    group: &str,
    name: &str,
    t: (u64, u64),
    attrs: Value,
) -> Value {
    let mut r = json!({
        "traceId": TRACE, "spanId": id, "group": group, "name": name, "kind": 1,
        "startTimeUnixNano": (1_796_547_252_000_000 + t.0).to_string() + "000",
        "endTimeUnixNano": (1_796_547_252_000_000 + t.1).to_string() + "000",
        "attributes": attrs, "status": {"code": 0},
        "resource": {"attributes": {"service.name": "support"}},
    });
    if let Some(p) = parent {
        r["parentSpanId"] = json!(p);
    }
    r
}

/// An AI SDK 6 `streamText` with two steps and two tool calls (one failing), in the
/// order OpenTelemetry ends them (children first). The second step's start is rounded
/// down to the millisecond, as OpenTelemetry JS does, so it claims to start before the
/// tool calls end.
fn ai_sdk6() -> Vec<Value> {
    let g = "00f067aa0ba902b7";
    let mut failed = span(
        "00000000000000c2",
        Some(g),
        g,
        "ai.toolCall",
        (2_100, 2_600),
        json!({
        "ai.operationId": "ai.toolCall", "ai.toolCall.name": "refund_api", "ai.toolCall.id": "call_2",
        "ai.toolCall.args": "{\"order_id\":\"A-1234\"}", "ai.telemetry.functionId": "support-agent"}),
    );
    failed["status"] = json!({"code": 2, "message": "refund service unavailable"});
    failed["events"] = json!([{"name": "exception", "timeUnixNano": "1796547252002600000",
        "attributes": {"exception.type": "Error", "exception.message": "refund service unavailable"}}]);
    vec![
        span(
            "00000000000000a1",
            Some(g),
            g,
            "ai.streamText.doStream",
            (100, 2_000),
            json!({
            "ai.operationId": "ai.streamText.doStream", "ai.model.id": "gpt-5", "ai.model.provider": "openai.chat",
            "gen_ai.system": "openai.chat", "gen_ai.request.model": "gpt-5", "ai.response.model": "gpt-5",
            "ai.usage.inputTokens": 1400, "ai.usage.outputTokens": 60, "ai.usage.cachedInputTokens": 1280,
            "ai.usage.inputTokenDetails.cacheReadTokens": 1280, "ai.usage.reasoningTokens": 16,
            "ai.usage.inputTokenDetails.cacheWriteTokens": 3,
            "gen_ai.usage.input_tokens": 1400, "gen_ai.usage.output_tokens": 60,
            "ai.prompt.messages": "[{\"role\":\"user\",\"content\":\"refund?\"}]",
            "ai.response.toolCalls": "[{\"toolCallId\":\"call_1\"}]"}),
        ),
        span(
            "00000000000000c1",
            Some(g),
            g,
            "ai.toolCall",
            (2_050, 2_500),
            json!({
            "ai.operationId": "ai.toolCall", "ai.toolCall.name": "lookup_order", "ai.toolCall.id": "call_1",
            "ai.toolCall.args": "{\"order_id\":\"A-1234\"}", "ai.toolCall.result": "{\"status\":\"delivered\"}"}),
        ),
        failed,
        span(
            "00000000000000a2",
            Some(g),
            g,
            "ai.streamText.doStream",
            (2_600, 4_000),
            json!({
            "ai.operationId": "ai.streamText.doStream", "ai.model.id": "gpt-5", "ai.usage.inputTokens": 1500,
            "ai.usage.outputTokens": 40, "ai.usage.cachedInputTokens": 1408, "ai.usage.reasoningTokens": 8,
            "ai.response.text": "Refund filed."}),
        ),
        span(
            g,
            None,
            g,
            "ai.streamText",
            (0, 2_400),
            json!({
            "ai.operationId": "ai.streamText", "ai.telemetry.functionId": "support-agent",
            "ai.telemetry.metadata.sessionId": "chat-42", "ai.model.id": "gpt-5",
            "ai.usage.inputTokens": 2900, "ai.usage.outputTokens": 100}),
        ),
    ]
}

fn live(records: &[Value]) -> (Vec<Event>, LiveMapper) {
    let mut mapper = LiveMapper::new(Framework::Otel);
    let mut events = Vec::new();
    for r in records {
        let mapped = mapper.map_json(&r.to_string());
        assert_eq!(mapped.skipped, 0, "{:?}", mapped.warnings);
        events.extend(mapped.events);
    }
    (events, mapper)
}

fn file_import(records: &[Value]) -> Vec<Event> {
    let doc = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "support"}}]},
        "scopeSpans": [{"spans": records}]}]});
    import_trace(doc.to_string().as_bytes()).unwrap().events
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn without_sessions(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| {
            !matches!(
                e.event_type,
                EventType::SessionStart | EventType::SessionEnd
            )
        })
        .collect()
}

#[test]
fn ai_sdk6_spans_map_live_as_a_file_import_maps_them_runs_first() {
    let records = ai_sdk6();
    let (events, _) = live(&records);
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "llm_call",
            "tool_call",
            "tool_error",
            "llm_call",
            "run_end"
        ],
        "a session a span names stays open; the run ends after the step that claims a later time"
    );
    assert!(events.iter().all(|e| e.session_id == "chat-42"));
    let run = &events[1];
    assert_eq!(
        (
            run.run_name.as_deref(),
            run.agent_name.as_deref(),
            run.run_id.as_deref()
        ),
        (
            Some("ai.streamText"),
            Some("support-agent"),
            Some("00f067aa0ba902b7")
        )
    );
    let llm = &events[2];
    assert_eq!(
        (
            llm.model.as_deref(),
            llm.tokens_in,
            llm.tokens_out,
            llm.cached_input_tokens,
            llm.reasoning_tokens
        ),
        (Some("gpt-5"), Some(1400), Some(60), Some(1280), Some(16))
    );
    assert_eq!(
        llm.attributes.as_ref().unwrap()["cache_creation_input_tokens"],
        3
    );
    let tokens: u64 = events.iter().filter_map(|e| e.tokens_in).sum();
    assert_eq!(
        tokens, 2900,
        "the run's own ai.usage totals are not counted again"
    );
    let failed = &events[4];
    assert_eq!(failed.tool_call.as_ref().unwrap().tool_name, "refund_api");
    assert_eq!(
        failed.error.as_ref().unwrap().message,
        "refund service unavailable"
    );
    assert_eq!(without_sessions(events), file_import(&records));
}

#[test]
fn openinference_and_openllmetry_spans_map_with_their_own_names() {
    let g = "1000000000000001";
    let records = vec![
        span(
            "1000000000000003",
            Some("1000000000000002"),
            g,
            "openai.chat",
            (10, 20),
            json!({
            "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 900,
            "llm.token_count.completion": 70, "llm.token_count.prompt_details.cache_read": 512,
            "llm.token_count.completion_details.reasoning": 20,
            "llm.input_messages.0.message.role": "user", "llm.input_messages.0.message.content": "hi"}),
        ),
        span(
            "1000000000000002",
            Some(g),
            g,
            "ChatOpenAI",
            (5, 30),
            json!({
            "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 900}),
        ),
        span(
            "1000000000000004",
            Some(g),
            g,
            "anthropic.chat",
            (40, 50),
            json!({
            "llm.request.type": "chat", "gen_ai.request.model": "claude-sonnet-4-5",
            "llm.usage.prompt_tokens": 300, "llm.usage.completion_tokens": 25,
            "gen_ai.usage.cache_read_input_tokens": 200, "gen_ai.prompt.0.content": "classify"}),
        ),
        span(
            "1000000000000005",
            Some(g),
            g,
            "search",
            (60, 70),
            json!({
            "openinference.span.kind": "TOOL", "tool.name": "search", "input.value": "{\"q\":1}",
            "output.value": "[]"}),
        ),
        span(
            g,
            None,
            g,
            "agent",
            (0, 80),
            json!({"openinference.span.kind": "AGENT", "agent.name": "researcher"}),
        ),
    ];
    let (events, _) = live(&records);
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "run_end",
            "llm_call",
            "tool_call",
            "run_end",
            "session_end"
        ],
        "the trace is the session: it ends with its root"
    );
    let llm: Vec<_> = events
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall)
        .collect();
    assert_eq!(
        (
            llm[0].tokens_in,
            llm[0].cached_input_tokens,
            llm[0].reasoning_tokens
        ),
        (Some(900), Some(512), Some(20))
    );
    assert_eq!(
        llm[0].input_data.as_ref().unwrap()["prompt"][0]["role"],
        "user"
    );
    assert_eq!(
        (
            llm[1].tokens_in,
            llm[1].tokens_out,
            llm[1].cached_input_tokens
        ),
        (Some(300), Some(25), Some(200))
    );
    assert_eq!(events[1].agent_name.as_deref(), Some("researcher"));
    let tool = events[6].tool_call.as_ref().unwrap();
    assert_eq!(
        (tool.tool_name.as_str(), &tool.tool_input),
        ("search", &json!({"q": 1}))
    );
    assert_eq!(without_sessions(events), file_import(&records));
}

#[test]
fn current_genai_spans_from_ai_sdk_otel_map_steps_as_runs() {
    let g = "2000000000000001";
    let records = vec![
        span(
            "2000000000000003",
            Some("2000000000000002"),
            g,
            "chat gpt-5",
            (10, 20),
            json!({
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-5", "gen_ai.response.model": "gpt-5",
            "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 5,
            "gen_ai.usage.cache_read.input_tokens": 40, "ai.usage.outputTokenDetails.reasoningTokens": 2}),
        ),
        span(
            "2000000000000004",
            Some("2000000000000002"),
            g,
            "execute_tool lookup",
            (21, 22),
            json!({
            "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup", "gen_ai.tool.call.id": "c1"}),
        ),
        span(
            "2000000000000002",
            Some(g),
            g,
            "step 1",
            (5, 25),
            json!({"gen_ai.operation.name": "agent_step"}),
        ),
        span(
            g,
            None,
            g,
            "invoke_agent gpt-5",
            (0, 30),
            json!({
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support",
            "gen_ai.usage.input_tokens": 100, "gen_ai.conversation.id": "conv-1"}),
        ),
    ];
    let (events, _) = live(&records);
    assert_eq!(
        kinds(&events),
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "tool_call",
            "run_end",
            "run_end"
        ]
    );
    assert_eq!(events[3].reasoning_tokens, Some(2));
    assert_eq!(events[2].parent_run_id.as_deref(), Some(g));
    assert_eq!(events.iter().filter_map(|e| e.tokens_in).sum::<u64>(), 100);
    assert_eq!(without_sessions(events), file_import(&records));
}

#[test]
fn nothing_is_recorded_until_the_local_root_ends_and_state_stays_bounded() {
    let mut records = ai_sdk6();
    let root = records.pop().unwrap();
    let (events, mut mapper) = live(&records);
    assert!(events.is_empty(), "children wait for their root");
    assert_eq!(mapper.map_json(&root.to_string()).events.len(), 7);
    // A root that never ends: its spans are mapped early once MAX_OPEN are buffered.
    let mut out = 0;
    for i in 0..MAX_OPEN + 5 {
        let r = span(
            &format!("{:016x}", 0x5000_0000 + i),
            Some("7000000000000001"),
            "7000000000000001",
            "chat m",
            (1, 2),
            json!({"gen_ai.operation.name": "chat"}),
        );
        out += mapper.map_json(&r.to_string()).events.len();
    }
    assert!(mapper.forgotten() > 0);
    assert_eq!(
        out as u64,
        mapper.forgotten(),
        "what was forgotten was still recorded, early"
    );
}
