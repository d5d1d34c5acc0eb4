//! The default pricing table: the seed prices, with cached-input rates where the
//! provider publishes them.

use super::{
    ModelPrice, PricingTable, SOURCE_ANTHROPIC_CACHED, SOURCE_OPENAI_CACHED, SOURCE_SEED_BOTH,
    SOURCE_SEED_SDK,
};

/// `(model, input, output, cached input, source of the cached price, source)`.
type Seed = (
    &'static str,
    f64,
    f64,
    Option<f64>,
    &'static str,
    &'static str,
);

const OA: &str = SOURCE_OPENAI_CACHED;
const AN: &str = SOURCE_ANTHROPIC_CACHED;
const BOTH: &str = SOURCE_SEED_BOTH;
const SDK: &str = SOURCE_SEED_SDK;

/// The default table. Cached prices are given only where the provider publishes one for
/// exactly this model at exactly these input/output prices.
const SEED: &[Seed] = &[
    // OpenAI
    ("gpt-4", 30.0, 60.0, None, "", BOTH),
    ("gpt-4-turbo", 10.0, 30.0, None, "", BOTH),
    ("gpt-4o", 2.50, 10.0, Some(1.25), OA, BOTH),
    ("gpt-4o-mini", 0.15, 0.60, Some(0.075), OA, BOTH),
    ("gpt-4.1", 2.0, 8.0, Some(0.50), OA, SDK),
    ("gpt-4.1-mini", 0.40, 1.60, Some(0.10), OA, SDK),
    ("gpt-4.1-nano", 0.10, 0.40, Some(0.025), OA, SDK),
    ("gpt-3.5-turbo", 0.50, 1.50, None, "", BOTH),
    // OpenAI reasoning models: reasoning tokens are billed as output.
    ("o1", 15.0, 60.0, Some(7.50), OA, SDK),
    ("o1-mini", 1.10, 4.40, Some(0.55), OA, SDK),
    ("o3", 10.0, 40.0, Some(2.50), OA, SDK),
    ("o3-mini", 1.10, 4.40, Some(0.55), OA, SDK),
    ("o4-mini", 1.10, 4.40, Some(0.275), OA, SDK),
    // Anthropic
    ("claude-3-opus", 15.0, 75.0, Some(1.50), AN, BOTH),
    ("claude-3-sonnet", 3.0, 15.0, None, "", BOTH),
    ("claude-3-haiku", 0.25, 1.25, Some(0.03), AN, BOTH),
    ("claude-3.5-sonnet", 3.0, 15.0, Some(0.30), AN, BOTH),
    ("claude-3.5-haiku", 0.80, 4.0, Some(0.08), AN, SDK),
    ("claude-4-opus", 15.0, 75.0, Some(1.50), AN, BOTH),
    ("claude-4-sonnet", 3.0, 15.0, Some(0.30), AN, BOTH),
    ("claude-4-haiku", 0.80, 4.0, None, "", SDK),
    // Google
    ("gemini-pro", 0.50, 1.50, None, "", BOTH),
    ("gemini-1.5-pro", 1.25, 5.0, None, "", BOTH),
    ("gemini-1.5-flash", 0.075, 0.30, None, "", BOTH),
    ("gemini-2.0-flash", 0.10, 0.40, None, "", SDK),
    ("gemini-2.5-pro", 1.25, 10.0, None, "", SDK),
    ("gemini-2.5-flash", 0.15, 0.60, None, "", SDK),
    // Meta
    ("llama-3.1-8b", 0.10, 0.10, None, "", SDK),
    ("llama-3.1-70b", 0.60, 0.60, None, "", SDK),
    ("llama-3.1-405b", 3.0, 3.0, None, "", SDK),
    ("llama-4-scout", 0.15, 0.15, None, "", SDK),
    ("llama-4-maverick", 0.50, 0.50, None, "", SDK),
    // Mistral
    ("mistral-large", 2.0, 6.0, None, "", SDK),
    ("mistral-medium", 0.40, 1.20, None, "", SDK),
    ("mistral-small", 0.10, 0.30, None, "", SDK),
    ("codestral", 0.30, 0.90, None, "", SDK),
    // DeepSeek
    ("deepseek-chat", 0.14, 0.28, None, "", SDK),
    ("deepseek-reasoner", 0.55, 2.19, None, "", SDK),
];

impl Default for PricingTable {
    /// The seed prices (see the [module docs](super)).
    fn default() -> Self {
        let prices = SEED
            .iter()
            .map(|&(model, input, output, cached, cached_source, source)| {
                let source = if cached.is_some() {
                    format!("{source}; {cached_source}")
                } else {
                    source.to_owned()
                };
                let price = ModelPrice {
                    cached_input_per_1m: cached,
                    ..ModelPrice::new(model, input, output).source(source)
                };
                (model.to_owned(), price)
            })
            .collect();
        Self { prices }
    }
}
