//! One reader of AgentLens trace lines: `encode::ndjson::decode_lossy` and the importer's
//! NDJSON path read the same file into the same events and refuse the same headers.

use agentlens::encode::agentlens::{WireConfig, encode_event};
use agentlens::encode::{DecodeError, ndjson};
use agentlens::import::{ImportError, import_trace};
use agentlens::model::{Event, EventType};
use agentlens::time::UnixNanos;

fn events() -> Vec<Event> {
    let mut decision = Event::new(EventType::Decision, "s1", UnixNanos(2_000_000));
    decision.run_id = Some("r1".into());
    let mut end = Event::new(EventType::SessionEnd, "s1", UnixNanos(3_000_000));
    end.total_tokens_in = Some(120);
    vec![
        Event::new(EventType::LlmCall, "s1", UnixNanos(1_000_000)),
        decision,
        end,
    ]
}

/// A header, the events (the second and third in the backend-compat shape, which both
/// readers undo), a blank line and two bad lines.
fn file() -> String {
    let evs = events();
    let line = |e: &Event, compat: bool| {
        String::from_utf8(encode_event(
            e,
            WireConfig {
                backend_compat: compat,
            },
        ))
        .unwrap()
    };
    [
        String::from_utf8(ndjson::Header::new(Some("test".into())).to_line())
            .unwrap()
            .trim_end()
            .to_owned(),
        line(&evs[0], false),
        String::new(),
        "[1]".into(),
        line(&evs[1], true),
        "{oops".into(),
        line(&evs[2], true),
    ]
    .join("\n")
}

#[test]
fn both_readers_read_the_same_events_and_skip_the_same_lines() {
    let text = file();
    let (trace, errors) = ndjson::decode_lossy(&text);
    assert_eq!(trace.events, events());
    assert_eq!(trace.header.unwrap().producer.as_deref(), Some("test"));
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0], DecodeError::BadEvent { index: 3 });
    assert!(
        matches!(errors[1], DecodeError::Json { line: 6, .. }),
        "{errors:?}"
    );

    let import = import_trace(text.as_bytes()).unwrap();
    assert_eq!(import.format.as_str(), "ndjson");
    assert_eq!(import.events, events());
    let joined = import.warnings.join("\n");
    assert!(joined.contains("line 4: not an event object"), "{joined}");
    assert!(joined.contains("line 6"), "{joined}");
}

#[test]
fn both_readers_refuse_a_newer_version_and_another_format() {
    for (header, version) in [
        (r#"{"format":"agentlens-trace","version":9}"#, Some(9)),
        (r#"{"format":"otlp","version":1}"#, None),
    ] {
        let text = format!("{header}\n{{\"session_id\":\"a\",\"event_type\":\"llm_call\"}}\n");
        assert_eq!(
            ndjson::decode(&text).unwrap_err(),
            DecodeError::UnsupportedFormat { line: 1, version }
        );
        assert_eq!(
            import_trace(text.as_bytes()).unwrap_err(),
            ImportError::UnsupportedVersion { line: 1, version }
        );
    }
}
