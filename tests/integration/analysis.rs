//! Analysis engines against the shared fixtures in `tests/fixtures/explain/`, through
//! the same path as the wasm export `explainJson`: host options, redaction, decoding.

use agentlens::analysis::explain::{Style, explain_json};
use agentlens::pipeline::Options;
use agentlens::redact::Redactor;
use serde_json::Value;

fn default_redactor() -> Redactor {
    let config = Options::from_json("{}")
        .and_then(Options::into_config)
        .unwrap();
    Redactor::new(config.redact).unwrap()
}

#[test]
fn every_explain_fixture_renders_exactly_its_expected_markdown() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain");
    let redactor = default_redactor();
    let mut styles = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let name = path.display();
        assert!(
            case["about"].is_string(),
            "{name} must say where it came from"
        );
        let style = Style::parse(case["style"].as_str()).unwrap();
        let expected = case["expected"].as_str().unwrap();
        let got = explain_json(&redactor, &case["events"].to_string(), style)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, expected, "{name}");
        styles.push(style);
    }
    assert!(styles.len() >= 4, "found {} cases", styles.len());
    assert!(styles.contains(&Style::Sdk) && styles.contains(&Style::Backend));
}

#[test]
fn explanations_never_show_a_planted_secret() {
    let secrets = [
        "jane.doe@example.com",
        "sk-live0123456789abcdefghijklmn",
        "4111 1111 1111 1111",
        "078-05-1120",
    ];
    let events = serde_json::json!([
        {"event_type": "session_start", "session_id": "s1", "agent_name": "jane.doe@example.com",
         "timestamp": "2026-11-22T10:00:00Z"},
        {"event_type": "llm_call", "session_id": "s1", "timestamp": "2026-11-22T10:00:01Z",
         "model": "gpt-4o", "input_data": {"prompt": "card 4111 1111 1111 1111, ssn 078-05-1120"},
         "output_data": {"response": "key sk-live0123456789abcdefghijklmn"},
         "decision_trace": {"reasoning": "mail jane.doe@example.com"}},
        {"event_type": "tool_call", "session_id": "s1", "timestamp": "2026-11-22T10:00:02Z",
         "tool_call": {"tool_name": "send", "tool_input": {"api_key": "plain-but-keyed",
                       "to": "jane.doe@example.com"}}},
        {"event_type": "error", "session_id": "s1", "timestamp": "2026-11-22T10:00:03Z",
         "error": {"error_type": "AuthError", "message": "bad key sk-live0123456789abcdefghijklmn"}},
        {"event_type": "final", "session_id": "s1", "timestamp": "2026-11-22T10:00:04Z",
         "output_data": {"answer": "Sent to jane.doe@example.com"}}
    ])
    .to_string();
    let redactor = default_redactor();
    for style in [Style::Sdk, Style::Backend] {
        let text = explain_json(&redactor, &events, style).unwrap();
        for secret in secrets.iter().chain(&["plain-but-keyed"]) {
            assert!(!text.contains(secret), "{style:?} shows {secret}:\n{text}");
        }
        assert!(text.contains("[REDACTED]"), "{text}");
    }
}
