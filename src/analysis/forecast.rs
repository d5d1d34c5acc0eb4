//! Cost forecasting, spending summaries and budget checks: the AgentLens SDK's
//! `CostForecaster` (reference B.4, `sdk/agentlens/forecast.py`).
//!
//! Feed a [`CostForecaster`] [`UsageRecord`]s (or build them from tracked events with
//! [`records_from_events`]), then ask for:
//!
//! - [`CostForecaster::forecast_daily`]: a cost and token prediction for each of the next
//!   1–90 days, by linear regression, an exponential moving average or the plain average,
//!   with a confidence band ([`ForecastResult`]).
//! - [`CostForecaster::spending_summary`]: totals, daily averages, weekly and monthly
//!   projections, cost per 1K tokens, the busiest day, per-model usage and the trend
//!   ([`SpendingSummary`]).
//! - [`CostForecaster::check_budget`]: whether the current pace stays inside a budget
//!   ([`BudgetAlert`]).
//!
//! Days are UTC calendar dates of the records' [`UnixNanos`] instants. The seed keyed a
//! day by `datetime.strftime("%Y-%m-%d")` in the datetime's own timezone; a record here is
//! an instant with no zone of its own, so UTC is the only reading that gives every host
//! the same answer. Days without records are not filled in: the regression's x is the
//! index among days that have data, as in the seed.
//!
//! **Auto method thresholds.** The seed's documentation (seed 001) says linear needs
//! "7+ days of data", EMA "3–6 days" and the average "fewer than 3 days". The seed's code
//! uses n ≥ 5 → linear, 2 ≤ n < 5 → EMA, n = 1 → average, and the code is what users got,
//! so [`Method::Auto`] follows the code.
//!
//! Nothing here reads a clock: the seed stamped `forecast_generated_at` with the wall
//! clock, which [`ForecastResult`] leaves to the host.
//!
//! # Deliberate differences from the seed
//!
//! Each is covered by a test named for it.
//!
//! - A NaN or infinite cost is rejected by [`CostForecaster::add_record`] (the seed's
//!   `cost < 0` let NaN through and it poisoned every later figure); so is a NaN or
//!   infinite budget in [`CostForecaster::check_budget`].
//! - Token counts are `u64`, so a negative count cannot be expressed at all.
//! - [`CostForecaster::add_records`] checks every record before adding any; the seed
//!   kept the ones before the first bad record.
//! - A linear forecast whose line goes below zero clamps the band's high end at zero too,
//!   so the band always contains the (clamped) prediction; the seed could return a
//!   negative `confidence_high` below a prediction of 0.
//! - A critical budget alert says "Already exceeded!" only when the spend so far has
//!   reached the budget. The seed said so whenever less than one day's average spend
//!   remained (`days_until_exceeded == 0` after truncation); that case now reads
//!   "~0 days until exceeded.".
//! - The seed's guards for a two-day linear band (no division by `n − 2 = 0`) and a
//!   zero-mean trend (no division by zero) are kept and pinned by regression tests.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::Event;
use crate::time::UnixNanos;

/// The most days [`CostForecaster::forecast_daily`] predicts.
pub const MAX_FORECAST_DAYS: u32 = 90;

/// The smoothing factor of the exponential moving average.
pub const EMA_ALPHA: f64 = 0.3;

/// Width of the EMA and average bands, in sample standard deviations.
pub const BAND_STDEVS: f64 = 1.5;

/// The trend is "increasing" or "decreasing" beyond this many percent per day.
pub const TREND_THRESHOLD_PCT: f64 = 5.0;

/// The budget is "safe" while the projection is at most this share of it.
pub const SAFE_SHARE: f64 = 0.8;

/// The model name used for records without one.
pub const UNKNOWN_MODEL: &str = "unknown";

const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;

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
    /// [`CostForecaster::forecast_daily`] was called with no records.
    NothingToForecast,
    /// [`CostForecaster::spending_summary`] or [`CostForecaster::check_budget`] was
    /// called with no records.
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

/// How to forecast.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Pick by the number n of days with data: n ≥ 5 linear, 2 ≤ n < 5 EMA, n = 1 average.
    #[default]
    Auto,
    /// Least-squares line through the daily costs, extrapolated.
    Linear,
    /// Exponential moving average (α = [`EMA_ALPHA`]), held constant.
    Ema,
    /// The mean daily cost, held constant.
    Average,
}

impl Method {
    /// The seed's name: `"auto"`, `"linear"`, `"ema"` or `"average"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Linear => "linear",
            Self::Ema => "ema",
            Self::Average => "average",
        }
    }

    /// Reads a seed name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Self::Auto),
            "linear" => Some(Self::Linear),
            "ema" => Some(Self::Ema),
            "average" => Some(Self::Average),
            _ => None,
        }
    }

    /// The concrete method [`Method::Auto`] picks for `days_with_data` days; other methods
    /// are returned as they are.
    pub fn resolve(self, days_with_data: usize) -> Self {
        match self {
            Self::Auto if days_with_data >= 5 => Self::Linear,
            Self::Auto if days_with_data >= 2 => Self::Ema,
            Self::Auto => Self::Average,
            other => other,
        }
    }
}

/// The prediction for one future day.
#[derive(Clone, Debug, PartialEq)]
pub struct DailyPrediction {
    /// The UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Predicted cost in USD, never negative.
    pub predicted_cost: f64,
    /// Predicted tokens (input + output).
    pub predicted_tokens: u64,
    /// Low end of the band, never negative.
    pub confidence_low: f64,
    /// High end of the band, never below `predicted_cost`.
    pub confidence_high: f64,
    /// The method used (never [`Method::Auto`]).
    pub method: Method,
}

/// What [`CostForecaster::forecast_daily`] predicts.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastResult {
    /// One prediction per future day, in date order.
    pub daily_predictions: Vec<DailyPrediction>,
    /// Sum of the predicted costs.
    pub total_predicted_cost: f64,
    /// Sum of the predicted tokens.
    pub total_predicted_tokens: u64,
    /// The method used (never [`Method::Auto`]).
    pub method: Method,
    /// Number of days with data the forecast was fitted on.
    pub data_points_used: usize,
}

impl ForecastResult {
    /// The seed's `to_dict()`, costs rounded to 6 decimal places; without
    /// `forecast_generated_at`, which needs a clock (the host may add it).
    pub fn to_json_value(&self) -> Value {
        let predictions: Vec<Value> = self
            .daily_predictions
            .iter()
            .map(|p| {
                json!({
                    "date": p.date,
                    "predicted_cost": round_to(p.predicted_cost, 6),
                    "predicted_tokens": p.predicted_tokens,
                    "confidence_low": round_to(p.confidence_low, 6),
                    "confidence_high": round_to(p.confidence_high, 6),
                    "method": p.method.as_str(),
                })
            })
            .collect();
        json!({
            "daily_predictions": predictions,
            "total_predicted_cost": round_to(self.total_predicted_cost, 6),
            "total_predicted_tokens": self.total_predicted_tokens,
            "method": self.method.as_str(),
            "data_points_used": self.data_points_used,
        })
    }
}

/// The cost trend over the days with data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// More than [`TREND_THRESHOLD_PCT`] percent of the mean per day.
    Increasing,
    /// Less than −[`TREND_THRESHOLD_PCT`] percent of the mean per day.
    Decreasing,
    /// In between, or every day cost nothing.
    Stable,
    /// Fewer than 3 days with data.
    InsufficientData,
}

impl Trend {
    /// The seed's name: `"increasing"`, `"decreasing"`, `"stable"`, `"insufficient_data"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Increasing => "increasing",
            Self::Decreasing => "decreasing",
            Self::Stable => "stable",
            Self::InsufficientData => "insufficient_data",
        }
    }
}

/// Usage of one model across all records.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelUsage {
    /// The model, or [`UNKNOWN_MODEL`].
    pub model: String,
    /// Total cost in USD.
    pub cost: f64,
    /// Total input tokens.
    pub tokens_in: u64,
    /// Total output tokens.
    pub tokens_out: u64,
    /// Number of records.
    pub count: u64,
}

/// What [`CostForecaster::spending_summary`] reports.
#[derive(Clone, Debug, PartialEq)]
pub struct SpendingSummary {
    /// Total cost in USD.
    pub total_cost: f64,
    /// Total tokens (input + output).
    pub total_tokens: u64,
    /// Total input tokens.
    pub total_tokens_in: u64,
    /// Total output tokens.
    pub total_tokens_out: u64,
    /// Number of records.
    pub record_count: usize,
    /// Number of days with data.
    pub days_tracked: usize,
    /// `total_cost / days_tracked`.
    pub daily_average_cost: f64,
    /// `total_tokens / days_tracked`, rounded down.
    pub daily_average_tokens: u64,
    /// `daily_average_cost · 7`.
    pub weekly_projection: f64,
    /// `daily_average_cost · 30`.
    pub monthly_projection: f64,
    /// `total_cost / total_tokens · 1000`, or 0 without tokens.
    pub cost_per_1k_tokens: f64,
    /// The UTC date with the highest cost (the earliest if tied), `YYYY-MM-DD`.
    pub busiest_day: String,
    /// The cost of that day.
    pub busiest_day_cost: f64,
    /// Per-model usage, in order of first appearance.
    pub model_breakdown: Vec<ModelUsage>,
    /// The model with the highest cost (the first seen if tied). Seed 001 documents
    /// `top_model`; the seed's code never computed it.
    pub top_model: String,
    /// The cost trend.
    pub trend: Trend,
    /// The regression slope as a percentage of the mean daily cost.
    pub trend_pct_change: f64,
}

impl SpendingSummary {
    /// The seed's `to_dict()` (costs at 6 dp, projections and trend at 4 dp), plus
    /// `top_model`.
    pub fn to_json_value(&self) -> Value {
        let mut breakdown = serde_json::Map::new();
        for m in &self.model_breakdown {
            breakdown.insert(
                m.model.clone(),
                json!({
                    "cost": round_to(m.cost, 6),
                    "tokens_in": m.tokens_in,
                    "tokens_out": m.tokens_out,
                    "count": m.count,
                }),
            );
        }
        json!({
            "total_cost": round_to(self.total_cost, 6),
            "total_tokens": self.total_tokens,
            "total_tokens_in": self.total_tokens_in,
            "total_tokens_out": self.total_tokens_out,
            "record_count": self.record_count,
            "days_tracked": self.days_tracked,
            "daily_average_cost": round_to(self.daily_average_cost, 6),
            "daily_average_tokens": self.daily_average_tokens,
            "weekly_projection": round_to(self.weekly_projection, 4),
            "monthly_projection": round_to(self.monthly_projection, 4),
            "cost_per_1k_tokens": round_to(self.cost_per_1k_tokens, 6),
            "busiest_day": self.busiest_day,
            "busiest_day_cost": round_to(self.busiest_day_cost, 6),
            "model_breakdown": breakdown,
            "top_model": self.top_model,
            "trend": self.trend.as_str(),
            "trend_pct_change": round_to(self.trend_pct_change, 4),
        })
    }
}

/// How worried to be about a budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The projection is at most 80% of the budget.
    Safe,
    /// The projection is over 80% of the budget but within it.
    Warning,
    /// The projection exceeds the budget.
    Critical,
}

impl Severity {
    /// The seed's name: `"safe"`, `"warning"` or `"critical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// What [`CostForecaster::check_budget`] reports.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetAlert {
    /// The budget checked against, in USD.
    pub budget_usd: f64,
    /// Whole days of spending at the daily average left before the budget is used up
    /// (0 when it already is); `None` when nothing is being spent.
    pub days_until_exceeded: Option<u64>,
    /// The daily average times the days in the period (the seed's
    /// `projected_spend_at_limit`).
    pub projected_spend: f64,
    /// How far the projection exceeds the budget, in percent; 0 when it does not.
    pub overshoot_pct: f64,
    /// The verdict.
    pub severity: Severity,
    /// The seed's one-line message.
    pub message: String,
}

impl BudgetAlert {
    /// The seed's field names, unrounded.
    pub fn to_json_value(&self) -> Value {
        json!({
            "budget_usd": self.budget_usd,
            "days_until_exceeded": self.days_until_exceeded,
            "projected_spend_at_limit": self.projected_spend,
            "overshoot_pct": self.overshoot_pct,
            "severity": self.severity.as_str(),
            "message": self.message,
        })
    }
}

/// One UTC day's usage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DailyUsage {
    /// The UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Total cost in USD.
    pub cost: f64,
    /// Total tokens (input + output).
    pub tokens: u64,
    /// Total input tokens.
    pub tokens_in: u64,
    /// Total output tokens.
    pub tokens_out: u64,
    /// Number of records.
    pub count: u64,
}

/// Collects usage records and forecasts, summarises and checks budgets over them.
///
/// Aggregates are kept up to date as records are added, so every query is cheap and
/// reads no clock.
///
/// ```
/// use agentlens::analysis::forecast::{CostForecaster, Method, UsageRecord};
/// use agentlens::time::UnixNanos;
///
/// let day = 86_400_000_000_000_i64;
/// let mut f = CostForecaster::new();
/// for d in 0..3 {
///     f.add_record(UsageRecord::new(UnixNanos(d * day), 1.0)).unwrap();
/// }
/// let forecast = f.forecast_daily(2, Method::Auto, 0.9).unwrap();
/// assert_eq!(forecast.method, Method::Ema);
/// assert_eq!(forecast.daily_predictions[0].date, "1970-01-04");
/// ```
#[derive(Clone, Debug, Default)]
pub struct CostForecaster {
    records: Vec<UsageRecord>,
    /// Days since the epoch → that day's usage.
    days: BTreeMap<i64, DailyUsage>,
    models: Vec<ModelUsage>,
}

impl CostForecaster {
    /// An empty forecaster.
    pub fn new() -> Self {
        Self::default()
    }

    /// The records added so far, in the order they were added.
    pub fn records(&self) -> &[UsageRecord] {
        &self.records
    }

    /// Number of records added.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Per-day usage, in date order (days without records are absent).
    pub fn daily_usage(&self) -> impl Iterator<Item = &DailyUsage> {
        self.days.values()
    }

    /// Removes every record.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Adds one record.
    ///
    /// # Errors
    /// [`ForecastError::NegativeCost`] or [`ForecastError::NonFiniteCost`]; the record is
    /// not added.
    pub fn add_record(&mut self, record: UsageRecord) -> Result<(), ForecastError> {
        check_record(&record)?;
        let day = record.timestamp.0.div_euclid(NANOS_PER_DAY);
        let entry = self.days.entry(day).or_insert_with(|| DailyUsage {
            date: crate::time::format_days(day),
            ..DailyUsage::default()
        });
        let tokens = record.tokens_in.saturating_add(record.tokens_out);
        entry.cost += record.cost_usd;
        entry.tokens = entry.tokens.saturating_add(tokens);
        entry.tokens_in = entry.tokens_in.saturating_add(record.tokens_in);
        entry.tokens_out = entry.tokens_out.saturating_add(record.tokens_out);
        entry.count += 1;

        let name = record.model.as_deref().unwrap_or(UNKNOWN_MODEL);
        let at = match self.models.iter().position(|m| m.model == name) {
            Some(at) => at,
            None => {
                self.models.push(ModelUsage {
                    model: name.to_owned(),
                    cost: 0.0,
                    tokens_in: 0,
                    tokens_out: 0,
                    count: 0,
                });
                self.models.len() - 1
            }
        };
        let m = &mut self.models[at];
        m.cost += record.cost_usd;
        m.tokens_in = m.tokens_in.saturating_add(record.tokens_in);
        m.tokens_out = m.tokens_out.saturating_add(record.tokens_out);
        m.count += 1;

        self.records.push(record);
        Ok(())
    }

    /// Adds several records: all of them, or none if any is invalid.
    ///
    /// # Errors
    /// As [`CostForecaster::add_record`], for the first invalid record.
    pub fn add_records(
        &mut self,
        records: impl IntoIterator<Item = UsageRecord>,
    ) -> Result<(), ForecastError> {
        let records: Vec<UsageRecord> = records.into_iter().collect();
        records.iter().try_for_each(check_record)?;
        for r in records {
            self.add_record(r)?;
        }
        Ok(())
    }

    fn daily_costs(&self) -> Vec<f64> {
        self.days.values().map(|d| d.cost).collect()
    }

    /// Predicts each of the next `days` days after the last day with data.
    ///
    /// `confidence` picks the linear band's z: 1.645 at 0.9 or above, 1.28 below (and
    /// for NaN). It does not affect the EMA and average bands (±1.5 sample standard
    /// deviations, or ±50% of the value with one day of data).
    ///
    /// # Errors
    /// [`ForecastError::DaysOutOfRange`] unless `1 ≤ days ≤ 90`;
    /// [`ForecastError::NothingToForecast`] without records.
    pub fn forecast_daily(
        &self,
        days: u32,
        method: Method,
        confidence: f64,
    ) -> Result<ForecastResult, ForecastError> {
        if !(1..=MAX_FORECAST_DAYS).contains(&days) {
            return Err(ForecastError::DaysOutOfRange { days });
        }
        let Some((&last_day, _)) = self.days.last_key_value() else {
            return Err(ForecastError::NothingToForecast);
        };
        let costs = self.daily_costs();
        let tokens: Vec<f64> = self.days.values().map(|d| d.tokens as f64).collect();
        let n = costs.len();
        let method = method.resolve(n);

        let mut predictions = Vec::with_capacity(days as usize);
        let date = |d: u32| crate::time::format_days(last_day + i64::from(d));
        if method == Method::Linear {
            let (slope, intercept) = linear_regression(&costs);
            let (t_slope, t_intercept) = linear_regression(&tokens);
            let z = if confidence >= 0.9 { 1.645 } else { 1.28 };
            let se = residual_se(&costs, slope, intercept);
            for d in 1..=days {
                let x = (n - 1) as f64 + f64::from(d);
                let line = slope * x + intercept;
                let predicted_cost = line.max(0.0);
                let (low, high) = match se {
                    None => (predicted_cost * 0.5, predicted_cost * 1.5),
                    Some(se) => {
                        let margin = z * se * (1.0 + 1.0 / n as f64).sqrt();
                        // Seed bug: `line + margin` alone can be negative, below a
                        // prediction clamped to 0.
                        (
                            (line - margin).max(0.0),
                            (line + margin).max(predicted_cost),
                        )
                    }
                };
                predictions.push(DailyPrediction {
                    date: date(d),
                    predicted_cost,
                    predicted_tokens: to_tokens(t_slope * x + t_intercept),
                    confidence_low: low,
                    confidence_high: high,
                    method,
                });
            }
        } else {
            let (value, token_value) = if method == Method::Ema {
                (ema(&costs, EMA_ALPHA), to_tokens(ema(&tokens, EMA_ALPHA)))
            } else {
                let total = self
                    .days
                    .values()
                    .fold(0u64, |a, d| a.saturating_add(d.tokens));
                (mean(&costs), total / n as u64)
            };
            let predicted_cost = value.max(0.0);
            let spread = sample_stdev(&costs).unwrap_or(value * 0.5);
            for d in 1..=days {
                predictions.push(DailyPrediction {
                    date: date(d),
                    predicted_cost,
                    predicted_tokens: token_value,
                    confidence_low: (value - BAND_STDEVS * spread).max(0.0),
                    confidence_high: (value + BAND_STDEVS * spread).max(predicted_cost),
                    method,
                });
            }
        }
        Ok(ForecastResult {
            total_predicted_cost: predictions.iter().map(|p| p.predicted_cost).sum(),
            total_predicted_tokens: predictions
                .iter()
                .fold(0u64, |acc, p| acc.saturating_add(p.predicted_tokens)),
            daily_predictions: predictions,
            method,
            data_points_used: n,
        })
    }

    /// Totals, averages, projections, the busiest day, per-model usage and the trend.
    ///
    /// # Errors
    /// [`ForecastError::NoRecords`] without records.
    pub fn spending_summary(&self) -> Result<SpendingSummary, ForecastError> {
        let costs = self.daily_costs();
        let n = costs.len();
        if n == 0 {
            return Err(ForecastError::NoRecords);
        }
        let total_cost: f64 = costs.iter().sum();
        let total_in = self
            .days
            .values()
            .fold(0u64, |a, d| a.saturating_add(d.tokens_in));
        let total_out = self
            .days
            .values()
            .fold(0u64, |a, d| a.saturating_add(d.tokens_out));
        let total_tokens = total_in.saturating_add(total_out);
        let daily_average_cost = total_cost / n as f64;
        let cost_per_1k_tokens = if total_tokens > 0 {
            total_cost / total_tokens as f64 * 1000.0
        } else {
            0.0
        };
        // The first maximum, as Python's `max` keeps.
        let mut busiest: Option<&DailyUsage> = None;
        for d in self.days.values() {
            if busiest.is_none_or(|b| d.cost > b.cost) {
                busiest = Some(d);
            }
        }
        let mut top: Option<&ModelUsage> = None;
        for m in &self.models {
            if top.is_none_or(|t| m.cost > t.cost) {
                top = Some(m);
            }
        }
        let (trend, trend_pct_change) = detect_trend(&costs);
        Ok(SpendingSummary {
            total_cost,
            total_tokens,
            total_tokens_in: total_in,
            total_tokens_out: total_out,
            record_count: self.records.len(),
            days_tracked: n,
            daily_average_cost,
            daily_average_tokens: total_tokens / n as u64,
            weekly_projection: daily_average_cost * 7.0,
            monthly_projection: daily_average_cost * 30.0,
            cost_per_1k_tokens,
            busiest_day: busiest.map(|b| b.date.clone()).unwrap_or_default(),
            busiest_day_cost: busiest.map_or(0.0, |b| b.cost),
            model_breakdown: self.models.clone(),
            top_model: top.map(|t| t.model.clone()).unwrap_or_default(),
            trend,
            trend_pct_change,
        })
    }

    /// Whether spending at the current daily average stays within `monthly_budget` over
    /// `days_in_period` days (the seed's default is 30).
    ///
    /// # Errors
    /// [`ForecastError::InvalidBudget`] unless the budget is positive and finite;
    /// [`ForecastError::NoRecords`] without records.
    pub fn check_budget(
        &self,
        monthly_budget: f64,
        days_in_period: u32,
    ) -> Result<BudgetAlert, ForecastError> {
        if !(monthly_budget > 0.0 && monthly_budget.is_finite()) {
            return Err(ForecastError::InvalidBudget {
                budget: monthly_budget,
            });
        }
        let costs = self.daily_costs();
        if costs.is_empty() {
            return Err(ForecastError::NoRecords);
        }
        let total_spent: f64 = costs.iter().sum();
        let daily_avg = total_spent / costs.len() as f64;
        let projected = daily_avg * f64::from(days_in_period);
        let remaining = monthly_budget - total_spent;
        let days_until_exceeded = (daily_avg > 0.0).then(|| {
            if remaining > 0.0 {
                // Truncation as Python's `int()`; saturates for absurdly small averages.
                (remaining / daily_avg) as u64
            } else {
                0
            }
        });
        let overshoot_pct = ((projected - monthly_budget) / monthly_budget * 100.0).max(0.0);
        let share = projected / monthly_budget * 100.0;
        let (severity, message) = if projected <= monthly_budget * SAFE_SHARE {
            (
                Severity::Safe,
                format!(
                    "On track: projected ${projected:.2} of ${monthly_budget:.2} budget ({share:.0}%)"
                ),
            )
        } else if projected <= monthly_budget {
            (
                Severity::Warning,
                format!(
                    "Approaching limit: projected ${projected:.2} of ${monthly_budget:.2} \
                     ({share:.0}%). Consider reducing usage."
                ),
            )
        } else {
            // Seed bug: the seed said "Already exceeded!" whenever `days_until == 0`,
            // including when less than one day's spend was still left.
            let when = if remaining <= 0.0 {
                "Already exceeded!".to_owned()
            } else {
                format!("~{} days until exceeded.", days_until_exceeded.unwrap_or(0))
            };
            (
                Severity::Critical,
                format!(
                    "Budget overrun likely: projected ${projected:.2} vs ${monthly_budget:.2} \
                     limit (+{overshoot_pct:.0}%). {when}"
                ),
            )
        };
        Ok(BudgetAlert {
            budget_usd: monthly_budget,
            days_until_exceeded,
            projected_spend: projected,
            overshoot_pct,
            severity,
            message,
        })
    }
}

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

/// Ordinary least squares on x = 0, 1, …, n − 1: `(slope, intercept)`.
///
/// No values give `(0, 0)`, one gives `(0, y₀)`, and a flat x (impossible for n ≥ 2)
/// gives `(0, ȳ)`, as the seed's `_utils.linear_regression`.
pub fn linear_regression(ys: &[f64]) -> (f64, f64) {
    match ys {
        [] => (0.0, 0.0),
        [y] => (0.0, *y),
        _ => {
            let n = ys.len() as f64;
            let x_mean = (n - 1.0) / 2.0;
            let y_mean = mean(ys);
            let mut num = 0.0;
            let mut den = 0.0;
            for (i, y) in ys.iter().enumerate() {
                let dx = i as f64 - x_mean;
                num += dx * (y - y_mean);
                den += dx * dx;
            }
            if den == 0.0 {
                return (0.0, y_mean);
            }
            let slope = num / den;
            (slope, y_mean - slope * x_mean)
        }
    }
}

/// Exponential moving average seeded with the first value: `e = α·v + (1 − α)·e`.
/// No values give 0.
pub fn ema(values: &[f64], alpha: f64) -> f64 {
    let Some((first, rest)) = values.split_first() else {
        return 0.0;
    };
    rest.iter()
        .fold(*first, |e, v| alpha * v + (1.0 - alpha) * e)
}

/// The trend of daily costs: fewer than 3 gives ([`Trend::InsufficientData`], 0); a
/// zero mean gives ([`Trend::Stable`], 0); otherwise the slope as a percentage of the
/// mean, beyond ±[`TREND_THRESHOLD_PCT`] increasing or decreasing.
pub fn detect_trend(daily_costs: &[f64]) -> (Trend, f64) {
    if daily_costs.len() < 3 {
        return (Trend::InsufficientData, 0.0);
    }
    let (slope, _) = linear_regression(daily_costs);
    let avg = mean(daily_costs);
    if avg == 0.0 {
        return (Trend::Stable, 0.0);
    }
    let pct = slope / avg * 100.0;
    let trend = if pct > TREND_THRESHOLD_PCT {
        Trend::Increasing
    } else if pct < -TREND_THRESHOLD_PCT {
        Trend::Decreasing
    } else {
        Trend::Stable
    };
    (trend, pct)
}

fn check_record(r: &UsageRecord) -> Result<(), ForecastError> {
    if !r.cost_usd.is_finite() {
        Err(ForecastError::NonFiniteCost)
    } else if r.cost_usd < 0.0 {
        Err(ForecastError::NegativeCost { cost: r.cost_usd })
    } else {
        Ok(())
    }
}

/// The linear band's residual standard error, or `None` below 3 points (the seed's
/// ±50% band; also what keeps `n − 2` from being 0).
fn residual_se(ys: &[f64], slope: f64, intercept: f64) -> Option<f64> {
    let n = ys.len();
    if n < 3 {
        return None;
    }
    let ss: f64 = ys
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let r = y - (slope * i as f64 + intercept);
            r * r
        })
        .sum();
    Some((ss / (n - 2) as f64).sqrt())
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Python's `statistics.stdev`; `None` below 2 values.
fn sample_stdev(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// `max(0, int(x))`: truncates toward zero; NaN gives 0 and huge values saturate.
fn to_tokens(x: f64) -> u64 {
    if x > 0.0 { x as u64 } else { 0 }
}

/// Rounds half away from zero at `dp` decimal places (Python's `round` rounds the exact
/// binary value half-to-even; the two differ only on exact ties). Non-finite values pass
/// through.
fn round_to(x: f64, dp: i32) -> f64 {
    let scale = 10f64.powi(dp);
    let r = (x * scale).round() / scale;
    if r.is_finite() { r } else { x }
}
