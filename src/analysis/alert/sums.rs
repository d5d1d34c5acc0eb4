//! Running aggregates for the streaming evaluator that give exactly what folding the
//! window afresh gives.

use std::collections::VecDeque;

use super::Operator;

/// Values are kept in fixed point, in units of 2^-64.
const ONE: f64 = 18_446_744_073_709_551_616.0;
/// 2^53: up to here integers are all exact in an `f64`.
const EXACT: i128 = 1 << 53;
/// Values at least this large (2^40) are not kept in fixed point.
const LARGE: f64 = 1_099_511_627_776.0;
/// Beyond this many values a fixed-point sum could overflow.
const MANY: usize = 1 << 22;

/// The sum of a window's values as they come and go, kept exactly in fixed point, with the
/// sum of their magnitudes. Evaluating afresh folds the window left to right in `f64`,
/// whose rounding depends on the order; from the exact sum the fold's outcome is known
/// in O(1):
/// - while every value is an integer and their magnitudes sum to at most 2^53, each
///   partial sum of the fold is an exact integer, so the fold is the exact sum
///   ([`Sum::exact`]);
/// - otherwise the fold is within (n-1)·u·Σ|v| of the exact sum (u = 2^-53), so a
///   comparison with a threshold farther away than that has the exact sum's answer
///   ([`Sum::compare`]).
///
/// Near the threshold, or with values not kept in fixed point (beyond 2^40, finer than
/// 2^-64, not finite), the caller folds the window itself, as evaluating afresh does.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sum {
    /// Σ values in fixed point.
    total: i128,
    /// Σ |values| in fixed point.
    magnitude: i128,
    /// How many values are kept.
    count: usize,
    /// How many of them are not integers.
    fractions: usize,
    /// How many values are not kept in fixed point.
    unkept: usize,
}

fn fixed(v: f64) -> Option<i128> {
    let x = v * ONE;
    (v.abs() < LARGE && x.fract() == 0.0).then_some(x as i128)
}

impl Sum {
    pub(crate) fn add(&mut self, v: f64) {
        self.change(v, 1);
    }

    pub(crate) fn remove(&mut self, v: f64) {
        self.change(v, -1);
    }

    fn change(&mut self, v: f64, sign: i8) {
        let step = |n: &mut usize| {
            *n = if sign > 0 { *n + 1 } else { *n - 1 };
        };
        let Some(x) = fixed(v) else {
            return step(&mut self.unkept);
        };
        step(&mut self.count);
        if v.fract() != 0.0 {
            step(&mut self.fractions);
        }
        self.total += i128::from(sign) * x;
        self.magnitude += i128::from(sign) * x.abs();
    }

    fn kept(&self) -> bool {
        self.unkept == 0 && self.count < MANY
    }

    /// The sum, when the fold gives exactly it.
    pub(crate) fn exact(&self) -> Option<f64> {
        let whole = self.kept() && self.fractions == 0 && self.magnitude >> 64 <= EXACT;
        whole.then_some((self.total >> 64) as f64)
    }

    /// `fold / by` compared with `value`, where `fold` is the left-to-right `f64` sum of
    /// the values; `None` when rounding could decide it.
    pub(crate) fn compare(&self, by: usize, operator: Operator, value: f64) -> Option<bool> {
        if !self.kept() || by == 0 {
            return None;
        }
        let n = self.count as f64;
        let by = by as f64;
        let estimate = self.total as f64 / ONE / by;
        // Fold error (n-1)·u·Σ|v|, this estimate's own rounding and the division's:
        // (n+3)·u·Σ|v| / by, taken twice over (ε = 2u), and twice again below.
        let error = (n + 3.0) * f64::EPSILON * (self.magnitude as f64 / ONE) / by;
        ((estimate - value).abs() > 2.0 * error).then(|| operator.compare(estimate, value))
    }
}

/// The smallest (or largest) value in a sliding window: a queue of event numbers and
/// values, each better than all that came before it still in the queue. NaN never enters
/// (as `f64::min` and `f64::max` pass it over).
#[derive(Clone, Debug)]
pub(crate) struct Extreme {
    largest: bool,
    queue: VecDeque<(u64, f64)>,
}

impl Extreme {
    pub(crate) fn new(largest: bool) -> Self {
        Self {
            largest,
            queue: VecDeque::new(),
        }
    }

    pub(crate) fn push(&mut self, seq: u64, v: f64) {
        if v.is_nan() {
            return;
        }
        let beaten = |old: f64| if self.largest { old <= v } else { old >= v };
        while self.queue.back().is_some_and(|b| beaten(b.1)) {
            self.queue.pop_back();
        }
        self.queue.push_back((seq, v));
    }

    pub(crate) fn drop_before(&mut self, start: u64) {
        while self.queue.front().is_some_and(|f| f.0 < start) {
            self.queue.pop_front();
        }
    }

    /// The extreme, or the fold's start (∞ for min, -∞ for max) when every value is NaN.
    pub(crate) fn get(&self) -> f64 {
        match self.queue.front() {
            Some(f) => f.1,
            None if self.largest => f64::NEG_INFINITY,
            None => f64::INFINITY,
        }
    }
}
