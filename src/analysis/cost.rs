//! What a trace cost: a pricing table as data, model lookup, and per-event, per-session,
//! per-model and per-day cost roll-ups.
//!
//! - [`PricingTable`]: USD per 1M tokens for each model, with a separate price for cached
//!   input and for reasoning tokens where one is known, and where every price came from.
//!   [`PricingTable::default`] is the union of the AgentLens backend's defaults
//!   (`backend/lib/pricing.js`, reference A.5) and the Python SDK's `budget.py`
//!   `MODEL_PRICING` (reference B.3); where both list a model they agree. (The SDK's
//!   `heatmap.py` per-1K table disagrees with both, e.g. gpt-4o at 5/15 per 1M, and is not
//!   used.) Users override or extend it with [`PricingTable::with_price`] or JSON
//!   ([`PricingTable::from_json`], [`PricingTable::merge`]).
//! - [`PricingTable::lookup`]: the backend's matching: an exact, case-insensitive key,
//!   else the longest key that is a prefix of the model and is followed by a delimiter
//!   (`- _ . / space`) or the end. `gpt-4o-2024-05-13` is priced as `gpt-4o`, and
//!   `gpt-4o` never as `gpt-4` (seed bug #28). Prefix matching still prices a variant
//!   with its family's key (`o1-pro` as `o1`, `gemini-2.5-flash-lite` as
//!   `gemini-2.5-flash`); add the variant to the table when its price differs.
//! - [`event_cost`], [`session_cost`], [`costs_by_session`], [`daily_costs`],
//!   [`cost_summary`]: the roll-ups. Cost is
//!   `tokens / 1e6 × price`, as the backend computes it. Sums are taken over unrounded
//!   values; every reported amount is then rounded to 6 decimal places (the backend's
//!   `GET /pricing/costs` precision).
//!
//! Two things differ from the seeds, on purpose:
//!
//! - **Cached input tokens** are priced at the model's cached-input rate. `tokens_in`
//!   counts them (as OpenTelemetry's `gen_ai.usage.input_tokens` does), so they are
//!   taken out of the normal input first. Peers price them as normal input and
//!   overstate the cost of cache-heavy sessions 3–4× (Arize #66). When a model has no
//!   known cached price they are priced at the input rate and the result says so with
//!   `cached_price_assumed: true`.
//!   Anthropic's API reports `input_tokens` *without* cache reads: an adapter adds
//!   `cache_read_input_tokens` to `tokens_in`. A cached count above `tokens_in` is
//!   clamped to it. Cache writes (priced above input by Anthropic) are not modelled.
//! - **Unmatched models** are never silently priced as zero: every cost carries
//!   `matched`, the roll-ups list `unmatched_models`, and tokens on events that name no
//!   model at all are counted as `unpriced_tokens_in`/`unpriced_tokens_out`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Event, EventType};

/// The only currency a table holds.
pub const CURRENCY: &str = "USD";

/// The characters that may follow a key for it to match a longer model name.
pub const DELIMITERS: [char; 5] = ['-', '_', '.', '/', ' '];

/// Where a price came from: both seed tables.
pub const SOURCE_SEED_BOTH: &str = "agentlens backend lib/pricing.js + sdk budget.py";
/// Where a price came from: only the SDK's `budget.py`.
pub const SOURCE_SEED_SDK: &str = "agentlens sdk budget.py";
/// Where a cached-input price came from: OpenAI's published cached-input rate.
pub const SOURCE_OPENAI_CACHED: &str = "cached input: OpenAI API pricing";
/// Where a cached-input price came from: Anthropic's prompt-cache read rate (0.1× input).
pub const SOURCE_ANTHROPIC_CACHED: &str = "cached input: Anthropic prompt-cache read (0.1x input)";

/// The price of one model, in USD per 1M tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    /// The model key (lowercase in a table).
    pub model: String,
    /// Normal input tokens.
    #[serde(alias = "input_cost_per_1m", alias = "input")]
    pub input_per_1m: f64,
    /// Output tokens (and reasoning tokens when [`ModelPrice::reasoning_per_1m`] is absent).
    #[serde(alias = "output_cost_per_1m", alias = "output")]
    pub output_per_1m: f64,
    /// Cached input tokens; absent when no cached price is known (then the input price
    /// is used and the cost says `cached_price_assumed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_1m: Option<f64>,
    /// Reasoning tokens, when a provider prices them apart from output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_per_1m: Option<f64>,
    /// Always `"USD"`.
    #[serde(default = "usd")]
    pub currency: String,
    /// Where the price came from.
    #[serde(default = "user_source")]
    pub source: String,
}

fn usd() -> String {
    CURRENCY.to_owned()
}

fn user_source() -> String {
    "user".to_owned()
}

impl ModelPrice {
    /// A USD price with input and output rates per 1M tokens and source `"user"`.
    pub fn new(model: impl Into<String>, input_per_1m: f64, output_per_1m: f64) -> Self {
        Self {
            model: model.into(),
            input_per_1m,
            output_per_1m,
            cached_input_per_1m: None,
            reasoning_per_1m: None,
            currency: usd(),
            source: user_source(),
        }
    }

    /// With a cached-input rate per 1M tokens.
    #[must_use]
    pub fn cached(mut self, per_1m: f64) -> Self {
        self.cached_input_per_1m = Some(per_1m);
        self
    }

    /// With a reasoning-token rate per 1M tokens.
    #[must_use]
    pub fn reasoning(mut self, per_1m: f64) -> Self {
        self.reasoning_per_1m = Some(per_1m);
        self
    }

    /// With a source description.
    #[must_use]
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// Checks the entry and normalises its key (trimmed, lowercase) and currency.
    fn validated(mut self, entry: &str) -> Result<Self, PricingError> {
        let err = |message: String| PricingError {
            entry: entry.to_owned(),
            message,
        };
        self.model = self.model.trim().to_lowercase();
        if self.model.is_empty() {
            return Err(err("the model name is empty".into()));
        }
        let rates = [
            ("input_per_1m", Some(self.input_per_1m)),
            ("output_per_1m", Some(self.output_per_1m)),
            ("cached_input_per_1m", self.cached_input_per_1m),
            ("reasoning_per_1m", self.reasoning_per_1m),
        ];
        for (field, rate) in rates {
            if let Some(rate) = rate
                && !(rate.is_finite() && rate >= 0.0)
            {
                return Err(err(format!(
                    "{field} must be a finite, non-negative number, got {rate}"
                )));
            }
        }
        if !self.currency.eq_ignore_ascii_case(CURRENCY) {
            return Err(err(format!(
                "currency must be \"USD\", got {:?}",
                self.currency
            )));
        }
        self.currency = usd();
        Ok(self)
    }
}

/// A pricing entry that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricingError {
    /// The bad entry: its model name, else its position (`#3`), or `"table"` when the
    /// JSON as a whole is wrong.
    pub entry: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pricing entry {}: {}", self.entry, self.message)
    }
}

impl std::error::Error for PricingError {}

/// Prices by model, keyed by lowercase model name.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PricingTable {
    prices: BTreeMap<String, ModelPrice>,
}

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
    /// The seed prices (see the [module docs](self)).
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

/// Whether `key` (lowercase) prices `model` (lowercase): equal, or a prefix followed by a
/// [delimiter](DELIMITERS).
fn key_matches(key: &str, model: &str) -> bool {
    model.starts_with(key)
        && model[key.len()..]
            .chars()
            .next()
            .is_none_or(|c| DELIMITERS.contains(&c))
}

impl PricingTable {
    /// A table with no prices.
    pub fn empty() -> Self {
        Self {
            prices: BTreeMap::new(),
        }
    }

    /// Adds `price`, replacing any price with the same (case-insensitive) model name.
    ///
    /// # Errors
    /// [`PricingError`] naming the model when its name is empty, a rate is negative or
    /// not finite, or its currency is not USD.
    ///
    /// ```
    /// use agentlens::analysis::cost::{ModelPrice, PricingTable};
    /// let table = PricingTable::default()
    ///     .with_price(ModelPrice::new("my-model", 1.0, 2.0).cached(0.1))
    ///     .unwrap();
    /// assert_eq!(table.lookup("My-Model-v2").unwrap().model, "my-model");
    /// assert!(PricingTable::empty().with_price(ModelPrice::new("x", -1.0, 0.0)).is_err());
    /// ```
    pub fn with_price(mut self, price: ModelPrice) -> Result<Self, PricingError> {
        self.set_price(price)?;
        Ok(self)
    }

    /// Adds `price` in place; see [`PricingTable::with_price`].
    ///
    /// # Errors
    /// As [`PricingTable::with_price`].
    pub fn set_price(&mut self, price: ModelPrice) -> Result<(), PricingError> {
        let entry = price.model.clone();
        let price = price.validated(&entry)?;
        self.prices.insert(price.model.clone(), price);
        Ok(())
    }

    /// Removes the price with exactly this (case-insensitive) model name.
    pub fn remove(&mut self, model: &str) -> Option<ModelPrice> {
        self.prices.remove(&model.trim().to_lowercase())
    }

    /// This table with every price of `overrides` added, replacing same-named ones.
    #[must_use]
    pub fn merge(mut self, overrides: Self) -> Self {
        self.prices.extend(overrides.prices);
        self
    }

    /// The prices, ordered by model name.
    pub fn prices(&self) -> impl Iterator<Item = &ModelPrice> {
        self.prices.values()
    }

    /// How many models have a price.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether the table has no prices.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// The price for `model`: the exact (case-insensitive) key, else the longest key that
    /// is a prefix of the model followed by one of [`DELIMITERS`]. `None` when no key
    /// matches.
    ///
    /// ```
    /// use agentlens::analysis::cost::PricingTable;
    /// let t = PricingTable::default();
    /// assert_eq!(t.lookup("gpt-4o-2024-05-13").unwrap().model, "gpt-4o");
    /// assert_eq!(t.lookup("GPT-4o").unwrap().model, "gpt-4o");
    /// assert!(t.lookup("gpt-4oo").is_none());
    /// ```
    pub fn lookup(&self, model: &str) -> Option<&ModelPrice> {
        let model = model.trim().to_lowercase();
        if model.is_empty() {
            return None;
        }
        if let Some(price) = self.prices.get(&model) {
            return Some(price);
        }
        self.prices
            .iter()
            .filter(|(key, _)| key_matches(key, &model))
            .max_by_key(|(key, _)| key.len())
            .map(|(_, price)| price)
    }

    /// Reads a table: a JSON array of entries
    /// (`[{"model": "...", "input_per_1m": 1, "output_per_1m": 2, ...}]`) or an object
    /// keyed by model (`{"my-model": {"input_per_1m": 1, "output_per_1m": 2}}`). The
    /// backend's `input_cost_per_1m`/`output_cost_per_1m` names are accepted too. The
    /// result holds only these prices; [`PricingTable::merge`] them over
    /// [`PricingTable::default`] to extend the defaults.
    ///
    /// # Errors
    /// [`PricingError`] naming the first bad entry (its model, else `#index`).
    ///
    /// ```
    /// use agentlens::analysis::cost::PricingTable;
    /// let t = PricingTable::from_json(r#"{"acme-1": {"input_per_1m": 1, "output_per_1m": 2}}"#);
    /// assert_eq!(t.unwrap().lookup("acme-1").unwrap().output_per_1m, 2.0);
    /// let err = PricingTable::from_json(r#"[{"model": "acme-2", "input_per_1m": -1, "output_per_1m": 2}]"#);
    /// assert_eq!(err.unwrap_err().entry, "acme-2");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PricingError> {
        let table_err = |message: String| PricingError {
            entry: "table".into(),
            message,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| table_err(e.to_string()))?;
        let mut entries: Vec<(String, Value)> = Vec::new();
        match value {
            Value::Array(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    let name = item
                        .get("model")
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("#{i}"), str::to_owned);
                    entries.push((name, item));
                }
            }
            Value::Object(map) => {
                for (name, mut item) in map {
                    if let Value::Object(fields) = &mut item {
                        fields
                            .entry("model")
                            .or_insert_with(|| Value::String(name.clone()));
                    }
                    entries.push((name, item));
                }
            }
            _ => {
                return Err(table_err(
                    "expected an array of entries or an object keyed by model".into(),
                ));
            }
        }
        let mut table = Self::empty();
        for (name, item) in entries {
            let price: ModelPrice = serde_json::from_value(item).map_err(|e| PricingError {
                entry: name.clone(),
                message: e.to_string(),
            })?;
            table.set_price(price.validated(&name)?)?;
        }
        Ok(table)
    }

    /// The table as a JSON array of entries, ordered by model ([`PricingTable::from_json`]
    /// reads it back).
    pub fn to_json(&self) -> String {
        let entries: Vec<&ModelPrice> = self.prices.values().collect();
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// Rounds to 6 decimal places, the backend's precision.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn per_1m(tokens: u64, rate: f64) -> f64 {
    tokens as f64 / 1e6 * rate
}

/// The cost of one event that names a model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventCost {
    /// The event's id, when it has one.
    pub event_id: Option<String>,
    /// The event's type.
    pub event_type: String,
    /// The model as the event names it.
    pub model: String,
    /// The event's time (RFC 3339, UTC), when it has one.
    pub timestamp: Option<String>,
    /// Input tokens, cached ones included.
    pub tokens_in: u64,
    /// Output tokens, reasoning ones included.
    pub tokens_out: u64,
    /// Input tokens served from cache (at most `tokens_in`).
    pub cached_input_tokens: u64,
    /// Reasoning tokens (at most `tokens_out`).
    pub reasoning_tokens: u64,
    /// Non-cached input: `(tokens_in − cached) / 1e6 × input price`.
    pub input_cost: f64,
    /// Cached input at the cached rate (the input rate when `cached_price_assumed`).
    pub cached_input_cost: f64,
    /// Output, reasoning included unless the model has a reasoning price.
    pub output_cost: f64,
    /// Reasoning at the reasoning rate; 0 when the model has none.
    pub reasoning_cost: f64,
    /// The sum of the four costs.
    pub total_cost: f64,
    /// Whether a price was found. When not, every cost is 0 and the model is reported
    /// in [`SessionCost::unmatched_models`].
    pub matched: bool,
    /// The table key that priced it.
    pub pricing_key: Option<String>,
    /// Cached tokens were priced at the input rate because the model has no cached price.
    pub cached_price_assumed: bool,
}

/// Unrounded amounts, summed before rounding.
#[derive(Clone, Copy, Default)]
struct Amounts {
    input: f64,
    cached: f64,
    output: f64,
    reasoning: f64,
}

impl Amounts {
    fn total(self) -> f64 {
        self.input + self.cached + self.output + self.reasoning
    }

    fn add(&mut self, other: Self) {
        self.input += other.input;
        self.cached += other.cached;
        self.output += other.output;
        self.reasoning += other.reasoning;
    }
}

/// The model an event names, when it names one (blank names count as none).
fn event_model(event: &Event) -> Option<&str> {
    event
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
}

fn is_session_marker(event: &Event) -> bool {
    matches!(
        event.event_type,
        EventType::SessionStart | EventType::SessionEnd
    )
}

fn price_event(event: &Event, model: &str, table: &PricingTable) -> (EventCost, Amounts) {
    let tokens_in = event.tokens_in.unwrap_or(0);
    let tokens_out = event.tokens_out.unwrap_or(0);
    let cached = event.cached_input_tokens.unwrap_or(0).min(tokens_in);
    let reasoning = event.reasoning_tokens.unwrap_or(0).min(tokens_out);
    let price = table.lookup(model);
    let mut amounts = Amounts::default();
    let mut assumed = false;
    if let Some(p) = price {
        amounts.input = per_1m(tokens_in - cached, p.input_per_1m);
        let cached_rate = p.cached_input_per_1m.unwrap_or_else(|| {
            assumed = cached > 0;
            p.input_per_1m
        });
        amounts.cached = per_1m(cached, cached_rate);
        match p.reasoning_per_1m {
            Some(rate) => {
                amounts.output = per_1m(tokens_out - reasoning, p.output_per_1m);
                amounts.reasoning = per_1m(reasoning, rate);
            }
            None => amounts.output = per_1m(tokens_out, p.output_per_1m),
        }
    }
    let cost = EventCost {
        event_id: event.event_id.clone(),
        event_type: event.event_type.as_str().to_owned(),
        model: model.to_owned(),
        timestamp: event.time().map(|t| t.to_rfc3339()),
        tokens_in,
        tokens_out,
        cached_input_tokens: cached,
        reasoning_tokens: reasoning,
        input_cost: round6(amounts.input),
        cached_input_cost: round6(amounts.cached),
        output_cost: round6(amounts.output),
        reasoning_cost: round6(amounts.reasoning),
        total_cost: round6(amounts.total()),
        matched: price.is_some(),
        pricing_key: price.map(|p| p.model.clone()),
        cached_price_assumed: assumed,
    };
    (cost, amounts)
}

/// The cost of one event, or `None` when it names no model (session start/end records
/// are never priced: their token totals repeat the events').
///
/// ```
/// use agentlens::analysis::cost::{PricingTable, event_cost};
/// use agentlens::model::{Event, EventType};
/// use agentlens::time::UnixNanos;
/// let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(0));
/// e.model = Some("gpt-4o".into());
/// (e.tokens_in, e.tokens_out) = (Some(120), Some(45));
/// assert_eq!(event_cost(&e, &PricingTable::default()).unwrap().total_cost, 0.00075);
/// ```
pub fn event_cost(event: &Event, table: &PricingTable) -> Option<EventCost> {
    if is_session_marker(event) {
        return None;
    }
    event_model(event).map(|model| price_event(event, model, table).0)
}

/// Cost and tokens of one model within a roll-up.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ModelCost {
    /// Events that named this model.
    pub calls: u64,
    /// Input tokens, cached ones included.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cached input tokens.
    pub cached_input_tokens: u64,
    /// Reasoning tokens.
    pub reasoning_tokens: u64,
    /// Non-cached input cost.
    pub input_cost: f64,
    /// Cached input cost.
    pub cached_input_cost: f64,
    /// Output cost (reasoning included unless priced apart).
    pub output_cost: f64,
    /// Reasoning cost, when priced apart.
    pub reasoning_cost: f64,
    /// Total cost.
    pub total_cost: f64,
    /// Whether the model has a price.
    pub matched: bool,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
}

/// The cost of a session (or of any slice of events), as the backend's
/// `GET /pricing/costs/:sessionId`, plus the cached and reasoning split.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SessionCost {
    /// The first event's session id.
    pub session_id: String,
    /// Always `"USD"`.
    pub currency: String,
    /// Total cost of the priced events.
    pub total_cost: f64,
    /// Non-cached input cost.
    pub total_input_cost: f64,
    /// Cached input cost.
    pub total_cached_input_cost: f64,
    /// Output cost.
    pub total_output_cost: f64,
    /// Reasoning cost.
    pub total_reasoning_cost: f64,
    /// Input tokens over all events (priced or not; session start/end excluded).
    pub tokens_in: u64,
    /// Output tokens over all events.
    pub tokens_out: u64,
    /// Cached input tokens over the events that name a model.
    pub cached_input_tokens: u64,
    /// By model name as the events give it.
    pub model_costs: BTreeMap<String, ModelCost>,
    /// One entry per event that names a model, in event order.
    pub event_costs: Vec<EventCost>,
    /// Models with no price, in order of first appearance; their tokens are not in the
    /// totals.
    pub unmatched_models: Vec<String>,
    /// Input tokens on events that name no model (not priced).
    pub unpriced_tokens_in: u64,
    /// Output tokens on events that name no model (not priced).
    pub unpriced_tokens_out: u64,
    /// The price used for each matched model name.
    pub pricing_used: BTreeMap<String, ModelPrice>,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
}

fn add_to_model(m: &mut ModelCost, c: &EventCost) {
    m.calls += 1;
    m.tokens_in = m.tokens_in.saturating_add(c.tokens_in);
    m.tokens_out = m.tokens_out.saturating_add(c.tokens_out);
    m.cached_input_tokens = m.cached_input_tokens.saturating_add(c.cached_input_tokens);
    m.reasoning_tokens = m.reasoning_tokens.saturating_add(c.reasoning_tokens);
    m.matched = c.matched;
    m.cached_price_assumed |= c.cached_price_assumed;
}

fn set_model_amounts(m: &mut ModelCost, a: Amounts) {
    m.input_cost = round6(a.input);
    m.cached_input_cost = round6(a.cached);
    m.output_cost = round6(a.output);
    m.reasoning_cost = round6(a.reasoning);
    m.total_cost = round6(a.total());
}

/// The cost of `events` priced with `table`: totals, per model, per event, the unmatched
/// models and the prices used. Never fails; an empty slice costs 0.
pub fn session_cost(events: &[Event], table: &PricingTable) -> SessionCost {
    let mut out = SessionCost {
        session_id: events
            .first()
            .map(|e| e.session_id.clone())
            .unwrap_or_default(),
        currency: usd(),
        ..SessionCost::default()
    };
    let mut total = Amounts::default();
    let mut by_model: BTreeMap<String, Amounts> = BTreeMap::new();
    for event in events.iter().filter(|e| !is_session_marker(e)) {
        let (tin, tout) = (event.tokens_in.unwrap_or(0), event.tokens_out.unwrap_or(0));
        out.tokens_in = out.tokens_in.saturating_add(tin);
        out.tokens_out = out.tokens_out.saturating_add(tout);
        let Some(model) = event_model(event) else {
            out.unpriced_tokens_in = out.unpriced_tokens_in.saturating_add(tin);
            out.unpriced_tokens_out = out.unpriced_tokens_out.saturating_add(tout);
            continue;
        };
        let (cost, amounts) = price_event(event, model, table);
        out.cached_input_tokens = out
            .cached_input_tokens
            .saturating_add(cost.cached_input_tokens);
        out.cached_price_assumed |= cost.cached_price_assumed;
        total.add(amounts);
        by_model.entry(model.to_owned()).or_default().add(amounts);
        add_to_model(out.model_costs.entry(model.to_owned()).or_default(), &cost);
        if cost.matched {
            if let Some(price) = table.lookup(model) {
                out.pricing_used
                    .entry(model.to_owned())
                    .or_insert_with(|| price.clone());
            }
        } else if !out.unmatched_models.iter().any(|m| m == model) {
            out.unmatched_models.push(model.to_owned());
        }
        out.event_costs.push(cost);
    }
    for (model, amounts) in by_model {
        if let Some(m) = out.model_costs.get_mut(&model) {
            set_model_amounts(m, amounts);
        }
    }
    out.total_cost = round6(total.total());
    out.total_input_cost = round6(total.input);
    out.total_cached_input_cost = round6(total.cached);
    out.total_output_cost = round6(total.output);
    out.total_reasoning_cost = round6(total.reasoning);
    out
}

/// One [`SessionCost`] per session id in `events`, in order of first appearance. The
/// events of a session need not be contiguous.
pub fn costs_by_session(events: &[Event], table: &PricingTable) -> Vec<SessionCost> {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
    for e in events {
        let id = e.session_id.as_str();
        if !groups.contains_key(id) {
            order.push(id);
        }
        groups.entry(id).or_default().push(e.clone());
    }
    order
        .into_iter()
        .filter_map(|id| groups.get(id))
        .map(|group| session_cost(group, table))
        .collect()
}

/// The cost of one UTC day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DayCost {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Total cost.
    pub cost: f64,
    /// Non-cached input cost.
    pub input_cost: f64,
    /// Cached input cost.
    pub cached_input_cost: f64,
    /// Output cost (reasoning included).
    pub output_cost: f64,
    /// Events that named a model.
    pub calls: u64,
    /// Their input tokens.
    pub tokens_in: u64,
    /// Their output tokens.
    pub tokens_out: u64,
}

/// Costs per UTC day, as the backend's `GET /analytics/costs` `daily_trend` (at 6 dp
/// rather than its 4).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DailyCosts {
    /// One entry per day that had a priced-or-unmatched model event, oldest first.
    pub days: Vec<DayCost>,
    /// Models with no price, in order of first appearance.
    pub unmatched_models: Vec<String>,
    /// Events that name a model but carry no time; their cost is in no day.
    pub undated_events: u64,
    /// The cost of those events.
    pub undated_cost: f64,
}

/// The cost of `events` per UTC day of their timestamps.
pub fn daily_costs(events: &[Event], table: &PricingTable) -> DailyCosts {
    let mut out = DailyCosts::default();
    let mut days: BTreeMap<String, (DayCost, Amounts)> = BTreeMap::new();
    let mut undated = Amounts::default();
    for event in events.iter().filter(|e| !is_session_marker(e)) {
        let Some(model) = event_model(event) else {
            continue;
        };
        let (cost, amounts) = price_event(event, model, table);
        if !cost.matched && !out.unmatched_models.iter().any(|m| m == model) {
            out.unmatched_models.push(model.to_owned());
        }
        let Some(time) = event.time() else {
            out.undated_events += 1;
            undated.add(amounts);
            continue;
        };
        let day = time.utc_date();
        let (d, a) = days.entry(day.clone()).or_insert_with(|| {
            (
                DayCost {
                    day,
                    ..DayCost::default()
                },
                Amounts::default(),
            )
        });
        d.calls += 1;
        d.tokens_in = d.tokens_in.saturating_add(cost.tokens_in);
        d.tokens_out = d.tokens_out.saturating_add(cost.tokens_out);
        a.add(amounts);
    }
    out.undated_cost = round6(undated.total());
    out.days = days
        .into_values()
        .map(|(mut d, a)| {
            d.cost = round6(a.total());
            d.input_cost = round6(a.input);
            d.cached_input_cost = round6(a.cached);
            d.output_cost = round6(a.output + a.reasoning);
            d
        })
        .collect();
    out
}

/// One model's share of a [`CostSummary`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ModelShare {
    /// The model as the events name it.
    pub model: String,
    /// Its tokens and costs.
    #[serde(flatten)]
    pub cost: ModelCost,
    /// Its share of the total cost, in percent (2 dp); 0 when the total is 0.
    pub percent: f64,
}

/// A spending overview in the shape of the backend's `GET /analytics/costs` (reference
/// A.5). The backend filters by `days` against its clock; here the caller passes the
/// events of the period. Amounts are at 6 dp (the backend rounds these to 4 and the
/// projection to 2).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CostSummary {
    /// Total cost of the priced events.
    pub total_cost: f64,
    /// Non-cached input cost.
    pub total_input_cost: f64,
    /// Cached input cost.
    pub total_cached_input_cost: f64,
    /// Output cost, reasoning included.
    pub total_output_cost: f64,
    /// Dated cost ÷ the number of days that had any cost (0 without such days).
    pub avg_daily_cost: f64,
    /// `avg_daily_cost × 30`, as the backend projects.
    pub projected_monthly_cost: f64,
    /// Always `"USD"`.
    pub currency: String,
    /// By model, most expensive first (ties by name).
    pub by_model: Vec<ModelShare>,
    /// Per UTC day, oldest first.
    pub daily_trend: Vec<DayCost>,
    /// Models with no price, in order of first appearance.
    pub unmatched_models: Vec<String>,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
}

/// The spending overview of `events` (see [`CostSummary`]).
pub fn cost_summary(events: &[Event], table: &PricingTable) -> CostSummary {
    let session = session_cost(events, table);
    let daily = daily_costs(events, table);
    let costed: Vec<&DayCost> = daily.days.iter().filter(|d| d.cost > 0.0).collect();
    let avg = if costed.is_empty() {
        0.0
    } else {
        costed.iter().map(|d| d.cost).sum::<f64>() / costed.len() as f64
    };
    let total = session.total_cost;
    let mut by_model: Vec<ModelShare> = session
        .model_costs
        .into_iter()
        .map(|(model, cost)| ModelShare {
            percent: if total > 0.0 {
                (cost.total_cost / total * 1e4).round() / 100.0
            } else {
                0.0
            },
            model,
            cost,
        })
        .collect();
    by_model.sort_by(|a, b| {
        b.cost
            .total_cost
            .total_cmp(&a.cost.total_cost)
            .then_with(|| a.model.cmp(&b.model))
    });
    CostSummary {
        total_cost: total,
        total_input_cost: session.total_input_cost,
        total_cached_input_cost: session.total_cached_input_cost,
        total_output_cost: round6(session.total_output_cost + session.total_reasoning_cost),
        avg_daily_cost: round6(avg),
        projected_monthly_cost: round6(avg * 30.0),
        currency: usd(),
        by_model,
        daily_trend: daily.days,
        unmatched_models: session.unmatched_models,
        cached_price_assumed: session.cached_price_assumed,
    }
}

#[cfg(test)]
mod tests;
