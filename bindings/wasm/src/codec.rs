//! Trace-file and wire codecs. The SDK's wasm only writes (the NDJSON header); reading
//! traces back is for `@agentlens/sdk/analysis` (analysis build), which keeps the SDK's small
//! and has no writer.

#[cfg(feature = "analysis")]
use agentlens::encode::agentlens as wire;
use agentlens::encode::ndjson;
use wasm_bindgen::prelude::*;

#[cfg(feature = "analysis")]
use crate::{convert, error};

/// Reads an NDJSON trace file (analysis build). Returns `{ header, events, errors }`; bad lines become
/// entries in `errors` (with their line) and the rest is still read.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = decodeNdjson, unchecked_return_type = "DecodedTrace")]
pub fn decode_ndjson(text: &str) -> JsValue {
    let (trace, errors) = ndjson::decode_lossy(text);
    let out = js_sys::Object::new();
    convert::set(&out, "header", &convert::to_js(&trace.header));
    convert::set(&out, "events", &convert::to_js(&trace.events));
    let errs = js_sys::Array::new();
    for e in &errors {
        errs.push(&e.to_string().into());
    }
    convert::set(&out, "errors", &errs.into());
    out.into()
}

/// The header line (newline included) for a new trace file (SDK build: its file exporter).
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen(js_name = ndjsonHeader)]
pub fn ndjson_header(producer: Option<String>) -> String {
    String::from_utf8(ndjson::Header::new(producer).to_line()).unwrap_or_default()
}

/// Reads an AgentLens request body `{"events":[…]}` into event objects (analysis build).
///
/// Throws an `AgentLensDecodeError` with the position of the problem.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = decodeWireBody)]
pub fn decode_wire_body(body: &[u8]) -> Result<JsValue, JsValue> {
    wire::decode_body(body)
        .map(|events| convert::to_js(&events))
        .map_err(|e| error::decode(&e))
}
