//! What the forecaster reports: the [`ForecastResult`] of a forecast, the
//! [`SpendingSummary`] with its [`Trend`] and per-model usage, and their JSON.

use serde_json::{Value, json};

use super::Method;

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

/// What [`CostForecaster::forecast_daily`](super::CostForecaster::forecast_daily) predicts.
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
    /// More than [`TREND_THRESHOLD_PCT`](super::TREND_THRESHOLD_PCT) percent of the mean per day.
    Increasing,
    /// Less than −[`TREND_THRESHOLD_PCT`](super::TREND_THRESHOLD_PCT) percent of the mean per
    /// day.
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
    /// The model, or [`UNKNOWN_MODEL`](super::UNKNOWN_MODEL).
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

/// What [`CostForecaster::spending_summary`](super::CostForecaster::spending_summary) reports.
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

/// Rounds half away from zero at `dp` decimal places (Python's `round` rounds the exact
/// binary value half-to-even; the two differ only on exact ties). Non-finite values pass
/// through.
fn round_to(x: f64, dp: i32) -> f64 {
    let scale = 10f64.powi(dp);
    let r = (x * scale).round() / scale;
    if r.is_finite() { r } else { x }
}
