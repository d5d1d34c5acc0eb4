//! A provider's usage object, read into the event model's token counts.
//!
//! Each API counts differently, and adding them up by hand is where peers go wrong:
//!
//! | shape | input as reported | AgentLens `tokens_in` |
//! |---|---|---|
//! | OpenAI Chat Completions, Azure OpenAI, OpenRouter, Mistral (`prompt_tokens`) | includes `prompt_tokens_details.cached_tokens` | `prompt_tokens` |
//! | OpenAI Responses (`input_tokens` + `input_tokens_details`) | includes `cached_tokens` | `input_tokens` |
//! | Anthropic Messages (`cache_read_input_tokens`, `cache_creation_input_tokens`) | **excludes** cache reads and writes | `input_tokens` + reads + writes |
//! | Amazon Bedrock Converse (`inputTokens`, `cacheReadInputTokens`) | **excludes** cache reads and writes | `inputTokens` + reads + writes |
//! | Google Gemini (`promptTokenCount`, `usageMetadata`) | includes `cachedContentTokenCount`; output excludes `thoughtsTokenCount` | `promptTokenCount` + `toolUsePromptTokenCount`; out = candidates + thoughts |
//! | Vercel AI SDK (`inputTokens`, `cachedInputTokens` / `inputTokenDetails`) | includes cache reads | `inputTokens` |
//! | LangChain `usage_metadata` (`input_token_details`) | includes cache reads and writes | `input_tokens` |
//!
//! So `tokens_in` always includes cached tokens, as OpenTelemetry's
//! `gen_ai.usage.input_tokens` does, and no token is counted twice or dropped.

use serde_json::{Map, Value};

use super::json::count;
use crate::model::Event;

/// Token counts read from a usage object. Counts the object does not give are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenUsage {
    /// All input tokens, cache reads and writes included.
    pub tokens_in: Option<u64>,
    /// All output tokens, reasoning included.
    pub tokens_out: Option<u64>,
    /// Input tokens read from the prompt cache.
    pub cached_input_tokens: Option<u64>,
    /// Input tokens written to the prompt cache.
    pub cache_write_tokens: Option<u64>,
    /// Of those, written with a one-hour lifetime (Anthropic).
    pub cache_write_1h_tokens: Option<u64>,
    /// Output tokens spent on reasoning.
    pub reasoning_tokens: Option<u64>,
    /// Audio input tokens.
    pub audio_input_tokens: Option<u64>,
    /// Of the cached input tokens, audio ones (Gemini's `cacheTokensDetails`).
    pub cached_audio_input_tokens: Option<u64>,
    /// Audio output tokens.
    pub audio_output_tokens: Option<u64>,
}

fn at<'a>(u: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter().try_fold(u.get(*first)?, |v, k| v.get(k))
}

fn get(u: &Map<String, Value>, path: &[&str]) -> Option<u64> {
    count(at(u, path))
}

fn has(u: &Map<String, Value>, key: &str) -> bool {
    u.contains_key(key)
}

fn sum(parts: &[Option<u64>]) -> Option<u64> {
    parts.iter().any(Option::is_some).then(|| {
        parts
            .iter()
            .flatten()
            .fold(0u64, |a, b| a.saturating_add(*b))
    })
}

/// Gemini's per-modality list: the `AUDIO` entry's count.
fn gemini_audio(u: &Map<String, Value>, key: &str) -> Option<u64> {
    u.get(key)?.as_array()?.iter().find_map(|d| {
        let audio = d.get("modality")?.as_str()?.eq_ignore_ascii_case("audio");
        audio.then(|| count(d.get("tokenCount"))).flatten()
    })
}

fn openai_chat(u: &Map<String, Value>) -> TokenUsage {
    TokenUsage {
        tokens_in: get(u, &["prompt_tokens"]),
        tokens_out: get(u, &["completion_tokens"]),
        // DeepSeek reports its cache hits (part of `prompt_tokens`) as `prompt_cache_hit_tokens`.
        cached_input_tokens: get(u, &["prompt_tokens_details", "cached_tokens"])
            .or_else(|| get(u, &["prompt_cache_hit_tokens"])),
        cache_write_tokens: get(u, &["prompt_tokens_details", "cache_write_tokens"]),
        reasoning_tokens: get(u, &["completion_tokens_details", "reasoning_tokens"]),
        audio_input_tokens: get(u, &["prompt_tokens_details", "audio_tokens"]),
        audio_output_tokens: get(u, &["completion_tokens_details", "audio_tokens"]),
        ..TokenUsage::default()
    }
}

fn anthropic(u: &Map<String, Value>) -> TokenUsage {
    let (read, write) = (
        get(u, &["cache_read_input_tokens"]),
        get(u, &["cache_creation_input_tokens"]),
    );
    TokenUsage {
        tokens_in: sum(&[get(u, &["input_tokens"]), read, write]),
        tokens_out: get(u, &["output_tokens"]),
        cached_input_tokens: read,
        cache_write_tokens: write,
        cache_write_1h_tokens: get(u, &["cache_creation", "ephemeral_1h_input_tokens"]),
        reasoning_tokens: get(u, &["output_tokens_details", "thinking_tokens"]),
        ..TokenUsage::default()
    }
}

fn openai_responses(u: &Map<String, Value>) -> TokenUsage {
    TokenUsage {
        tokens_in: get(u, &["input_tokens"]),
        tokens_out: get(u, &["output_tokens"]),
        cached_input_tokens: get(u, &["input_tokens_details", "cached_tokens"]),
        reasoning_tokens: get(u, &["output_tokens_details", "reasoning_tokens"]),
        ..TokenUsage::default()
    }
}

fn langchain(u: &Map<String, Value>) -> TokenUsage {
    TokenUsage {
        tokens_in: get(u, &["input_tokens"]),
        tokens_out: get(u, &["output_tokens"]),
        cached_input_tokens: get(u, &["input_token_details", "cache_read"]),
        cache_write_tokens: get(u, &["input_token_details", "cache_creation"]),
        reasoning_tokens: get(u, &["output_token_details", "reasoning"]),
        audio_input_tokens: get(u, &["input_token_details", "audio"]),
        audio_output_tokens: get(u, &["output_token_details", "audio"]),
        ..TokenUsage::default()
    }
}

fn gemini(u: &Map<String, Value>) -> TokenUsage {
    let thoughts = get(u, &["thoughtsTokenCount"]);
    TokenUsage {
        tokens_in: sum(&[
            get(u, &["promptTokenCount"]),
            get(u, &["toolUsePromptTokenCount"]),
        ]),
        tokens_out: sum(&[get(u, &["candidatesTokenCount"]), thoughts]),
        cached_input_tokens: get(u, &["cachedContentTokenCount"]),
        reasoning_tokens: thoughts,
        audio_input_tokens: gemini_audio(u, "promptTokensDetails"),
        cached_audio_input_tokens: gemini_audio(u, "cacheTokensDetails"),
        audio_output_tokens: gemini_audio(u, "candidatesTokensDetails"),
        ..TokenUsage::default()
    }
}

fn bedrock(u: &Map<String, Value>) -> TokenUsage {
    let (read, write) = (
        get(u, &["cacheReadInputTokens"]),
        get(u, &["cacheWriteInputTokens"]),
    );
    TokenUsage {
        tokens_in: sum(&[get(u, &["inputTokens"]), read, write]),
        tokens_out: get(u, &["outputTokens"]),
        cached_input_tokens: read,
        cache_write_tokens: write,
        ..TokenUsage::default()
    }
}

fn ai_sdk(u: &Map<String, Value>) -> TokenUsage {
    let total = |v: Option<&Value>| match v {
        Some(Value::Object(o)) => count(o.get("total")),
        v => count(v),
    };
    TokenUsage {
        tokens_in: total(u.get("inputTokens")),
        tokens_out: total(u.get("outputTokens")),
        cached_input_tokens: get(u, &["inputTokenDetails", "cacheReadTokens"])
            .or_else(|| get(u, &["inputTokens", "cacheRead"]))
            .or_else(|| get(u, &["cachedInputTokens"])),
        cache_write_tokens: get(u, &["inputTokenDetails", "cacheWriteTokens"])
            .or_else(|| get(u, &["inputTokens", "cacheWrite"])),
        reasoning_tokens: get(u, &["outputTokenDetails", "reasoningTokens"])
            .or_else(|| get(u, &["outputTokens", "reasoning"]))
            .or_else(|| get(u, &["reasoningTokens"])),
        ..TokenUsage::default()
    }
}

/// Reads a usage object of any shape in the [module docs](self) (also wrapped as
/// `{"usage": {...}}` or `{"usageMetadata": {...}}`, as the responses carry it). `None`
/// when it is not an object or gives no count at all.
///
/// ```
/// use agentlens::import::usage_from_payload;
/// use serde_json::json;
/// // Anthropic: input_tokens excludes the cache; AgentLens's tokens_in includes it.
/// let u = usage_from_payload(&json!({"input_tokens": 50, "cache_read_input_tokens": 1000,
///     "cache_creation_input_tokens": 200, "output_tokens": 40})).unwrap();
/// assert_eq!((u.tokens_in, u.cached_input_tokens, u.cache_write_tokens), (Some(1250), Some(1000), Some(200)));
/// // OpenAI: prompt_tokens already includes the cached ones.
/// let u = usage_from_payload(&json!({"prompt_tokens": 1250, "completion_tokens": 40,
///     "prompt_tokens_details": {"cached_tokens": 1000}})).unwrap();
/// assert_eq!((u.tokens_in, u.cached_input_tokens), (Some(1250), Some(1000)));
/// ```
pub fn usage_from_payload(payload: &Value) -> Option<TokenUsage> {
    let mut u = payload.as_object()?;
    for wrapper in ["usage", "usageMetadata", "usage_metadata"] {
        if let Some(inner) = u.get(wrapper).and_then(Value::as_object) {
            u = inner;
        }
    }
    let usage = if has(u, "prompt_tokens") || has(u, "completion_tokens") {
        openai_chat(u)
    } else if has(u, "promptTokenCount") || has(u, "candidatesTokenCount") {
        gemini(u)
    } else if has(u, "cacheReadInputTokens") || has(u, "cacheWriteInputTokens") {
        bedrock(u)
    } else if has(u, "inputTokens") || has(u, "outputTokens") {
        // The AI SDK and Bedrock without cache fields read the same.
        ai_sdk(u)
    } else if has(u, "input_token_details") || has(u, "output_token_details") {
        langchain(u)
    } else if has(u, "input_tokens_details") || has(u, "output_tokens_details") {
        openai_responses(u)
    } else {
        // Anthropic's shape; without cache fields it reads as any plain input/output pair.
        anthropic(u)
    };
    (usage != TokenUsage::default()).then_some(usage)
}

impl TokenUsage {
    /// Writes the counts onto `event`: the token fields, and cache writes, one-hour writes
    /// and audio under the attribute names the cost engine reads. Counts already on the
    /// event are replaced only by counts this usage gives.
    pub fn apply(&self, event: &mut Event) {
        let keep = |slot: &mut Option<u64>, v: Option<u64>| {
            if v.is_some() {
                *slot = v;
            }
        };
        keep(&mut event.tokens_in, self.tokens_in);
        keep(&mut event.tokens_out, self.tokens_out);
        keep(&mut event.cached_input_tokens, self.cached_input_tokens);
        keep(&mut event.reasoning_tokens, self.reasoning_tokens);
        let extra = [
            ("cache_creation_input_tokens", self.cache_write_tokens),
            ("cache_creation_1h_input_tokens", self.cache_write_1h_tokens),
            ("gen_ai.usage.audio.input_tokens", self.audio_input_tokens),
            ("cache_audio_read_tokens", self.cached_audio_input_tokens),
            ("gen_ai.usage.audio.output_tokens", self.audio_output_tokens),
        ];
        for (key, n) in extra {
            if let Some(n) = n.filter(|n| *n > 0) {
                event
                    .attributes
                    .get_or_insert_with(Map::new)
                    .insert(key.into(), n.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> TokenUsage {
        usage_from_payload(&v).unwrap()
    }

    #[test]
    fn each_shape_reads_to_the_same_meaning() {
        let gemini = read(
            json!({"usageMetadata": {"promptTokenCount": 1200, "candidatesTokenCount": 300,
            "thoughtsTokenCount": 500, "cachedContentTokenCount": 1000, "totalTokenCount": 2000}}),
        );
        assert_eq!(
            (gemini.tokens_in, gemini.tokens_out),
            (Some(1200), Some(800))
        );
        assert_eq!(
            (gemini.cached_input_tokens, gemini.reasoning_tokens),
            (Some(1000), Some(500))
        );
        let bedrock = read(
            json!({"inputTokens": 20, "outputTokens": 5, "cacheReadInputTokens": 100,
            "cacheWriteInputTokens": 30, "totalTokens": 155}),
        );
        assert_eq!(
            (bedrock.tokens_in, bedrock.cache_write_tokens),
            (Some(150), Some(30))
        );
        let responses = read(json!({"input_tokens": 900, "output_tokens": 100,
            "input_tokens_details": {"cached_tokens": 800}, "output_tokens_details": {"reasoning_tokens": 64}}));
        assert_eq!(
            (responses.tokens_in, responses.cached_input_tokens),
            (Some(900), Some(800))
        );
        assert_eq!(responses.reasoning_tokens, Some(64));
        let langchain = read(
            json!({"input_tokens": 1250, "output_tokens": 40, "total_tokens": 1290,
            "input_token_details": {"cache_read": 1000, "cache_creation": 200}}),
        );
        assert_eq!(
            (langchain.tokens_in, langchain.cache_write_tokens),
            (Some(1250), Some(200))
        );
        let ai_sdk = read(
            json!({"inputTokens": {"total": 900, "noCache": 100, "cacheRead": 800},
            "outputTokens": {"total": 50, "reasoning": 20}}),
        );
        assert_eq!(
            (
                ai_sdk.tokens_in,
                ai_sdk.cached_input_tokens,
                ai_sdk.reasoning_tokens
            ),
            (Some(900), Some(800), Some(20))
        );
        let ai_sdk5 = read(
            json!({"inputTokens": 900, "outputTokens": 50, "cachedInputTokens": 800, "reasoningTokens": 20}),
        );
        assert_eq!(
            (ai_sdk5.tokens_in, ai_sdk5.cached_input_tokens),
            (Some(900), Some(800))
        );
    }

    #[test]
    fn deepseek_cache_hits_and_gemini_cached_audio_are_read() {
        let d = read(json!({"prompt_tokens": 6150, "completion_tokens": 742,
            "prompt_cache_hit_tokens": 5120, "prompt_cache_miss_tokens": 1030}));
        assert_eq!(
            (d.tokens_in, d.cached_input_tokens),
            (Some(6150), Some(5120))
        );
        let g = read(
            json!({"promptTokenCount": 6200, "cachedContentTokenCount": 4000,
            "candidatesTokenCount": 10,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1200}, {"modality": "AUDIO", "tokenCount": 5000}],
            "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 1000}, {"modality": "AUDIO", "tokenCount": 3000}]}),
        );
        assert_eq!(
            (g.audio_input_tokens, g.cached_audio_input_tokens),
            (Some(5000), Some(3000))
        );
    }

    #[test]
    fn nothing_to_read_is_none() {
        for v in [
            json!(null),
            json!(3),
            json!({}),
            json!({"usage": {}}),
            json!({"foo": 1}),
        ] {
            assert_eq!(usage_from_payload(&v), None, "{v}");
        }
    }

    #[test]
    fn apply_writes_fields_and_attributes() {
        let mut e = Event::new(
            crate::model::EventType::LlmCall,
            "s",
            crate::time::UnixNanos(0),
        );
        e.tokens_out = Some(7);
        read(json!({"input_tokens": 5, "cache_creation_input_tokens": 10,
            "cache_creation": {"ephemeral_1h_input_tokens": 4}}))
        .apply(&mut e);
        assert_eq!((e.tokens_in, e.tokens_out), (Some(15), Some(7)));
        let a = e.attributes.unwrap();
        assert_eq!(
            (
                a["cache_creation_input_tokens"].as_u64(),
                a["cache_creation_1h_input_tokens"].as_u64()
            ),
            (Some(10), Some(4))
        );
    }
}
