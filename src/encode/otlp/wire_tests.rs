//! Content opt-in, 1.36 mode, the OTLP/JSON rules, the protobuf writer against the JSON
//! one, the envelopes, and reading a partial success.

use serde_json::{Value, json};

use super::response::{Field, Reader};
use super::*;
use crate::model::ToolCall;
use crate::time::UnixNanos;

fn config(encoding: Encoding, capture: bool, semconv: Semconv) -> OtlpConfig {
    OtlpConfig {
        encoding,
        capture_content: capture,
        semconv,
        service_name: "svc".into(),
        sdk_version: "1.2.3".into(),
        resource_attributes: vec![
            ("env".into(), json!("prod")),
            ("service.name".into(), json!("no")),
        ],
        ..OtlpConfig::default()
    }
}

fn llm() -> Event {
    let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(5));
    e.event_id = Some("e".into());
    e.model = Some("gpt-4o".into());
    e.reasoning_tokens = Some(3);
    e.input_data = Some(json!({"prompt": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi"},
    ]}));
    e.output_data = Some(json!({"response": "hello"}));
    e
}

fn json_span(c: &OtlpConfig, e: &Event) -> Value {
    serde_json::from_slice(&Encoder::new(c).encode(e).unwrap()).unwrap()
}

fn text(span: &Value, key: &str) -> Option<String> {
    let attrs = span["attributes"].as_array().unwrap();
    let a = attrs.iter().find(|a| a["key"] == key)?;
    Some(a["value"]["stringValue"].as_str().unwrap().to_owned())
}

#[test]
fn content_goes_out_only_with_capture_in_the_message_shape() {
    let off = json_span(&config(Encoding::Json, false, Semconv::V1_42), &llm());
    for key in [
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
    ] {
        assert_eq!(text(&off, key), None, "{key}");
    }
    let on = json_span(&config(Encoding::Json, true, Semconv::V1_42), &llm());
    let parse = |k| serde_json::from_str::<Value>(&text(&on, k).unwrap()).unwrap();
    assert_eq!(
        parse("gen_ai.system_instructions"),
        json!([{"type": "text", "content": "be brief"}])
    );
    assert_eq!(
        parse("gen_ai.input.messages"),
        json!([{"role": "user", "parts": [{"type": "text", "content": "hi"}]}])
    );
    assert_eq!(
        parse("gen_ai.output.messages"),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "hello"}], "finish_reason": "stop"}])
    );
    let mut plain = llm();
    plain.input_data = Some(json!({"prompt": "just text"}));
    let s = json_span(&config(Encoding::Json, true, Semconv::V1_42), &plain);
    assert_eq!(
        serde_json::from_str::<Value>(&text(&s, "gen_ai.input.messages").unwrap()).unwrap(),
        json!([{"role": "user", "parts": [{"type": "text", "content": "just text"}]}])
    );
    assert_eq!(text(&s, "gen_ai.system_instructions"), None);

    let mut tool = Event::new(EventType::ToolCall, "s", UnixNanos(5));
    tool.tool_call = Some(Box::new(ToolCall {
        tool_name: "t".into(),
        tool_input: json!({"q": 1}),
        tool_output: Some(json!(["r"])),
        ..ToolCall::default()
    }));
    let s = json_span(&config(Encoding::Json, true, Semconv::V1_42), &tool);
    assert_eq!(
        text(&s, "gen_ai.tool.call.arguments").unwrap(),
        r#"{"q":1}"#
    );
    assert_eq!(text(&s, "gen_ai.tool.call.result").unwrap(), r#"["r"]"#);
}

#[test]
fn semconv_1_36_writes_gen_ai_system_and_leaves_out_the_newer_usage() {
    let s = json_span(&config(Encoding::Json, false, Semconv::V1_36), &llm());
    assert_eq!(text(&s, "gen_ai.system").unwrap(), "openai");
    assert_eq!(text(&s, "gen_ai.provider.name"), None);
    let keys: Vec<_> = s["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].clone())
        .collect();
    assert!(!keys.contains(&json!("gen_ai.usage.reasoning.output_tokens")));
    assert!(!keys.contains(&json!("gen_ai.usage.cache_creation.input_tokens")));
    let latest = json_span(&config(Encoding::Json, false, Semconv::V1_42), &llm());
    assert_eq!(text(&latest, "gen_ai.provider.name").unwrap(), "openai");
    assert_eq!(text(&latest, "gen_ai.system"), None);

    let c = config(Encoding::Json, false, Semconv::V1_36);
    let body: Value = serde_json::from_slice(&Encoder::new(&c).wrap(b"")).unwrap();
    assert_eq!(
        body["resourceSpans"][0]["scopeSpans"][0]["schemaUrl"],
        SCHEMA_URL_1_36
    );
}

#[test]
fn json_follows_the_otlp_rules_and_the_envelope_holds_resource_and_scope() {
    let c = config(Encoding::Json, false, Semconv::V1_42);
    let mut enc = Encoder::new(&c);
    let a = enc.encode(&llm()).unwrap();
    let mut records = a.clone();
    records.push(b',');
    records.extend_from_slice(&a);
    let text = String::from_utf8(enc.wrap(&records)).unwrap();
    assert!(!text.contains("SPAN_KIND"), "enums are integers");
    assert!(
        !text.contains("trace_id") && !text.contains("span_id"),
        "lowerCamelCase"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    let rs = &body["resourceSpans"][0];
    let res: Vec<(String, String)> = rs["resource"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["key"].as_str().unwrap().into(),
                a["value"]["stringValue"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("service.name", "svc"),
        ("telemetry.sdk.name", "agentlens"),
        ("telemetry.sdk.language", "webjs"),
        ("telemetry.sdk.version", "1.2.3"),
        ("env", "prod"),
    ];
    assert_eq!(res, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
    let ss = &rs["scopeSpans"][0];
    assert_eq!(
        ss["scope"],
        json!({"name": "agentlens", "version": "1.2.3"})
    );
    assert_eq!(ss["schemaUrl"], SCHEMA_URL);
    let spans = ss["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2);
    let s = &spans[0];
    assert!(
        s["traceId"]
            .as_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
    );
    assert_eq!(s["traceId"].as_str().unwrap().len(), 32);
    assert_eq!(s["spanId"].as_str().unwrap().len(), 16);
    assert_eq!(s["kind"], 3);
    assert_eq!(s["startTimeUnixNano"], "5");
    let reasoning = s["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "gen_ai.usage.reasoning.output_tokens");
    assert_eq!(reasoning.unwrap()["value"], json!({"intValue": "3"}));
    assert!(enc.overhead() >= text.len() - records.len());
}

/// The fields of a protobuf message.
fn fields(bytes: &[u8]) -> Vec<(u64, Field<'_>)> {
    let mut r = Reader { bytes };
    let mut out = Vec::new();
    while !r.bytes.is_empty() {
        out.push(r.next().expect("well-formed protobuf"));
    }
    out
}

fn sub<'a>(fs: &[(u64, Field<'a>)], n: u64) -> Vec<&'a [u8]> {
    fs.iter()
        .filter_map(|(k, f)| match f {
            Field::Bytes(b) if *k == n => Some(*b),
            _ => None,
        })
        .collect()
}

/// `(key, string or int)` of a protobuf `KeyValue`.
fn key_value(kv: &[u8]) -> (String, String) {
    let f = fields(kv);
    let key = String::from_utf8(sub(&f, 1)[0].to_vec()).unwrap();
    let any = fields(sub(&f, 2)[0]);
    let value = match &any[0] {
        (1, Field::Bytes(b)) => String::from_utf8(b.to_vec()).unwrap(),
        (3, Field::Int(i)) => i.to_string(),
        (2, Field::Int(b)) => (*b != 0).to_string(),
        (n, _) => format!("field {n}"),
    };
    (key, value)
}

#[test]
fn protobuf_spans_say_what_json_spans_say() {
    let mut e = llm();
    e.run_id = Some("r".into());
    e.duration_ms = Some(2.0);
    e.status = Some("error".into());
    e.output_data = Some(json!({"response": "x".repeat(300), "error": "bad"}));
    let pc = config(Encoding::Protobuf, true, Semconv::V1_42);
    let jc = config(Encoding::Json, true, Semconv::V1_42);
    let record = Encoder::new(&pc).encode(&e).unwrap();
    let j = json_span(&jc, &e);
    let outer = fields(&record);
    assert_eq!(outer.len(), 1, "one ScopeSpans.spans field");
    let span = fields(sub(&outer, 2)[0]);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    assert_eq!(hex(sub(&span, 1)[0]), j["traceId"]);
    assert_eq!(hex(sub(&span, 2)[0]), j["spanId"]);
    assert_eq!(hex(sub(&span, 4)[0]), j["parentSpanId"]);
    assert_eq!(sub(&span, 5)[0], j["name"].as_str().unwrap().as_bytes());
    let kind = span.iter().find_map(|(k, f)| match f {
        Field::Int(v) if *k == 6 => Some(*v),
        _ => None,
    });
    assert_eq!(kind, Some(3));
    let start = u64::from_le_bytes(sub(&span, 7)[0].try_into().unwrap());
    let end = u64::from_le_bytes(sub(&span, 8)[0].try_into().unwrap());
    assert_eq!(
        (start.to_string(), end.to_string()),
        (
            j["startTimeUnixNano"].as_str().unwrap().into(),
            j["endTimeUnixNano"].as_str().unwrap().into()
        )
    );
    let attrs: Vec<_> = sub(&span, 9).into_iter().map(key_value).collect();
    let jattrs: Vec<_> = j["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let v = &a["value"];
            let s = v["stringValue"]
                .as_str()
                .or(v["intValue"].as_str())
                .map(str::to_owned);
            (
                a["key"].as_str().unwrap().to_owned(),
                s.unwrap_or_else(|| v["boolValue"].to_string()),
            )
        })
        .collect();
    assert_eq!(attrs, jattrs);
    assert!(
        attrs
            .iter()
            .any(|(k, v)| k == "gen_ai.output.messages" && v.len() > 300),
        "a value over 127 bytes"
    );
    assert_eq!(sub(&span, 11).len(), 1, "the exception event");
    let status = fields(sub(&span, 15)[0]);
    assert!(
        matches!(status.last(), Some((3, Field::Int(2)))),
        "STATUS_CODE_ERROR"
    );
}

#[test]
fn the_protobuf_envelope_nests_resource_scope_spans_and_schema() {
    let c = config(Encoding::Protobuf, false, Semconv::V1_42);
    let mut enc = Encoder::new(&c);
    let mut records = Vec::new();
    for i in 0..40 {
        let mut e = llm();
        e.event_id = Some(format!("e{i}"));
        records.extend(enc.encode(&e).unwrap());
    }
    assert!(records.len() > 16_384, "lengths of three varint bytes");
    let body = enc.wrap(&records);
    assert!(body.len() <= records.len() + enc.overhead());
    let req = fields(&body);
    assert_eq!(req.len(), 1);
    let rs = fields(sub(&req, 1)[0]);
    let resource = fields(sub(&rs, 1)[0]);
    let res: Vec<_> = sub(&resource, 1).into_iter().map(key_value).collect();
    assert_eq!(res[0], ("service.name".into(), "svc".into()));
    assert_eq!(res.len(), 5);
    let ss = fields(sub(&rs, 2)[0]);
    let scope = fields(sub(&ss, 1)[0]);
    assert_eq!(sub(&scope, 1)[0], b"agentlens");
    assert_eq!(sub(&scope, 2)[0], b"1.2.3");
    assert_eq!(sub(&ss, 2).len(), 40);
    assert_eq!(sub(&ss, 3)[0], SCHEMA_URL.as_bytes());
}

#[test]
fn a_partial_success_is_read_from_protobuf_or_json() {
    let mut proto = vec![0x0a, 0];
    let inner = [&[0x08, 0x03, 0x12, 0x04][..], b"late"].concat();
    proto[1] = inner.len() as u8;
    proto.extend_from_slice(&inner);
    assert_eq!(
        partial_success(&proto, false),
        Some((3, Some("late".into())))
    );
    assert_eq!(
        partial_success(&proto, true),
        Some((3, Some("late".into())))
    );
    let json = br#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}"#;
    assert_eq!(
        partial_success(json, true),
        Some((2, Some("too old".into())))
    );
    assert_eq!(
        partial_success(json, false),
        Some((2, Some("too old".into())))
    );
    assert_eq!(
        partial_success(br#"{"partialSuccess":{"rejectedSpans":4}}"#, true),
        Some((4, None))
    );
    for full in [&b""[..], b"{}", b"\x0a\x00", b"not a body", b"\xff\xff"] {
        assert_eq!(
            partial_success(full, false).map_or(0, |p| p.0),
            0,
            "{full:?}"
        );
    }
}

#[test]
fn sink_specs_are_read_and_bad_fields_named() {
    let c = OtlpConfig::from_spec(json!({
        "format": "otlp", "protocol": "http/json", "serviceName": "svc",
        "resourceAttributes": {"a": 1, "b": true}, "captureContent": true,
        "semconv": "1.36", "sdkVersion": "0.1.0", "extra": "ignored",
    }))
    .unwrap();
    assert_eq!(c.encoding, Encoding::Json);
    assert_eq!(c.semconv, Semconv::V1_36);
    assert!(c.capture_content);
    assert_eq!(c.resource_attributes.len(), 2);
    assert_eq!(
        OtlpConfig::from_spec(json!({})).unwrap(),
        OtlpConfig::default()
    );
    for (spec, field) in [
        (json!({"protocol": "grpc"}), "protocol"),
        (json!({"semconv": "1.30"}), "semconv"),
        (json!({"serviceName": 3}), "serviceName"),
        (json!({"captureContent": "yes"}), "captureContent"),
        (
            json!({"resourceAttributes": {"a": {"b": 1}}}),
            "resourceAttributes",
        ),
        (json!({"resourceAttributes": []}), "resourceAttributes"),
    ] {
        assert_eq!(OtlpConfig::from_spec(spec).unwrap_err().0, field);
    }
}
