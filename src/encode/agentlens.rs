//! The AgentLens HTTP wire format (reference A.3 and B.1).
//!
//! Events are written as the Python SDK writes them. With [`WireConfig::backend_compat`]
//! (on by default) what the original AgentLens backend would skip or drop is moved to
//! where it keeps it (a type it skips is sent as `generic` with `agentlens_type`,
//! session totals as `agentlens_total_tokens_*`, every other field in
//! `output_data._agentlens`): see [`compat`] for the documented shape. Every decoder here
//! undoes it, so nothing is lost.

use serde_json::Value;

use super::DecodeError;
use crate::model::Event;

pub mod compat;

#[cfg(test)]
use compat::TOTAL_IN_FIELD;

/// The path the AgentLens backend receives events on, appended to the endpoint.
pub const EVENTS_PATH: &str = "/events";
/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "X-API-Key";
/// The most events the AgentLens backend accepts in one request (`MAX_BATCH_SIZE`).
pub const MAX_BATCH_EVENTS: usize = 500;

/// How events are written for the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WireConfig {
    /// Move what the original AgentLens backend would skip or drop to where it keeps it
    /// (module docs).
    pub backend_compat: bool,
}

impl Default for WireConfig {
    fn default() -> Self {
        Self {
            backend_compat: true,
        }
    }
}

/// Writes one event as a JSON object.
pub fn encode_event(event: &Event, config: WireConfig) -> Vec<u8> {
    if !config.backend_compat {
        return to_vec(event);
    }
    compat::encode(&mut event.clone())
}

/// Writes an event for the wire without copying it: backend compatibility sets the
/// fields it moves aside while the event is written (see [`compat`]), and puts them back.
pub fn encode_event_owned(event: &mut Event, config: WireConfig) -> Vec<u8> {
    if !config.backend_compat {
        return to_vec(event);
    }
    compat::encode(event)
}

/// Serialises into a buffer sized for a typical event, sparing the reallocations.
pub(crate) fn to_vec(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut out, event) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// Writes a whole request body, `{"events":[…]}`.
pub fn encode_body<'a>(events: impl IntoIterator<Item = &'a Event>, config: WireConfig) -> Vec<u8> {
    let mut out = b"{\"events\":[".to_vec();
    for (i, e) in events.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&encode_event(e, config));
    }
    out.extend_from_slice(b"]}");
    out
}

/// Reads one event object written by [`encode_event`] or by the Python SDK.
///
/// # Errors
/// [`DecodeError::BadEvent`] (index 0) when `value` is not an event object.
pub fn decode_event(value: Value) -> Result<Event, DecodeError> {
    event_from_value(value, 0)
}

pub(crate) fn event_from_value(value: Value, index: usize) -> Result<Event, DecodeError> {
    let Value::Object(mut map) = value else {
        return Err(DecodeError::BadEvent { index });
    };
    compat::restore(&mut map);
    read_fields(map).ok_or(DecodeError::BadEvent { index })
}

/// The event of an object's fields, read as a map only: serde's derived reader would
/// also take an array of field values (never an event on the wire), and that second
/// reader costs wasm size. With `direct-decode` the object is written out and read back by
/// the direct reader ([`EventObject`]): one event reader in the wasm instead of two
/// (~4 KB gzipped), for the rare events that take this path. Without it the fields go
/// through a `Vec`, as the ingest's direct path hands them over.
fn read_fields(map: serde_json::Map<String, Value>) -> Option<Event> {
    #[cfg(feature = "direct-decode")]
    {
        let text = serde_json::to_string(&Value::Object(map)).ok()?;
        serde_json::from_str::<EventObject>(&text).ok().map(|e| e.0)
    }
    #[cfg(not(feature = "direct-decode"))]
    {
        let fields: Vec<(String, Value)> = map.into_iter().collect();
        let fields =
            serde::de::value::MapDeserializer::<_, serde_json::Error>::new(fields.into_iter());
        serde::Deserialize::deserialize(fields).ok()
    }
}

/// An event read only from a JSON object: serde's derived struct reader would also take
/// an array of field values, which is not an event on the wire.
#[cfg(feature = "direct-decode")]
pub(crate) struct EventObject(pub(crate) Event);

#[cfg(feature = "direct-decode")]
impl<'de> serde::Deserialize<'de> for EventObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> serde::de::Visitor<'de> for Object {
            type Value = EventObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<EventObject, A::Error> {
                <Event as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )
                .map(EventObject)
            }
        }
        d.deserialize_map(Object)
    }
}

/// The fast path of [`decode_event_array`] (feature `direct-decode`), about twice as
/// fast: a JSON array read straight into events, no `Value` tree in between. `None`
/// unless every element is an event object and none carries a backend-compat field to
/// undo (text holding `"agentlens_` or `_agentlens` anywhere); the caller then takes the
/// element-by-element path, which gives the same events.
#[cfg(feature = "direct-decode")]
pub(crate) fn decode_array_direct(text: &str) -> Option<Vec<Event>> {
    if has_compat_mark(text) {
        return None;
    }
    let events = serde_json::from_str::<Vec<EventObject>>(text).ok()?;
    Some(events.into_iter().map(|e| e.0).collect())
}

/// Whether `text` holds `"agentlens_` (a backend-compat field) or `_agentlens` (the
/// envelope, [`compat::ENVELOPE`]): one pass over the text for both.
#[cfg(feature = "direct-decode")]
fn has_compat_mark(text: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices("agentlens").any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        before == Some(b'_') || (before == Some(b'"') && b.get(i + 9) == Some(&b'_'))
    })
}

/// Reads a JSON array of event objects (wire- or model-shaped), skipping elements that
/// are not events; restores the real types of backend-compatible events. Returns the
/// events and how many elements were skipped.
///
/// # Errors
/// [`DecodeError::Json`] for text that is not JSON, [`DecodeError::NotAnEventBatch`]
/// when it is not an array.
pub fn decode_event_array(text: &str) -> Result<(Vec<Event>, usize), DecodeError> {
    #[cfg(feature = "direct-decode")]
    if let Some(events) = decode_array_direct(text) {
        return Ok((events, 0));
    }
    let Value::Array(items) =
        serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))?
    else {
        return Err(DecodeError::NotAnEventBatch);
    };
    let total = items.len();
    let events: Vec<Event> = items
        .into_iter()
        .filter_map(|v| decode_event(v).ok())
        .collect();
    let skipped = total - events.len();
    Ok((events, skipped))
}

/// Reads a request body `{"events":[…]}`.
///
/// # Errors
/// [`DecodeError::Json`] for bytes that are not JSON, [`DecodeError::NotAnEventBatch`]
/// for JSON of another shape, [`DecodeError::BadEvent`] naming the first bad element.
pub fn decode_body(bytes: &[u8]) -> Result<Vec<Event>, DecodeError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| DecodeError::from_json(&e, 0))?;
    let Value::Object(mut map) = value else {
        return Err(DecodeError::NotAnEventBatch);
    };
    let Some(Value::Array(items)) = map.remove("events") else {
        return Err(DecodeError::NotAnEventBatch);
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| event_from_value(v, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventType;
    use crate::time::UnixNanos;

    #[test]
    fn the_python_sdk_batch_decodes_and_round_trips() {
        let body = include_str!("../../tests/fixtures/wire/python_sdk_batch.json");
        let events = decode_body(body.as_bytes()).unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[1].model.as_deref(), Some("gpt-4o"));
        assert_eq!(
            events[2].tool_call.as_ref().unwrap().tool_name,
            "calculator"
        );
        assert_eq!(events[3].total_tokens_in, Some(120));
        let again = decode_body(&encode_body(&events, WireConfig::default())).unwrap();
        assert_eq!(again, events);
    }

    #[test]
    fn types_the_backend_would_skip_are_sent_as_generic_and_restored() {
        let e = Event::new(EventType::Decision, "s", UnixNanos(0));
        let bytes = encode_event(&e, WireConfig::default());
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["event_type"], "generic");
        assert_eq!(v["agentlens_type"], "decision");
        assert_eq!(decode_event(v).unwrap(), e);
        let raw = encode_event(
            &e,
            WireConfig {
                backend_compat: false,
            },
        );
        assert!(
            String::from_utf8(raw)
                .unwrap()
                .contains(r#""event_type":"decision""#)
        );
    }

    #[test]
    fn session_totals_avoid_the_backend_double_count() {
        let mut e = Event {
            event_type: EventType::SessionEnd,
            session_id: "s".into(),
            ..Event::default()
        };
        e.total_tokens_in = Some(120);
        e.total_tokens_out = Some(45);
        let v: Value = serde_json::from_slice(&encode_event(&e, WireConfig::default())).unwrap();
        assert!(v.get("total_tokens_in").is_none());
        assert_eq!(v[TOTAL_IN_FIELD], 120);
        assert_eq!(decode_event(v).unwrap(), e);
    }

    #[test]
    fn event_arrays_skip_non_events_and_restore_real_types() {
        let text =
            r#"[{"session_id":"s","event_type":"generic","agentlens_type":"decision"}, 7, "x"]"#;
        let (events, skipped) = decode_event_array(text).unwrap();
        assert_eq!(events[0].event_type, EventType::Decision);
        assert_eq!(skipped, 2);
        assert_eq!(
            decode_event_array("{}").unwrap_err(),
            DecodeError::NotAnEventBatch
        );
    }

    #[test]
    fn bad_bodies_give_typed_errors_with_positions_and_no_content() {
        let err = decode_body(b"{\"events\":[{\"x\":\"sk-secret\"}, 3]}").unwrap_err();
        assert_eq!(err, DecodeError::BadEvent { index: 1 });
        let err = decode_body(b"{\"events\":\n[\"hunter2").unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::Json {
                    line: 2,
                    category: "eof",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(
            decode_body(b"[]").unwrap_err(),
            DecodeError::NotAnEventBatch
        );
    }

    /// The general path, element by element through a `Value`.
    fn by_value(text: &str) -> Vec<Option<Event>> {
        let Value::Array(items) = serde_json::from_str(text).unwrap() else {
            panic!("not an array")
        };
        items.into_iter().map(|v| decode_event(v).ok()).collect()
    }

    #[test]
    fn the_direct_path_reads_the_same_events_as_the_general_one_or_declines() {
        let same = [
            r#"[{"event_id":"e1","session_id":"s","event_type":"llm_call","timestamp":"2026-01-05T10:00:00.123Z","input_data":{"prompt":"p","z":[1,2.5,null,{"b":1,"a":2}]},"output_data":"r","model":"m","tokens_in":"12","tokens_out":-3.7,"cached_input_tokens":1e3,"duration_ms":-5,"attributes":{"k":{"x":true}}}]"#,
            r#"[{"session_id":7,"event_type":"tool_call","tool_call":{"tool_name":"t","tool_input":{}},"timestamp":1700000000000,"unknown":{"deep":[1]}},{"event_type":"session_end","session_id":"s","ended_at":"bad","total_tokens_in":null}]"#,
            r#"[{"event_type":"custom_kind","session_id":"s","input_data":{"a":1,"a":2},"duration_ms":"x","tokens_in":true}]"#,
            "[]",
        ];
        for text in same {
            let direct = decode_array_direct(text).expect(text);
            let general: Vec<Event> = by_value(text).into_iter().map(|e| e.unwrap()).collect();
            assert_eq!(direct, general, "{text}");
        }
        // Declined, for the general path: a backend-compat field or envelope to undo, an
        // element that is not an event, a repeated field, text that is not an array.
        for text in [
            r#"[{"session_id":"s","event_type":"generic","agentlens_type":"decision"}]"#,
            r#"[{"session_id":"s","event_type":"generic","output_data":{"_agentlens":{}}}]"#,
            r#"[{"session_id":"s","event_type":"generic"}, 7]"#,
            r#"[{"session_id":"s","session_id":"t","event_type":"generic"}]"#,
            r#"{"session_id":"s","event_type":"generic"}"#,
            "[",
        ] {
            assert_eq!(decode_array_direct(text), None, "{text}");
        }
        for (text, marked) in [
            (r#"{"agentlens_type":1}"#, true),
            ("x_agentlens", true),
            ("_agentlens", true),
            (r#""agentlens_"#, true),
            (r#""agentlens-demo agentlens "agentlens"#, false),
            (r#"agentlens_ "agentlens"#, false),
        ] {
            assert_eq!(has_compat_mark(text), marked, "{text}");
            let same = text.contains("\"agentlens_") || text.contains(compat::ENVELOPE);
            assert_eq!(same, marked, "{text}");
        }
        assert_eq!(
            by_value(r#"[{"session_id":"s","session_id":"t","event_type":"generic"}]"#)[0]
                .as_ref()
                .map(|e| e.session_id.as_str()),
            Some("t"),
            "the general path reads a repeated field (the last one wins)"
        );
    }
}
