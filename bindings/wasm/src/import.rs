//! Trace importers and gzip, for the viewer and the collector (analysis build only).
//!
//! Conversion only: bytes in, JSON text out. Events cross as one JSON array per call in
//! the wire shape `decodeNdjson` returns. Every core error throws
//! `AgentLensAnalysisError` with the core's message, which carries the position and
//! never quotes the input.

use agentlens::import::{self, ImportConfig, ImportError, TraceImporter};
use agentlens::model::Event;
use wasm_bindgen::prelude::*;

use crate::error;

fn import_error(err: &ImportError) -> JsValue {
    error::named("AgentLensAnalysisError", &err.to_string())
}

fn events_json(events: &[Event]) -> String {
    serde_json::to_string(events).unwrap_or_else(|_| "[]".to_owned())
}

fn warnings_json(warnings: &[String]) -> String {
    serde_json::to_string(warnings).unwrap_or_else(|_| "[]".to_owned())
}

/// `gunzipBytes`' default limit: the whole output is one `Uint8Array` inside a 32-bit
/// wasm memory, so the core's 4 GiB default (meant for streaming) cannot apply.
const GUNZIP_DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// A byte limit from JS: absent, non-finite or negative means the default.
fn limit(max_bytes: Option<f64>) -> u64 {
    match max_bytes {
        Some(n) if n.is_finite() && n >= 0.0 => n as u64,
        _ => GUNZIP_DEFAULT_MAX_BYTES,
    }
}

/// A streaming importer: push chunks, get events as they decode, then finish.
#[wasm_bindgen]
pub struct TraceImporterWasm(TraceImporter);

impl Default for TraceImporterWasm {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl TraceImporterWasm {
    /// An importer with the default limits.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self(TraceImporter::with_config(ImportConfig::default()))
    }

    /// Takes the next chunk; returns the events it completed, as a JSON array.
    pub fn push(&mut self, bytes: &[u8]) -> Result<String, JsValue> {
        self.0
            .push(bytes)
            .map(|events| events_json(&events))
            .map_err(|e| import_error(&e))
    }

    /// Ends the input; returns the remaining events, as a JSON array.
    pub fn finish(&mut self) -> Result<String, JsValue> {
        self.0
            .finish()
            .map(|events| events_json(&events))
            .map_err(|e| import_error(&e))
    }

    /// The detected format, once known.
    #[wasm_bindgen(unchecked_return_type = "string | undefined")]
    pub fn format(&self) -> Option<String> {
        self.0.format().map(|f| f.as_str().to_owned())
    }

    /// The warnings so far, as a JSON array of strings.
    #[wasm_bindgen(js_name = warningsJson)]
    pub fn warnings_json(&self) -> String {
        warnings_json(self.0.warnings())
    }
}

/// Reads a whole trace: `{"format", "events", "warnings"}` as JSON text.
#[wasm_bindgen(js_name = importTraceJson)]
pub fn import_trace_json(bytes: &[u8]) -> Result<String, JsValue> {
    let import = import::import_trace(bytes).map_err(|e| import_error(&e))?;
    Ok(format!(
        "{{\"format\":\"{}\",\"events\":{},\"warnings\":{}}}",
        import.format.as_str(),
        events_json(&import.events),
        warnings_json(&import.warnings)
    ))
}

/// Gzips `bytes` at `level` (0–9; default 6).
#[wasm_bindgen(js_name = gzipBytes)]
pub fn gzip_bytes(bytes: &[u8], level: Option<u32>) -> Vec<u8> {
    import::gzip(bytes, level.unwrap_or(6))
}

/// Gunzips `bytes`, producing at most `maxBytes` (default 512 MiB).
#[wasm_bindgen(js_name = gunzipBytes)]
pub fn gunzip_bytes(bytes: &[u8], max_bytes: Option<f64>) -> Result<Vec<u8>, JsValue> {
    import::gunzip(bytes, limit(max_bytes)).map_err(|e| import_error(&e))
}
