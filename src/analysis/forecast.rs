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
//! Days are UTC calendar dates of the records' [`UnixNanos`](crate::time::UnixNanos)
//! instants. The seed keyed a day by `datetime.strftime("%Y-%m-%d")` in the datetime's
//! own timezone; a record here is an instant with no zone of its own, so UTC is the only
//! reading that gives every host the same answer. Days without records are not filled
//! in: the regression's x is the index among days that have data, as in the seed.
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

mod budget;
mod forecaster;
mod math;
mod record;
mod report;

pub use budget::{BudgetAlert, Severity};
pub use forecaster::{CostForecaster, DailyUsage, Method};
pub use math::{detect_trend, ema, linear_regression};
pub use record::{EventRecords, ForecastError, UsageRecord, records_from_events};
pub use report::{DailyPrediction, ForecastResult, ModelUsage, SpendingSummary, Trend};

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
