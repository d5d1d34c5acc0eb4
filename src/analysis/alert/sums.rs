//! Running aggregates for the streaming evaluator that give exactly what folding the
//! window afresh gives.

use std::collections::VecDeque;

/// Above this, integers are no longer all exact in an `f64`.
const EXACT: u128 = 1 << 53;

/// A sum of values as they come and go. While every value is an integer and the sum of
/// their magnitudes is at most 2^53, every partial sum of a left-to-right fold is an
/// exact integer, so the fold equals this exact sum whatever the order: [`Sum::exact`]
/// gives it in O(1). Otherwise (fractions, huge or non-finite values) rounding depends on
/// the order, and the caller folds the window itself, as evaluating afresh does.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sum {
    /// Σ of the integer values.
    total: i128,
    /// Σ |integer value|.
    magnitude: u128,
    /// How many values are not such integers.
    inexact: usize,
}

fn integer(v: f64) -> Option<i128> {
    (v.is_finite() && v.fract() == 0.0 && v.abs() <= EXACT as f64).then_some(v as i128)
}

impl Sum {
    pub(crate) fn add(&mut self, v: f64) {
        match integer(v) {
            Some(i) => {
                self.total += i;
                self.magnitude += i.unsigned_abs();
            }
            None => self.inexact += 1,
        }
    }

    pub(crate) fn remove(&mut self, v: f64) {
        match integer(v) {
            Some(i) => {
                self.total -= i;
                self.magnitude -= i.unsigned_abs();
            }
            None => self.inexact -= 1,
        }
    }

    /// The sum, when the fold is known to give exactly it.
    pub(crate) fn exact(&self) -> Option<f64> {
        (self.inexact == 0 && self.magnitude <= EXACT).then_some(self.total as f64)
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
