//! Usage records: what [`UsageRecord`]s hold, building them from tracked events
//! ([`records_from_events`]), and the [`ForecastError`]s a forecaster call can return.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::UNKNOWN_MODEL;
use crate::model::Event;
use crate::time::UnixNanos;

/// One usage data point: what a call (or a batch of calls) cost, and when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageRecord {
    /// When the usage happened; its UTC date is the day it counts towards.
    pub timestamp: UnixNanos,
    /// Input (prompt) tokens.
    #[serde(default)]
    pub tokens_in: u64,
    /// Output (completion) tokens.
    #[serde(default)]
    pub tokens_out: u64,
    /// Cost in US dollars; must be finite and not negative.
    #[serde(default)]
    pub cost_usd: f64,
    /// The model, if known; [`UNKNOWN_MODEL`] in the per-model breakdown otherwise.
    #[serde(default)]
    pub model: Option<String>,
    /// The session the usage belongs to, if any.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The agent that incurred it, if known.
    #[serde(default)]
    pub agent_name: Option<String>,
}

impl UsageRecord {
    /// A record of `cost_usd` at `timestamp`, with no tokens, model, session or agent.
    pub fn new(timestamp: UnixNanos, cost_usd: f64) -> Self {
        Self {
            timestamp,
            cost_usd,
            ..Self::default()
        }
    }
}

/// Why a forecaster call failed. The messages are the seed's `ValueError` texts.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ForecastError {
    /// A record's cost is negative.
    NegativeCost {
        /// The offending cost.
        cost: f64,
    },
    /// A record's cost is NaN or infinite (the seed accepted these).
    NonFiniteCost,
    /// `days` is outside `1..=90`.
    DaysOutOfRange {
        /// The requested number of days.
        days: u32,
    },
    /// [`CostForecaster::forecast_daily`](super::CostForecaster::forecast_daily) was called
    /// with no records.
    NothingToForecast,
    /// [`CostForecaster::spending_summary`](super::CostForecaster::spending_summary) or
    /// [`CostForecaster::check_budget`](super::CostForecaster::check_budget) was called
    /// with no records.
    NoRecords,
    /// The budget is zero, negative, NaN or infinite.
    InvalidBudget {
        /// The offending budget.
        budget: f64,
    },
}

impl fmt::Display for ForecastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NegativeCost { .. } => f.write_str("cost_usd cannot be negative"),
            Self::NonFiniteCost => f.write_str("cost_usd must be a finite number"),
            Self::DaysOutOfRange { .. } => f.write_str("days must be between 1 and 90"),
            Self::NothingToForecast => {
                f.write_str("No usage records — add data before forecasting")
            }
            Self::NoRecords => f.write_str("No usage records — add data first"),
            Self::InvalidBudget { budget } if !budget.is_finite() => {
                f.write_str("monthly_budget must be a finite number")
            }
            Self::InvalidBudget { .. } => f.write_str("monthly_budget must be positive"),
        }
    }
}

impl std::error::Error for ForecastError {}

/// What [`records_from_events`] made of a trace.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventRecords {
    /// One record per usage-bearing event with a time, in event order.
    pub records: Vec<UsageRecord>,
    /// How many of those records the price function could not price (their cost is 0).
    pub unpriced: usize,
    /// The models among the unpriced records, sorted, without repeats
    /// ([`UNKNOWN_MODEL`] for events without one).
    pub unpriced_models: Vec<String>,
    /// Usage-bearing events skipped because they have no time.
    pub untimed: usize,
}

/// Builds usage records from tracked events.
///
/// An event bears usage when it has a `model` or a non-zero `tokens_in`/`tokens_out` (the
/// SDK sends zero counts on every event; session totals such as `total_tokens_in` are not
/// counted again). Its cost is `price(event)`; a price
/// of `None`, or one that is negative or not finite, counts the record as unpriced —
/// reported, never silently priced at zero. Pass the cost engine's per-event price.
pub fn records_from_events(
    events: &[Event],
    price: impl Fn(&Event) -> Option<f64>,
) -> EventRecords {
    let mut out = EventRecords::default();
    for e in events {
        let tokens = e
            .tokens_in
            .unwrap_or(0)
            .saturating_add(e.tokens_out.unwrap_or(0));
        if tokens == 0 && e.model.is_none() {
            continue;
        }
        let Some(timestamp) = e.time() else {
            out.untimed += 1;
            continue;
        };
        let cost = price(e).filter(|c| c.is_finite() && *c >= 0.0);
        if cost.is_none() {
            out.unpriced += 1;
            let model = e.model.as_deref().unwrap_or(UNKNOWN_MODEL);
            if !out.unpriced_models.iter().any(|m| m == model) {
                out.unpriced_models.push(model.to_owned());
            }
        }
        out.records.push(UsageRecord {
            timestamp,
            tokens_in: e.tokens_in.unwrap_or(0),
            tokens_out: e.tokens_out.unwrap_or(0),
            cost_usd: cost.unwrap_or(0.0),
            model: e.model.clone(),
            session_id: Some(e.session_id.clone()),
            agent_name: e.agent_name.clone(),
        });
    }
    out.unpriced_models.sort();
    out
}
