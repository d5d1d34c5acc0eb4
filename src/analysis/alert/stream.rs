//! What the streaming evaluator keeps per condition, so that a push costs each rule O(1)
//! amortised (O(log n) for a time window) instead of a pass over the buffer: the numbers
//! of the buffered events that matter to the condition (matched by a pattern, of the
//! counted type, having the metric), queues whose front is dropped as the buffer or the
//! window moves on, a run length for consecutive events, and running sums and extremes.
//!
//! Events are numbered from 0 as they arrive; the buffer holds `base..end`. The answers
//! are exactly those of evaluating the buffer afresh ([`super::evaluate`]): the same
//! comparisons on the same values, the matched events in buffer order.

use std::collections::VecDeque;

use crate::redact::engine::Engine as Regex;

use super::evaluate::{Compiled, matches};
use super::field::number;
use super::sums::{Extreme, Sum};
use super::times::Times;
use super::{AggFunc, Condition, Mode, Operator};
use crate::model::Event;

/// The buffer as the conditions see it: events `base..end`, and their times.
pub(crate) struct Buffer<'a> {
    pub(crate) base: u64,
    pub(crate) end: u64,
    pub(crate) times: &'a Times,
}

/// Numbers of buffered events with a value each (the metric), oldest first, and their sum.
#[derive(Clone, Debug, Default)]
pub(crate) struct Values {
    queue: VecDeque<(u64, f64)>,
    sum: Sum,
    extreme: Option<Extreme>,
}

impl Values {
    fn push(&mut self, seq: u64, v: f64) {
        self.queue.push_back((seq, v));
        self.sum.add(v);
        if let Some(x) = &mut self.extreme {
            x.push(seq, v);
        }
    }

    /// Forgets the values of events before `start`.
    fn drop_before(&mut self, start: u64) {
        while let Some(&(_, v)) = self.queue.front().filter(|f| f.0 < start) {
            self.queue.pop_front();
            self.sum.remove(v);
        }
        if let Some(x) = &mut self.extreme {
            x.drop_before(start);
        }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.queue.iter().map(|p| p.1)
    }

    /// Whether the values' sum divided `by` compares with `value` as `fold` (evaluating
    /// afresh) computes it: from the running sum when that decides it, else by `fold`.
    fn sum_holds(&self, by: usize, operator: Operator, value: f64, fold: impl Fn() -> f64) -> bool {
        if let Some(sum) = self.sum.exact() {
            return operator.compare(sum / by as f64, value);
        }
        self.sum
            .compare(by, operator, value)
            .unwrap_or_else(|| operator.compare(fold(), value))
    }
}

/// A condition's streaming state.
#[derive(Clone, Debug)]
pub(crate) enum Stream {
    /// Σ metric over the buffer.
    Threshold {
        metric: String,
        operator: Operator,
        value: f64,
        values: Values,
    },
    /// Events of the type, in an event or time window.
    Rate {
        event_type: String,
        threshold_pct: Option<f64>,
        window_events: usize,
        window_seconds: Option<f64>,
        threshold_count: Option<u64>,
        hits: VecDeque<u64>,
    },
    /// `run`: how many of the newest events are of the type.
    Consecutive {
        event_type: String,
        count: usize,
        run: u64,
    },
    Pattern {
        field: String,
        regex: Regex,
        hits: VecDeque<u64>,
    },
    Aggregate {
        metric: String,
        agg_func: AggFunc,
        operator: Operator,
        value: f64,
        window: usize,
        values: Values,
    },
    Composite {
        children: Vec<Self>,
        mode: Mode,
    },
}

impl Stream {
    pub(crate) fn new(c: &Compiled) -> Self {
        match c {
            Compiled::Pattern { field, regex } => Self::Pattern {
                field: field.clone(),
                regex: regex.clone(),
                hits: VecDeque::new(),
            },
            Compiled::Composite { children, mode } => Self::Composite {
                children: children.iter().map(Self::new).collect(),
                mode: *mode,
            },
            Compiled::Plain(plain) => Self::plain(plain),
        }
    }

    fn plain(c: &Condition) -> Self {
        match c.clone() {
            Condition::Threshold {
                metric,
                operator,
                value,
            } => Self::Threshold {
                metric,
                operator,
                value,
                values: Values::default(),
            },
            Condition::Rate {
                event_type,
                threshold_pct,
                window_events,
                window_seconds,
                threshold_count,
            } => Self::Rate {
                event_type,
                threshold_pct,
                window_events,
                window_seconds,
                threshold_count,
                hits: VecDeque::new(),
            },
            Condition::Consecutive { event_type, count } => Self::Consecutive {
                event_type,
                count,
                run: 0,
            },
            Condition::Aggregate {
                metric,
                agg_func,
                operator,
                value,
                window,
            } => {
                let extreme = match agg_func {
                    AggFunc::Min => Some(Extreme::new(false)),
                    AggFunc::Max => Some(Extreme::new(true)),
                    _ => None,
                };
                Self::Aggregate {
                    metric,
                    agg_func,
                    operator,
                    value,
                    window,
                    values: Values {
                        extreme,
                        ..Values::default()
                    },
                }
            }
            // Compiled keeps these apart; never plain.
            Condition::Pattern { .. } | Condition::Composite { .. } => Self::Composite {
                children: Vec::new(),
                mode: Mode::All,
            },
        }
    }

    /// Event `seq` joined the buffer, which now holds `base..=seq`.
    pub(crate) fn push(&mut self, seq: u64, base: u64, e: &Event) {
        match self {
            Self::Threshold { metric, values, .. } => {
                if let Some(v) = number(e, metric) {
                    values.push(seq, v);
                }
                values.drop_before(base);
            }
            Self::Rate {
                event_type,
                window_events,
                window_seconds,
                hits,
                ..
            } => {
                if e.event_type.as_str() == event_type {
                    hits.push_back(seq);
                }
                let start = match window_seconds {
                    Some(_) => base,
                    None => base.max((seq + 1).saturating_sub((*window_events).max(1) as u64)),
                };
                drop_before(hits, start);
            }
            Self::Consecutive {
                event_type, run, ..
            } => {
                *run = if e.event_type.as_str() == event_type {
                    *run + 1
                } else {
                    0
                };
            }
            Self::Pattern { field, regex, hits } => {
                if matches(field, regex, e) {
                    hits.push_back(seq);
                }
                drop_before(hits, base);
            }
            Self::Aggregate {
                metric,
                window,
                values,
                ..
            } => {
                if let Some(v) = number(e, metric) {
                    values.push(seq, v);
                }
                values.drop_before(base.max((seq + 1).saturating_sub(*window as u64)));
            }
            Self::Composite { children, .. } => {
                children.iter_mut().for_each(|c| c.push(seq, base, e));
            }
        }
    }

    /// Whether the condition holds over the buffer.
    pub(crate) fn fired(&self, b: &Buffer<'_>) -> bool {
        match self {
            Self::Threshold {
                operator,
                value,
                values,
                ..
            } => values.sum_holds(1, *operator, *value, || {
                values.values().fold(0.0, |s, v| s + v)
            }),
            Self::Rate {
                threshold_pct,
                threshold_count,
                window_seconds,
                ..
            } => {
                let (count, in_window) = self.rate_window(b);
                match (window_seconds, threshold_count, threshold_pct) {
                    (Some(_), Some(n), _) => count as u64 > *n,
                    (_, _, Some(pct)) if in_window > 0 => {
                        count as f64 / in_window as f64 * 100.0 > *pct
                    }
                    _ => false,
                }
            }
            Self::Consecutive { count, run, .. } => {
                *count > 0 && b.end - b.base >= *count as u64 && *run >= *count as u64
            }
            Self::Pattern { hits, .. } => !hits.is_empty(),
            Self::Aggregate {
                agg_func,
                operator,
                value,
                values,
                ..
            } => aggregate_holds(*agg_func, values, *operator, *value),
            Self::Composite { children, mode } => {
                !children.is_empty()
                    && match mode {
                        Mode::All => children.iter().all(|c| c.fired(b)),
                        Mode::Any => children.iter().any(|c| c.fired(b)),
                    }
            }
        }
    }

    /// Appends the numbers of the events that matched (as evaluating afresh lists them).
    pub(crate) fn matched(&self, b: &Buffer<'_>, out: &mut Vec<u64>) {
        match self {
            Self::Threshold { values, .. } | Self::Aggregate { values, .. } => {
                out.extend(values.queue.iter().map(|p| p.0));
            }
            Self::Rate { hits, .. } => {
                let (count, _) = self.rate_window(b);
                out.extend(hits.range(hits.len() - count..));
            }
            Self::Consecutive { count, .. } => out.extend(b.end - *count as u64..b.end),
            Self::Pattern { hits, .. } => out.extend(hits.iter()),
            Self::Composite { children, .. } => {
                let from = out.len();
                for c in children.iter().filter(|c| c.fired(b)) {
                    c.matched(b, out);
                }
                out[from..].sort_unstable();
                let mut kept = from;
                for i in from..out.len() {
                    if kept == from || out[kept - 1] != out[i] {
                        out[kept] = out[i];
                        kept += 1;
                    }
                }
                out.truncate(kept);
            }
        }
    }

    /// A rate's hits in its window and the window's length in events.
    fn rate_window(&self, b: &Buffer<'_>) -> (usize, u64) {
        let Self::Rate {
            window_events,
            window_seconds,
            hits,
            ..
        } = self
        else {
            return (0, 0);
        };
        let start = match window_seconds {
            Some(secs) => {
                let newest = b.times.newest().unwrap_or(0);
                let from = newest.saturating_sub((secs.max(0.0) * 1e9) as i64);
                b.times.first_from(from, b.base, b.end)
            }
            None => b
                .base
                .max(b.end.saturating_sub((*window_events).max(1) as u64)),
        };
        let count = hits.len() - hits.partition_point(|&s| s < start);
        (count, b.end - start)
    }
}

fn drop_before(hits: &mut VecDeque<u64>, start: u64) {
    while hits.front().is_some_and(|&s| s < start) {
        hits.pop_front();
    }
}

/// Whether `agg_func` over the window's values (0 when none) compares with `value` as
/// [`super::evaluate`] folds them.
fn aggregate_holds(agg_func: AggFunc, values: &Values, operator: Operator, value: f64) -> bool {
    let n = values.queue.len();
    let fold = || values.values().sum::<f64>();
    let agg = match agg_func {
        _ if n == 0 => 0.0,
        AggFunc::Sum => return values.sum_holds(1, operator, value, fold),
        AggFunc::Avg => return values.sum_holds(n, operator, value, || fold() / n as f64),
        AggFunc::Min => values.extreme.as_ref().map_or(f64::INFINITY, Extreme::get),
        AggFunc::Max => values
            .extreme
            .as_ref()
            .map_or(f64::NEG_INFINITY, Extreme::get),
        AggFunc::Count => n as f64,
    };
    operator.compare(agg, value)
}
