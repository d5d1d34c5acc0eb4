//! OTLP/HTTP protobuf: the hand-written decoder read against bodies made by an independent
//! encoder (protobufjs generated from the official schema: tests/fixtures/otlp_proto/
//! make.mjs), the same request in JSON reading to the same events, spans written by
//! AgentLens read back as their events, the ingest entry's answers in the request's
//! encoding, and hostile bodies that never panic.

use agentlens::import::{ImportError, OtlpEncoding, import_otlp};
use agentlens::ingest::{self, Columns, Options, ingest_otlp, otlp_status};
use agentlens::model::{Event, EventType};
use agentlens::redact::{Config, Redactor};
use agentlens::time::UnixNanos;
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/otlp_proto/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn proto(name: &str) -> Vec<Event> {
    import_otlp(&fixture(&format!("{name}.pb")), OtlpEncoding::Protobuf)
        .unwrap()
        .events
}

fn of<'a>(events: &'a [Event], kind: &str) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|e| e.event_type.as_str() == kind)
        .collect()
}

fn attr<'a>(e: &'a Event, key: &str) -> Option<&'a Value> {
    e.attributes.as_ref()?.get(key)
}

fn options() -> Options {
    Options {
        redactor: Redactor::new(Config::default()).unwrap(),
        now: UnixNanos(1_767_225_600_000_000_000),
        seed: 7,
        compress: false,
        max_events: 10_000,
    }
}

#[test]
fn protobuf_and_json_of_the_same_request_read_to_the_same_events() {
    for name in ["genai", "agentlens"] {
        let pb = import_otlp(&fixture(&format!("{name}.pb")), OtlpEncoding::Protobuf).unwrap();
        let js = import_otlp(&fixture(&format!("{name}.json")), OtlpEncoding::Json).unwrap();
        assert!(pb.spans > 0, "{name}");
        assert_eq!(pb.spans, js.spans, "{name}");
        assert_eq!(pb.events, js.events, "{name}");
        assert!(pb.warnings.is_empty(), "{name}: {:?}", pb.warnings);
    }
}

#[test]
fn genai_spans_from_the_official_encoder_map_by_operation() {
    let events = proto("genai");
    let kinds: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "run_start",
            "run_start",
            "llm_call",
            "tool_call",
            "tool_error",
            "run_end",
            "run_end"
        ]
    );
    assert!(events.iter().all(|e| e.session_id == "conv-42"));
    let llm = of(&events, "llm_call")[0];
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert_eq!((llm.tokens_in, llm.tokens_out), (Some(1200), Some(300)));
    assert_eq!(
        (llm.cached_input_tokens, llm.reasoning_tokens),
        (Some(1000), Some(120))
    );
    assert_eq!(llm.duration_ms, Some(300.0));
    assert_eq!(llm.run_id.as_deref(), Some("00f067aa0ba902b8"));
    // Every AnyValue kind, nested ones included, decoded as the JSON encoding has them.
    assert_eq!(attr(llm, "gen_ai.request.temperature"), Some(&json!(0.25)));
    assert_eq!(
        attr(llm, "gen_ai.response.finish_reasons"),
        Some(&json!(["stop"]))
    );
    assert_eq!(
        attr(llm, "app.flags"),
        Some(&json!({"nested": [1, true, "x", {"deep": 2.5}]}))
    );
    assert_eq!(attr(llm, "app.blob"), Some(&json!("AAEC+g==")));
    assert_eq!(attr(llm, "app.big"), Some(&json!(1_099_511_627_776_i64)));
    let runs = of(&events, "run_start");
    assert_eq!(runs[1].parent_run_id.as_deref(), Some("00f067aa0ba902b7"));
    assert_eq!(runs[0].agent_name.as_deref(), Some("planner"));
    let failed = of(&events, "tool_error")[0];
    let tool = failed.tool_call.as_ref().unwrap();
    assert_eq!(tool.tool_name, "fetch");
    let error = failed.error.as_ref().unwrap();
    assert_eq!(
        (error.error_type.as_str(), error.message.as_str()),
        ("TimeoutError", "timeout after 5s")
    );
    assert_eq!(
        of(&events, "tool_call")[0]
            .tool_call
            .as_ref()
            .unwrap()
            .tool_call_id,
        "call_1"
    );
}

#[test]
fn spans_written_by_agentlens_come_back_as_the_events_they_were_made_from() {
    let events = proto("agentlens");
    let kinds: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "session_start",
            "run_start",
            "run_start",
            "llm_call",
            "tool_error",
            "run_end",
            "decision",
            "memory_write",
            "error",
            "final",
            "run_end",
            "session_end"
        ]
    );
    assert!(events.iter().all(|e| e.session_id == "sess-7"));
    let start = of(&events, "session_start")[0];
    assert_eq!(start.agent_name.as_deref(), Some("travel"));
    assert_eq!(start.user_id.as_deref(), Some("u-1"));
    let end = of(&events, "session_end")[0];
    assert_eq!(end.status.as_deref(), Some("completed"));
    assert_eq!(
        (end.total_tokens_in, end.total_tokens_out),
        (Some(1500), Some(200))
    );
    assert!(end.ended_at.is_some());

    let runs = of(&events, "run_start");
    assert_eq!(runs[0].run_id.as_deref(), Some("run-root"));
    assert_eq!(runs[0].parent_run_id, None);
    assert_eq!(runs[0].run_name.as_deref(), Some("plan_trip"));
    assert_eq!(runs[0].agent_name.as_deref(), Some("travel"));
    assert_eq!(runs[1].run_id.as_deref(), Some("run-child"));
    assert_eq!(runs[1].parent_run_id.as_deref(), Some("run-root"));
    let child_end = of(&events, "run_end")[0];
    assert_eq!(child_end.run_id.as_deref(), Some("run-child"));
    assert_eq!(child_end.status.as_deref(), Some("error"));
    assert_eq!(child_end.error.as_ref().unwrap().message, "no flights");

    let llm = of(&events, "llm_call")[0];
    assert_eq!(llm.event_id.as_deref(), Some("ev00000000000001"));
    assert_eq!(llm.run_id.as_deref(), Some("run-child"));
    assert_eq!(llm.model.as_deref(), Some("claude-sonnet-4"));
    assert_eq!((llm.tokens_in, llm.tokens_out), (Some(1500), Some(200)));
    assert_eq!(
        (llm.cached_input_tokens, llm.reasoning_tokens),
        (Some(1000), Some(50))
    );
    assert_eq!(
        llm.input_data.as_ref().unwrap()["prompt"][0]["parts"][0]["content"],
        "Flights to Oslo?"
    );
    assert_eq!(
        llm.output_data.as_ref().unwrap()["response"][0]["parts"][0]["content"],
        "Two options."
    );

    let tool = of(&events, "tool_error")[0];
    assert_eq!(tool.event_id.as_deref(), Some("ev00000000000002"));
    let call = tool.tool_call.as_ref().unwrap();
    assert_eq!(
        (call.tool_name.as_str(), call.tool_call_id.as_str()),
        ("flights", "tc-9")
    );
    assert_eq!(call.tool_input, json!({"to": "OSL"}));
    assert_eq!(tool.error.as_ref().unwrap().error_type, "RateLimit");

    let decision = of(&events, "decision")[0];
    let d = decision.decision_trace.as_ref().unwrap();
    assert_eq!(decision.run_id.as_deref(), Some("run-root"));
    assert_eq!((d.step, d.reasoning.as_str()), (3, "cheapest"));
    assert_eq!(d.alternatives_considered, ["train", "bus"]);
    assert_eq!(d.confidence, Some(0.8));

    let memory = of(&events, "memory_write")[0].memory.as_ref().unwrap();
    assert_eq!(
        (memory.key.as_str(), memory.memory_type.as_deref()),
        ("pref.seat", Some("long_term"))
    );
    assert_eq!(
        (memory.value.as_ref(), memory.overwrite),
        (Some(&json!("aisle")), Some(true))
    );

    let error = of(&events, "error")[0];
    assert_eq!(error.event_id.as_deref(), Some("ev00000000000005"));
    let info = error.error.as_ref().unwrap();
    assert_eq!(
        (info.error_type.as_str(), info.stack_trace.as_deref()),
        ("PaymentError", Some("at pay()"))
    );

    let fin = of(&events, "final")[0];
    assert_eq!(fin.output_data, Some(json!({"answer": "Book the train"})));
    // The event's own attributes stay; what the exporter derived does not.
    assert_eq!(attr(fin, "app.channel"), Some(&json!("web")));
    for e in &events {
        for key in e.attributes.iter().flat_map(|a| a.keys()) {
            assert!(
                !key.starts_with("agentlens.") && !key.starts_with("gen_ai."),
                "{} kept {key}",
                e.event_type.as_str()
            );
        }
    }
}

#[test]
fn ingest_answers_in_the_requests_encoding() {
    let o = options();
    let pb = ingest_otlp(&fixture("agentlens.pb"), OtlpEncoding::Protobuf, &o).unwrap();
    assert_eq!((pb.spans, pb.rejected_spans), (9, 0));
    assert!(pb.response.is_empty(), "all accepted: an empty message");
    assert_eq!(pb.batch.records.len(), 12);
    assert!(pb.batch.records.iter().any(
        |r| matches!(&r.columns, Columns::Start { agent_name, .. } if agent_name == "travel")
    ));
    let js = ingest_otlp(&fixture("agentlens.json"), OtlpEncoding::Json, &o).unwrap();
    assert_eq!(js.response, b"{}");

    // A conversation id holding what redaction removes (an e-mail address): the spans are
    // kept under the redacted, tagged id (issue 17: ids are tagged, never merged or refused),
    // and a partial success is still written in the request's encoding.
    let text = String::from_utf8(fixture("genai.json"))
        .unwrap()
        .replace("conv-42", "bob@example.com");
    let js = ingest_otlp(text.as_bytes(), OtlpEncoding::Json, &o).unwrap();
    assert_eq!((js.spans, js.rejected_spans), (5, 0));
    assert_eq!(js.response, b"{}");
    let sessions: std::collections::BTreeSet<String> = (js.batch.records.iter())
        .filter_map(|r| match &r.columns {
            Columns::Event(c) => Some(c.session_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let session = sessions.first().unwrap();
    assert!(
        session.starts_with("REDACTED.") && !session.contains("bob"),
        "{session}"
    );
    let answer: Value =
        serde_json::from_slice(&ingest::otlp_response(OtlpEncoding::Json, 5, "session id"))
            .unwrap();
    assert_eq!(answer["partialSuccess"]["rejectedSpans"], "5");
    assert!(
        answer["partialSuccess"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("session id")
    );
    // The same in protobuf: ExportTraceServiceResponse{partial_success(1){rejected_spans(1)=5, error_message(2)}}.
    let resp = ingest::otlp_response(OtlpEncoding::Protobuf, 5, "no");
    assert_eq!(resp, [0x0a, 6, 0x08, 5, 0x12, 2, b'n', b'o']);
}

#[test]
fn ingest_rejects_spans_without_a_span_id_in_its_partial_success() {
    let body = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{},{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"00000000000000a1","name":"work"},{"name":"no id"}]}]}]}"#;
    let js = ingest_otlp(body.as_bytes(), OtlpEncoding::Json, &options()).unwrap();
    assert_eq!((js.spans, js.rejected_spans), (3, 2));
    let answer: Value = serde_json::from_slice(&js.response).unwrap();
    assert_eq!(answer["partialSuccess"]["rejectedSpans"], "2");
    let message = answer["partialSuccess"]["errorMessage"].as_str().unwrap();
    assert!(message.contains("2 spans without a spanId"), "{message}");
    let stored = (js.batch.records.iter())
        .filter(|r| matches!(r.columns, Columns::Event(_)))
        .count();
    assert_eq!(stored, 1, "the span with an id is stored");
}

#[test]
fn undecodable_bodies_are_errors_with_a_position_and_a_status_body() {
    let err = import_otlp(&[0x0a, 0x7f, 0x01], OtlpEncoding::Protobuf).unwrap_err();
    assert!(
        matches!(err, ImportError::Protobuf { offset: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("byte 1"));
    // A known field of the wrong wire type (resource_spans as a varint).
    let err = import_otlp(&[0x08, 0x01], OtlpEncoding::Protobuf).unwrap_err();
    assert!(err.to_string().contains("wrong wire type"), "{err}");
    // A group (wire type 3) is refused; an unknown field of a known wire type skipped.
    assert!(import_otlp(&[0x1b], OtlpEncoding::Protobuf).is_err());
    let ok = import_otlp(&[0x78, 0x05, 0x0a, 0x00], OtlpEncoding::Protobuf).unwrap();
    assert_eq!(ok.spans, 0);
    assert!(matches!(
        import_otlp(br#"{"events":[]}"#, OtlpEncoding::Json),
        Err(ImportError::NotOtlp)
    ));
    assert!(matches!(
        import_otlp(b"{", OtlpEncoding::Json),
        Err(ImportError::Json { .. })
    ));
    assert!(matches!(
        import_otlp(b"{\"resourceSpans\":[\xff]}", OtlpEncoding::Json),
        Err(ImportError::Json {
            category: "utf8",
            ..
        })
    ));
    // google.rpc.Status{code(1)=3, message(2)="bad"}.
    assert_eq!(
        otlp_status(OtlpEncoding::Protobuf, 3, "bad"),
        [0x08, 3, 0x12, 3, b'b', b'a', b'd']
    );
    let status: Value = serde_json::from_slice(&otlp_status(OtlpEncoding::Json, 3, "bad")).unwrap();
    assert_eq!(status, json!({"code": 3, "message": "bad"}));
    // Messages never quote the body.
    let secret = b"\x0a\x10sk-live-SECRET-KEY";
    let err = import_otlp(secret, OtlpEncoding::Protobuf).unwrap_err();
    assert!(!err.to_string().contains("SECRET"));
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn len_field(field: u64, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, field << 3 | 2);
    varint(&mut out, body.len() as u64);
    out.extend_from_slice(body);
    out
}

/// A request with one span holding one attribute whose value nests `depth` arrays.
fn nested_request(depth: usize) -> Vec<u8> {
    let mut any = len_field(1, b"x"); // AnyValue{string_value}
    for _ in 0..depth {
        let array = len_field(1, &any); // ArrayValue{values}
        any = len_field(5, &array); // AnyValue{array_value}
    }
    let mut kv = len_field(1, b"k");
    kv.extend(len_field(2, &any));
    let span = len_field(9, &kv);
    let scope = len_field(2, &span);
    let resource = len_field(2, &scope);
    len_field(1, &resource)
}

#[test]
fn nesting_is_bounded() {
    let ok = import_otlp(&nested_request(20), OtlpEncoding::Protobuf).unwrap();
    assert_eq!(ok.spans, 1);
    let deep = import_otlp(&nested_request(5_000), OtlpEncoding::Protobuf).unwrap_err();
    assert!(deep.to_string().contains("nested too deeply"), "{deep}");
}

#[test]
fn huge_lengths_are_errors_not_allocations() {
    // resource_spans with a declared length of 2^62 and a 10-byte varint overflowing.
    let mut body = vec![0x0a];
    varint(&mut body, 1 << 62);
    assert!(import_otlp(&body, OtlpEncoding::Protobuf).is_err());
    let overlong = [
        0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    assert!(import_otlp(&overlong, OtlpEncoding::Protobuf).is_err());
}

#[test]
fn every_truncation_and_byte_flip_of_a_real_body_is_read_or_refused_never_a_panic() {
    for name in ["genai.pb", "agentlens.pb"] {
        let body = fixture(name);
        for cut in 0..body.len() {
            let _ = import_otlp(&body[..cut], OtlpEncoding::Protobuf);
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bad = body.clone();
            let at = (state as usize) % bad.len();
            bad[at] ^= (state >> 32) as u8 | 1;
            if let Ok(read) = import_otlp(&bad, OtlpEncoding::Protobuf) {
                assert!(read.spans <= 16);
            }
        }
    }
}

#[test]
fn events_of_other_types_keep_their_type_and_id() {
    let text = String::from_utf8(fixture("agentlens.json"))
        .unwrap()
        .replace("\"final\"", "\"checkpoint\"");
    let read = import_otlp(text.as_bytes(), OtlpEncoding::Json).unwrap();
    let custom = read
        .events
        .iter()
        .find(|e| e.event_type == EventType::Custom("checkpoint".into()))
        .unwrap();
    assert_eq!(custom.event_id.as_deref(), Some("ev00000000000006"));
    assert_eq!(custom.run_name.as_deref(), Some("agentlens.final"));
}

/// A session as the AgentLens SDK records it: nested runs and one event of each kind.
fn recorded_session() -> Vec<Event> {
    use agentlens::model::{DecisionTrace, ErrorInfo, Memory, ToolCall};
    let ms = |n: i64| UnixNanos(1_767_000_000_000_000_000 + n * 1_000_000);
    let ev = |kind: EventType, at: i64, id: Option<&str>, run: Option<&str>| {
        let mut e = Event::new(kind, "sess-rt", ms(at));
        e.event_id = id.map(Into::into);
        e.run_id = run.map(Into::into);
        e
    };
    let mut start = ev(EventType::SessionStart, 0, None, None);
    start.agent_name = Some("travel".into());
    let mut root = ev(EventType::RunStart, 1, None, Some("run-a"));
    root.run_name = Some("plan".into());
    let mut child = ev(EventType::RunStart, 2, None, Some("run-b"));
    (child.run_name, child.parent_run_id) = (Some("lookup".into()), Some("run-a".into()));
    let mut llm = ev(EventType::LlmCall, 3, Some("e1"), Some("run-b"));
    (llm.model, llm.tokens_in, llm.tokens_out) = (Some("gpt-4o".into()), Some(900), Some(80));
    (llm.cached_input_tokens, llm.reasoning_tokens) = (Some(600), Some(20));
    llm.duration_ms = Some(250.0);
    llm.input_data = Some(json!({"prompt": "Flights to Oslo?"}));
    let mut tool = ev(EventType::ToolError, 300, Some("e2"), Some("run-b"));
    tool.tool_call = Some(Box::new(ToolCall {
        tool_call_id: "tc-1".into(),
        tool_name: "flights".into(),
        tool_input: json!({"to": "OSL"}),
        ..ToolCall::default()
    }));
    let failure = |t: &str, m: &str| ErrorInfo {
        error_type: t.into(),
        message: m.into(),
        ..ErrorInfo::default()
    };
    tool.error = Some(Box::new(failure("RateLimit", "slow down")));
    let mut decision = ev(EventType::Decision, 400, Some("e3"), Some("run-a"));
    decision.decision_trace = Some(Box::new(DecisionTrace {
        step: 2,
        reasoning: "cheapest".into(),
        alternatives_considered: vec!["train".into(), "bus".into()],
        confidence: Some(0.5),
        ..DecisionTrace::default()
    }));
    let mut memory = ev(EventType::MemoryWrite, 500, Some("e4"), Some("run-a"));
    memory.memory = Some(Box::new(Memory {
        key: "seat".into(),
        value: Some(json!("aisle")),
        memory_type: Some("long_term".into()),
        overwrite: Some(true),
    }));
    let mut error = ev(EventType::Error, 600, Some("e5"), Some("run-a"));
    error.error = Some(Box::new(failure("PaymentError", "declined")));
    let mut fin = ev(EventType::Final, 700, Some("e6"), Some("run-a"));
    fin.output_data = Some(json!({"answer": "Book the train"}));
    let mut child_end = ev(EventType::RunEnd, 350, None, Some("run-b"));
    child_end.status = Some("error".into());
    let mut root_end = ev(EventType::RunEnd, 800, None, Some("run-a"));
    root_end.status = Some("completed".into());
    let mut end = ev(EventType::SessionEnd, 900, None, None);
    (end.timestamp, end.ended_at) = (None, Some(ms(900)));
    (end.status, end.total_tokens_in, end.total_tokens_out) =
        (Some("completed".into()), Some(900), Some(80));
    vec![
        start, root, child, llm, tool, child_end, decision, memory, error, fin, root_end, end,
    ]
}

#[test]
fn events_exported_by_the_core_import_back_as_themselves_in_both_encodings() {
    use agentlens::encode::otlp::{Encoder, Encoding, OtlpConfig};
    let original = recorded_session();
    for (encoding, read_as) in [
        (Encoding::Protobuf, OtlpEncoding::Protobuf),
        (Encoding::Json, OtlpEncoding::Json),
    ] {
        let config = OtlpConfig {
            encoding,
            capture_content: true,
            ..OtlpConfig::default()
        };
        let mut enc = Encoder::new(&config);
        let records: Vec<Vec<u8>> = original.iter().filter_map(|e| enc.encode(e)).collect();
        let joiner: &[u8] = if encoding == Encoding::Json {
            b","
        } else {
            b""
        };
        let body = enc.wrap(&records.join(joiner));
        let back = import_otlp(&body, read_as).unwrap().events;
        let kinds = |es: &[Event]| {
            let mut k: Vec<String> = es.iter().map(|e| e.event_type.as_str().into()).collect();
            k.sort();
            k
        };
        assert_eq!(kinds(&back), kinds(&original), "{read_as:?}");
        for want in &original {
            let got = back
                .iter()
                .find(|e| {
                    e.event_type == want.event_type
                        && e.event_id == want.event_id
                        && e.run_id == want.run_id
                })
                .unwrap_or_else(|| panic!("{read_as:?}: {:?} not read back", want.event_type));
            assert_eq!(got.session_id, want.session_id);
            if want.event_type != EventType::RunEnd {
                // (A run's end read back also names its parent run; the SDK's does not.)
                assert_eq!(
                    got.parent_run_id, want.parent_run_id,
                    "{:?}",
                    want.event_type
                );
            }
            assert_eq!(got.time(), want.time(), "{:?}", want.event_type);
            // Tokens: 0 and absent are the same count (the model's one rule).
            let tokens = |e: &Event| {
                (
                    e.model.clone(),
                    e.tokens_in.unwrap_or(0),
                    e.tokens_out.unwrap_or(0),
                )
            };
            assert_eq!(tokens(got), tokens(want), "{:?}", want.event_type);
            assert_eq!(
                (got.cached_input_tokens, got.reasoning_tokens),
                (want.cached_input_tokens, want.reasoning_tokens)
            );
            assert_eq!(
                got.decision_trace.as_ref().map(|d| (
                    &d.reasoning,
                    &d.alternatives_considered,
                    d.step,
                    d.confidence
                )),
                want.decision_trace.as_ref().map(|d| (
                    &d.reasoning,
                    &d.alternatives_considered,
                    d.step,
                    d.confidence
                ))
            );
            assert_eq!(got.memory, want.memory);
            let error = |e: &Event| {
                e.error
                    .as_ref()
                    .map(|x| (x.error_type.clone(), x.message.clone()))
            };
            assert_eq!(error(got), error(want), "{:?}", want.event_type);
            let tool = |e: &Event| {
                e.tool_call.as_ref().map(|t| {
                    (
                        t.tool_name.clone(),
                        t.tool_call_id.clone(),
                        t.tool_input.clone(),
                    )
                })
            };
            assert_eq!(tool(got), tool(want));
            if want.event_type == EventType::Final {
                assert_eq!(got.output_data, want.output_data);
            }
            if matches!(
                want.event_type,
                EventType::SessionStart | EventType::SessionEnd
            ) {
                assert_eq!(got.agent_name, want.agent_name);
                assert_eq!(
                    (
                        got.status.as_ref(),
                        got.total_tokens_in,
                        got.total_tokens_out
                    ),
                    (
                        want.status.as_ref(),
                        want.total_tokens_in,
                        want.total_tokens_out
                    )
                );
            }
            if want.event_type == EventType::RunEnd {
                assert_eq!(got.status, want.status);
            }
        }
        let llm = back
            .iter()
            .find(|e| e.event_type == EventType::LlmCall)
            .unwrap();
        assert_eq!(llm.duration_ms, Some(250.0));
        assert_eq!(
            llm.input_data.as_ref().unwrap()["prompt"][0]["parts"][0]["content"],
            "Flights to Oslo?"
        );
    }
}

/// A request ingested by the collector is ordered as a file import is: OpenTelemetry JS
/// stamps starts to the millisecond, so a model call can carry a start before its agent
/// span's; the agent's run still opens before the call and closes after it.
#[test]
fn an_ingested_request_opens_a_run_before_what_it_holds() {
    let span = |id: &str, parent: Option<&str>, name: &str, op: &str, start: u64, end: u64| {
        json!({
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": id, "parentSpanId": parent.unwrap_or(""),
            "name": name, "kind": 1,
            "startTimeUnixNano": (start * 1_000_000).to_string(), "endTimeUnixNano": (end * 1_000_000).to_string(),
            "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": op}},
                           {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}}]
        })
    };
    let body = json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        span("00f067aa0ba902b7", None, "invoke_agent planner", "invoke_agent", 1_700_000_000_001, 1_700_000_000_009),
        span("00f067aa0ba902b8", Some("00f067aa0ba902b7"), "chat gpt-4o", "chat", 1_700_000_000_000, 1_700_000_000_010),
    ]}]}]});
    let read = import_otlp(body.to_string().as_bytes(), OtlpEncoding::Json).unwrap();
    let types: Vec<EventType> = read.events.iter().map(|e| e.event_type.clone()).collect();
    assert_eq!(
        types,
        [EventType::RunStart, EventType::LlmCall, EventType::RunEnd],
        "{:?}",
        read.events
    );
}
