//! Analysis engines over a trace, for hosts and the viewer.

#[cfg(not(feature = "analysis"))]
use agentlens::analysis::explain::Digest;
use agentlens::analysis::explain::{self, Style};
use agentlens::pipeline::{ConfigError, Options};
use agentlens::redact::Redactor;
use wasm_bindgen::prelude::*;

use crate::error;

fn redactor(options_json: &str) -> Result<Redactor, JsValue> {
    let config = Options::from_json(options_json)
        .and_then(Options::into_config)
        .map_err(|e| error::config(&e))?;
    Redactor::new(crate::redact::with_random_id_key(config.redact))
        .map_err(|e| error::config(&ConfigError::Redact(e)))
}

fn parse_style(name: Option<String>) -> Result<Style, JsValue> {
    Style::parse(name.as_deref()).map_err(|e| error::config(&e))
}

/// The Markdown explanation of one session's events (a JSON array), redacted with the
/// options' rules first: style `"sdk"` (the default) is the AgentLens SDK's `explain()`,
/// `"backend"` the backend's `/sessions/:id/explain`. Elements that are not events are
/// skipped. Throws `AgentLensConfigError` for bad options or style and
/// `AgentLensDecodeError` when the events are not a JSON array.
#[wasm_bindgen(js_name = explainJson)]
pub fn explain_json(
    options_json: &str,
    events_json: &str,
    #[wasm_bindgen(unchecked_param_type = "ExplainStyle | null")] style: Option<String>,
) -> Result<String, JsValue> {
    let style = parse_style(style)?;
    explain::explain_json(&redactor(options_json)?, events_json, style)
        .map_err(|e| error::decode(&e))
}

/// One session's explanation kept as its events arrive (the core's `Digest`): each event
/// is read, redacted and rendered once, when it is added. SDK build only (its tracker
/// keeps one per session and style).
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen]
pub struct ExplainDigestWasm(Digest);

#[cfg(not(feature = "analysis"))]
#[wasm_bindgen]
impl ExplainDigestWasm {
    /// An empty digest in the backend's style (`backend`) or the SDK's.
    #[wasm_bindgen(constructor)]
    pub fn new(backend: bool) -> Self {
        Self(Digest::new(if backend {
            Style::Backend
        } else {
            Style::Sdk
        }))
    }

    /// Brings the digest up to date and renders it, in one crossing: the session start
    /// becomes `start_json` (one event; none when empty), the `forget` oldest entries are
    /// forgotten, then each element of `events_json` (a JSON array) is added, redacted
    /// with `redactor`'s rules (the tracker's, compiled once). Returns what `explainJson`
    /// gives for the start and the entries kept. Throws `AgentLensDecodeError` for text
    /// that is not JSON (the events are then not added).
    pub fn update(
        &mut self,
        redactor: &crate::redact::RedactorWasm,
        start_json: &str,
        forget: u32,
        events_json: &str,
    ) -> Result<String, JsValue> {
        let (r, digest) = (&*redactor.0, &mut self.0);
        let decode = |e| error::decode(&e);
        let start = Some(start_json).filter(|s| !s.is_empty());
        digest.set_start_json(r, start).map_err(decode)?;
        digest.forget(forget as usize);
        digest.push_json(r, events_json).map_err(decode)?;
        Ok(digest.render())
    }
}
