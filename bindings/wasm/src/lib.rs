//! `agentlens-wasm`: converts, calls the `agentlens` core, converts back.
//!
//! No domain logic lives here: if a function needs an `if` about events, batching or
//! redaction, that `if` belongs in the core. Crossings are batched: events go in as one
//! JSON array per call, and [`pipeline::PipelineWasm::drain`] returns every pending
//! output in one array.
#![forbid(unsafe_code)]

pub mod analysis;
#[cfg(feature = "analysis")]
pub mod analysis_full;
pub mod codec;
mod convert;
mod error;
#[cfg(feature = "analysis")]
pub mod events;
#[cfg(feature = "analysis")]
mod heap;
#[cfg(feature = "analysis")]
pub mod import;
#[cfg(feature = "analysis")]
pub mod ingest;
// The framework integrations' mapper: the SDK's tracker feeds it, so the SDK build only.
#[cfg(not(feature = "analysis"))]
pub mod live;
pub mod options;
// The SDK's batching pipeline: no host of the analysis build drives one (the SDK's
// tracker runs on the SDK build), so the analysis wasm leaves it out.
#[cfg(not(feature = "analysis"))]
pub mod pipeline;
pub mod redact;
#[cfg(feature = "analysis")]
pub mod sessions;
mod ts_types;
#[cfg(feature = "analysis")]
pub mod view;

use wasm_bindgen::prelude::*;

/// The crate version and the git commit it was built from, for the JS package to check
/// against its own version at load time.
#[wasm_bindgen(js_name = buildInfo, unchecked_return_type = "BuildInfo")]
pub fn build_info() -> JsValue {
    let info = js_sys::Object::new();
    convert::set(&info, "version", &env!("CARGO_PKG_VERSION").into());
    convert::set(
        &info,
        "gitHead",
        &option_env!("AGENTLENS_GIT_HEAD")
            .unwrap_or("unknown")
            .into(),
    );
    info.into()
}
