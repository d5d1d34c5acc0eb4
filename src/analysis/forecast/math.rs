//! The numbers behind a forecast: least-squares regression, the exponential moving
//! average, the trend, and the band's spreads.

use super::{TREND_THRESHOLD_PCT, Trend};

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

/// The linear band's residual standard error, or `None` below 3 points (the seed's
/// ±50% band; also what keeps `n − 2` from being 0).
pub(super) fn residual_se(ys: &[f64], slope: f64, intercept: f64) -> Option<f64> {
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

pub(super) fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Python's `statistics.stdev`; `None` below 2 values.
pub(super) fn sample_stdev(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}
