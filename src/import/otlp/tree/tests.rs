//! The faster read gives what the generic read gave: the same tree (attribute lists as
//! `attributes` makes them), the same events, the same errors at the same places.

use serde_json::Value;

use super::{parse, starts_as_otlp};
use crate::import::otlp::{attributes, decode};
use crate::import::warn::Warnings;
use crate::import::{TraceFormat, import_trace};
use crate::model::Event;

fn fixture(path: &str) -> Vec<u8> {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read(format!("{root}/tests/fixtures/{path}")).unwrap()
}

/// The OTLP fixtures, as written (pretty-printed) and compact (one line).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for path in [
        "import/otlp_genai.json",
        "otlp_proto/genai.json",
        "otlp_proto/agentlens.json",
    ] {
        let text = fixture(path);
        let value: Value = serde_json::from_slice(&text).unwrap();
        out.push((
            format!("{path} (compact)"),
            serde_json::to_vec(&value).unwrap(),
        ));
        out.push((path.to_owned(), text));
    }
    out
}

/// Documents the mapper must read the same whichever way they were parsed: every odd
/// shape an attribute list, a pair or a span can take.
const ODD: &[&str] = &[
    r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}},{"key":"service.name","value":{"stringValue":"b"}}]},"scopeSpans":[{"spans":[{"traceId":"0A","spanId":"02","name":"chat m","attributes":[{"key":"gen_ai.operation.name","value":{"intValue":"3","stringValue":"chat"}},{"key":5,"value":{"stringValue":"x"}},7,null,"s",true,1.5,[1,[2]],{"value":{"stringValue":"no key"}},{"key":"k","key":"k2","value":{"intValue":"12"},"value":{"boolValue":true},"extra":[1,{"a":2}]},{"key":"kv","value":{"kvlistValue":{"values":[{"key":"a","value":{"doubleValue":"1.5"}}]}}},{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":4}]}}},{"key":"no value"},{"key":"null value","value":null},{"key":"bytes","value":{"bytesValue":"AAE="}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":12}},{"key":"gen_ai.request.model","value":"bare"}],"events":[{"name":"exception","attributes":[{"key":"exception.type","value":{"stringValue":"E"}}]},{"name":"gen_ai.user.message","attributes":{"content":"an object already"}},{"name":"gen_ai.choice","attributes":"text"},"an event string"]},{"traceId":"0a","spanId":"03","parentSpanId":"02","name":"execute_tool t","attributes":"not a list"},"a span string",{"attributes":{"gen_ai.operation.name":"chat"}},{"name":"x","attributes":[],"attributes":[{"key":"later","value":{"stringValue":"wins"}}]}]},{"spans":"none"},7]},{"scopeSpans":"nope"},[1],{"resource":[{"attributes":[]}]}]}"#,
    " \n {\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"01\",\"name\":\"invoke_agent A\",\"attributes\":[{\"key\":\"gen_ai.agent.name\",\"value\":{\"stringValue\":\"A\"}}]}]}]}]}",
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat x","attributes":[{"key":"a","value":{"stringValue":"1","stringValue":"2"}},{"key":"b","value":{"intValue":"7","stringValue":"s"}},{"key":"c","value":{"stringValue":"s","intValue":"7","stringValue":"t"}},{"key":"d","value":{"string\u0056alue":"escaped","k\u0065y":"x"}},{"k\u0065y":"e","v\u0061lue":{"boolValue":true}},{"key":"f","value":{}},{"key":"g","value":[{"stringValue":"in a list"}]},{"key":"h","value":"bare"},{"key":"i","value":{"stringValue":null}},{"key":"j","value":{"stringValue":{"nested":[1]}}},{"key":"k","value":{"intValue":"x","doubleValue":"2.5"}},{"key":"l","value":{"doubleValue":"1e3"}},{"key":"m","value":{"intValue":"99999999999999999999"}}]}]}]}]}"#,
    r#"{"resourceSpans":5,"events":[]}"#,
    r#"{"resourceSpans":[],"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"09","attributes":[{"key":"a","value":{"stringValue":"b"}}]}]}]}]}"#,
    r#"{"events":[],"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"stringValue":"b"}}]}]}]}]}"#,
];

/// Texts both reads must refuse, at the same place.
const BROKEN: &[&str] = &[
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"stringValue":"b"},"extra":1e400}]}]}]}]}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"doubleValue":1e400}}]}]}]}]}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"stringValue":"b"}}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"stringValue":"\ud800"}}]}]}]}]} x"#,
    r#"{"resourceSpans":[]}}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"intValue":1e400,"stringValue":"b"}}]}]}]}]}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":[1e400]}]}]}]}]}"#,
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"stringValue":"b"},"other":[[1e400]]}]}]}]}]}"#,
];

/// The tree the generic read gave the mapper: `serde_json`'s, each attribute list the
/// mapper reads made an object by `attributes` (what the mapper did with it first) when
/// the faster read takes the document for OTLP (any other is parsed generically).
fn generic(text: &[u8]) -> serde_json::Result<Value> {
    let mut value: Value = serde_json::from_slice(text)?;
    if !starts_as_otlp(text) {
        return Ok(value);
    }
    if let Some(Value::Array(list)) = value.get_mut("resourceSpans") {
        for rs in list.iter_mut().filter(|v| v.is_object()) {
            if let Some(resource) = rs.get_mut("resource").filter(|r| r.is_object()) {
                objectify(resource);
            }
            let Some(Value::Array(scopes)) = rs.get_mut("scopeSpans") else {
                continue;
            };
            for scope in scopes.iter_mut().filter(|v| v.is_object()) {
                let Some(Value::Array(spans)) = scope.get_mut("spans") else {
                    continue;
                };
                for span in spans.iter_mut().filter(|v| v.is_object()) {
                    objectify(span);
                    if let Some(Value::Array(events)) = span.get_mut("events") {
                        events
                            .iter_mut()
                            .filter(|v| v.is_object())
                            .for_each(objectify);
                    }
                }
            }
        }
    }
    Ok(value)
}

fn objectify(holder: &mut Value) {
    if let Some(list @ Value::Array(_)) = holder.get_mut("attributes") {
        *list = Value::Object(attributes(Some(list)));
    }
}

fn events(value: Value) -> (Vec<Event>, Vec<String>) {
    let mut warnings = Warnings::default();
    let events = decode(value, &mut warnings);
    warnings.close();
    (events, warnings.as_slice().to_vec())
}

fn all_cases() -> Vec<(String, Vec<u8>)> {
    let mut cases = fixtures();
    cases.extend(
        ODD.iter()
            .enumerate()
            .map(|(i, t)| (format!("odd #{i}"), t.as_bytes().to_vec())),
    );
    cases
}

#[test]
fn the_faster_read_builds_the_tree_the_generic_read_gave_the_mapper() {
    for (name, text) in all_cases() {
        assert_eq!(parse(&text).unwrap(), generic(&text).unwrap(), "{name}");
    }
}

#[test]
fn the_faster_read_gives_the_events_and_warnings_of_the_generic_read() {
    for (name, text) in all_cases() {
        let fast = events(parse(&text).unwrap());
        let old = events(serde_json::from_slice(&text).unwrap());
        assert_eq!(fast, old, "{name}");
        if name.ends_with(".json") {
            assert!(!fast.0.is_empty(), "{name} gave no events");
        }
    }
}

#[test]
fn the_faster_read_refuses_what_the_generic_read_refuses_at_the_same_place() {
    for text in BROKEN {
        let fast = parse(text.as_bytes()).unwrap_err();
        let old = serde_json::from_slice::<Value>(text.as_bytes()).unwrap_err();
        let at = |e: &serde_json::Error| (e.line(), e.column(), e.classify());
        assert_eq!(at(&fast), at(&old), "{text}");
    }
}

#[test]
fn a_compact_document_imports_as_its_pretty_printed_self() {
    for (name, text) in fixtures()
        .into_iter()
        .filter(|(n, _)| !n.ends_with("(compact)"))
    {
        let value: Value = serde_json::from_slice(&text).unwrap();
        let compact = serde_json::to_vec(&value).unwrap();
        let (pretty, compact) = (
            import_trace(&text).unwrap(),
            import_trace(&compact).unwrap(),
        );
        assert_eq!(pretty.format, TraceFormat::OtlpJson, "{name}");
        assert_eq!(compact, pretty, "{name}");
        // Two documents on two lines (one per line, as an exporter appends them).
        let two = [
            serde_json::to_vec(&value).unwrap(),
            b"\n".to_vec(),
            serde_json::to_vec(&value).unwrap(),
        ]
        .concat();
        let doubled = import_trace(&two).unwrap();
        assert_eq!(doubled.events.len(), 2 * pretty.events.len(), "{name}");
    }
}

#[test]
fn a_first_line_still_unfinished_when_sniffed_is_read_whole() {
    // Past 64 blank lines the importer decides on the unfinished rest of the text: a
    // document that parses so far must not stand for the line it turns out to be.
    let head = [vec![b'\n'; 64], br#"{"resourceSpans":[]}"#.to_vec()].concat();
    let tail: &[u8] = br#" {"resourceSpans":[]}"#;
    let whole = import_trace(&[head.clone(), tail.to_vec()].concat());
    let mut importer = crate::import::TraceImporter::new();
    let split = importer.push(&head).and_then(|mut events| {
        events.extend(importer.push(tail)?);
        events.extend(importer.finish()?);
        Ok(events)
    });
    // Read whole, the line is not one JSON value: refused either way (how it is refused
    // depends on where the text was split, as it did before).
    assert!(whole.is_err(), "{whole:?}");
    assert!(
        split.is_err(),
        "the unfinished line's value stood for the line: {split:?}"
    );
}
