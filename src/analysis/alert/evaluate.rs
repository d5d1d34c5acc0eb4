//! How conditions are evaluated over a window of events, once or as a stream.

use crate::redact::engine::Engine as Regex;

use super::field::{number, text};
use super::{AggFunc, AlertError, Condition, Mode, Operator};
use crate::model::Event;

/// A condition with its regexes compiled, evaluated over a slice of events at once (the
/// streaming evaluator keeps its own state per condition: [`super::stream`]).
#[derive(Clone, Debug)]
pub(crate) enum Compiled {
    Plain(Condition),
    Pattern { field: String, regex: Regex },
    Composite { children: Vec<Self>, mode: Mode },
}

impl Compiled {
    pub(crate) fn new(c: &Condition) -> Result<Self, AlertError> {
        Ok(match c {
            Condition::Pattern { field, pattern } => {
                let regex = Regex::new(pattern).map_err(|e| AlertError::InvalidPattern {
                    rule: String::new(),
                    pattern: pattern.clone(),
                    message: e.to_string(),
                })?;
                Self::Pattern {
                    field: field.clone(),
                    regex,
                }
            }
            Condition::Composite { conditions, mode } => Self::Composite {
                children: conditions.iter().map(Self::new).collect::<Result<_, _>>()?,
                mode: *mode,
            },
            Condition::Rate {
                threshold_pct: None,
                window_seconds: None,
                ..
            } => {
                return Err(AlertError::InvalidRule {
                    message: "a rate condition needs threshold_pct or window_seconds".into(),
                });
            }
            other => Self::Plain(other.clone()),
        })
    }

    /// Whether the condition holds over `events`, and the indices of the events that
    /// matched.
    pub(crate) fn evaluate(&self, events: &[Event]) -> (bool, Vec<usize>) {
        match self {
            Self::Pattern { field, regex } => {
                let matched: Vec<usize> = (0..events.len())
                    .filter(|&i| matches(field, regex, &events[i]))
                    .collect();
                (!matched.is_empty(), matched)
            }
            Self::Composite { children, mode } => {
                if children.is_empty() {
                    return (false, Vec::new());
                }
                let results: Vec<_> = children.iter().map(|c| c.evaluate(events)).collect();
                let fired = match mode {
                    Mode::All => results.iter().all(|r| r.0),
                    Mode::Any => results.iter().any(|r| r.0),
                };
                let mut matched: Vec<usize> = results
                    .into_iter()
                    .filter(|r| r.0)
                    .flat_map(|r| r.1)
                    .collect();
                matched.sort_unstable();
                matched.dedup();
                (fired, matched)
            }
            Self::Plain(c) => plain(c, events),
        }
    }
}

/// The sum of the metric over the events that have it, compared with `value`; the
/// matched events are those that have it.
fn threshold(
    values: impl Iterator<Item = Option<f64>>,
    operator: Operator,
    value: f64,
) -> (bool, Vec<usize>) {
    let mut sum = 0.0;
    let mut matched = Vec::new();
    for (i, v) in values.enumerate() {
        if let Some(v) = v {
            sum += v;
            matched.push(i);
        }
    }
    (operator.compare(sum, value), matched)
}

pub(crate) fn matches(field: &str, regex: &Regex, e: &Event) -> bool {
    text(e, field).is_some_and(|t| regex.is_match(&t))
}

fn plain(c: &Condition, events: &[Event]) -> (bool, Vec<usize>) {
    match c {
        Condition::Threshold {
            metric,
            operator,
            value,
        } => threshold(events.iter().map(|e| number(e, metric)), *operator, *value),
        Condition::Rate {
            event_type,
            threshold_pct,
            window_events,
            window_seconds,
            threshold_count,
        } => {
            let window = RateWindow {
                events: *window_events,
                seconds: *window_seconds,
            };
            rate(events, event_type, window, *threshold_pct, *threshold_count)
        }
        Condition::Consecutive { event_type, count } => consecutive(events, event_type, *count),
        Condition::Aggregate {
            metric,
            agg_func,
            operator,
            value,
            window,
        } => aggregate(events, metric, *agg_func, *window, |agg| {
            operator.compare(agg, *value)
        }),
        Condition::Pattern { .. } | Condition::Composite { .. } => (false, Vec::new()),
    }
}

/// Which events a rate condition looks at: the last `events`, or with `seconds` those
/// within that many seconds of the newest.
#[derive(Clone, Copy)]
struct RateWindow {
    events: usize,
    seconds: Option<f64>,
}

/// Events of `event_type` in the window: more than `threshold_count` in a time window, or
/// more than `threshold_pct` percent of the window.
fn rate(
    events: &[Event],
    event_type: &str,
    window: RateWindow,
    threshold_pct: Option<f64>,
    threshold_count: Option<u64>,
) -> (bool, Vec<usize>) {
    if events.is_empty() {
        return (false, Vec::new());
    }
    let start = match window.seconds {
        Some(secs) => {
            let newest = events
                .iter()
                .filter_map(Event::time)
                .max()
                .map_or(0, |t| t.0);
            let from = newest.saturating_sub((secs.max(0.0) * 1e9) as i64);
            events
                .iter()
                .position(|e| e.time().is_some_and(|t| t.0 >= from))
                .unwrap_or(events.len())
        }
        None => events.len().saturating_sub(window.events.max(1)),
    };
    let in_window = events.len() - start;
    let matched: Vec<usize> = (start..events.len())
        .filter(|&i| events[i].event_type.as_str() == event_type)
        .collect();
    let fired = match (window.seconds, threshold_count, threshold_pct) {
        (Some(_), Some(n), _) => matched.len() as u64 > n,
        (_, _, Some(pct)) if in_window > 0 => matched.len() as f64 / in_window as f64 * 100.0 > pct,
        _ => false,
    };
    (fired, matched)
}

/// Whether the last `count` events are all of `event_type`.
fn consecutive(events: &[Event], event_type: &str, count: usize) -> (bool, Vec<usize>) {
    if count == 0 || events.len() < count {
        return (false, Vec::new());
    }
    let start = events.len() - count;
    let fired = events[start..]
        .iter()
        .all(|e| e.event_type.as_str() == event_type);
    let matched = if fired {
        (start..events.len()).collect()
    } else {
        Vec::new()
    };
    (fired, matched)
}

/// `agg_func` over the metric of the last `window` events that have it (0 when none
/// do), passed to `holds`.
fn aggregate(
    events: &[Event],
    metric: &str,
    agg_func: AggFunc,
    window: usize,
    holds: impl Fn(f64) -> bool,
) -> (bool, Vec<usize>) {
    let start = events.len().saturating_sub(window);
    let picked: Vec<(usize, f64)> = (start..events.len())
        .filter_map(|i| number(&events[i], metric).map(|v| (i, v)))
        .collect();
    let values = picked.iter().map(|p| p.1);
    let agg = if picked.is_empty() {
        0.0
    } else {
        match agg_func {
            AggFunc::Sum => values.sum(),
            AggFunc::Avg => values.sum::<f64>() / picked.len() as f64,
            AggFunc::Min => values.fold(f64::INFINITY, f64::min),
            AggFunc::Max => values.fold(f64::NEG_INFINITY, f64::max),
            AggFunc::Count => picked.len() as f64,
        }
    };
    (holds(agg), picked.into_iter().map(|p| p.0).collect())
}
