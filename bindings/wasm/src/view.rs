//! The viewer's trace held inside wasm (analysis build only): a file's bytes go in once,
//! through the core's importer, and every query answers with the small JSON the viewer
//! shows (a page of rows, a page of a timeline, one event, a tab's result). Conversion
//! only: the queries are `agentlens::view::TraceView::answer`'s, and they cross through
//! one function, `ask`, because each exported function costs the wasm its own glue.

use agentlens::view::TraceView;
use agentlens::view::redaction::RedactionOptions;
use wasm_bindgen::prelude::*;

use crate::analysis_full::analysis_error;
use crate::heap;

/// A trace held for the viewer; see `TraceView` in the core.
#[wasm_bindgen(js_name = TraceViewWasm)]
pub struct TraceViewWasm(TraceView);

impl Default for TraceViewWasm {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = TraceViewWasm)]
impl TraceViewWasm {
    /// An empty view pricing with the price catalog handed in (`setPriceCatalog`).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self(TraceView::new(crate::prices::base_table()))
    }

    /// Reads the next chunk of a trace file (any importable format, gzip too); returns
    /// how many events it completed. `ask("finish")` ends the file. Throws
    /// `AgentLensAnalysisError` with the position of what cannot be read.
    pub fn push(&mut self, bytes: &[u8]) -> Result<usize, JsValue> {
        if self.0.event_count() == 0 {
            heap::reserve_for_input(bytes.len());
        }
        self.0.read(bytes).map_err(analysis_error)
    }

    /// Answers a query (`TraceView::answer`: its name, its arguments as a JSON object) as
    /// JSON. Throws `AgentLensAnalysisError` with the engine's message.
    pub fn ask(&mut self, query: &str, args_json: &str) -> Result<String, JsValue> {
        self.0.answer(query, args_json).map_err(analysis_error)
    }

    /// Every event redacted with the default rules and `{extraKeys, extraPatterns}`
    /// (JSON), as an NDJSON trace file whose header names `producer`; redacted ids are
    /// tagged with a key drawn from the platform's random source for this file.
    #[wasm_bindgen(js_name = redactedNdjson)]
    pub fn redacted_ndjson(&self, options_json: &str, producer: &str) -> Result<Vec<u8>, JsValue> {
        let options: serde_json::Value =
            serde_json::from_str(options_json).map_err(analysis_error)?;
        // A random key for the tags of redacted ids: with the core's public one, anyone
        // holding the saved file could test a guessed id against its tag.
        let options = RedactionOptions {
            id_key: crate::redact::with_random_id_key(agentlens::redact::Config::default()).id_key,
            ..RedactionOptions::from_value(&options)
        };
        let r = self.0.redacted_ndjson(&options, producer);
        Ok(r.map_err(analysis_error)?.ndjson)
    }
}
