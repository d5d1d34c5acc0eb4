//! The core's pipeline options for hosts: their description (names, TypeScript types,
//! defaults), and the token count rule hosts keep totals with. (The options are checked
//! by `PipelineWasm`'s constructor; a pipeline with no sinks only checks them.) The SDK
//! build has the description and the token rule (its tracker reads them); the analysis
//! build only the defaults (the CLI's `agentlens config`).

#[cfg(not(feature = "analysis"))]
use agentlens::pipeline;
use agentlens::pipeline::Options;
use wasm_bindgen::prelude::*;

use crate::convert;

/// Every pipeline option's default, by its host name (`agentlens::pipeline::Options::defaults`),
/// for the CLI's `agentlens config`. Analysis build (the SDK reads `pipelineOptions`).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = pipelineDefaults, unchecked_return_type = "Record<string, unknown>")]
pub fn pipeline_defaults() -> JsValue {
    convert::to_js(&Options::defaults())
}

/// Every pipeline option as `{ name, type, default }` (`Options::describe`): hosts check
/// their declarations of the options against it.
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen(js_name = pipelineOptions, unchecked_return_type = "PipelineOptionInfo[]")]
pub fn pipeline_options() -> JsValue {
    convert::to_js(&Options::describe())
}

/// A token count (JSON text of any value) as the core reads an event's `tokens_in`.
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen(js_name = tokenCount)]
pub fn token_count(value_json: &str) -> f64 {
    let value = serde_json::from_str(value_json).unwrap_or(serde_json::Value::Null);
    pipeline::token_count(value) as f64
}
