//! What a trace cost: prices as data, model lookup, and per-event, per-session,
//! per-model and per-day cost roll-ups.
//!
//! - [`PriceCatalog`]: every provider's models and their prices over time, from
//!   Pydantic's `genai-prices` data (MIT). The core embeds none: the host hands the
//!   catalog file in, so the SDK, the collector and the viewer price with the same data
//!   ([`PriceCatalog::bundled`] in native builds with the `bundled-prices` feature).
//!   Matching is provider-aware (`gen_ai.provider.name`, `provider/model` names, Bedrock
//!   and Azure names, OpenRouter's) and falls back from a dated snapshot to its family;
//!   see [`catalog`](PriceCatalog) for the order.
//! - [`PricingTable`]: the user's own prices ([`ModelPrice`], matched by exact key or a
//!   delimited prefix as the AgentLens backend matches: `gpt-4o` never prices `gpt-4oo`,
//!   seed bug #28) over a catalog. The user's entry always wins.
//! - **Prices as of the event's time**: each event is priced with the price in force when
//!   it happened; every cost names the key, provider, source and start date of the price
//!   it used ([`EventCost::price_date`], [`SessionCost::prices_used`]).
//! - **Every token kind**, each priced once: `tokens_in` includes cache reads and writes
//!   (as OpenTelemetry's `gen_ai.usage.input_tokens` does, and OpenAI's `prompt_tokens`
//!   with its `cached_tokens`); Anthropic's `input_tokens` does not, and the importers
//!   and integrations add its `cache_read_input_tokens` and
//!   `cache_creation_input_tokens` in. Cache reads and writes, reasoning, audio and
//!   image tokens are taken out of their total and priced at their own rate when the
//!   model has one; else at the input (or output) rate, and the cost says
//!   `cached_price_assumed` / `cache_write_price_assumed`. Peers price cached tokens as
//!   normal input and overstate cache-heavy sessions 3–4× (Arize #66). Rates tiered by
//!   prompt size price the whole call at the tier its input reached.
//! - [`event_cost`], [`session_cost`], [`costs_by_session`], [`daily_costs`],
//!   [`cost_summary`]: the roll-ups. Cost is `tokens / 1e6 × price`, as the backend
//!   computes it. Sums are taken over unrounded values; every reported amount is then
//!   rounded to 6 decimal places (the backend's `GET /pricing/costs` precision).
//! - **Unmatched models** are never silently priced as zero: every cost carries
//!   `matched`, the roll-ups list `unmatched_models`, and tokens on events that name no
//!   model at all are counted as `unpriced_tokens_in`/`unpriced_tokens_out`.

mod catalog;
mod defaults;
mod event;
mod pricer;
mod rates;
mod rollup;
mod table;
mod usage;

pub use catalog::{CatalogSource, PriceCatalog};

pub use event::{EventCost, event_cost, event_cost_usd, round6};
pub use pricer::{CallPricer, PricedCall, Pricer, USAGE_UNITS};
pub use rollup::{
    CostSummary, DailyCosts, DayCost, ModelCost, ModelShare, Rounding, SessionCost, cost_summary,
    cost_summary_with, costs_by_session, daily_costs, daily_costs_with, session_cost,
    session_cost_with,
};
pub use table::{ModelPrice, PricingError, PricingTable};

/// The only currency a table holds.
pub const CURRENCY: &str = "USD";

/// The characters that may follow a key for it to match a longer model name.
pub const DELIMITERS: [char; 5] = ['-', '_', '.', '/', ' '];

#[cfg(test)]
mod tests;
