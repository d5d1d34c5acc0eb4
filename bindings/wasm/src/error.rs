//! Core errors become JS `Error`s with a `name` the TypeScript layer can branch on.

use wasm_bindgen::{JsCast, JsValue};

/// An `Error` whose `name` is `name`.
pub(crate) fn named(name: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(name);
    err.into()
}

/// `agentlens: option "batchSize" must be ... (got 0)`, with the option and the
/// requirement (without the value) as `option` and `must`, for hosts that name an
/// environment variable instead and must not repeat its value.
pub(crate) fn config(err: &agentlens::pipeline::ConfigError) -> JsValue {
    let option = err.option();
    let e = named(
        "AgentLensConfigError",
        &format!("agentlens: option \"{option}\" {}", err.message()),
    );
    let o: &js_sys::Object = e.unchecked_ref();
    crate::convert::set(o, "option", &option.into());
    crate::convert::set(o, "must", &err.requirement().into());
    e
}

pub(crate) fn decode(err: &agentlens::encode::DecodeError) -> JsValue {
    named("AgentLensDecodeError", &err.to_string())
}
