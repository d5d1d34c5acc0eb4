//! Analysis engines over a trace, for hosts and the viewer.

use agentlens::analysis::explain::{self, Style};
use agentlens::pipeline::{ConfigError, Options};
use agentlens::redact::Redactor;
use wasm_bindgen::prelude::*;

use crate::error;

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
    let style = Style::parse(style.as_deref()).map_err(|e| error::config(&e))?;
    let config = Options::from_json(options_json)
        .and_then(Options::into_config)
        .map_err(|e| error::config(&e))?;
    let redactor =
        Redactor::new(config.redact).map_err(|e| error::config(&ConfigError::Redact(e)))?;
    explain::explain_json(&redactor, events_json, style).map_err(|e| error::decode(&e))
}
