//! The [`CostForecaster`]: collects usage records into daily and per-model aggregates,
//! forecasts the next days ([`Method`]) and summarises spending.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::math::{detect_trend, ema, linear_regression, mean, residual_se, sample_stdev};
use super::{
    BAND_STDEVS, DailyPrediction, EMA_ALPHA, ForecastError, ForecastResult, MAX_FORECAST_DAYS,
    ModelUsage, SpendingSummary, UNKNOWN_MODEL, UsageRecord,
};

const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;

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

    pub(super) fn daily_costs(&self) -> Vec<f64> {
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

        let date = |d: u32| crate::time::format_days(last_day + i64::from(d));
        let predictions: Vec<DailyPrediction> = if method == Method::Linear {
            linear_predictions(&costs, &tokens, days, confidence, date)
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
            (1..=days)
                .map(|d| DailyPrediction {
                    date: date(d),
                    predicted_cost,
                    predicted_tokens: token_value,
                    confidence_low: (value - BAND_STDEVS * spread).max(0.0),
                    confidence_high: (value + BAND_STDEVS * spread).max(predicted_cost),
                    method,
                })
                .collect()
        };
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

/// `max(0, int(x))`: truncates toward zero; NaN gives 0 and huge values saturate.
fn to_tokens(x: f64) -> u64 {
    if x > 0.0 { x as u64 } else { 0 }
}

/// The linear method's next `days` predictions: the regression line over the daily
/// costs (and tokens), clamped at 0, with a band of `z` residual standard errors.
fn linear_predictions(
    costs: &[f64],
    tokens: &[f64],
    days: u32,
    confidence: f64,
    date: impl Fn(u32) -> String,
) -> Vec<DailyPrediction> {
    let n = costs.len();
    let (slope, intercept) = linear_regression(costs);
    let (t_slope, t_intercept) = linear_regression(tokens);
    let z = if confidence >= 0.9 { 1.645 } else { 1.28 };
    let se = residual_se(costs, slope, intercept);
    (1..=days)
        .map(|d| {
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
            DailyPrediction {
                date: date(d),
                predicted_cost,
                predicted_tokens: to_tokens(t_slope * x + t_intercept),
                confidence_low: low,
                confidence_high: high,
                method: Method::Linear,
            }
        })
        .collect()
}
