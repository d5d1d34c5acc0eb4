//! The redaction canary: plant secrets in every field of every event type, drive the
//! pipeline (wire and NDJSON), and scan every output — request bodies, NDJSON lines,
//! stats, notices, `Debug` output, error messages. Any hit fails.

use agentlens::batch::Output;
use agentlens::model::{DecisionTrace, ErrorInfo, Event, EventType, Memory, ToolCall};
use agentlens::pipeline::{Config, Pipeline};
use agentlens::time::{Millis, UnixNanos};
use serde_json::{Value, json};

use crate::pipeline::{deliver_all, drain};

const SECRETS: &[&str] = &[
    "123-45-6789",
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "canary.person@example.org",
    "Bearer abcDEF123456ghiJKL789",
    "sk-proj-CANARY0123456789abcdefghij",
    "AKIAIOSFODNN7CANARY1",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
];
/// Values that no pattern matches: only the key rule can catch them.
const KEYED: &[(&str, &str)] = &[
    ("password", "hunter2-canary"),
    ("api_key", "plain-canary-key"),
    ("Authorization", "canary-auth-header"),
    ("Set-Cookie", "sid=canary-cookie"),
    ("refresh_token", "canary-refresh"),
];

fn sentence() -> String {
    SECRETS.join(" and ")
}

fn nested() -> Value {
    let mut keyed = serde_json::Map::new();
    for (k, v) in KEYED {
        keyed.insert((*k).into(), json!(v));
    }
    json!({"keyed": keyed, "note": sentence(), "list": [sentence(), {"deeper": {"token": "canary-token", "text": sentence()}}]})
}

fn planted() -> Vec<Event> {
    let at = UnixNanos(0);
    let s = sentence();
    let mut out = Vec::new();
    let mut start = Event::new(EventType::SessionStart, "canary", at);
    start.agent_name = Some(format!("agent {s}"));
    start.metadata = Some(nested());
    out.push(start);
    let mut run = Event::new(EventType::RunStart, "canary", at);
    run.run_id = Some("r1".into());
    run.run_name = Some(s.clone());
    run.user_id = Some("canary.person@example.org".into());
    out.push(run);
    let mut llm = Event::new(EventType::LlmCall, "canary", at);
    llm.model = Some("gpt-4o".into());
    llm.input_data = Some(nested());
    llm.output_data = Some(json!({"response": s}));
    llm.decision_trace = Some(Box::new(DecisionTrace {
        reasoning: s.clone(),
        alternatives_considered: vec![s.clone()],
        ..Default::default()
    }));
    out.push(llm);
    let mut tool = Event::new(EventType::ToolCall, "canary", at);
    tool.tool_call = Some(Box::new(ToolCall {
        tool_name: "http".into(),
        tool_input: nested(),
        tool_output: Some(nested()),
        ..Default::default()
    }));
    out.push(tool);
    let mut mem = Event::new(EventType::MemoryWrite, "canary", at);
    mem.memory = Some(Box::new(Memory {
        key: "password".into(),
        value: Some(json!("canary-memory-pw")),
        ..Default::default()
    }));
    out.push(mem);
    let mut mem = Event::new(EventType::MemoryRead, "canary", at);
    mem.memory = Some(Box::new(Memory {
        key: "profile".into(),
        value: Some(nested()),
        ..Default::default()
    }));
    out.push(mem);
    let mut err = Event::new(EventType::Error, "canary", at);
    err.error = Some(Box::new(ErrorInfo {
        error_type: "AuthError".into(),
        message: s.clone(),
        critical: true,
        stack_trace: Some(s.clone()),
    }));
    out.push(err);
    let mut custom = Event::new(EventType::Custom("handoff".into()), "canary", at);
    custom.attributes = nested().as_object().cloned();
    out.push(custom);
    let mut fin = Event::new(EventType::Final, "canary", at);
    fin.output_data = Some(json!({"answer": s}));
    out.push(fin);
    out.push(Event {
        event_type: EventType::SessionEnd,
        session_id: "canary".into(),
        ..Event::default()
    });
    out
}

fn needles() -> Vec<String> {
    let mut n: Vec<String> = SECRETS.iter().map(|s| (*s).to_owned()).collect();
    n.extend(KEYED.iter().map(|(_, v)| (*v).to_owned()));
    n.extend(["canary-token".into(), "canary-memory-pw".into()]);
    n
}

fn scan(label: &str, text: &str) {
    for n in needles() {
        assert!(!text.contains(&n), "{label} leaked {n:?}");
    }
}

#[test]
fn no_planted_secret_reaches_any_output() {
    for config in [Config::default(), Config::ndjson()] {
        let mut p = Pipeline::new(config, [9; 32]).unwrap();
        for e in planted() {
            p.push(Millis(0), e, None);
        }
        let bodies = deliver_all(&mut p, Millis(0));
        assert!(!bodies.is_empty());
        for b in &bodies {
            scan("request body", &String::from_utf8_lossy(b));
        }
        let notices: Vec<String> = drain(&mut p, Millis(0))
            .iter()
            .map(|o| format!("{o:?}"))
            .collect();
        scan("notices", &notices.join("\n"));
        scan("stats", &serde_json::to_string(&p.stats()).unwrap());
        scan("pipeline debug", &format!("{p:?}"));
        assert_eq!(p.stats().batch.delivered, planted().len() as u64);
    }
}

#[test]
fn the_redactor_itself_never_prints_secrets() {
    let mut p = Pipeline::new(Config::default(), [9; 32]).unwrap();
    p.push(Millis(0), planted().remove(2), None);
    scan("debug of a pipeline holding an event", &format!("{p:?}"));
    scan("debug of its redactor", &format!("{:?}", p.redactor()));
    p.flush(Millis(0));
    let outputs = drain(&mut p, Millis(0));
    assert!(outputs.iter().any(|o| matches!(o, Output::Send(_))));
    scan("debug of the send", &format!("{outputs:?}"));
}

#[test]
fn decode_errors_never_quote_their_input() {
    let s = sentence();
    for bad in [
        format!(r#"{{"events":["{s}""#),
        format!(r#"{{"events":[{{"tool_call":"{s}"}}]}}"#),
        s.clone(),
    ] {
        let err = agentlens::encode::agentlens::decode_body(bad.as_bytes()).unwrap_err();
        scan("decode error", &format!("{err} {err:?}"));
    }
    let (_, errors) = agentlens::encode::ndjson::decode_lossy(&format!("{{\"x\": \"{s}\"\n"));
    scan("ndjson errors", &format!("{errors:?}"));
}
