//! `usageFieldsJson`: a provider's usage object read into event fields (the SDK's
//! `track({ usage })`), by the core's reader (`agentlens::import::usage_from_payload`), so
//! no host adds cached tokens up its own way.

use agentlens::import::usage_from_payload;
use agentlens::model::{Event, EventType};
use agentlens::time::UnixNanos;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

/// The event fields a usage object gives (JSON text of the object: OpenAI chat or
/// responses, Anthropic, Gemini, Bedrock, the AI SDK, LangChain; see the core's
/// `import::usage` docs): `{"tokens_in":…, "tokens_out":…, "cached_input_tokens":…,
/// "reasoning_tokens":…, "attributes":{"cache_creation_input_tokens":…}}` with only the
/// counts it gives, or `null` when it is not a usage object (or not JSON).
#[wasm_bindgen(js_name = usageFieldsJson)]
pub fn usage_fields_json(usage_json: &str) -> String {
    let Some(usage) = serde_json::from_str::<Value>(usage_json)
        .ok()
        .as_ref()
        .and_then(usage_from_payload)
    else {
        return "null".into();
    };
    let mut e = Event::new(EventType::LlmCall, "", UnixNanos(0));
    usage.apply(&mut e);
    let mut out = Map::new();
    let fields = [
        ("tokens_in", e.tokens_in),
        ("tokens_out", e.tokens_out),
        ("cached_input_tokens", e.cached_input_tokens),
        ("reasoning_tokens", e.reasoning_tokens),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.insert(k.into(), v.into());
        }
    }
    if let Some(attrs) = e.attributes {
        out.insert("attributes".into(), Value::Object(attrs));
    }
    Value::Object(out).to_string()
}
