//! `agentlens-wasm`: converts, calls the `agentlens` core, converts back.
//!
//! No domain logic lives here: if a function needs an `if` about events, batching or
//! redaction, that `if` belongs in the core. Crossings are batched: events go in as one
//! JSON array per call, and [`pipeline::PipelineWasm::drain`] returns every pending
//! output in one array.
#![forbid(unsafe_code)]
// The `live` build exports the mapper alone, the `patterns` build the regex engine alone:
// the shared conversion helpers go unused there.
#![cfg_attr(any(feature = "live", feature = "patterns"), allow(dead_code))]

#[cfg(feature = "analysis")]
pub mod alert_metrics;
#[cfg(not(any(feature = "live", feature = "patterns")))]
pub mod analysis;
#[cfg(feature = "analysis")]
pub mod analysis_full;
#[cfg(not(any(feature = "live", feature = "patterns")))]
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
// The framework integrations' mapper: a third, small wasm of its own (feature `live`,
// bindings/sdk/wasm-live/), loaded by the integrations on first use. It shares the
// importers' span mapping, which would grow the SDK's wasm by ~75 KB gzipped.
#[cfg(feature = "live")]
pub mod live;
#[cfg(not(any(feature = "live", feature = "patterns")))]
pub mod options;
// The SDK's batching pipeline: no host of the analysis build drives one (the SDK's
// tracker runs on the SDK build), so the analysis wasm leaves it out.
#[cfg(not(any(feature = "analysis", feature = "live", feature = "patterns")))]
pub mod pipeline;
// The regex engine for user-supplied patterns: the SDK's build takes it from the host, the
// `patterns` build (bindings/sdk/wasm-patterns/) is it.
#[cfg(not(any(feature = "analysis", feature = "live")))]
pub mod patterns;
#[cfg(feature = "patterns")]
pub mod price_book;
#[cfg(feature = "analysis")]
pub mod prices;
#[cfg(not(any(feature = "live", feature = "patterns")))]
pub mod redact;
#[cfg(feature = "analysis")]
pub mod sessions;
#[cfg(not(any(feature = "live", feature = "patterns")))]
mod ts_types;
#[cfg(not(any(feature = "analysis", feature = "live", feature = "patterns")))]
pub mod usage;
#[cfg(feature = "analysis")]
pub mod view;

use wasm_bindgen::prelude::*;

// Every build exports `buildInfo`, so every build declares its type.
#[wasm_bindgen(typescript_custom_section)]
const BUILD_INFO: &'static str = "export interface BuildInfo { version: string; gitHead: string }";

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
