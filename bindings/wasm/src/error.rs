//! Core errors become JS `Error`s with a `name` the TypeScript layer can branch on.

use wasm_bindgen::JsValue;

/// An `Error` whose `name` is `name`.
pub(crate) fn named(name: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(name);
    err.into()
}

pub(crate) fn config(err: &agentlens::pipeline::ConfigError) -> JsValue {
    named("AgentLensConfigError", &err.to_string())
}

pub(crate) fn decode(err: &agentlens::encode::DecodeError) -> JsValue {
    named("AgentLensDecodeError", &err.to_string())
}
