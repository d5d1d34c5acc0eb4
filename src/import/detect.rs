//! Format detection by content: the shape of the first JSON value, never a file name.

use serde_json::{Map, Value};

use super::TraceFormat;

/// What one JSON value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An AgentLens trace-file header line (`{"format":…}`).
    Header,
    /// One event (a line of an NDJSON trace).
    Event,
    /// A whole document of a format.
    Document(TraceFormat),
    /// None of the above.
    Unknown,
}

fn is_array(map: &Map<String, Value>, key: &str) -> bool {
    matches!(map.get(key), Some(Value::Array(_)))
}

fn is_openai_item(v: &Value) -> bool {
    matches!(
        v.get("object").and_then(Value::as_str),
        Some("trace" | "trace.span")
    )
}

fn is_inspector_run(map: &Map<String, Value>) -> bool {
    matches!(map.get("run"), Some(Value::Object(_)))
        || is_array(map, "runs")
        || (map.contains_key("run_id")
            && !map.contains_key("session_id")
            && (is_array(map, "timeline") || is_array(map, "steps") || is_array(map, "events")))
}

/// Classifies an object by its keys.
pub(crate) fn classify_object(map: &Map<String, Value>) -> Kind {
    if is_array(map, "resourceSpans") {
        return Kind::Document(TraceFormat::OtlpJson);
    }
    if let Some(Value::Array(items)) = map.get("data") {
        if items.iter().any(is_openai_item) || items.is_empty() {
            return Kind::Document(TraceFormat::OpenaiAgents);
        }
    }
    if matches!(
        map.get("object").and_then(Value::as_str),
        Some("trace" | "trace.span")
    ) {
        return Kind::Document(TraceFormat::OpenaiAgents);
    }
    if is_inspector_run(map) {
        return Kind::Document(TraceFormat::InspectorExport);
    }
    if is_array(map, "events") {
        return match map.contains_key("session_id") && !map.contains_key("event_type") {
            true => Kind::Document(TraceFormat::AgentlensSession),
            false => Kind::Document(TraceFormat::AgentlensBatch),
        };
    }
    if matches!(map.get("format"), Some(Value::String(_))) {
        return Kind::Header;
    }
    if map.contains_key("event_type") || map.contains_key("session_id") {
        return Kind::Event;
    }
    Kind::Unknown
}

/// Classifies a whole JSON value.
pub(crate) fn classify(value: &Value) -> Kind {
    match value {
        Value::Object(map) => classify_object(map),
        Value::Array(items) => {
            let first = items.iter().find_map(Value::as_object);
            match first {
                None if items.is_empty() => Kind::Document(TraceFormat::EventArray),
                None => Kind::Unknown,
                Some(first) => match classify_object(first) {
                    Kind::Document(TraceFormat::OpenaiAgents) => {
                        Kind::Document(TraceFormat::OpenaiAgents)
                    }
                    Kind::Document(TraceFormat::InspectorExport) => {
                        Kind::Document(TraceFormat::InspectorExport)
                    }
                    Kind::Document(TraceFormat::OtlpJson) => Kind::Document(TraceFormat::OtlpJson),
                    _ => Kind::Document(TraceFormat::EventArray),
                },
            }
        }
        _ => Kind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_told_apart_by_their_keys() {
        let cases = [
            (
                json!({"resourceSpans": []}),
                Kind::Document(TraceFormat::OtlpJson),
            ),
            (
                json!({"data": [{"object": "trace"}]}),
                Kind::Document(TraceFormat::OpenaiAgents),
            ),
            (
                json!({"run": {}, "timeline": []}),
                Kind::Document(TraceFormat::InspectorExport),
            ),
            (
                json!({"events": []}),
                Kind::Document(TraceFormat::AgentlensBatch),
            ),
            (
                json!({"session_id": "s", "events": []}),
                Kind::Document(TraceFormat::AgentlensSession),
            ),
            (
                json!({"format": "agentlens-trace", "version": 1}),
                Kind::Header,
            ),
            (json!({"event_type": "llm_call"}), Kind::Event),
            (
                json!([{"event_type": "llm_call"}]),
                Kind::Document(TraceFormat::EventArray),
            ),
            (
                json!([{"run": {}, "timeline": []}]),
                Kind::Document(TraceFormat::InspectorExport),
            ),
            (json!({"hello": 1}), Kind::Unknown),
            (json!(3), Kind::Unknown),
        ];
        for (value, kind) in cases {
            assert_eq!(classify(&value), kind, "{value}");
        }
    }
}
