use serde_json::{Map, Value, json};

use super::read::MODEL_FIELDS;
use super::*;
use crate::encode::agentlens::{WireConfig, encode_event};
use crate::model::{ErrorInfo, EventType, Memory, ToolCall};
use crate::redact::{Config, sanitize};

const NOW_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn options() -> Options {
    Options {
        redactor: Redactor::new(Config::default()).unwrap(),
        now: UnixNanos(NOW_MS * 1_000_000),
        seed: 7,
        compress: false,
        max_events: 10_000,
    }
}

fn ingest(events: Value) -> Batch {
    ingest_body(
        json!({ "events": events }).to_string().as_bytes(),
        &options(),
    )
    .unwrap()
}

fn event_columns(r: &Record) -> &EventColumns {
    match &r.columns {
        Columns::Event(c) => c,
        other => panic!("not an event: {other:?}"),
    }
}

fn payload(r: &Record) -> Value {
    let p = r.payload.as_ref().unwrap();
    assert_eq!(p[0], 0, "plain payload");
    serde_json::from_slice(&p[1..]).unwrap()
}

#[test]
fn the_python_sdk_batch_gives_a_start_two_events_and_an_end() {
    let body = include_str!("../../tests/fixtures/wire/python_sdk_batch.json");
    let b = ingest_body(body.as_bytes(), &options()).unwrap();
    assert_eq!((b.received, b.records.len(), b.rejected.total()), (4, 4, 0));
    let kinds: Vec<Kind> = b.records.iter().map(Record::kind).collect();
    assert_eq!(kinds, [Kind::Start, Kind::Event, Kind::Event, Kind::End]);
    let Columns::Start {
        agent_name,
        timestamp,
        ..
    } = &b.records[0].columns
    else {
        unreachable!()
    };
    assert_eq!(agent_name, "research-agent");
    assert!(timestamp.ends_with("+00:00"), "kept as sent: {timestamp}");
    let llm = event_columns(&b.records[1]);
    assert_eq!(
        (llm.tokens_in, llm.tokens_out, llm.model.as_deref()),
        (120, 45, Some("gpt-4o"))
    );
    assert_eq!((llm.status.as_str(), llm.is_error), ("completed", false));
    let tool = event_columns(&b.records[2]);
    assert_eq!(tool.name.as_deref(), Some("calculator"));
    let Columns::End {
        status,
        total_tokens_in,
        total_tokens_out,
        ..
    } = &b.records[3].columns
    else {
        unreachable!()
    };
    assert_eq!(
        (*status, *total_tokens_in, *total_tokens_out),
        ("completed", Some(120), Some(45))
    );
}

#[test]
fn tokens_follow_the_models_one_rule_numeric_strings_included() {
    let b = ingest(json!([
        {"event_id": "a", "session_id": "s", "event_type": "llm_call", "tokens_in": "7", "tokens_out": " 12.9 "},
        {"event_id": "b", "session_id": "s", "event_type": "llm_call", "tokens_in": -5, "tokens_out": "abc"},
        {"event_id": "c", "session_id": "s", "event_type": "llm_call", "tokens_in": 1e300, "tokens_out": "-3"},
        {"event_id": "d", "session_id": "s", "event_type": "llm_call"},
    ]));
    let got: Vec<(u64, u64)> = b
        .records
        .iter()
        .map(|r| {
            let c = event_columns(r);
            (c.tokens_in, c.tokens_out)
        })
        .collect();
    let max = (1u64 << 53) - 1;
    assert_eq!(got, [(7, 12), (0, 0), (max, 0), (0, 0)]);
    assert_eq!(payload(&b.records[0])["tokens_in"], 7, "the payload agrees");
    assert_eq!(
        payload(&b.records[3])["tokens_out"],
        0,
        "absent counts are 0"
    );
}

#[test]
fn garbage_and_out_of_range_times_never_panic() {
    let times = [
        json!("not a time"),
        json!(1e300),
        json!(-1e300),
        json!("9999-99-99T00:00:00Z"),
        json!({"t": 1}),
        json!(null),
        json!(""),
        json!(-62_135_596_800_000.0_f64 * 10.0),
        json!("2026-11-22T02:41:23.314377+00:00"),
        json!(1_767_225_600_123_u64),
    ];
    let events: Vec<Value> = times
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"event_id": format!("t{i}"), "session_id": "s", "timestamp": t}))
        .collect();
    let b = ingest(Value::Array(events));
    assert_eq!(b.records.len(), times.len());
    let cols: Vec<&EventColumns> = b.records.iter().map(event_columns).collect();
    // Unreadable, and numbers outside what a time holds (once clamped to 1677 or 2262, a
    // time nobody sent): dated when received, and counted. `null` is no time at all.
    for i in [0, 1, 2, 3, 4, 5, 6, 7] {
        assert_eq!(cols[i].ts_ms, NOW_MS, "#{i}");
        assert_eq!(cols[i].timestamp, "2026-01-01T00:00:00.000000Z", "#{i}");
    }
    assert_eq!(b.repaired.unreadable_times, 7, "every time given but null");
    assert_eq!(
        b.warnings(),
        ["7 records with a time that could not be read were dated when received"]
    );
    assert_eq!(cols[8].timestamp, "2026-11-22T02:41:23.314377+00:00");
    assert_eq!(
        payload(&b.records[8])["timestamp"],
        "2026-11-22T02:41:23.314377Z"
    );
    assert_eq!(cols[9].ts_ms, 1_767_225_600_123);
    assert_eq!(cols[9].timestamp, "2026-01-01T00:00:00.123000Z");
    let end = ingest(json!([{"session_id": "s", "event_type": "session_end", "ended_at": 1e308}]));
    assert!(matches!(
        end.records[0].columns,
        Columns::End { ts_ms: NOW_MS, .. }
    ));
    assert_eq!(end.repaired.unreadable_times, 1);
}

#[test]
fn backend_compatible_envelopes_are_undone() {
    let mut e = Event::new(EventType::MemoryWrite, "s1", UnixNanos(5_000_000));
    e.event_id = Some("m1".into());
    e.run_id = Some("r1".into());
    e.memory = Some(Box::new(Memory {
        key: "user_pref".into(),
        value: Some(json!({"seat": "aisle"})),
        ..Memory::default()
    }));
    e.error = Some(Box::new(ErrorInfo {
        error_type: "Oops".into(),
        message: "bad".into(),
        ..ErrorInfo::default()
    }));
    let wire: Value = serde_json::from_slice(&encode_event(&e, WireConfig::default())).unwrap();
    assert_eq!(
        wire["event_type"], "generic",
        "sent for the original backend"
    );
    let mut end = Event::new(EventType::SessionEnd, "s1", UnixNanos(9_000_000));
    end.total_tokens_in = Some(40);
    let end_wire: Value =
        serde_json::from_slice(&encode_event(&end, WireConfig::default())).unwrap();
    let b = ingest(json!([wire, end_wire]));
    let c = event_columns(&b.records[0]);
    assert_eq!(c.event_type, "memory_write");
    assert_eq!(c.run_id.as_deref(), Some("r1"));
    assert_eq!(c.name.as_deref(), Some("Write: user_pref"));
    assert!(c.is_error, "error details make it an error");
    let p = payload(&b.records[0]);
    assert_eq!(p["memory"]["value"], json!({"seat": "aisle"}));
    assert!(p.get("output_data").is_none(), "the envelope is gone");
    assert!(p.get("agentlens_type").is_none());
    assert!(matches!(
        b.records[1].columns,
        Columns::End {
            total_tokens_in: Some(40),
            ..
        }
    ));
}

#[test]
fn errors_statuses_and_run_outcomes_are_the_cores_facts() {
    let b = ingest(json!([
        {"event_id": "1", "session_id": "s", "event_type": "tool_error"},
        {"event_id": "2", "session_id": "s", "event_type": "llm_call", "status": "timeout"},
        {"event_id": "3", "session_id": "s", "event_type": "run_end", "run_id": "r0", "status": "error", "duration_ms": 10.6},
        {"event_id": "4", "session_id": "s", "event_type": "run_end", "run_id": "r1", "parent_run_id": "r0", "status": "failed"},
        {"event_id": "5", "session_id": "s", "event_type": "run_start", "run_id": "r2", "run_name": "plan", "agent_type": "planner"},
        {"event_id": "6", "session_id": "s", "event_type": "handoff_error", "status": "ok"},
        {"session_id": "s", "event_type": "session_end", "status": "timeout"},
        {"session_id": "s2", "event_type": "session_end", "status": "weird"},
    ]));
    let ev: Vec<&EventColumns> = b.records[..6].iter().map(event_columns).collect();
    assert_eq!((ev[0].is_error, ev[0].status.as_str()), (true, "failed"));
    assert_eq!((ev[1].is_error, ev[1].status.as_str()), (true, "failed"));
    assert_eq!(
        (ev[2].is_error, ev[2].session_status),
        (false, Some("error"))
    );
    assert_eq!(
        ev[2].run_end,
        Some(RunEnd {
            status: "failed",
            duration_ms: Some(11)
        })
    );
    assert_eq!(
        ev[3].session_status, None,
        "a nested run's failure is its own"
    );
    assert_eq!(ev[3].run_end.as_ref().unwrap().status, "failed");
    let run = ev[4].run_start.as_ref().unwrap();
    assert_eq!(
        (run.name.as_str(), run.agent_type.as_deref()),
        ("plan", Some("planner"))
    );
    assert_eq!((ev[5].is_error, ev[5].status.as_str()), (true, "failed"));
    assert_eq!(ev[4].status, "completed");
    assert!(matches!(
        b.records[6].columns,
        Columns::End {
            status: "timeout",
            ..
        }
    ));
    assert!(matches!(
        b.records[7].columns,
        Columns::End {
            status: "completed",
            ..
        }
    ));
}

#[test]
fn ids_sessions_from_runs_and_refusals() {
    let b = ingest(json!([
        {"event_id": "a", "session_id": "", "event_type": "llm_call"},
        {"event_id": "b", "session_id": "bad id!", "event_type": "llm_call"},
        "not an object",
        7,
        {"event_id": "c", "run_id": "run-9", "event_type": "run_start"},
        {"event_id": "d", "run_id": "run-9", "event_type": "llm_call"},
        // Never stripped into "sx" (another session's id), nor cut to 128 characters.
        {"event_id": "e", "session_id": "s\u{1}x", "event_type": "llm_call"},
        {"event_id": "f", "session_id": "a".repeat(129), "event_type": "llm_call"},
    ]));
    assert_eq!(b.rejected.not_an_object, 2);
    assert_eq!(b.rejected.no_session_id, 4);
    assert_eq!(
        b.rejected.warnings(),
        [
            "2 records not an object",
            "4 records without a valid session id"
        ]
    );
    let sessions: Vec<&str> = b
        .records
        .iter()
        .map(|r| event_columns(r).session_id.as_str())
        .collect();
    assert_eq!(sessions, ["run-9", "run-9"]);
}

#[test]
fn missing_event_ids_come_from_the_span_or_the_seed() {
    let events = json!([
        {"session_id": "s", "event_type": "llm_call", "span_id": "ab12", "timestamp": "2026-01-01T00:00:01Z"},
        {"session_id": "s", "event_type": "llm_call"},
        {"session_id": "s", "event_type": "llm_call"},
    ]);
    let b = ingest(events.clone());
    let ids: Vec<&str> = b
        .records
        .iter()
        .map(|r| event_columns(r).event_id.as_str())
        .collect();
    assert_eq!(ids[0], "ab12:llm_call:1767225601000");
    assert_eq!(ids[1].len(), 16);
    assert_ne!(ids[1], ids[2]);
    let again = ingest(events);
    assert_eq!(
        event_columns(&again.records[1]).event_id,
        ids[1],
        "the same seed draws the same ids (the host passes a fresh one per call)"
    );
}

/// An event with planted secrets in every field the SDK's rule touches.
fn secret_event() -> Event {
    let mail = "bob@example.com";
    let mut e = Event::new(EventType::ToolCall, "sess-1", UnixNanos(1_000_000_000));
    e.event_id = Some("e1".into());
    e.run_id = Some(format!("run-{mail}"));
    e.parent_run_id = Some(format!("p-{mail}"));
    e.run_name = Some(format!("name {mail}"));
    e.user_id = Some(mail.into());
    e.agent_name = Some(format!("agent {mail}"));
    e.model = Some(format!("model {mail}"));
    e.status = Some(format!("ok {mail}"));
    e.metadata = Some(json!({"password": "hunter2", "note": mail}));
    e.input_data = Some(json!({"prompt": format!("ssn 123-45-6789, {mail}")}));
    e.output_data = Some(json!({"api_key": "x", "text": "card 4111 1111 1111 1111"}));
    e.tool_call = Some(Box::new(ToolCall {
        tool_name: format!("tool {mail}"),
        tool_input: json!({"token": "t", "q": mail}),
        tool_output: Some(json!(mail)),
        ..ToolCall::default()
    }));
    e.error = Some(Box::new(ErrorInfo {
        error_type: format!("E {mail}"),
        message: format!("failed for {mail}"),
        stack_trace: Some(mail.into()),
        ..ErrorInfo::default()
    }));
    e.attributes = Some(Map::from_iter([("who".into(), json!(mail))]));
    e
}

#[test]
fn redaction_is_the_sdks_rule_ids_included() {
    let event = secret_event();
    let mut expected = event.clone();
    let o = options();
    sanitize(&o.redactor, &mut expected, &mut Report::default());
    let wire: Value = serde_json::from_slice(&encode_event(&event, WireConfig::default())).unwrap();
    let mut with_extra = wire.clone();
    with_extra["secret"] = json!("top-level extra");
    with_extra["span_name"] = json!(format!("span {}", "bob@example.com"));
    let b = ingest(json!([with_extra]));
    let stored = payload(&b.records[0]);
    let text = stored.to_string();
    for secret in [
        "bob@example.com",
        "hunter2",
        "123-45-6789",
        "4111 1111",
        "top-level extra",
    ] {
        assert!(!text.contains(secret), "{secret} survived: {text}");
    }
    let mut model = stored.as_object().unwrap().clone();
    model.retain(|k, _| MODEL_FIELDS.contains(&k.as_str()));
    let got: Event = serde_json::from_value(Value::Object(model)).unwrap();
    assert_eq!(got, expected, "exactly what the SDK's sanitize gives");
    let c = event_columns(&b.records[0]);
    let run = c
        .run_id
        .clone()
        .expect("a run id that held data is redacted and tagged, still an id");
    assert!(
        run.starts_with("REDACTED.") && !run.contains("bob"),
        "{run}"
    );
    assert_eq!(c.model.as_deref(), Some("model [REDACTED]"));
    assert_eq!(c.name.as_deref(), Some("tool [REDACTED]"));
    assert!(b.report.matches_redacted > 10);

    // Session ids that held data are tagged, not refused and never merged (issue 17).
    let two = ingest(json!([
        {"event_id": "x", "session_id": "sid-bob@example.com-123-45-6789"},
        {"event_id": "x", "session_id": "sid-eve@example.com-987-65-4321"},
    ]));
    assert_eq!(two.rejected.total(), 0);
    let sessions: Vec<String> = (two.records.iter())
        .map(|r| event_columns(r).session_id.clone())
        .collect();
    assert_eq!(sessions.len(), 2, "both events are stored");
    assert_ne!(sessions[0], sessions[1], "two sessions stay two");
    for s in &sessions {
        assert!(
            s.starts_with("REDACTED-REDACTED.") && valid_id(Some(s)).is_some(),
            "{s}"
        );
    }
}

#[test]
fn unknown_fields_and_misshapen_sections_are_kept_as_extras() {
    let b = ingest(json!([
        {"event_id": "x", "session_id": "s", "event_type": "span_start", "span_name": "plan", "children": [], "tool_call": "not an object",
         "decision_trace": {"reasoning": "r", "alternatives_considered": [1, 2]}, "error": {"critical": "yes"}},
    ]));
    let c = event_columns(&b.records[0]);
    assert_eq!(c.name.as_deref(), Some("plan"));
    let p = payload(&b.records[0]);
    assert_eq!(p["span_name"], "plan");
    assert_eq!(p["tool_call"], "not an object");
    assert_eq!(
        p["decision_trace"]["alternatives_considered"],
        json!([1, 2])
    );
    assert_eq!(p["error"]["critical"], "yes");
    assert!(
        !c.is_error,
        "unreadable error details are not the model's error"
    );
}

#[test]
fn the_model_fields_list_is_the_models() {
    let mut e = secret_event();
    e.ended_at = Some(UnixNanos(0));
    e.total_tokens_in = Some(1);
    e.total_tokens_out = Some(1);
    e.trace_id = Some("t".into());
    e.span_id = Some("s".into());
    e.cached_input_tokens = Some(1);
    e.reasoning_tokens = Some(1);
    e.decision_trace = Some(Box::new(crate::model::DecisionTrace::default()));
    e.memory = Some(Box::new(Memory::default()));
    e.duration_ms = Some(1.0);
    let v = serde_json::to_value(&e).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut listed = MODEL_FIELDS.to_vec();
    keys.sort_unstable();
    listed.sort_unstable();
    assert_eq!(keys, listed);
}

#[test]
fn compressed_payloads_gunzip_to_the_json() {
    let o = Options {
        compress: true,
        ..options()
    };
    let big = "x".repeat(2000);
    let body = json!({"events": [
        {"event_id": "g", "session_id": "s", "input_data": {"p": big}},
        {"event_type": "session_start", "session_id": "s"},
    ]});
    let b = ingest_body(body.to_string().as_bytes(), &o).unwrap();
    let p = b.records[0].payload.as_ref().unwrap();
    assert_eq!(p[0], flags::GZIP);
    let plain = import::gunzip(&p[1..], 1 << 20).unwrap();
    assert_eq!(plain, b.records[0].json);
    assert_eq!(
        b.records[1].payload.as_deref(),
        Some(&b"\0{}"[..]),
        "small: kept plain (a start's payload is its metadata)"
    );
}

#[test]
fn bodies_of_the_wrong_shape_and_size_are_refused_whole() {
    let o = Options {
        max_events: 2,
        ..options()
    };
    assert!(matches!(
        ingest_body(b"{not json", &o),
        Err(IngestError::Decode(DecodeError::Json { .. }))
    ));
    assert_eq!(
        ingest_body(b"{\"nope\":[]}", &o).unwrap_err(),
        IngestError::Decode(DecodeError::NotAnEventBatch)
    );
    let err = ingest_body(b"{\"events\":[{},{},{}]}", &o).unwrap_err();
    assert_eq!(err.to_string(), "Batch too large: 3 events (max 2)");
    assert_eq!(ingest_array(b"[]", &o).unwrap().received, 0);
    let deep = format!("{{\"events\":[{}{}]}}", "[".repeat(5000), "]".repeat(5000));
    assert!(ingest_body(deep.as_bytes(), &o).is_err(), "nested too deep");
}

#[test]
fn traces_in_other_formats_are_ingested_through_the_importer() {
    let ndjson =
        b"{\"session_id\":\"s\",\"event_type\":\"llm_call\",\"event_id\":\"n1\",\"tokens_in\":3}\n";
    let b = ingest_trace(ndjson, &options()).unwrap();
    assert_eq!(b.format, Some(TraceFormat::Ndjson));
    assert_eq!(event_columns(&b.records[0]).tokens_in, 3);
    assert!(matches!(
        ingest_trace(b"hello", &options()),
        Err(IngestError::Import(_))
    ));
}

#[test]
fn event_ids_are_kept_whole_or_refuse_the_wire_call() {
    let long = "x".repeat(MAX_EVENT_ID_CHARS - 1);
    let b = ingest(json!([
        {"event_id": format!("{long}a"), "session_id": "s", "event_type": "llm_call"},
        {"event_id": format!("{long}b"), "session_id": "s", "event_type": "llm_call"},
        {"event_id": "ab", "session_id": "s", "event_type": "llm_call"},
        {"event_id": "é✓ spaced id", "session_id": "s", "event_type": "llm_call"},
    ]));
    let ids: Vec<&str> = b
        .records
        .iter()
        .map(|r| event_columns(r).event_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            format!("{long}a").as_str(),
            &format!("{long}b"),
            "ab",
            "é✓ spaced id"
        ]
    );
    assert_eq!(payload(&b.records[0])["event_id"], format!("{long}a"));
    for (i, bad) in [
        "x".repeat(MAX_EVENT_ID_CHARS + 1),
        "a\u{1}b".to_owned(),
        "a\u{7f}b".to_owned(),
        "a\u{85}b".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        let body = json!({"events": [
            {"event_id": "fine", "session_id": "s", "event_type": "llm_call"},
            {"event_id": bad, "session_id": "s", "event_type": "llm_call"},
        ]});
        let text = body.to_string();
        let err = ingest_body(text.as_bytes(), &options()).unwrap_err();
        assert_eq!(err, IngestError::InvalidEventId { index: 1 }, "#{i}");
        assert!(!err.to_string().contains(bad.as_str()), "never quoted");
        assert!(err.to_string().contains("event_id"), "names the field");
        // The same body in the general read (a key twice), and as a bare array.
        let twice = text.replacen("\"fine\"", "\"fine\",\"event_id\":\"fine\"", 1);
        assert_eq!(
            ingest_body(twice.as_bytes(), &options()).unwrap_err(),
            IngestError::InvalidEventId { index: 1 }
        );
        let array = body["events"].to_string();
        assert!(ingest_array(array.as_bytes(), &options()).is_err());
        // Elsewhere (imports, OTLP) that one record is refused and counted.
        let items = body["events"].as_array().unwrap().clone();
        let b = ingest_values(items, &options()).unwrap();
        assert_eq!((b.records.len(), b.rejected.invalid_event_id), (1, 1));
        assert_eq!(b.warnings(), ["1 record with an invalid event_id"]);
    }
    // An empty id is no id: one is drawn.
    let b = ingest(json!([{"event_id": "", "session_id": "s", "event_type": "llm_call"}]));
    assert_eq!(event_columns(&b.records[0]).event_id.len(), 16);
}

#[test]
fn unreadable_times_date_their_record_now_and_warn() {
    let b = ingest(json!([
        {"session_id": "s", "event_type": "session_start", "timestamp": 1e20},
        {"session_id": "s", "event_type": "llm_call", "event_id": "bad", "timestamp": "2026-13-45T99:99:99Z"},
        {"session_id": "s", "event_type": "llm_call", "event_id": "good", "timestamp": "2026-01-02T00:00:00Z"},
        {"session_id": "s", "event_type": "tool_call", "event_id": "inspector", "timestamp_ms": -1e20},
        {"session_id": "s", "event_type": "session_end", "ended_at": 1e20, "timestamp": "2026-01-02T00:00:00Z"},
    ]));
    assert_eq!(b.records.len(), 5, "every record kept");
    assert_eq!(b.repaired.unreadable_times, 4);
    let Columns::Start { ts_ms, .. } = &b.records[0].columns else {
        unreachable!()
    };
    assert_eq!(*ts_ms, NOW_MS);
    assert_eq!(event_columns(&b.records[1]).ts_ms, NOW_MS);
    assert_eq!(
        payload(&b.records[1])["timestamp"],
        "2026-01-01T00:00:00.000000Z"
    );
    assert_eq!(
        event_columns(&b.records[2]).timestamp,
        "2026-01-02T00:00:00Z"
    );
    assert_eq!(event_columns(&b.records[3]).ts_ms, NOW_MS);
    // The end's `ended_at` was given: it is the end's time, read or not.
    let Columns::End {
        ts_ms, ended_at, ..
    } = &b.records[4].columns
    else {
        unreachable!()
    };
    assert_eq!(
        (*ts_ms, ended_at.as_str()),
        (NOW_MS, "2026-01-01T00:00:00.000000Z")
    );
}

#[test]
fn a_lone_surrogate_is_replaced_and_counted_never_refusing_the_body() {
    let mut events: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"event_id":"e{i}","session_id":"s","event_type":"llm_call"}}"#))
        .collect();
    events[42] = r#"{"event_id":"e42","session_id":"s","event_type":"llm_call","input_data":{"p":"half \ud83d of an emoji","k\udc00":1}}"#.into();
    let body = format!(r#"{{"events":[{}]}}"#, events.join(","));
    let b = ingest_body(body.as_bytes(), &options()).unwrap();
    assert_eq!(b.records.len(), 100);
    assert_eq!(b.repaired.lone_surrogates, 2);
    assert_eq!(
        b.warnings(),
        ["2 lone UTF-16 surrogates replaced by U+FFFD"]
    );
    let p = payload(&b.records[42]);
    assert_eq!(p["input_data"]["p"], "half \u{fffd} of an emoji");
    assert_eq!(p["input_data"]["k\u{fffd}"], 1);
    // As a bare array too.
    let array = format!("[{}]", events.join(","));
    assert_eq!(
        ingest_array(array.as_bytes(), &options())
            .unwrap()
            .repaired
            .lone_surrogates,
        2
    );
}

#[test]
fn a_number_too_large_for_a_double_never_refuses_the_body() {
    let body = r#"{"events":[
        {"event_id":"bad","session_id":"s","event_type":"llm_call","timestamp":1e400,"input_data":{"n":-1e999}},
        {"event_id":"good","session_id":"s","event_type":"llm_call","timestamp":"2026-01-02T00:00:00Z"}
    ]}"#;
    let b = ingest_body(body.as_bytes(), &options()).unwrap();
    assert_eq!(b.records.len(), 2);
    assert_eq!(
        (b.repaired.huge_numbers, b.repaired.unreadable_times),
        (2, 1)
    );
    assert_eq!(event_columns(&b.records[0]).ts_ms, NOW_MS);
    assert_eq!(payload(&b.records[0])["input_data"]["n"], "-1e999");
    assert_eq!(
        b.warnings(),
        [
            "1 record with a time that could not be read was dated when received",
            "2 numbers too large for a double kept as text"
        ]
    );
    // Broken JSON stays an error.
    assert!(ingest_body(br#"{"events":[1e400,}"#, &options()).is_err());
}
