//! Core errors become JS `Error`s with a `name` the TypeScript layer can branch on.

use wasm_bindgen::{JsCast, JsValue};

/// An `Error` whose `name` is `name`.
pub(crate) fn named(name: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(name);
    err.into()
}

/// `agentlens: option "batchSize" must be ...`, with the option and the phrase after
/// its name as `option` and `must`, for hosts that name an environment variable instead.
pub(crate) fn config(err: &agentlens::pipeline::ConfigError) -> JsValue {
    let (option, must) = (err.option(), err.message());
    let e = named(
        "AgentLensConfigError",
        &format!("agentlens: option \"{option}\" {must}"),
    );
    let o: &js_sys::Object = e.unchecked_ref();
    crate::convert::set(o, "option", &option.into());
    crate::convert::set(o, "must", &must.into());
    e
}

pub(crate) fn decode(err: &agentlens::encode::DecodeError) -> JsValue {
    named("AgentLensDecodeError", &err.to_string())
}
