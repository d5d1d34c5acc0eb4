//! `LiveMapperWasm`: the core's [`LiveMapper`] behind a JS class, for the SDK's framework
//! integrations (analysis build).

use agentlens::import::live::{Framework, LiveMapper};
use wasm_bindgen::prelude::*;

use crate::error;

/// The field separator of [`LiveMapperWasm::map_text`]: U+001F, never raw in compact JSON.
const SEP: u8 = 0x1f;

/// Maps one framework's records (JSON) into AgentLens events (JSON).
#[wasm_bindgen]
pub struct LiveMapperWasm(LiveMapper);

#[wasm_bindgen]
impl LiveMapperWasm {
    /// A mapper for `framework`: `"openai-agents"`, `"ai-sdk"`, `"otel"` or `"langchain"`.
    ///
    /// Throws an `AgentLensConfigError` for any other name.
    #[wasm_bindgen(constructor)]
    pub fn new(framework: &str) -> Result<Self, JsValue> {
        Framework::parse(framework)
            .map(|f| Self(LiveMapper::new(f)))
            .ok_or_else(|| {
                error::named(
                    "AgentLensConfigError",
                    &format!("unknown framework {framework:?}"),
                )
            })
    }

    /// Maps a JSON array of records. Returns the JSON text
    /// `{"events":[…],"skipped":n,"warnings":[…]}`: the events in order, how many
    /// records were skipped and why (the first 20 reasons).
    #[wasm_bindgen(js_name = mapJson)]
    pub fn map_json(&mut self, records_json: &str) -> String {
        let mapped = self.0.map_json(records_json);
        let mut out = String::from("{\"events\":");
        out.push_str(&serde_json::to_string(&mapped.events).unwrap_or_else(|_| "[]".into()));
        out.push_str(&format!(",\"skipped\":{},\"warnings\":", mapped.skipped));
        out.push_str(&serde_json::to_string(&mapped.warnings).unwrap_or_else(|_| "[]".into()));
        out.push('}');
        out
    }

    /// Maps a JSON array of records, like [`Self::map_json`], into one flat text the
    /// SDK reads without parsing the events: fields separated by U+001F (a control
    /// character, which compact JSON always escapes), in this order: how many records
    /// were skipped, the first reason (or nothing), then per event, in order, its
    /// `event_type`, its `session_id` (left empty when it holds U+001F itself: read it
    /// from the JSON then) and its JSON.
    ///
    /// The records come as UTF-8 bytes: wasm-bindgen copies a string in character by
    /// character, bytes in one copy (a batch of records is tens of kilobytes). Bytes that
    /// are not UTF-8 are one skipped record.
    #[wasm_bindgen(js_name = mapBytes)]
    pub fn map_bytes(&mut self, records_json: &[u8]) -> String {
        let Ok(text) = std::str::from_utf8(records_json) else {
            return format!("1{}records that are not UTF-8", SEP as char);
        };
        let mapped = self.0.map_json(text);
        let mut out = Vec::with_capacity(256 + 1024 * mapped.events.len());
        out.extend_from_slice(mapped.skipped.to_string().as_bytes());
        out.push(SEP);
        if let Some(w) = mapped.warnings.first() {
            out.extend(w.bytes().filter(|&b| b != SEP));
        }
        for event in &mapped.events {
            out.push(SEP);
            out.extend_from_slice(event.event_type.as_str().as_bytes());
            out.push(SEP);
            if !event.session_id.as_bytes().contains(&SEP) {
                out.extend_from_slice(event.session_id.as_bytes());
            }
            out.push(SEP);
            let len = out.len();
            if serde_json::to_writer(&mut out, event).is_err() {
                out.truncate(len);
                out.extend_from_slice(b"null");
            }
        }
        // Every byte written is UTF-8: numbers, strings and serde_json's output.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Entries forgotten because too many spans or runs were open at once.
    pub fn forgotten(&self) -> f64 {
        self.0.forgotten() as f64
    }
}
