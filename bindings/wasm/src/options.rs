//! The core's option defaults, for hosts that show them (`agentlens config`). Analysis
//! build.

use wasm_bindgen::prelude::*;

use crate::convert;

/// Every pipeline option's default, by its host name (`agentlens::pipeline::Options::defaults`).
#[wasm_bindgen(js_name = pipelineDefaults, unchecked_return_type = "Record<string, unknown>")]
pub fn pipeline_defaults() -> JsValue {
    convert::to_js(&agentlens::pipeline::Options::defaults())
}
