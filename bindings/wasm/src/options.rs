//! The core's pipeline options for hosts: their description (names, TypeScript types,
//! defaults), the one validator, and the token count rule hosts keep totals with.

use agentlens::pipeline::{self, Options};
use wasm_bindgen::prelude::*;

use crate::{convert, error};

/// Every pipeline option's default, by its host name (`agentlens::pipeline::Options::defaults`).
#[wasm_bindgen(js_name = pipelineDefaults, unchecked_return_type = "Record<string, unknown>")]
pub fn pipeline_defaults() -> JsValue {
    convert::to_js(&Options::defaults())
}

/// Every pipeline option as `{ name, type, default }` (`Options::describe`): hosts check
/// their declarations of the options against it.
#[wasm_bindgen(js_name = pipelineOptions, unchecked_return_type = "PipelineOptionInfo[]")]
pub fn pipeline_options() -> JsValue {
    convert::to_js(&Options::describe())
}

/// Checks pipeline options (JSON text) as a pipeline would, without building one.
/// Throws an `AgentLensConfigError` naming the first invalid option.
#[wasm_bindgen(js_name = checkPipelineOptions)]
pub fn check_pipeline_options(options_json: &str) -> Result<(), JsValue> {
    pipeline::check_options(options_json)
        .map(|_| ())
        .map_err(|e| error::config(&e))
}

/// A token count (JSON text of any value) as the core reads an event's `tokens_in`.
#[wasm_bindgen(js_name = tokenCount)]
pub fn token_count(value_json: &str) -> f64 {
    let value = serde_json::from_str(value_json).unwrap_or(serde_json::Value::Null);
    pipeline::token_count(value) as f64
}
