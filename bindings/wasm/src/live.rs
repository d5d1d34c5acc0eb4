//! `LiveMapperWasm`: the core's [`LiveMapper`] behind a JS class, for the SDK's framework
//! integrations (analysis build).

use agentlens::import::live::{Framework, LiveMapper};
use wasm_bindgen::prelude::*;

use crate::error;

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

    /// Entries forgotten because too many spans or runs were open at once.
    pub fn forgotten(&self) -> f64 {
        self.0.forgotten() as f64
    }
}
