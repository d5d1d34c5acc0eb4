//! Incoming events for hosts that store or show them (the collector, the viewer): the
//! wire shape undone and each event classified by the core's rules, so no host decides
//! again what an event means. Analysis build.

use agentlens::encode::DecodeError;
use agentlens::encode::agentlens::{compat, decode_event};
use agentlens::model::semantics::{Facts, SessionStatus};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::{convert, error};

/// Reads a JSON array of incoming events (from any client, perhaps backend-compatible).
/// Returns `{ events, facts }`: `events` is the array as JSON text with backend
/// compatibility undone on every object (`agentlens_type`, the session totals and the
/// `output_data._agentlens` envelope; fields the model does not know are kept), and
/// `facts` has one byte per element (`Facts::to_bits`: bit 0 an error, bits 1–2 the
/// session status it implies, bit 3 a run or session end that failed); elements that
/// are not events get 0. Throws
/// `AgentLensDecodeError` for text that is not a JSON array.
#[wasm_bindgen(js_name = readEvents, unchecked_return_type = "ReadEvents")]
pub fn read_events(events_json: &str) -> Result<JsValue, JsValue> {
    let mut value: Value = serde_json::from_str(events_json)
        .map_err(|e| error::decode(&DecodeError::from_serde(&e)))?;
    let Value::Array(items) = &mut value else {
        return Err(error::decode(&DecodeError::NotAnEventBatch));
    };
    let mut facts = Vec::with_capacity(items.len());
    for item in items.iter_mut() {
        let bits = match item {
            Value::Object(map) => {
                compat::restore(map);
                facts_of(map)
            }
            _ => 0,
        };
        facts.push(bits);
    }
    let out = js_sys::Object::new();
    convert::set(
        &out,
        "events",
        &serde_json::to_string(&value).unwrap_or_default().into(),
    );
    convert::set(
        &out,
        "facts",
        &js_sys::Uint8Array::from(facts.as_slice()).into(),
    );
    Ok(out.into())
}

/// The facts of one event object, read through the core's event decoder from the few
/// fields they depend on (no copy of the payload, and no second decoder in the wasm).
fn facts_of(map: &Map<String, Value>) -> u8 {
    let mut fields = Map::new();
    for key in ["event_type", "status", "parent_run_id", "error"] {
        if let Some(v) = map.get(key) {
            fields.insert(key.into(), v.clone());
        }
    }
    decode_event(Value::Object(fields)).map_or(0, |e| Facts::of(&e).to_bits())
}

/// A session's status after learning `next` (`active`, `completed`, `timeout` or
/// `error`; the status an event implies is in its facts): an error is final, an end
/// replaces `active`.
#[wasm_bindgen(js_name = sessionStatusThen)]
pub fn session_status_then(previous: &str, next: &str) -> String {
    SessionStatus::parse(previous)
        .then(SessionStatus::parse(next))
        .as_str()
        .to_owned()
}

/// The facts of each element of a JSON array of events, one byte each (see `readEvents`),
/// without writing the events back: for hosts that already hold them (the viewer).
/// Throws `AgentLensDecodeError` for text that is not a JSON array.
#[wasm_bindgen(js_name = eventFacts)]
pub fn event_facts(events_json: &str) -> Result<Vec<u8>, JsValue> {
    let value: Value = serde_json::from_str(events_json)
        .map_err(|e| error::decode(&DecodeError::from_serde(&e)))?;
    let Value::Array(items) = value else {
        return Err(error::decode(&DecodeError::NotAnEventBatch));
    };
    Ok(items
        .into_iter()
        .map(|item| match item {
            Value::Object(mut map) => {
                compat::restore(&mut map);
                facts_of(&map)
            }
            _ => 0,
        })
        .collect())
}
