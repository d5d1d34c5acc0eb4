//! Redaction and truncation as free functions, for previews and shared fixtures, and
//! compiled redactors: a pipeline's own, for what its tracker explains and analyses (SDK
//! build). The analysis build takes only [`with_random_id_key`].

use agentlens::redact;
#[cfg(not(feature = "analysis"))]
use {
    agentlens::pipeline::Options,
    agentlens::redact::{Redactor, Report},
    serde_json::Value,
    wasm_bindgen::prelude::*,
};

#[cfg(not(feature = "analysis"))]
use crate::{convert, error};

#[cfg(not(feature = "analysis"))]
fn redactor(options_json: &str) -> Result<Redactor, JsValue> {
    let config = Options::from_json(options_json)
        .and_then(Options::into_config)
        .map_err(|e| error::config(&e))?;
    Redactor::new(with_random_id_key(config.redact))
        .map_err(|e| error::named("AgentLensConfigError", &e.to_string()))
}

/// `config` with a key for the tags of redacted ids drawn from the platform's random source
/// (see `Redactor::redact_id`), unless it has one. Without a random source the core's fixed
/// key is left: ids still stay apart. The SDK's build also takes the host's regex engine.
pub(crate) fn with_random_id_key(mut config: redact::Config) -> redact::Config {
    #[cfg(not(feature = "analysis"))]
    {
        config.pattern_engine = crate::patterns::engine();
    }
    let mut seed = [0u8; 32];
    if config.id_key.is_none() && getrandom::fill(&mut seed).is_ok() {
        config.id_key = Some(redact::IdKey::from_seed(&seed));
    }
    config
}

/// Redacts a JSON value (given as text) with the options' rules, then truncates it to
/// `maxFieldBytes`. Returns `{ value: string, report }`.
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen(js_name = redactJson, unchecked_return_type = "RedactResult")]
pub fn redact_json(options_json: &str, value_json: &str) -> Result<JsValue, JsValue> {
    let r = redactor(options_json)?;
    let mut value: Value = serde_json::from_str(value_json)
        .map_err(|e| error::decode(&agentlens::encode::DecodeError::from_serde(&e)))?;
    let mut report = Report::default();
    r.redact_value(&mut value, &mut report);
    redact::truncate_value(&mut value, r.config().max_field_bytes, &mut report);
    let out = js_sys::Object::new();
    convert::set(
        &out,
        "value",
        &serde_json::to_string(&value).unwrap_or_default().into(),
    );
    convert::set(&out, "report", &convert::to_js(&report));
    Ok(out.into())
}

/// Redacts one string with the options' patterns.
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen(js_name = redactText)]
pub fn redact_text(options_json: &str, text: &str) -> Result<String, JsValue> {
    let r = redactor(options_json)?;
    Ok(r.redact_str(text, &mut Report::default()).into_owned())
}

/// A compiled redactor, for redacting many strings with one set of rules.
#[cfg(not(feature = "analysis"))]
#[wasm_bindgen]
pub struct RedactorWasm(pub(crate) std::sync::Arc<Redactor>);

#[cfg(not(feature = "analysis"))]
#[wasm_bindgen]
impl RedactorWasm {
    /// Compiles the options' rules. Throws `AgentLensConfigError` on a bad rule.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> Result<Self, JsValue> {
        redactor(options_json).map(|r| Self(r.into()))
    }

    /// Replaces every pattern match in `text` with the marker.
    pub fn redact(&self, text: &str) -> String {
        self.0.redact_str(text, &mut Report::default()).into_owned()
    }

    /// Reads a JSON array of events (wire or model shape), redacts and truncates each one
    /// on its own as the pipeline does before sending it (`agentlens::redact::sanitize_events`),
    /// and returns them as a JSON array: what a tracker's analysis methods and alert
    /// watches read. Elements that are not events are left out. Throws
    /// `AgentLensDecodeError` for text that is not a JSON array.
    #[wasm_bindgen(js_name = sanitizeEvents)]
    pub fn sanitize_events(&self, events_json: &str) -> Result<String, JsValue> {
        let (mut events, _skipped) = agentlens::encode::agentlens::decode_event_array(events_json)
            .map_err(|e| error::decode(&e))?;
        redact::sanitize_events(&self.0, &mut events, &mut Report::default());
        Ok(serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()))
    }
}
