//! The cost of one event: its tokens split into normal and cached input, output and
//! reasoning, each priced at its rate.

use serde::Serialize;

use super::PricingTable;
use crate::model::{Event, EventType};

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
    /// in [`SessionCost::unmatched_models`](super::SessionCost::unmatched_models).
    pub matched: bool,
    /// The table key that priced it.
    pub pricing_key: Option<String>,
    /// Cached tokens were priced at the input rate because the model has no cached price.
    pub cached_price_assumed: bool,
}

/// Unrounded amounts, summed before rounding.
#[derive(Clone, Copy, Default)]
pub(super) struct Amounts {
    pub(super) input: f64,
    pub(super) cached: f64,
    pub(super) output: f64,
    pub(super) reasoning: f64,
}

impl Amounts {
    pub(super) fn total(self) -> f64 {
        self.input + self.cached + self.output + self.reasoning
    }

    pub(super) fn add(&mut self, other: Self) {
        self.input += other.input;
        self.cached += other.cached;
        self.output += other.output;
        self.reasoning += other.reasoning;
    }
}

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

pub(super) fn price_event(
    event: &Event,
    model: &str,
    table: &PricingTable,
) -> (EventCost, Amounts) {
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
