//! The cost of one event: its usage split by kind (input, cache reads and writes, output,
//! reasoning, audio and image), each priced at the rate in force when it happened.

use serde::Serialize;

use super::PricingTable;
use super::pricer::{CallPricer, PricedCall};
use super::rates::{Charge, Unit};
use super::table::Resolved;
use super::usage::{event_provider, event_usage};
use crate::model::{Event, EventType};

/// Rounds to 6 decimal places, the backend's precision.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
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
    /// The provider as the event names it (`gen_ai.provider.name` and kin), when it does.
    pub provider: Option<String>,
    /// The event's time (RFC 3339, UTC), when it has one.
    pub timestamp: Option<String>,
    /// Input tokens, cached ones included.
    pub tokens_in: u64,
    /// Output tokens, reasoning ones included.
    pub tokens_out: u64,
    /// Input tokens served from cache (at most `tokens_in`).
    pub cached_input_tokens: u64,
    /// Input tokens written to the prompt cache (part of `tokens_in`).
    pub cache_write_tokens: u64,
    /// Reasoning tokens (at most `tokens_out`).
    pub reasoning_tokens: u64,
    /// The rest of the input (not read from or written to the cache, not audio or image)
    /// at the input rate.
    pub input_cost: f64,
    /// Cache reads at the cache-read rate (the input rate when `cached_price_assumed`).
    pub cached_input_cost: f64,
    /// Cache writes at the cache-write rate (the input rate when
    /// `cache_write_price_assumed`).
    pub cache_write_cost: f64,
    /// Output, reasoning included unless the model has a reasoning price.
    pub output_cost: f64,
    /// Reasoning at the reasoning rate; 0 when the model has none.
    pub reasoning_cost: f64,
    /// Audio and image tokens at their own rates, and per-call fees.
    pub other_cost: f64,
    /// The sum of the costs.
    pub total_cost: f64,
    /// Whether a price was found. When not, every cost is 0 and the model is reported
    /// in [`SessionCost::unmatched_models`](super::SessionCost::unmatched_models).
    pub matched: bool,
    /// The key that priced it: the user's table key or the catalog's model id.
    pub pricing_key: Option<String>,
    /// The provider whose price was used.
    pub pricing_provider: Option<String>,
    /// Where the price came from (`"user"`, `"genai-prices 0.2.1"`).
    pub pricing_source: Option<String>,
    /// The day the price used took effect, when the data dates it (`YYYY-MM-DD`).
    pub price_date: Option<String>,
    /// The prompt-size tier that applied (its start in input tokens), when one did.
    pub price_tier: Option<u64>,
    /// Cached tokens were priced at the input rate because the model has no cached price.
    pub cached_price_assumed: bool,
    /// Cache writes were priced at the input rate because the model has no write price.
    pub cache_write_price_assumed: bool,
}

/// Unrounded amounts, summed before rounding.
pub(super) type Amounts = Charge;

/// The model an event names, when it names one (blank names count as none).
pub(super) fn event_model(event: &Event) -> Option<&str> {
    event
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
}

pub(super) fn is_session_marker(event: &Event) -> bool {
    matches!(
        event.event_type,
        EventType::SessionStart | EventType::SessionEnd
    )
}

/// Prices one event, returning its cost, the unrounded amounts and the price used.
pub(super) fn price_event(
    event: &Event,
    model: &str,
    table: &PricingTable,
) -> (EventCost, Amounts, Option<Resolved>) {
    let usage = event_usage(event);
    let provider = event_provider(event);
    let price = table.resolve(provider, model, event.time());
    let amounts = price
        .as_ref()
        .map(|p| p.rates.cost(&usage))
        .unwrap_or_default();
    let cost = EventCost {
        event_id: event.event_id.clone(),
        event_type: event.event_type.as_str().to_owned(),
        model: model.to_owned(),
        provider: provider.map(str::to_owned),
        timestamp: event.time().map(|t| t.to_rfc3339()),
        tokens_in: usage.get(Unit::Input),
        tokens_out: usage.get(Unit::Output),
        cached_input_tokens: usage.get(Unit::CacheRead),
        cache_write_tokens: usage.get(Unit::CacheWrite),
        reasoning_tokens: usage.get(Unit::OutputReasoning),
        input_cost: round6(amounts.input),
        cached_input_cost: round6(amounts.cached),
        cache_write_cost: round6(amounts.cache_write),
        output_cost: round6(amounts.output),
        reasoning_cost: round6(amounts.reasoning),
        other_cost: round6(amounts.other),
        total_cost: round6(amounts.total()),
        matched: price.is_some(),
        pricing_key: price.as_ref().map(|p| p.key.clone()),
        pricing_provider: price.as_ref().and_then(|p| p.provider.clone()),
        pricing_source: price.as_ref().map(|p| p.source.clone()),
        price_date: price.as_ref().and_then(|p| p.from.clone()),
        price_tier: amounts.tier,
        cached_price_assumed: amounts.cached_assumed,
        cache_write_price_assumed: amounts.cache_write_assumed,
    };
    (cost, amounts, price)
}

/// What one event cost in USD (6 dp), or `None` when it names no model or its model has
/// no price: [`event_cost`]'s `total_cost` without the rest of the report (what the OTLP
/// encoder writes as `agentlens.cost.usd`, on the SDK's hot path and in its wasm).
pub fn event_cost_usd(event: &Event, table: &PricingTable) -> Option<f64> {
    table.cost_usd(&PricedCall::of(event)?)
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
