//! The cost forecaster (`analysis::forecast`): the seed's `test_forecast.py` behaviours
//! (reference D.2), the shared fixtures `tests/fixtures/analysis/forecast_*.json`, the
//! seed bugs we fix, and a property test.
//!
//! Floats are compared with a relative tolerance of [`REL_TOL`] (1e-9), with an absolute
//! floor of the same size for values near zero. The fixtures' expected values come from
//! the seed's algorithm (reference B.4) run in Python; each fixture's `about` names the
//! seed test it reproduces.

use agentlens::analysis::forecast::{
    CostForecaster, ForecastError, Method, Severity, Trend, UsageRecord, detect_trend, ema,
    linear_regression, records_from_events,
};
use agentlens::model::{Event, EventType};
use agentlens::time::UnixNanos;
use proptest::prelude::*;
use serde_json::Value;

/// Relative tolerance for every float comparison in this file.
const REL_TOL: f64 = 1e-9;

const DAY: i64 = 86_400_000_000_000;
/// 2026-03-01T12:00:00Z.
const MARCH_1_NOON: i64 = 1_772_366_400_000_000_000;

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_TOL * a.abs().max(b.abs()).max(1.0)
}

fn assert_close(a: f64, b: f64, what: &str) {
    assert!(close(a, b), "{what}: {a} != {b}");
}

fn at(day: i64) -> UnixNanos {
    UnixNanos(MARCH_1_NOON + day * DAY)
}

fn rec(day: i64, cost: f64) -> UsageRecord {
    UsageRecord {
        tokens_in: 1000,
        tokens_out: 500,
        model: Some("gpt-4o".into()),
        ..UsageRecord::new(at(day), cost)
    }
}

fn forecaster(costs: &[f64]) -> CostForecaster {
    let mut f = CostForecaster::new();
    for (i, c) in costs.iter().enumerate() {
        f.add_record(rec(i as i64, *c)).unwrap();
    }
    f
}

/// `expected` is a subset of `got`: every key it names, recursively, with floats close.
fn assert_subset(expected: &Value, got: &Value, path: &str) {
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (k, v) in e {
                let gv = g
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} missing in {got}"));
                assert_subset(v, gv, &format!("{path}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(g)) => {
            assert_eq!(e.len(), g.len(), "{path}: length");
            for (i, (ev, gv)) in e.iter().zip(g).enumerate() {
                assert_subset(ev, gv, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(e), Value::Number(g)) => {
            let (e, g) = (e.as_f64().unwrap(), g.as_f64().unwrap());
            assert!(close(e, g), "{path}: expected {e}, got {g}");
        }
        _ => assert_eq!(expected, got, "{path}"),
    }
}

#[test]
fn every_forecast_fixture_matches_the_seed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if !file.starts_with("forecast_") || !file.ends_with(".json") {
            continue;
        }
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert!(
            case["about"].is_string(),
            "{file} must say where it came from"
        );
        let records: Vec<UsageRecord> = serde_json::from_value(case["records"].clone())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut f = CostForecaster::new();
        f.add_records(records).unwrap();
        let got = if let Some(call) = case.get("forecast") {
            let method = Method::parse(call["method"].as_str().unwrap()).unwrap();
            let days = u32::try_from(call["days"].as_u64().unwrap()).unwrap();
            f.forecast_daily(days, method, call["confidence"].as_f64().unwrap())
                .unwrap()
                .to_json_value()
        } else if case.get("summary").is_some() {
            f.spending_summary().unwrap().to_json_value()
        } else if let Some(call) = case.get("budget") {
            let period = u32::try_from(call["days_in_period"].as_u64().unwrap()).unwrap();
            f.check_budget(call["monthly_budget"].as_f64().unwrap(), period)
                .unwrap()
                .to_json_value()
        } else {
            panic!("{file}: no forecast, summary or budget call");
        };
        assert_subset(&case["expected"], &got, &file);
        seen += 1;
    }
    assert!(seen >= 10, "found {seen} forecast fixtures");
}

// ── Regression (test_forecast.py: regression) ─────────────────────────────────

#[test]
fn regression_of_a_constant_series_is_flat() {
    let (slope, intercept) = linear_regression(&[3.0, 3.0, 3.0, 3.0]);
    assert_close(slope, 0.0, "slope");
    assert_close(intercept, 3.0, "intercept");
}

#[test]
fn regression_of_a_perfect_line_recovers_it() {
    let ys: Vec<f64> = (0..6).map(|x| 2.0 * f64::from(x) + 1.0).collect();
    let (slope, intercept) = linear_regression(&ys);
    assert_close(slope, 2.0, "slope");
    assert_close(intercept, 1.0, "intercept");
}

#[test]
fn regression_of_one_value_and_of_none() {
    assert_eq!(linear_regression(&[7.5]), (0.0, 7.5));
    assert_eq!(linear_regression(&[]), (0.0, 0.0));
}

#[test]
fn regression_of_a_decreasing_series_has_a_negative_slope() {
    let (slope, _) = linear_regression(&[10.0, 8.0, 6.0, 4.0]);
    assert_close(slope, -2.0, "slope");
}

// ── EMA ──────────────────────────────────────────────────────────────────────────

#[test]
fn ema_of_one_value_is_that_value_and_of_none_is_zero() {
    assert_eq!(ema(&[4.0], 0.3), 4.0);
    assert_eq!(ema(&[], 0.3), 0.0);
}

#[test]
fn ema_weights_recent_values_more_with_a_larger_alpha() {
    let series = [1.0, 1.0, 1.0, 10.0];
    assert_close(ema(&series, 0.3), 0.3 * 10.0 + 0.7 * 1.0, "alpha 0.3");
    assert!(ema(&series, 0.9) > ema(&series, 0.3));
    assert!(ema(&series, 0.1) < ema(&series, 0.3));
}

// ── Forecast ─────────────────────────────────────────────────────────────────────

#[test]
fn forecast_errors_name_the_problem() {
    let empty = CostForecaster::new();
    let err = empty.forecast_daily(7, Method::Auto, 0.9).unwrap_err();
    assert_eq!(err, ForecastError::NothingToForecast);
    assert_eq!(
        err.to_string(),
        "No usage records — add data before forecasting"
    );
    let f = forecaster(&[1.0]);
    for days in [0, 91] {
        let err = f.forecast_daily(days, Method::Auto, 0.9).unwrap_err();
        assert_eq!(err.to_string(), "days must be between 1 and 90");
    }
    assert!(f.forecast_daily(90, Method::Auto, 0.9).is_ok());
}

#[test]
fn forecast_returns_one_prediction_per_day_on_sequential_dates() {
    let f = forecaster(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let r = f.forecast_daily(14, Method::Auto, 0.9).unwrap();
    assert_eq!(r.daily_predictions.len(), 14);
    assert_eq!(r.daily_predictions[0].date, "2026-03-07");
    assert_eq!(r.daily_predictions[13].date, "2026-03-20");
    for w in r.daily_predictions.windows(2) {
        assert!(w[0].date < w[1].date);
    }
    let total: f64 = r.daily_predictions.iter().map(|p| p.predicted_cost).sum();
    assert_close(r.total_predicted_cost, total, "total");
}

#[test]
fn auto_picks_linear_for_ten_days_ema_for_three_and_average_for_one() {
    let days = |n: usize| forecaster(&vec![1.0; n]);
    let method = |n| days(n).forecast_daily(3, Method::Auto, 0.9).unwrap().method;
    assert_eq!(method(10), Method::Linear);
    assert_eq!(method(5), Method::Linear);
    assert_eq!(method(4), Method::Ema);
    assert_eq!(method(3), Method::Ema);
    assert_eq!(method(2), Method::Ema);
    assert_eq!(method(1), Method::Average);
}

#[test]
fn each_explicit_method_is_used_as_asked() {
    let f = forecaster(&[1.0, 2.0, 4.0]);
    for m in [Method::Linear, Method::Ema, Method::Average] {
        let r = f.forecast_daily(2, m, 0.9).unwrap();
        assert_eq!(r.method, m);
        assert!(r.daily_predictions.iter().all(|p| p.method == m));
        assert_eq!(r.data_points_used, 3);
    }
}

#[test]
fn confidence_bounds_contain_the_prediction() {
    let f = forecaster(&[1.0, 1.4, 0.9, 1.8, 1.6, 2.3, 2.0]);
    for m in [Method::Linear, Method::Ema, Method::Average] {
        for p in f.forecast_daily(10, m, 0.9).unwrap().daily_predictions {
            assert!(p.confidence_low <= p.predicted_cost, "{m:?} {p:?}");
            assert!(p.predicted_cost <= p.confidence_high, "{m:?} {p:?}");
        }
    }
}

#[test]
fn an_increasing_trend_projects_above_the_last_day() {
    let f = forecaster(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    let r = f.forecast_daily(3, Method::Auto, 0.9).unwrap();
    assert!(r.daily_predictions[0].predicted_cost > 7.0);
}

#[test]
fn zero_cost_forecasts_are_zero_not_negative() {
    let f = forecaster(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    for m in [Method::Auto, Method::Linear, Method::Ema, Method::Average] {
        for p in f.forecast_daily(5, m, 0.9).unwrap().daily_predictions {
            assert!(p.predicted_cost >= 0.0 && p.confidence_low >= 0.0);
        }
    }
}

#[test]
fn the_band_narrows_below_ninety_percent_confidence() {
    let f = forecaster(&[1.0, 1.4, 0.9, 1.8, 1.6, 2.3, 2.0]);
    let wide = f.forecast_daily(1, Method::Linear, 0.9).unwrap();
    let narrow = f.forecast_daily(1, Method::Linear, 0.8).unwrap();
    let width =
        |p: &agentlens::analysis::forecast::DailyPrediction| p.confidence_high - p.confidence_low;
    let (w, n) = (&wide.daily_predictions[0], &narrow.daily_predictions[0]);
    assert_close(width(n) / width(w), 1.28 / 1.645, "z ratio");
}

// ── Summary ──────────────────────────────────────────────────────────────────────

#[test]
fn summary_reports_totals_busiest_day_cost_per_1k_and_top_model() {
    let mut f = CostForecaster::new();
    f.add_record(rec(0, 1.0)).unwrap();
    f.add_record(UsageRecord {
        model: Some("claude-3.5-sonnet".into()),
        ..rec(1, 3.0)
    })
    .unwrap();
    f.add_record(rec(2, 1.5)).unwrap();
    let s = f.spending_summary().unwrap();
    assert_close(s.total_cost, 5.5, "total");
    assert_eq!(s.total_tokens, 4500);
    assert_eq!(s.record_count, 3);
    assert_eq!(s.days_tracked, 3);
    assert_close(s.daily_average_cost, 5.5 / 3.0, "avg");
    assert_close(s.weekly_projection, 5.5 / 3.0 * 7.0, "weekly");
    assert_close(s.monthly_projection, 5.5 / 3.0 * 30.0, "monthly");
    assert_close(s.cost_per_1k_tokens, 5.5 / 4500.0 * 1000.0, "per 1k");
    assert_eq!(s.busiest_day, "2026-03-02");
    assert_close(s.busiest_day_cost, 3.0, "busiest");
    assert_eq!(s.model_breakdown.len(), 2);
    assert_eq!(s.model_breakdown[0].model, "gpt-4o");
    assert_eq!(s.model_breakdown[0].count, 2);
    assert_eq!(s.top_model, "claude-3.5-sonnet");
    let empty = CostForecaster::new().spending_summary().unwrap_err();
    assert_eq!(empty.to_string(), "No usage records — add data first");
}

#[test]
fn summary_trend_increasing_decreasing_stable_and_insufficient() {
    let trend = |costs: &[f64]| forecaster(costs).spending_summary().unwrap().trend;
    assert_eq!(trend(&[1.0, 2.0, 3.0, 4.0]), Trend::Increasing);
    assert_eq!(trend(&[4.0, 3.0, 2.0, 1.0]), Trend::Decreasing);
    assert_eq!(trend(&[2.0, 2.0, 2.0]), Trend::Stable);
    assert_eq!(trend(&[1.0, 5.0]), Trend::InsufficientData);
    assert_eq!(detect_trend(&[1.0, 5.0]), (Trend::InsufficientData, 0.0));
}

#[test]
fn cost_per_1k_tokens_is_zero_without_tokens() {
    let mut f = CostForecaster::new();
    f.add_record(UsageRecord::new(at(0), 1.0)).unwrap();
    assert_eq!(f.spending_summary().unwrap().cost_per_1k_tokens, 0.0);
}

// ── Budget ───────────────────────────────────────────────────────────────────────

#[test]
fn one_dollar_a_day_against_a_hundred_is_safe() {
    let a = forecaster(&[1.0; 30]).check_budget(100.0, 30).unwrap();
    assert_eq!(a.severity, Severity::Safe);
    assert_eq!(
        a.message,
        "On track: projected $30.00 of $100.00 budget (30%)"
    );
    assert_eq!(a.overshoot_pct, 0.0);
}

#[test]
fn three_dollars_a_day_against_a_hundred_is_a_warning() {
    let a = forecaster(&[3.0; 30]).check_budget(100.0, 30).unwrap();
    assert_eq!(a.severity, Severity::Warning);
    assert_eq!(
        a.message,
        "Approaching limit: projected $90.00 of $100.00 (90%). Consider reducing usage."
    );
}

#[test]
fn five_dollars_a_day_is_critical_with_days_until_exceeded() {
    let a = forecaster(&[5.0; 10]).check_budget(100.0, 30).unwrap();
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.days_until_exceeded, Some(10));
    assert_close(a.projected_spend, 150.0, "projected");
    assert_close(a.overshoot_pct, 50.0, "overshoot");
}

#[test]
fn twenty_dollars_a_day_for_ten_days_is_already_exceeded() {
    let a = forecaster(&[20.0; 10]).check_budget(100.0, 30).unwrap();
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.days_until_exceeded, Some(0));
    assert_eq!(
        a.message,
        "Budget overrun likely: projected $600.00 vs $100.00 limit (+500%). Already exceeded!"
    );
}

#[test]
fn budget_with_a_custom_period_and_invalid_budgets() {
    let f = forecaster(&[2.0; 5]);
    let a = f.check_budget(20.0, 7).unwrap();
    assert_close(a.projected_spend, 14.0, "projected");
    assert_eq!(a.severity, Severity::Safe);
    for bad in [0.0, -5.0] {
        let e = f.check_budget(bad, 30).unwrap_err();
        assert_eq!(e.to_string(), "monthly_budget must be positive");
    }
    assert!(CostForecaster::new().check_budget(10.0, 30).is_err());
}

#[test]
fn no_spending_means_no_days_until_exceeded() {
    let a = forecaster(&[0.0, 0.0]).check_budget(10.0, 30).unwrap();
    assert_eq!(a.days_until_exceeded, None);
    assert_eq!(a.severity, Severity::Safe);
}

// ── Aggregation ──────────────────────────────────────────────────────────────────

#[test]
fn records_on_the_same_utc_day_aggregate() {
    let mut f = CostForecaster::new();
    f.add_record(rec(0, 1.0)).unwrap();
    f.add_record(UsageRecord {
        timestamp: UnixNanos(at(0).0 + 11 * 3_600_000_000_000),
        ..rec(0, 2.0)
    })
    .unwrap();
    // 00:30 UTC the next day is a new day.
    f.add_record(UsageRecord {
        timestamp: UnixNanos(at(0).0 + 12 * 3_600_000_000_000 + 1_800_000_000_000),
        ..rec(0, 4.0)
    })
    .unwrap();
    let days: Vec<_> = f.daily_usage().collect();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].date, "2026-03-01");
    assert_close(days[0].cost, 3.0, "day 1");
    assert_eq!(days[0].count, 2);
    assert_eq!(days[0].tokens, 3000);
    assert_eq!(days[1].date, "2026-03-02");
}

#[test]
fn a_record_without_a_model_counts_as_unknown() {
    let mut f = CostForecaster::new();
    f.add_record(UsageRecord::new(at(0), 1.0)).unwrap();
    let s = f.spending_summary().unwrap();
    assert_eq!(s.model_breakdown[0].model, "unknown");
    assert_eq!(s.top_model, "unknown");
}

#[test]
fn negative_cost_is_rejected() {
    let mut f = CostForecaster::new();
    let e = f.add_record(UsageRecord::new(at(0), -0.01)).unwrap_err();
    assert_eq!(e.to_string(), "cost_usd cannot be negative");
    assert_eq!(f.record_count(), 0);
}

// ── Seed bugs we fix, one test each ──────────────────────────────────────────────

#[test]
fn seed_bug_nan_cost_was_accepted_and_poisoned_every_figure() {
    let mut f = CostForecaster::new();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = f.add_record(UsageRecord::new(at(0), bad)).unwrap_err();
        assert_eq!(e, ForecastError::NonFiniteCost);
    }
    assert_eq!(f.record_count(), 0);
}

#[test]
fn seed_bug_nan_budget_passed_the_positive_check() {
    let f = forecaster(&[1.0]);
    for bad in [f64::NAN, f64::INFINITY] {
        let e = f.check_budget(bad, 30).unwrap_err();
        assert_eq!(e.to_string(), "monthly_budget must be a finite number");
    }
}

#[test]
fn seed_bug_add_records_kept_the_records_before_a_bad_one() {
    let mut f = CostForecaster::new();
    let e = f.add_records([rec(0, 1.0), rec(1, -1.0)]).unwrap_err();
    assert!(matches!(e, ForecastError::NegativeCost { .. }));
    assert_eq!(f.record_count(), 0);
}

#[test]
fn seed_bug_linear_band_high_went_negative_below_a_zero_prediction() {
    // A perfect decreasing line: the residual error is 0, so the seed's band was
    // [max(0, line), line], with a negative high once the line crosses zero.
    let f = forecaster(&[10.0, 8.0, 6.0, 4.0, 2.0]);
    let r = f.forecast_daily(5, Method::Linear, 0.9).unwrap();
    for p in &r.daily_predictions {
        assert_eq!(p.predicted_cost, 0.0);
        assert!(p.confidence_high >= p.predicted_cost, "{p:?}");
        assert!(p.confidence_low >= 0.0);
    }
}

#[test]
fn seed_bug_linear_band_with_two_days_does_not_divide_by_n_minus_2() {
    let f = forecaster(&[1.0, 3.0]);
    let r = f.forecast_daily(2, Method::Linear, 0.9).unwrap();
    let p = &r.daily_predictions[0];
    assert_close(p.predicted_cost, 5.0, "line at x = 2");
    assert_close(p.confidence_low, 2.5, "low = 50%");
    assert_close(p.confidence_high, 7.5, "high = 150%");
    assert!(
        r.daily_predictions
            .iter()
            .all(|p| p.confidence_high.is_finite())
    );
}

#[test]
fn seed_bug_trend_of_a_zero_mean_does_not_divide_by_zero() {
    assert_eq!(detect_trend(&[0.0, 0.0, 0.0]), (Trend::Stable, 0.0));
    let s = forecaster(&[0.0, 0.0, 0.0]).spending_summary().unwrap();
    assert_eq!(s.trend, Trend::Stable);
    assert!(s.trend_pct_change.is_finite());
}

#[test]
fn seed_bug_already_exceeded_was_claimed_with_budget_left() {
    // $3.50/day for 28 days = $98 spent of $100: $2 left, less than a day's spend.
    let a = forecaster(&[3.5; 28]).check_budget(100.0, 30).unwrap();
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.days_until_exceeded, Some(0));
    assert_eq!(
        a.message,
        "Budget overrun likely: projected $105.00 vs $100.00 limit (+5%). ~0 days until exceeded."
    );
}

// ── Records from events ──────────────────────────────────────────────────────────

#[test]
fn records_from_events_prices_usage_events_and_reports_the_unpriced() {
    let mut llm = Event::new(EventType::LlmCall, "s1", at(0));
    llm.model = Some("gpt-4o".into());
    llm.tokens_in = Some(1000);
    llm.tokens_out = Some(200);
    let mut mystery = Event::new(EventType::LlmCall, "s1", at(1));
    mystery.model = Some("mystery-1".into());
    mystery.tokens_in = Some(10);
    let tool = Event::new(EventType::ToolCall, "s1", at(1));
    let mut untimed = Event::new(EventType::LlmCall, "s1", at(2));
    untimed.timestamp = None;
    untimed.tokens_in = Some(5);
    let out = records_from_events(&[llm, mystery, tool, untimed], |e| {
        (e.model.as_deref() == Some("gpt-4o")).then_some(0.01)
    });
    assert_eq!(out.records.len(), 2);
    assert_eq!(out.records[0].cost_usd, 0.01);
    assert_eq!(out.records[0].tokens_in, 1000);
    assert_eq!(out.records[0].session_id.as_deref(), Some("s1"));
    assert_eq!(out.records[1].cost_usd, 0.0);
    assert_eq!(out.unpriced, 1);
    assert_eq!(out.unpriced_models, ["mystery-1"]);
    assert_eq!(out.untimed, 1);
    let mut f = CostForecaster::new();
    f.add_records(out.records).unwrap();
    assert_eq!(f.spending_summary().unwrap().days_tracked, 2);
}

#[test]
fn forecast_json_rounds_costs_to_six_places() {
    let f = forecaster(&[1.0 / 3.0]);
    let v = f
        .forecast_daily(1, Method::Auto, 0.9)
        .unwrap()
        .to_json_value();
    assert_eq!(v["daily_predictions"][0]["predicted_cost"], 0.333333);
    assert_eq!(v["method"], "average");
    assert_eq!(v["data_points_used"], 1);
}

proptest! {
    #[test]
    fn forecasts_are_never_negative(
        costs in prop::collection::vec((0u8..40, 0.0f64..1e6, 0u64..1_000_000), 1..40),
        days in 1u32..=90,
        method in prop::sample::select(vec![Method::Auto, Method::Linear, Method::Ema, Method::Average]),
        confidence in 0.0f64..1.0,
    ) {
        let mut f = CostForecaster::new();
        for (day, cost, tokens) in costs {
            f.add_record(UsageRecord { tokens_in: tokens, ..UsageRecord::new(at(i64::from(day)), cost) }).unwrap();
        }
        let r = f.forecast_daily(days, method, confidence).unwrap();
        prop_assert_eq!(r.daily_predictions.len(), days as usize);
        prop_assert!(r.total_predicted_cost >= 0.0);
        for p in &r.daily_predictions {
            prop_assert!(p.predicted_cost >= 0.0 && p.predicted_cost.is_finite());
            prop_assert!(p.confidence_low >= 0.0);
            prop_assert!(p.confidence_low <= p.predicted_cost);
            prop_assert!(p.predicted_cost <= p.confidence_high);
        }
    }
}
