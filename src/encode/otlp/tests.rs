//! The mapping of every event type (docs/otlp.md), the ids, the OTLP/JSON rules, content
//! opt-in, 1.36 mode, and the protobuf writer checked against the JSON one.

use serde_json::{Value, json};

use super::*;
use crate::analysis::cost::PricingTable;
use crate::model::{DecisionTrace, ErrorInfo, Memory, ToolCall};
use crate::time::UnixNanos;

const T0: i64 = 1_700_000_000_000_000_000;

fn config(capture: bool, semconv: Semconv) -> OtlpConfig {
    OtlpConfig {
        encoding: Encoding::Json,
        capture_content: capture,
        semconv,
        ..OtlpConfig::default()
    }
}

fn ev(t: EventType) -> Event {
    let mut e = Event::new(t, "sess-1", UnixNanos(T0));
    e.event_id = Some("e1".into());
    e
}

/// The span record of `e` under `c`, parsed.
fn span_of(c: &OtlpConfig, e: &Event) -> Value {
    let record = Encoder::new(c).encode(e).expect("a span");
    serde_json::from_slice(&record).expect("a JSON span object")
}

fn span(e: &Event) -> Value {
    span_of(&config(false, Semconv::V1_42), e)
}

/// An attribute's value object (`{"stringValue":…}`, …), if set.
fn attr<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    let attrs = span["attributes"].as_array().unwrap();
    let hits: Vec<_> = attrs.iter().filter(|a| a["key"] == key).collect();
    assert!(hits.len() <= 1, "{key} written twice");
    hits.first().map(|a| &a["value"])
}

fn text(span: &Value, key: &str) -> Option<String> {
    attr(span, key).map(|v| v["stringValue"].as_str().expect(key).to_owned())
}

fn int(span: &Value, key: &str) -> Option<i64> {
    let v = attr(span, key)?;
    Some(
        v["intValue"]
            .as_str()
            .expect("64-bit ints are strings")
            .parse()
            .unwrap(),
    )
}

#[test]
fn ids_are_fnv1a_of_the_documented_prefixes() {
    // Expected values computed outside this crate (Python, FNV-1a 128 and 64).
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    assert_eq!(
        hex(&ids::trace_id("sess-1")),
        "d6cacd8f33cd81b1044a71b3d9285e28"
    );
    assert_eq!(hex(&ids::session_span("sess-1")), "c3a8c9b53b77c20f");
    assert_eq!(hex(&ids::run_span("sess-1", "r1")), "9d5fc6e8089f1b8b");
    assert_eq!(hex(&ids::event_span("sess-1", "e1")), "a74926b91f8b8955");
    assert_ne!(ids::session_span("a"), ids::session_span("b"));

    let mut e = ev(EventType::LlmCall);
    e.run_id = Some("r1".into());
    let s = span(&e);
    assert_eq!(s["traceId"], "d6cacd8f33cd81b1044a71b3d9285e28");
    assert_eq!(s["spanId"], "a74926b91f8b8955");
    assert_eq!(
        s["parentSpanId"], "9d5fc6e8089f1b8b",
        "an event's parent is its run"
    );
    assert_eq!(
        text(&s, "agentlens.run.id").unwrap(),
        "r1",
        "and it names its run, whose span usually comes in a later request"
    );
    e.run_id = None;
    let s = span(&e);
    assert_eq!(s["parentSpanId"], "c3a8c9b53b77c20f", "else the session");
    assert!(attr(&s, "agentlens.run.id").is_none());
}

#[test]
fn llm_calls_are_chat_client_spans_with_usage_and_the_provider() {
    let mut e = ev(EventType::LlmCall);
    e.model = Some("claude-3-5-sonnet".into());
    e.tokens_in = Some(120);
    e.tokens_out = Some(30);
    e.cached_input_tokens = Some(100);
    e.reasoning_tokens = Some(7);
    e.duration_ms = Some(1.5);
    let mut attrs = serde_json::Map::new();
    attrs.insert("cache_creation_input_tokens".into(), json!(9));
    attrs.insert("temperature".into(), json!(0.2));
    e.attributes = Some(attrs);
    let s = span(&e);
    assert_eq!(s["name"], "chat claude-3-5-sonnet");
    assert_eq!(s["kind"], 3);
    assert_eq!(s["startTimeUnixNano"], T0.to_string());
    assert_eq!(s["endTimeUnixNano"], (T0 + 1_500_000).to_string());
    assert_eq!(text(&s, "gen_ai.operation.name").unwrap(), "chat");
    assert_eq!(text(&s, "gen_ai.provider.name").unwrap(), "anthropic");
    assert_eq!(
        text(&s, "gen_ai.request.model").unwrap(),
        "claude-3-5-sonnet"
    );
    assert_eq!(
        text(&s, "gen_ai.response.model").unwrap(),
        "claude-3-5-sonnet"
    );
    assert_eq!(int(&s, "gen_ai.usage.input_tokens"), Some(120));
    assert_eq!(int(&s, "gen_ai.usage.output_tokens"), Some(30));
    assert_eq!(int(&s, "gen_ai.usage.cache_read.input_tokens"), Some(100));
    assert_eq!(int(&s, "gen_ai.usage.cache_creation.input_tokens"), Some(9));
    assert_eq!(int(&s, "gen_ai.usage.reasoning.output_tokens"), Some(7));
    assert_eq!(
        attr(&s, "gen_ai.request.temperature").unwrap()["doubleValue"],
        0.2
    );
    assert_eq!(text(&s, "gen_ai.conversation.id").unwrap(), "sess-1");
    assert_eq!(text(&s, "agentlens.event.type").unwrap(), "llm_call");
    assert_eq!(text(&s, "agentlens.event.id").unwrap(), "e1");
    assert!(s.get("status").is_none() && s.get("events").is_none());
}

#[test]
fn the_provider_comes_from_the_event_else_the_model_name() {
    for (model, provider) in [
        ("gpt-4o", "openai"),
        ("o1-mini", "openai"),
        ("o3", "openai"),
        ("o4-mini", "openai"),
        ("text-embedding-3-small", "openai"),
        ("Claude-3-opus", "anthropic"),
        ("gemini-1.5-pro", "gcp.gemini"),
        ("mistral-large", "mistral_ai"),
        ("mixtral-8x7b", "mistral_ai"),
        ("grok-2", "x_ai"),
        ("deepseek-chat", "deepseek"),
        ("command-r", "cohere"),
        ("groq/llama-3", "groq"),
        ("llama-3", "_OTHER"),
        ("", "_OTHER"),
    ] {
        assert_eq!(span::provider_of(model), provider, "{model}");
    }
    let mut e = ev(EventType::LlmCall);
    e.model = Some("gpt-4o".into());
    let mut attrs = serde_json::Map::new();
    attrs.insert("provider".into(), json!("azure.ai.openai"));
    e.attributes = Some(attrs);
    assert_eq!(
        text(&span(&e), "gen_ai.provider.name").unwrap(),
        "azure.ai.openai"
    );
}

#[test]
fn tools_agents_and_their_errors() {
    let mut e = ev(EventType::ToolCall);
    e.tool_call = Some(Box::new(ToolCall {
        tool_call_id: "tc1".into(),
        tool_name: "search".into(),
        tool_input: json!({"q": "x"}),
        tool_output: Some(json!({"hits": 1})),
        ..ToolCall::default()
    }));
    let s = span(&e);
    assert_eq!(s["name"], "execute_tool search");
    assert_eq!(s["kind"], 1);
    assert_eq!(text(&s, "gen_ai.operation.name").unwrap(), "execute_tool");
    assert_eq!(text(&s, "gen_ai.tool.name").unwrap(), "search");
    assert_eq!(text(&s, "gen_ai.tool.call.id").unwrap(), "tc1");
    assert_eq!(text(&s, "gen_ai.tool.type").unwrap(), "function");
    assert_eq!(
        text(&s, "gen_ai.tool.call.arguments"),
        None,
        "content is opt-in"
    );

    e.event_type = EventType::ToolError;
    e.output_data = Some(json!({"error": "boom", "error_type": "ValueError"}));
    let s = span(&e);
    assert_eq!(s["status"]["code"], 2);
    assert_eq!(text(&s, "error.type").unwrap(), "ValueError");
    let exc = &s["events"][0];
    assert_eq!(exc["name"], "exception");
    assert_eq!(exc["attributes"][0]["value"]["stringValue"], "ValueError");
    assert_eq!(exc["attributes"][1]["value"]["stringValue"], "boom");

    let mut a = ev(EventType::AgentCall);
    a.agent_name = Some("critic".into());
    let s = span(&a);
    assert_eq!(
        (s["name"].as_str(), &s["kind"]),
        (Some("invoke_agent critic"), &json!(3))
    );
    assert_eq!(text(&s, "gen_ai.agent.name").unwrap(), "critic");
    assert!(s.get("status").is_none());
    a.event_type = EventType::AgentError;
    let s = span(&a);
    assert_eq!(s["status"]["code"], 2);
    assert_eq!(text(&s, "error.type").unwrap(), "_OTHER");
    // An event that names its own error.type keeps it, written once.
    let mut attrs = serde_json::Map::new();
    attrs.insert("error.type".into(), json!("RateLimit"));
    a.attributes = Some(attrs);
    assert_eq!(text(&span(&a), "error.type").unwrap(), "RateLimit");
}

#[test]
fn decisions_memory_errors_finals_and_generic_events() {
    let mut d = ev(EventType::Decision);
    d.decision_trace = Some(Box::new(DecisionTrace {
        step: 3,
        reasoning: "cheapest".into(),
        alternatives_considered: vec!["a".into(), "b".into()],
        confidence: Some(0.75),
        ..DecisionTrace::default()
    }));
    let s = span(&d);
    assert_eq!(s["name"], "agentlens.decision");
    assert_eq!(int(&s, "agentlens.decision.step"), Some(3));
    assert_eq!(int(&s, "agentlens.decision.alternatives"), Some(2));
    assert_eq!(
        attr(&s, "agentlens.decision.confidence").unwrap()["doubleValue"],
        0.75
    );
    assert_eq!(text(&s, "agentlens.decision.reasoning"), None);

    let mut m = ev(EventType::MemoryRead);
    m.memory = Some(Box::new(Memory {
        key: "user:1".into(),
        value: Some(json!("likes tea")),
        memory_type: Some("vector".into()),
        overwrite: None,
    }));
    let s = span(&m);
    assert_eq!(s["name"], "search_memory vector");
    assert_eq!(text(&s, "gen_ai.operation.name").unwrap(), "search_memory");
    assert_eq!(text(&s, "agentlens.memory.key").unwrap(), "user:1");
    assert_eq!(text(&s, "agentlens.memory.type").unwrap(), "vector");
    assert_eq!(text(&s, "agentlens.memory.value"), None);
    m.event_type = EventType::MemoryWrite;
    assert_eq!(span(&m)["name"], "upsert_memory vector");
    m.memory.as_mut().unwrap().overwrite = Some(true);
    let s = span(&m);
    assert_eq!(s["name"], "update_memory vector");
    assert_eq!(
        attr(&s, "agentlens.memory.overwrite").unwrap()["boolValue"],
        true
    );

    let mut err = ev(EventType::Error);
    err.error = Some(Box::new(ErrorInfo {
        error_type: "TimeoutError".into(),
        message: "took too long".into(),
        critical: true,
        stack_trace: Some("at f()".into()),
    }));
    let s = span(&err);
    assert_eq!(s["name"], "agentlens.error");
    assert_eq!(s["status"], json!({"code": 2, "message": "took too long"}));
    assert_eq!(text(&s, "error.type").unwrap(), "TimeoutError");
    let keys: Vec<_> = s["events"][0]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "exception.type",
            "exception.message",
            "exception.stacktrace"
        ]
    );
    assert_eq!(s["events"][0]["timeUnixNano"], s["endTimeUnixNano"]);

    let mut f = ev(EventType::Final);
    f.output_data = Some(json!({"answer": "42"}));
    let s = span(&f);
    assert_eq!(s["name"], "agentlens.final");
    assert_eq!(text(&s, "agentlens.final.answer"), None);

    let mut g = ev(EventType::Generic);
    let mut attrs = serde_json::Map::new();
    attrs.insert("s".into(), json!("v"));
    attrs.insert("n".into(), json!(-5));
    attrs.insert("f".into(), json!(1.25));
    attrs.insert("b".into(), json!(false));
    attrs.insert("list".into(), json!(["x", 1]));
    attrs.insert("obj".into(), json!({"k": [1, {"z": null}]}));
    g.attributes = Some(attrs);
    let s = span(&g);
    assert_eq!(s["name"], "agentlens.event");
    assert_eq!(text(&s, "s").unwrap(), "v");
    assert_eq!(int(&s, "n"), Some(-5));
    assert_eq!(attr(&s, "f").unwrap()["doubleValue"], 1.25);
    assert_eq!(attr(&s, "b").unwrap()["boolValue"], false);
    assert_eq!(
        attr(&s, "list").unwrap()["arrayValue"]["values"],
        json!([{"stringValue": "x"}, {"intValue": "1"}])
    );
    assert_eq!(text(&s, "obj").unwrap(), r#"{"k":[1,{"z":null}]}"#);
    g.run_name = Some("my.step".into());
    g.event_type = EventType::Custom("checkpoint".into());
    let s = span(&g);
    assert_eq!(s["name"], "my.step");
    assert_eq!(text(&s, "agentlens.event.type").unwrap(), "checkpoint");
}

#[test]
fn a_run_that_fails_without_saying_why_fails_of_its_last_error() {
    let c = config(false, Semconv::V1_42);
    let mut enc = Encoder::new(&c);
    let mut rs = Event::new(EventType::RunStart, "sess-1", UnixNanos(T0));
    rs.run_id = Some("r1".into());
    assert!(enc.encode(&rs).is_none());
    let mut err = ev(EventType::Error);
    err.run_id = Some("r1".into());
    err.error = Some(Box::new(ErrorInfo {
        error_type: "RateLimitError".into(),
        message: "429 from the provider".into(),
        critical: false,
        stack_trace: None,
    }));
    assert!(enc.encode(&err).is_some(), "the error is its own span too");
    let mut re = Event::new(EventType::RunEnd, "sess-1", UnixNanos(T0 + 500));
    re.run_id = Some("r1".into());
    re.status = Some("error".into());
    let run: Value = serde_json::from_slice(&enc.encode(&re).unwrap()).unwrap();
    assert_eq!(text(&run, "error.type").unwrap(), "RateLimitError");
    assert_eq!(run["status"]["message"], "429 from the provider");
    assert_eq!(
        attr(&run, "agentlens.error.inherited").unwrap()["boolValue"],
        true
    );

    // A run end that names its own failure keeps it.
    assert!(enc.encode(&rs).is_none());
    assert!(enc.encode(&err).is_some());
    re.error = Some(Box::new(ErrorInfo {
        error_type: "Timeout".into(),
        message: "gave up".into(),
        critical: false,
        stack_trace: None,
    }));
    let run: Value = serde_json::from_slice(&enc.encode(&re).unwrap()).unwrap();
    assert_eq!(text(&run, "error.type").unwrap(), "Timeout");
    assert!(attr(&run, "agentlens.error.inherited").is_none());
}

#[test]
fn runs_and_sessions_span_from_their_start_to_their_end() {
    let c = config(false, Semconv::V1_42);
    let mut enc = Encoder::new(&c);
    let mut start = ev(EventType::SessionStart);
    start.agent_name = Some("planner".into());
    start.event_id = None;
    assert!(enc.encode(&start).is_none(), "a start writes nothing");
    let mut rs = Event::new(EventType::RunStart, "sess-1", UnixNanos(T0 + 10));
    rs.run_id = Some("r2".into());
    rs.parent_run_id = Some("r1".into());
    rs.run_name = Some("fetch".into());
    rs.user_id = Some("u7".into());
    assert!(enc.encode(&rs).is_none());
    let mut re = Event::new(EventType::RunEnd, "sess-1", UnixNanos(T0 + 500));
    re.run_id = Some("r2".into());
    re.status = Some("error".into());
    let run: Value = serde_json::from_slice(&enc.encode(&re).unwrap()).unwrap();
    assert_eq!(run["name"], "invoke_agent fetch");
    assert_eq!(run["startTimeUnixNano"], (T0 + 10).to_string());
    assert_eq!(run["endTimeUnixNano"], (T0 + 500).to_string());
    assert_eq!(run["spanId"], hex8(ids::run_span("sess-1", "r2")));
    assert_eq!(
        run["parentSpanId"],
        hex8(ids::run_span("sess-1", "r1")),
        "its parent run"
    );
    assert_eq!(text(&run, "agentlens.span.kind").unwrap(), "run");
    assert_eq!(text(&run, "agentlens.event.type").unwrap(), "run");
    assert_eq!(text(&run, "gen_ai.agent.id").unwrap(), "r2");
    assert_eq!(text(&run, "agentlens.run.name").unwrap(), "fetch");
    assert_eq!(text(&run, "agentlens.run.status").unwrap(), "error");
    assert_eq!(text(&run, "user.id").unwrap(), "u7");
    assert_eq!(run["status"]["code"], 2);
    assert_eq!(text(&run, "error.type").unwrap(), "_OTHER");

    let mut end = ev(EventType::SessionEnd);
    end.timestamp = None;
    end.ended_at = Some(UnixNanos(T0 + 900));
    end.total_tokens_in = Some(11);
    end.total_tokens_out = Some(4);
    end.status = Some("completed".into());
    let s: Value = serde_json::from_slice(&enc.encode(&end).unwrap()).unwrap();
    assert_eq!(s["name"], "invoke_agent planner");
    assert!(
        s.get("parentSpanId").is_none(),
        "the session span is the root"
    );
    assert_eq!(s["spanId"], hex8(ids::session_span("sess-1")));
    assert_eq!(s["startTimeUnixNano"], T0.to_string());
    assert_eq!(s["endTimeUnixNano"], (T0 + 900).to_string());
    assert_eq!(int(&s, "agentlens.usage.input_tokens"), Some(11));
    assert_eq!(text(&s, "agentlens.session.status").unwrap(), "completed");
    assert!(s.get("status").is_none());

    // A run whose start is not remembered: its end minus its duration.
    let mut lone = Event::new(EventType::RunEnd, "sess-1", UnixNanos(T0 + 5_000_000));
    lone.run_id = Some("r9".into());
    lone.duration_ms = Some(2.0);
    let run: Value = serde_json::from_slice(&enc.encode(&lone).unwrap()).unwrap();
    assert_eq!(run["startTimeUnixNano"], (T0 + 3_000_000).to_string());
    assert_eq!(run["parentSpanId"], hex8(ids::session_span("sess-1")));
}

fn hex8(id: [u8; 8]) -> String {
    id.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn open_sessions_are_bounded_and_the_oldest_forgotten() {
    let c = config(false, Semconv::V1_42);
    let mut enc = Encoder::new(&c);
    for i in 0..=MAX_OPEN {
        let mut s = Event::new(EventType::SessionStart, format!("s{i}"), UnixNanos(T0));
        s.agent_name = Some("a".into());
        assert!(enc.encode(&s).is_none());
    }
    assert_eq!(enc.sessions.items.len(), MAX_OPEN);
    let end = |id: &str| {
        let mut e = Event::new(EventType::SessionEnd, id, UnixNanos(T0 + 1000));
        e.duration_ms = Some(0.0);
        e
    };
    let first: Value = serde_json::from_slice(&enc.encode(&end("s0")).unwrap()).unwrap();
    assert_eq!(
        first["startTimeUnixNano"],
        (T0 + 1000).to_string(),
        "forgotten"
    );
    assert_eq!(first["name"], "invoke_agent");
    let kept: Value = serde_json::from_slice(&enc.encode(&end("s1")).unwrap()).unwrap();
    assert_eq!(kept["startTimeUnixNano"], T0.to_string());
    assert_eq!(kept["name"], "invoke_agent a");
    assert_eq!(enc.sessions.items.len(), MAX_OPEN - 1);
}

#[test]
fn model_calls_carry_their_cost_when_the_host_gave_prices() {
    let mut e = ev(EventType::LlmCall);
    e.model = Some("gpt-4o".into());
    (e.tokens_in, e.tokens_out) = (Some(120), Some(45));
    assert!(
        attr(&span(&e), "agentlens.cost.usd").is_none(),
        "no prices, no cost"
    );
    let priced = OtlpConfig {
        pricing: Some(Pricer::new(PricingTable::default())),
        ..config(false, Semconv::V1_42)
    };
    let s = span_of(&priced, &e);
    assert_eq!(
        attr(&s, "agentlens.cost.usd").unwrap()["doubleValue"],
        0.00075
    );
    // Set later, as the SDK does once the catalog has loaded.
    let mut enc = Encoder::new(&config(false, Semconv::V1_42));
    enc.set_pricing(priced.pricing.clone());
    let s: Value = serde_json::from_slice(&enc.encode(&e).unwrap()).unwrap();
    assert_eq!(
        attr(&s, "agentlens.cost.usd").unwrap()["doubleValue"],
        0.00075
    );
    // An unknown model is not priced at zero: no attribute at all.
    e.model = Some("no-such-model-xyz".into());
    assert!(attr(&span_of(&priced, &e), "agentlens.cost.usd").is_none());
}
