//! The roll-ups: cost per session ([`session_cost`], [`costs_by_session`]), per UTC day
//! ([`daily_costs`]) and the spending overview ([`cost_summary`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::event::{Amounts, event_model, is_session_marker, price_event};
use super::table::usd;
use super::{EventCost, ModelPrice, PricingTable, round6};
use crate::model::Event;

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
    /// Prompt-cache writes.
    pub cache_write_tokens: u64,
    /// Reasoning tokens.
    pub reasoning_tokens: u64,
    /// Non-cached input cost.
    pub input_cost: f64,
    /// Cached input cost.
    pub cached_input_cost: f64,
    /// Cache write cost.
    pub cache_write_cost: f64,
    /// Output cost (reasoning included unless priced apart).
    pub output_cost: f64,
    /// Reasoning cost, when priced apart.
    pub reasoning_cost: f64,
    /// Audio, image and per-call cost.
    pub other_cost: f64,
    /// Total cost.
    pub total_cost: f64,
    /// Whether the model has a price.
    pub matched: bool,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
    /// Some cache writes were priced at the input rate.
    pub cache_write_price_assumed: bool,
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
    /// Cache write cost.
    pub total_cache_write_cost: f64,
    /// Output cost.
    pub total_output_cost: f64,
    /// Reasoning cost.
    pub total_reasoning_cost: f64,
    /// Audio, image and per-call cost.
    pub total_other_cost: f64,
    /// Input tokens over all events (priced or not; session start/end excluded).
    pub tokens_in: u64,
    /// Output tokens over all events.
    pub tokens_out: u64,
    /// Cached input tokens over the events that name a model.
    pub cached_input_tokens: u64,
    /// Cache writes over the events that name a model.
    pub cache_write_tokens: u64,
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
    /// The price used for each matched model name (its first call's, when the price
    /// changed within the events: see `prices_used`).
    pub pricing_used: BTreeMap<String, ModelPrice>,
    /// Every distinct price used (by key, provider and start date), in order of first use:
    /// a trace spanning a price change lists both periods.
    pub prices_used: Vec<ModelPrice>,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
    /// Some cache writes were priced at the input rate.
    pub cache_write_price_assumed: bool,
}

fn add_to_model(m: &mut ModelCost, c: &EventCost) {
    m.calls += 1;
    m.tokens_in = m.tokens_in.saturating_add(c.tokens_in);
    m.tokens_out = m.tokens_out.saturating_add(c.tokens_out);
    m.cached_input_tokens = m.cached_input_tokens.saturating_add(c.cached_input_tokens);
    m.cache_write_tokens = m.cache_write_tokens.saturating_add(c.cache_write_tokens);
    m.reasoning_tokens = m.reasoning_tokens.saturating_add(c.reasoning_tokens);
    m.matched = c.matched;
    m.cached_price_assumed |= c.cached_price_assumed;
    m.cache_write_price_assumed |= c.cache_write_price_assumed;
}

/// How a roll-up rounds the amounts it adds up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rounding {
    /// To the micro-dollar (6 dp): what every roll-up reports unless asked otherwise.
    #[default]
    Micros,
    /// Not at all, for a caller that adds up the roll-ups of parts (the pages of a long
    /// window): parts rounded each to 6 dp would move the sum by up to half a micro-dollar
    /// per part, enough to flip its last digit when it is rounded in turn.
    Exact,
}

impl Rounding {
    fn apply(self, x: f64) -> f64 {
        match self {
            Self::Micros => round6(x),
            Self::Exact => x,
        }
    }
}

fn set_model_amounts(m: &mut ModelCost, a: &Amounts, r: Rounding) {
    m.input_cost = r.apply(a.input);
    m.cached_input_cost = r.apply(a.cached);
    m.cache_write_cost = r.apply(a.cache_write);
    m.output_cost = r.apply(a.output);
    m.reasoning_cost = r.apply(a.reasoning);
    m.other_cost = r.apply(a.other);
    m.total_cost = r.apply(a.total());
}

/// The cost of `events` priced with `table`: totals, per model, per event, the unmatched
/// models and the prices used. Never fails; an empty slice costs 0.
pub fn session_cost(events: &[Event], table: &PricingTable) -> SessionCost {
    session_cost_with(events, table, Rounding::Micros)
}

/// [`session_cost`] with its totals and per-model amounts rounded by `r` (each event's
/// own cost stays at 6 dp).
pub fn session_cost_with(events: &[Event], table: &PricingTable, r: Rounding) -> SessionCost {
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
        let (cost, amounts, price) = price_event(event, model, table);
        out.cached_input_tokens = out
            .cached_input_tokens
            .saturating_add(cost.cached_input_tokens);
        out.cache_write_tokens = out
            .cache_write_tokens
            .saturating_add(cost.cache_write_tokens);
        out.cached_price_assumed |= cost.cached_price_assumed;
        out.cache_write_price_assumed |= cost.cache_write_price_assumed;
        total.add(&amounts);
        by_model.entry(model.to_owned()).or_default().add(&amounts);
        add_to_model(out.model_costs.entry(model.to_owned()).or_default(), &cost);
        if let Some(price) = price {
            let price = price.report();
            let same = |p: &ModelPrice| {
                p.model == price.model
                    && p.provider == price.provider
                    && p.effective_from == price.effective_from
            };
            if !out.prices_used.iter().any(same) {
                out.prices_used.push(price.clone());
            }
            out.pricing_used.entry(model.to_owned()).or_insert(price);
        } else if !out.unmatched_models.iter().any(|m| m == model) {
            out.unmatched_models.push(model.to_owned());
        }
        out.event_costs.push(cost);
    }
    for (model, amounts) in by_model {
        if let Some(m) = out.model_costs.get_mut(&model) {
            set_model_amounts(m, &amounts, r);
        }
    }
    out.total_cost = r.apply(total.total());
    out.total_input_cost = r.apply(total.input);
    out.total_cached_input_cost = r.apply(total.cached);
    out.total_cache_write_cost = r.apply(total.cache_write);
    out.total_output_cost = r.apply(total.output);
    out.total_reasoning_cost = r.apply(total.reasoning);
    out.total_other_cost = r.apply(total.other);
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
    /// Cache write cost.
    pub cache_write_cost: f64,
    /// Output cost (reasoning included).
    pub output_cost: f64,
    /// Audio, image and per-call cost.
    pub other_cost: f64,
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
    daily_costs_with(events, table, Rounding::Micros)
}

/// [`daily_costs`] with its amounts rounded by `r`.
pub fn daily_costs_with(events: &[Event], table: &PricingTable, r: Rounding) -> DailyCosts {
    let mut out = DailyCosts::default();
    let mut days: BTreeMap<String, (DayCost, Amounts)> = BTreeMap::new();
    let mut undated = Amounts::default();
    for event in events.iter().filter(|e| !is_session_marker(e)) {
        let Some(model) = event_model(event) else {
            continue;
        };
        let (cost, amounts, _) = price_event(event, model, table);
        if !cost.matched && !out.unmatched_models.iter().any(|m| m == model) {
            out.unmatched_models.push(model.to_owned());
        }
        let Some(time) = event.time() else {
            out.undated_events += 1;
            undated.add(&amounts);
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
        a.add(&amounts);
    }
    out.undated_cost = r.apply(undated.total());
    out.days = days
        .into_values()
        .map(|(mut d, a)| {
            d.cost = r.apply(a.total());
            d.input_cost = r.apply(a.input);
            d.cached_input_cost = r.apply(a.cached);
            d.cache_write_cost = r.apply(a.cache_write);
            d.output_cost = r.apply(a.output + a.reasoning);
            d.other_cost = r.apply(a.other);
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
    /// Cache write cost.
    pub total_cache_write_cost: f64,
    /// Output cost, reasoning included.
    pub total_output_cost: f64,
    /// Audio, image and per-call cost.
    pub total_other_cost: f64,
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
    /// Some cache writes were priced at the input rate.
    pub cache_write_price_assumed: bool,
}

/// The spending overview of `events` (see [`CostSummary`]).
pub fn cost_summary(events: &[Event], table: &PricingTable) -> CostSummary {
    cost_summary_with(events, table, Rounding::Micros)
}

/// [`cost_summary`] with its amounts rounded by `r` (the shares stay at 2 dp).
pub fn cost_summary_with(events: &[Event], table: &PricingTable, r: Rounding) -> CostSummary {
    let session = session_cost_with(events, table, r);
    let daily = daily_costs_with(events, table, r);
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
        total_cache_write_cost: session.total_cache_write_cost,
        total_output_cost: r.apply(session.total_output_cost + session.total_reasoning_cost),
        total_other_cost: session.total_other_cost,
        avg_daily_cost: r.apply(avg),
        projected_monthly_cost: r.apply(avg * 30.0),
        currency: usd(),
        by_model,
        daily_trend: daily.days,
        unmatched_models: session.unmatched_models,
        cached_price_assumed: session.cached_price_assumed,
        cache_write_price_assumed: session.cache_write_price_assumed,
    }
}
