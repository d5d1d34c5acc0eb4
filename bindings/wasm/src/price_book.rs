//! The price data for the OTLP exporters' `agentlens.cost.usd`, in the patterns build.
//!
//! The catalog's reader and matcher are ~19 KB gzipped, and its `regex` match rules need
//! the regex engine: they live beside it, in the module the SDK loads only for user
//! patterns or price data. The SDK's module prices each model call by asking the host
//! (`usePrices` on a pipeline, `PatternHost.costUsd`), which asks a [`PriceBookWasm`].

use agentlens::analysis::cost::{CallPricer, PriceCatalog, PricedCall};
use agentlens::time::UnixNanos;
use wasm_bindgen::prelude::*;

use crate::error;

/// A price catalog (the SDK's `genai-prices.json`, or an upstream `genai-prices` file).
#[wasm_bindgen]
pub struct PriceBookWasm {
    catalog: PriceCatalog,
}

#[wasm_bindgen]
impl PriceBookWasm {
    /// Reads the catalog; throws an `AgentLensConfigError` naming the bad entry.
    #[wasm_bindgen(constructor)]
    pub fn new(catalog_json: &str) -> Result<Self, JsValue> {
        let catalog = PriceCatalog::from_json_with(catalog_json, None)
            .map_err(|e| error::named("AgentLensConfigError", &e.to_string()))?;
        Ok(Self { catalog })
    }

    /// What a model call cost in USD (6 decimal places), or NaN when its model has no
    /// price. `provider` is empty when the event names none, `at_ms` NaN when it has no
    /// time; `usage` holds the counts in the core's unit order (`PricedCall::usage`).
    #[wasm_bindgen(js_name = costUsd)]
    pub fn cost_usd(&self, provider: &str, model: &str, at_ms: f64, usage: &[f64]) -> f64 {
        let counts: Vec<u64> = usage.iter().map(|n| *n as u64).collect();
        let call = PricedCall {
            provider: (!provider.is_empty()).then_some(provider),
            model,
            at: at_ms
                .is_finite()
                .then(|| UnixNanos(at_ms as i64 * 1_000_000)),
            usage: PricedCall::usage_from(&counts),
        };
        self.catalog.cost_usd(&call).unwrap_or(f64::NAN)
    }
}
