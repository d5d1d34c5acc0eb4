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

mod defaults;
mod event;
mod rollup;
mod table;

pub use event::{EventCost, event_cost, round6};
pub use rollup::{
    CostSummary, DailyCosts, DayCost, ModelCost, ModelShare, SessionCost, cost_summary,
    costs_by_session, daily_costs, session_cost,
};
pub use table::{ModelPrice, PricingError, PricingTable};

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

#[cfg(test)]
mod tests;
