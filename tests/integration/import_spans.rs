//! Trace importers for the span formats: OTLP/JSON with GenAI conventions, OpenAI
//! Agents exports and Agent Inspector run exports (declared from `import.rs`).

use agentlens::import::{TraceFormat, gzip, import_trace};
use agentlens::model::EventType;
use proptest::prelude::*;

use super::{fixture, kinds, streamed};

#[test]
fn otlp_genai_spans_map_to_runs_llm_and_tool_calls_and_errors() {
    let import = import_trace(&fixture("otlp_genai.json")).unwrap();
    assert_eq!(import.format, TraceFormat::OtlpJson);
    assert_eq!(
        kinds(&import.events),
        [
            "run_start",
            "llm_call",
            "tool_call",
            "tool_error",
            "generic",
            "run_end"
        ]
    );
    let root = "eee19b7ec3c1b174";
    // The conversation id (set on the agent span) is every span's session.
    assert!(
        import
            .events
            .iter()
            .all(|e| e.session_id == "conv_5j66UpCpwteGg4YSxUnt7lPY")
    );
    let run = &import.events[0];
    assert_eq!(run.run_id.as_deref(), Some(root));
    assert_eq!(run.parent_run_id, None);
    assert_eq!(run.agent_name.as_deref(), Some("Planner"));
    assert_eq!(run.user_id.as_deref(), Some("u-42"));
    assert_eq!(
        run.trace_id.as_deref(),
        Some("5b8efff798038103d269b633813fc60c")
    );
    assert_eq!(
        run.attributes.as_ref().unwrap()["service.name"],
        "travel-agent"
    );
    let llm = &import.events[1];
    assert_eq!(llm.run_id.as_deref(), Some(root));
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert_eq!(
        (llm.tokens_in, llm.tokens_out, llm.cached_input_tokens),
        (Some(1200), Some(85), Some(1024))
    );
    assert_eq!(llm.duration_ms, Some(1200.0));
    let prompt = &llm.input_data.as_ref().unwrap()["prompt"];
    assert_eq!(
        prompt[0]["parts"][0]["content"],
        "Find a flight to Lisbon <b>tomorrow</b>"
    );
    assert_eq!(
        llm.output_data.as_ref().unwrap()["response"][0]["finish_reason"],
        "tool_calls"
    );
    let attrs = llm.attributes.as_ref().unwrap();
    assert_eq!(attrs["gen_ai.request.temperature"], 0.2);
    assert!(
        !attrs.contains_key("gen_ai.input.messages"),
        "mapped attributes are not repeated"
    );
    let tool = import.events[2].tool_call.as_ref().unwrap();
    assert_eq!(
        (tool.tool_name.as_str(), tool.tool_call_id.as_str()),
        ("search_flights", "call_1")
    );
    assert_eq!(tool.tool_input["to"], "LIS");
    assert_eq!(tool.tool_output.as_ref().unwrap()["flights"], 3);
    let failed = &import.events[3];
    let error = failed.error.as_ref().unwrap();
    assert_eq!(
        (error.error_type.as_str(), error.message.as_str()),
        ("PaymentDeclined", "card declined")
    );
    assert!(error.stack_trace.as_ref().unwrap().contains("tools.js:12"));
    let other = &import.events[4];
    assert_eq!(
        other.attributes.as_ref().unwrap()["http.request.method"],
        "GET"
    );
    assert_eq!(other.attributes.as_ref().unwrap()["span.name"], "GET");
    assert_eq!(import.events[5].status.as_deref(), Some("completed"));
    assert_eq!(import.events[5].duration_ms, Some(3500.0));
}

#[test]
fn otlp_parents_nest_runs_and_trace_ids_are_sessions_without_a_conversation() {
    let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000a1", "name": "workflow",
         "startTimeUnixNano": 1_000_000_000u64, "endTimeUnixNano": "4000000000"},
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000b2", "parentSpanId": "00000000000000a1",
         "name": "invoke_agent Researcher", "startTimeUnixNano": "2000000000", "endTimeUnixNano": "3000000000",
         "status": {"code": 2, "message": "agent gave up"}},
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000c3", "parentSpanId": "00000000000000b2",
         "name": "text_completion llama", "startTimeUnixNano": "2100000000", "endTimeUnixNano": "2200000000",
         "attributes": [{"key": "gen_ai.usage.prompt_tokens", "value": {"intValue": "7"}}],
         "events": [{"name": "gen_ai.user.message", "attributes": [{"key": "content", "value": {"stringValue": "hi"}}]},
                    {"name": "gen_ai.choice", "attributes": [{"key": "message", "value": {"stringValue": "hello"}}]}]}
    ]}]}]});
    let import = import_trace(doc.to_string().as_bytes()).unwrap();
    assert_eq!(
        kinds(&import.events),
        [
            "run_start",
            "run_start",
            "llm_call",
            "error",
            "run_end",
            "run_end"
        ]
    );
    assert!(
        import
            .events
            .iter()
            .all(|e| e.session_id == "0af7651916cd43dd8448eb211c80319c")
    );
    let inner = &import.events[1];
    assert_eq!(inner.run_id.as_deref(), Some("00000000000000b2"));
    assert_eq!(inner.parent_run_id.as_deref(), Some("00000000000000a1"));
    let llm = &import.events[2];
    assert_eq!(llm.run_id.as_deref(), Some("00000000000000b2"));
    assert_eq!(llm.tokens_in, Some(7));
    assert_eq!(llm.input_data.as_ref().unwrap()["prompt"]["role"], "user");
    assert_eq!(
        llm.output_data.as_ref().unwrap()["response"]["message"],
        "hello"
    );
    assert_eq!(
        import.events[3].error.as_ref().unwrap().message,
        "agent gave up"
    );
    assert_eq!(import.events[3].run_id.as_deref(), Some("00000000000000b2"));
    assert_eq!(import.events[4].status.as_deref(), Some("error"));
    assert_eq!(import.events[5].status.as_deref(), Some("completed"));
}

#[test]
fn otlp_lines_from_a_collector_file_exporter_are_read_line_by_line() {
    let doc: serde_json::Value = serde_json::from_slice(&fixture("otlp_genai.json")).unwrap();
    let text = format!("{doc}\n{doc}\n");
    let import = import_trace(text.as_bytes()).unwrap();
    assert_eq!(import.format, TraceFormat::OtlpJson);
    assert_eq!(import.events.len(), 12);
}

#[test]
fn openai_agents_exports_map_to_runs_llm_tools_handoffs_and_errors() {
    let import = import_trace(&fixture("openai_agents.json")).unwrap();
    assert_eq!(import.format, TraceFormat::OpenaiAgents);
    assert_eq!(
        kinds(&import.events),
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "tool_call",
            "decision",
            "run_end",
            "run_start",
            "tool_error",
            "generic",
            "error",
            "run_end",
            "run_end",
            "session_end"
        ]
    );
    let group = "group_3f1e2d4c5b6a79880a1b2c3d";
    assert!(import.events.iter().all(|e| e.session_id == group));
    let start = &import.events[0];
    assert_eq!(start.agent_name.as_deref(), Some("Customer support"));
    assert_eq!(start.metadata.as_ref().unwrap()["channel"], "web");
    let task = "span_1a2b3c4d5e6f708192a3b4c5";
    let triage = &import.events[2];
    assert_eq!(triage.run_name.as_deref(), Some("Triage"));
    assert_eq!(triage.parent_run_id.as_deref(), Some(task));
    // What the SDK fills in after an agent starts (its tools) is on the run's end.
    assert_eq!(
        import.events[6].attributes.as_ref().unwrap()["tools"][0],
        "lookup_order"
    );
    let llm = &import.events[3];
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(
        (llm.tokens_in, llm.tokens_out, llm.cached_input_tokens),
        (Some(410), Some(22), Some(384))
    );
    assert_eq!(llm.run_id.as_deref(), Some("span_3c4d5e6f708192a3b4c5d6e7"));
    let tool = import.events[4].tool_call.as_ref().unwrap();
    assert_eq!(tool.tool_name, "lookup_order");
    assert_eq!(tool.tool_input["order_id"], "1234");
    assert_eq!(tool.tool_output.as_ref().unwrap()["status"], "shipped");
    let handoff = import.events[5].decision_trace.as_ref().unwrap();
    assert_eq!(handoff.reasoning, "handoff from Triage to Refunds");
    let refused = &import.events[8];
    assert_eq!(
        refused.error.as_ref().unwrap().message,
        "Error running tool (non-fatal)"
    );
    assert_eq!(
        refused.attributes.as_ref().unwrap()["error_data"]["error"],
        "refund limit exceeded"
    );
    assert_eq!(
        import.events[10].error.as_ref().unwrap().message,
        "Max turns exceeded"
    );
    assert_eq!(import.events[11].status.as_deref(), Some("error"));
    let task_end = &import.events[12];
    assert_eq!(
        (task_end.run_id.as_deref(), task_end.status.as_deref()),
        (Some(task), Some("completed"))
    );
}

#[test]
fn inspector_exports_map_runs_steps_and_nested_runs() {
    let import = import_trace(&fixture("inspector_export.json")).unwrap();
    assert_eq!(import.format, TraceFormat::InspectorExport);
    assert_eq!(
        kinds(&import.events),
        [
            "run_start",
            "llm_call",
            "tool_call",
            "memory_write",
            "memory_read",
            "error",
            "decision",
            "final",
            "run_end",
            "run_start",
            "tool_error",
            "run_end"
        ]
    );
    let parent = "5f0c6a2e-3b1d-4c8e-9a7f-1d2e3f4a5b6c";
    assert!(import.events.iter().all(|e| e.session_id == "chat-88"));
    let start = &import.events[0];
    assert_eq!(start.run_id.as_deref(), Some(parent));
    assert_eq!(
        (start.run_name.as_deref(), start.user_id.as_deref()),
        (Some("book-trip"), Some("user-17"))
    );
    assert_eq!(
        start.attributes.as_ref().unwrap()["agent_type"],
        "langchain"
    );
    let llm = &import.events[1];
    assert_eq!(
        (llm.model.as_deref(), llm.tokens_in, llm.tokens_out),
        (Some("gpt-4o"), Some(52), Some(7))
    );
    assert_eq!(
        llm.input_data.as_ref().unwrap()["prompt"][0]["content"],
        "Book me to Lisbon"
    );
    assert_eq!(
        llm.output_data.as_ref().unwrap()["response"],
        "I will search flights."
    );
    assert_eq!(llm.attributes.as_ref().unwrap()["temperature"], 0.2);
    let tool = import.events[2].tool_call.as_ref().unwrap();
    assert_eq!(
        (tool.tool_name.as_str(), &tool.tool_input["to"]),
        ("search_flights", &serde_json::json!("LIS"))
    );
    assert_eq!(tool.tool_output.as_ref().unwrap()[0], "TP1351");
    let write = import.events[3].memory.as_ref().unwrap();
    assert_eq!((write.key.as_str(), write.overwrite), ("trip", Some(true)));
    let error = import.events[5].error.as_ref().unwrap();
    assert!(error.critical);
    assert_eq!(error.error_type, "PaymentDeclined");
    assert_eq!(
        import.events[6].decision_trace.as_ref().unwrap().reasoning,
        "payment needs a specialist"
    );
    assert_eq!(
        import.events[7].output_data.as_ref().unwrap()["answer"],
        "Could not book: card declined"
    );
    let end = &import.events[8];
    assert_eq!(
        (end.status.as_deref(), end.duration_ms),
        (Some("failed"), Some(4200.0))
    );
    assert!(agentlens::model::semantics::ended_in_failure(end));
    let child = &import.events[9];
    assert_eq!(child.parent_run_id.as_deref(), Some(parent));
    let failed = &import.events[10];
    assert_eq!(failed.error.as_ref().unwrap().message, "card declined");
    assert_eq!(
        failed.run_id.as_deref(),
        Some("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    );
}

#[test]
fn inspector_runs_with_nested_steps_and_the_timeline_response_are_read() {
    let nested = br#"{"runs":[{"id":"r1","name":"plan","status":"running","started_at":1000,
        "steps":[{"event_id":"e1","run_id":"r1","timestamp_ms":1500,"type":"llm_call","model":"m","prompt_tokens":3}]}]}"#;
    let import = import_trace(nested).unwrap();
    assert_eq!(import.format, TraceFormat::InspectorExport);
    assert_eq!(
        kinds(&import.events),
        ["run_start", "llm_call"],
        "a running run has no end yet"
    );
    assert_eq!(import.events[1].tokens_in, Some(3));
    let timeline = br#"{"run_id":"r2","events":[{"id":"e2","run_id":"r2","timestamp":5,"type":"custom","name":"x","status":"completed"}],"total":1}"#;
    let import = import_trace(timeline).unwrap();
    assert_eq!(import.format, TraceFormat::InspectorExport);
    assert_eq!(kinds(&import.events), ["run_start", "custom", "run_end"]);
    assert_eq!(import.events[1].run_id.as_deref(), Some("r2"));
}

const SPAN_FIXTURES: &[&str] = &[
    "otlp_genai.json",
    "openai_agents.json",
    "inspector_export.json",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn span_formats_stream_like_one_shot_gzipped_or_not(which in 0..SPAN_FIXTURES.len(), size in 1usize..300, packed: bool) {
        let mut bytes = fixture(SPAN_FIXTURES[which]);
        if packed {
            bytes = gzip(&bytes, 6);
        }
        let once = import_trace(&bytes).unwrap();
        let (format, events, warnings) = streamed(&bytes, size).unwrap();
        prop_assert_eq!(format, once.format);
        prop_assert_eq!(events, once.events);
        prop_assert_eq!(warnings, once.warnings);
    }
}

#[test]
fn hostile_span_strings_pass_through_as_data() {
    let hostile = "</script><svg onload=alert(1)>\u{202e}";
    let doc = serde_json::json!({"data": [{"object": "trace.span", "id": hostile, "trace_id": hostile,
        "span_data": {"type": "function", "name": hostile, "input": hostile}, "error": {"message": hostile}}]});
    let import = import_trace(doc.to_string().as_bytes()).unwrap();
    let e = &import.events[0];
    assert_eq!(e.event_type, EventType::ToolError);
    assert_eq!(e.session_id, hostile);
    assert_eq!(e.tool_call.as_ref().unwrap().tool_name, hostile);
    assert_eq!(e.error.as_ref().unwrap().message, hostile);
}

#[test]
fn otlp_spans_without_a_span_id_are_skipped_with_a_count() {
    // OTLP requires a span id. 1 MiB of `{}` spans made 350,000 events (~3 s and ~600 MB
    // to import in wasm): a span with no id (absent, empty, all zeros) is now skipped.
    let kept = r#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"00000000000000a1","name":"chat gpt-4o","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}]}"#;
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{}},{kept},{{"spanId":""}},{{"spanId":"0000000000000000","name":"x"}}]}}]}}]}}"#
    );
    let import = import_trace(doc.as_bytes()).unwrap();
    assert_eq!(kinds(&import.events), ["llm_call"]);
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w == "3 spans without a spanId skipped (OTLP requires one)"),
        "{:?}",
        import.warnings
    );

    let empty = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        vec!["{}"; 350_000].join(",")
    );
    let import = import_trace(empty.as_bytes()).unwrap();
    assert!(import.events.is_empty());
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.starts_with("350000 spans without a spanId")),
        "{:?}",
        import.warnings
    );
}
