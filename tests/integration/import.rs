//! Trace importers: the AgentLens formats, detection, errors with positions, bad-line
//! skipping, gzip and its bomb limit, streaming in any split. (The span formats, OTLP,
//! OpenAI Agents and Agent Inspector, are in `import_spans.rs`.)

use agentlens::import::{
    ImportConfig, ImportError, TraceFormat, TraceImporter, gzip, import_trace, import_trace_with,
};
use agentlens::model::{Event, EventType};
use proptest::prelude::*;

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

/// Pushes `bytes` in pieces of `size` and collects everything.
pub(crate) fn streamed(
    bytes: &[u8],
    size: usize,
) -> Result<(TraceFormat, Vec<Event>, Vec<String>), ImportError> {
    let mut importer = TraceImporter::new();
    let mut events = Vec::new();
    for chunk in bytes.chunks(size.max(1)) {
        events.extend(importer.push(chunk)?);
    }
    events.extend(importer.finish()?);
    Ok((
        importer.format().unwrap(),
        events,
        importer.warnings().to_vec(),
    ))
}

#[test]
fn an_ndjson_trace_file_reads_every_kind_and_restores_backend_compat_types() {
    let import = import_trace(&fixture("agentlens_trace.ndjson")).unwrap();
    assert_eq!(import.format, TraceFormat::Ndjson);
    assert_eq!(
        kinds(&import.events),
        [
            "session_start",
            "run_start",
            "llm_call",
            "tool_call",
            "decision",
            "final",
            "run_end",
            "session_end"
        ]
    );
    let llm = &import.events[2];
    assert_eq!(llm.model.as_deref(), Some("gpt-4o"));
    assert_eq!(
        (llm.tokens_in, llm.tokens_out, llm.cached_input_tokens),
        (Some(120), Some(45), Some(100))
    );
    assert_eq!(import.events[1].user_id.as_deref(), Some("u-42"));
    assert_eq!(
        import.events[3].tool_call.as_ref().unwrap().tool_name,
        "calculator"
    );
    assert_eq!(import.events[7].total_tokens_in, Some(120));
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}

#[test]
fn the_python_sdk_batch_is_an_agentlens_batch() {
    let import = import_trace(&fixture("agentlens_batch.json")).unwrap();
    assert_eq!(import.format, TraceFormat::AgentlensBatch);
    assert_eq!(
        kinds(&import.events),
        ["session_start", "llm_call", "tool_call", "session_end"]
    );
    assert_eq!(
        import.events[1].decision_trace.as_ref().unwrap().reasoning,
        "simple arithmetic"
    );
}

#[test]
fn a_plain_array_of_events_is_an_event_array() {
    let import = import_trace(&fixture("event_array.json")).unwrap();
    assert_eq!(import.format, TraceFormat::EventArray);
    assert_eq!(
        kinds(&import.events),
        [
            "session_start",
            "llm_call",
            "memory_write",
            "error",
            "session_end"
        ]
    );
    assert_eq!(import.events[2].memory.as_ref().unwrap().key, "ticket:991");
}

#[test]
fn a_backend_session_export_gets_its_start_and_end_back() {
    let import = import_trace(&fixture("agentlens_session.json")).unwrap();
    assert_eq!(import.format, TraceFormat::AgentlensSession);
    assert_eq!(
        kinds(&import.events),
        ["session_start", "llm_call", "tool_call", "session_end"]
    );
    let start = &import.events[0];
    assert_eq!(start.agent_name.as_deref(), Some("research-agent"));
    assert_eq!(start.metadata.as_ref().unwrap()["env"], "dev");
    // The backend writes absent data as {}; it reads back as absent.
    assert_eq!(import.events[2].input_data, None);
    let end = &import.events[3];
    assert_eq!(
        (end.status.as_deref(), end.total_tokens_out),
        (Some("completed"), Some(45))
    );
    // The paged events endpoint: no session row, a warning when events are missing.
    let page = br#"{"session_id":"s","total":5,"returned":1,"limit":1,"offset":0,"events":[{"event_type":"llm_call","timestamp":"2026-01-01T00:00:00Z"}]}"#;
    let import = import_trace(page).unwrap();
    assert_eq!(import.format, TraceFormat::AgentlensSession);
    assert_eq!(kinds(&import.events), ["llm_call"]);
    assert_eq!(import.events[0].session_id, "s");
    assert!(
        import.warnings[0].contains("1 of the session's 5"),
        "{:?}",
        import.warnings
    );
}

#[test]
fn gzipped_input_is_detected_by_its_magic_and_reads_the_same() {
    let plain = import_trace(&fixture("agentlens_trace.ndjson")).unwrap();
    let packed = import_trace(&fixture("agentlens_trace.ndjson.gz")).unwrap();
    assert_eq!(packed, plain);
    let ours = import_trace(&gzip(&fixture("event_array.json"), 6)).unwrap();
    assert_eq!(ours.format, TraceFormat::EventArray);
}

#[test]
fn a_zip_bomb_stops_at_the_limit_with_an_error() {
    let mut line = br#"{"session_id":"s","event_type":"generic"}"#.to_vec();
    line.push(b'\n');
    let bomb = gzip(&line.repeat(200_000), 9);
    let config = ImportConfig {
        max_decompressed_bytes: 1_000_000,
    };
    let err = import_trace_with(&bomb, config).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            max_bytes: 1_000_000
        }
    );
    assert!(err.to_string().contains("1000000"));
}

#[test]
fn bad_lines_are_skipped_counted_and_named_by_line() {
    let text = b"{\"session_id\":\"a\",\"event_type\":\"llm_call\"}\n{oops sk-live-secret\n\n[1,2]\n{\"session_id\":\"b\",\"event_type\":\"final\"}\n";
    let import = import_trace(text).unwrap();
    assert_eq!(import.format, TraceFormat::Ndjson);
    assert_eq!(kinds(&import.events), ["llm_call", "final"]);
    let all = import.warnings.join("\n");
    assert!(
        all.contains("line 2: invalid JSON (syntax) at column 2"),
        "{all}"
    );
    assert!(all.contains("line 4: not an event object"), "{all}");
    assert!(
        all.contains("skipped 2 bad lines (the first at line 2)"),
        "{all}"
    );
    assert!(!all.contains("sk-live"), "{all}");
}

#[test]
fn a_damaged_first_line_does_not_hide_the_rest() {
    let text =
        b"{\"session_id\":\"a\",\"event_t\n{\"session_id\":\"a\",\"event_type\":\"final\"}\n";
    let import = import_trace(text).unwrap();
    assert_eq!(import.format, TraceFormat::Ndjson);
    assert_eq!(kinds(&import.events), ["final"]);
    assert!(
        import.warnings[0].starts_with("line 1:"),
        "{:?}",
        import.warnings
    );
}

#[test]
fn a_file_of_only_bad_lines_is_an_error_naming_the_first() {
    // Lines that look like events but are not (a tool call that is a number).
    let err = import_trace(b"{\"session_id\":\"a\",\"tool_call\":5}\n{bad\n").unwrap_err();
    assert_eq!(
        err,
        ImportError::NoEvents {
            bad_lines: 2,
            first_bad_line: 1
        }
    );
}

#[test]
fn a_broken_document_reports_line_and_column_without_quoting() {
    let text = b"{\n  \"events\": [\n    {\"session_id\": \"hunter2\" \"x\"}\n  ]\n}";
    let err = import_trace(text).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Json {
                line: 3,
                column: 30,
                category: "syntax"
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("hunter2"));
    let err = import_trace(b"[{\"session_id\": \"s\"").unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Json {
                line: 1,
                category: "eof",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn unknown_content_names_the_accepted_formats() {
    for text in [
        &b"hello world"[..],
        b"{\"hello\":1}\n",
        b"42",
        b"<html></html>",
    ] {
        let err = import_trace(text).unwrap_err();
        assert_eq!(err, ImportError::UnknownFormat, "{text:?}");
        let message = err.to_string();
        for format in TraceFormat::ALL {
            assert!(message.contains(format.as_str()), "{message}");
        }
    }
    assert_eq!(import_trace(b"").unwrap_err(), ImportError::Empty);
    assert_eq!(import_trace(b" \n\n ").unwrap_err(), ImportError::Empty);
}

#[test]
fn newer_trace_file_versions_are_refused_with_the_line() {
    let err =
        import_trace(b"\n{\"format\":\"agentlens-trace\",\"version\":9}\n{\"session_id\":\"s\"}\n")
            .unwrap_err();
    assert_eq!(
        err,
        ImportError::UnsupportedVersion {
            line: 2,
            version: Some(9)
        }
    );
}

#[test]
fn the_importer_is_finished_after_finish_or_an_error() {
    let mut importer = TraceImporter::new();
    assert!(importer.push(b"{\"hello\":1}\n").is_err());
    assert_eq!(importer.push(b"{}").unwrap_err(), ImportError::Finished);
    let mut importer = TraceImporter::new();
    importer.push(b"[]").unwrap();
    assert_eq!(importer.finish().unwrap(), vec![]);
    assert_eq!(importer.finish().unwrap_err(), ImportError::Finished);
}

#[test]
fn events_stream_out_line_by_line_before_finish() {
    let bytes = fixture("agentlens_trace.ndjson.gz");
    let mut importer = TraceImporter::new();
    let first = importer.push(&bytes).unwrap();
    assert_eq!(first.len(), 8, "every complete line is out before finish");
    assert_eq!(importer.format(), Some(TraceFormat::Ndjson));
    assert_eq!(importer.finish().unwrap().len(), 0);
}

#[test]
fn hostile_strings_pass_through_as_data() {
    let hostile = "<img src=x onerror=alert(1)>\u{202e}\u{0}\"'`${x}\\";
    let line = serde_json::json!({"session_id": hostile, "event_type": hostile, "model": hostile,
        "input_data": {"prompt": hostile}});
    let import = import_trace(format!("{line}\n").as_bytes()).unwrap();
    let e = &import.events[0];
    assert_eq!(e.session_id, hostile);
    assert_eq!(e.event_type, EventType::Custom(hostile.into()));
    assert_eq!(e.model.as_deref(), Some(hostile));
    assert_eq!(e.input_data.as_ref().unwrap()["prompt"], hostile);
}

/// Every fixture, as (file, expected format).
pub(crate) const FIXTURES: &[(&str, TraceFormat)] = &[
    ("agentlens_trace.ndjson", TraceFormat::Ndjson),
    ("agentlens_trace.ndjson.gz", TraceFormat::Ndjson),
    ("agentlens_batch.json", TraceFormat::AgentlensBatch),
    ("agentlens_session.json", TraceFormat::AgentlensSession),
    ("event_array.json", TraceFormat::EventArray),
    ("otlp_genai.json", TraceFormat::OtlpJson),
    ("openai_agents.json", TraceFormat::OpenaiAgents),
    ("inspector_export.json", TraceFormat::InspectorExport),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_split_gives_the_one_shot_result(which in 0..FIXTURES.len(), size in 1usize..97) {
        let (name, format) = FIXTURES[which];
        let bytes = fixture(name);
        let once = import_trace(&bytes).unwrap();
        prop_assert_eq!(once.format, format);
        let (f, events, warnings) = streamed(&bytes, size).unwrap();
        prop_assert_eq!(f, once.format);
        prop_assert_eq!(events, once.events);
        prop_assert_eq!(warnings, once.warnings);
    }

    #[test]
    fn any_split_of_a_damaged_gzipped_file_gives_the_one_shot_result(size in 1usize..64, cut in 0usize..6) {
        let mut text = fixture("agentlens_trace.ndjson");
        let line_starts: Vec<usize> = text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1).collect();
        text.insert(line_starts[cut] + 1, b'#');
        let bytes = gzip(&text, 1);
        let once = import_trace(&bytes).unwrap();
        prop_assert_eq!(once.warnings.len(), 2);
        let (_, events, warnings) = streamed(&bytes, size).unwrap();
        prop_assert_eq!(events, once.events);
        prop_assert_eq!(warnings, once.warnings);
    }
}

#[path = "import_spans.rs"]
mod spans;

/// Every fixture's import, as JSON, equals `expected/<fixture>.json`: the same file the
/// JS test compares the wasm's output with. `AGENTLENS_BLESS=1` rewrites them after a
/// deliberate change (review the diff).
#[test]
fn every_fixture_imports_to_its_expected_events() {
    let dir = format!(
        "{}/tests/fixtures/import/expected",
        env!("CARGO_MANIFEST_DIR")
    );
    let bless = std::env::var_os("AGENTLENS_BLESS").is_some();
    for (name, _) in FIXTURES {
        let import = import_trace(&fixture(name)).unwrap();
        let got = serde_json::json!({
            "format": import.format.as_str(),
            "events": import.events,
            "warnings": import.warnings,
        });
        let path = format!("{dir}/{name}.json");
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn one_bad_line_is_named_in_the_singular() {
    let import = import_trace(b"{\"session_id\":\"s\",\"event_type\":\"final\"}\n{oops\n").unwrap();
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w == "skipped 1 bad line (line 2)"),
        "{:?}",
        import.warnings
    );
    let one = ImportError::NoEvents {
        bad_lines: 1,
        first_bad_line: 3,
    };
    assert_eq!(
        one.to_string(),
        "no readable events: the only non-empty line, line 3, is bad"
    );
}
