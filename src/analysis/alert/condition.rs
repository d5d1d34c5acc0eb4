//! Alert conditions and how they are evaluated over a window of events.

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

use super::AlertError;
use crate::model::Event;

/// A comparison operator: `> >= < <= == !=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
}

impl Operator {
    /// `lhs op rhs`.
    pub fn compare(self, lhs: f64, rhs: f64) -> bool {
        match self {
            Self::Gt => lhs > rhs,
            Self::Ge => lhs >= rhs,
            Self::Lt => lhs < rhs,
            Self::Le => lhs <= rhs,
            Self::Eq => lhs == rhs,
            Self::Ne => lhs != rhs,
        }
    }
}

/// How an aggregate condition folds its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AggFunc {
    /// Σ values.
    Sum,
    /// Mean of the values.
    Avg,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// How many events have the metric.
    Count,
}

/// Whether a composite needs all or any of its children.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every child must fire.
    #[default]
    All,
    /// One child firing is enough.
    Any,
}

fn default_window_events() -> usize {
    100
}
fn default_agg_window() -> usize {
    50
}

/// A condition, in the seed's dict form (`{"type": "threshold", ...}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Condition {
    /// Σ `metric` over all events, compared with `value` (a missing metric counts 0).
    Threshold {
        /// A numeric field name (`tokens_in`, `duration_ms`, ...) or an attribute key.
        metric: String,
        /// How to compare.
        operator: Operator,
        /// The threshold.
        value: f64,
    },
    /// The share (percent) of the last `window_events` events of `event_type` exceeds
    /// `threshold_pct`; or, with `window_seconds`, more than `threshold_count` such events
    /// within that many seconds of the newest event (the AgentLens docs' form).
    Rate {
        /// The event type counted.
        event_type: String,
        /// Fires when the share is strictly above this percentage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold_pct: Option<f64>,
        /// How many recent events the share is taken over.
        #[serde(default = "default_window_events")]
        window_events: usize,
        /// A time window instead of an event window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window_seconds: Option<f64>,
        /// With `window_seconds`: fires when the count is strictly above this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold_count: Option<u64>,
    },
    /// The last `count` events are all of `event_type`.
    Consecutive {
        /// The event type.
        event_type: String,
        /// How many in a row.
        count: usize,
    },
    /// Some event's `field` (as text) matches the regular expression.
    Pattern {
        /// A field name (`model`, `input_data`, ...) or an attribute key.
        field: String,
        /// The regular expression (Rust `regex` syntax, compiled when the rule is made).
        pattern: String,
    },
    /// An aggregate of `metric` over the last `window` events that have it.
    Aggregate {
        /// The metric.
        metric: String,
        /// How to fold.
        agg_func: AggFunc,
        /// How to compare.
        operator: Operator,
        /// The threshold.
        value: f64,
        /// How many recent events.
        #[serde(default = "default_agg_window")]
        window: usize,
    },
    /// All or any of several conditions.
    Composite {
        /// The children.
        conditions: Vec<Self>,
        /// `all` (default) or `any`.
        #[serde(default)]
        mode: Mode,
    },
}

/// A condition with its regexes compiled, and what the streaming evaluator remembers.
#[derive(Clone, Debug)]
pub(crate) enum Compiled {
    Plain(Condition),
    /// `memo`: in the streaming evaluator, whether each buffered event matches, worked
    /// out once when it arrived (see [`Compiled::on_push`]).
    Pattern {
        field: String,
        regex: Regex,
        memo: VecDeque<bool>,
    },
    Composite {
        children: Vec<Self>,
        mode: Mode,
    },
    /// `memo`: in the streaming evaluator, each buffered event's metric, read once.
    Threshold {
        metric: String,
        operator: Operator,
        value: f64,
        memo: VecDeque<Option<f64>>,
    },
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
                    memo: VecDeque::new(),
                }
            }
            Condition::Threshold {
                metric,
                operator,
                value,
            } => Self::Threshold {
                metric: metric.clone(),
                operator: *operator,
                value: *value,
                memo: VecDeque::new(),
            },
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

    /// Streaming: `e` joined the end of the buffer; patterns note whether it matches, so
    /// each event meets each regex once, not once per later event.
    pub(crate) fn on_push(&mut self, e: &Event) {
        match self {
            Self::Pattern { field, regex, memo } => memo.push_back(matches(field, regex, e)),
            Self::Threshold { metric, memo, .. } => memo.push_back(number(e, metric)),
            Self::Composite { children, .. } => children.iter_mut().for_each(|c| c.on_push(e)),
            Self::Plain(_) => {}
        }
    }

    /// Streaming: the buffer's oldest event was forgotten.
    pub(crate) fn on_evict(&mut self) {
        match self {
            Self::Pattern { memo, .. } => {
                memo.pop_front();
            }
            Self::Threshold { memo, .. } => {
                memo.pop_front();
            }
            Self::Composite { children, .. } => children.iter_mut().for_each(Self::on_evict),
            Self::Plain(_) => {}
        }
    }

    /// Streaming: makes the notes cover exactly `buffer` (a rule added mid-stream starts
    /// with none).
    pub(crate) fn sync(&mut self, buffer: &[Event]) {
        match self {
            Self::Pattern { field, regex, memo } if memo.len() != buffer.len() => {
                *memo = buffer.iter().map(|e| matches(field, regex, e)).collect();
            }
            Self::Threshold { metric, memo, .. } if memo.len() != buffer.len() => {
                *memo = buffer.iter().map(|e| number(e, metric)).collect();
            }
            Self::Composite { children, .. } => children.iter_mut().for_each(|c| c.sync(buffer)),
            _ => {}
        }
    }

    /// Whether the condition holds over `events`, and the indices of the events that
    /// matched. `streaming`: `events` is the buffer the notes of [`Compiled::on_push`]
    /// cover, so patterns read them instead of running again.
    pub(crate) fn evaluate(&self, events: &[Event], streaming: bool) -> (bool, Vec<usize>) {
        match self {
            Self::Pattern { field, regex, memo } => {
                let matched: Vec<usize> = if streaming && memo.len() == events.len() {
                    memo.iter()
                        .enumerate()
                        .filter(|(_, m)| **m)
                        .map(|(i, _)| i)
                        .collect()
                } else {
                    (0..events.len())
                        .filter(|&i| matches(field, regex, &events[i]))
                        .collect()
                };
                (!matched.is_empty(), matched)
            }
            Self::Composite { children, mode } => {
                if children.is_empty() {
                    return (false, Vec::new());
                }
                let results: Vec<_> = children
                    .iter()
                    .map(|c| c.evaluate(events, streaming))
                    .collect();
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
            Self::Threshold {
                metric,
                operator,
                value,
                memo,
            } => {
                if streaming && memo.len() == events.len() {
                    threshold(memo.iter().copied(), *operator, *value)
                } else {
                    threshold(events.iter().map(|e| number(e, metric)), *operator, *value)
                }
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

fn matches(field: &str, regex: &Regex, e: &Event) -> bool {
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
            if events.is_empty() {
                return (false, Vec::new());
            }
            let start = match window_seconds {
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
                None => events.len().saturating_sub((*window_events).max(1)),
            };
            let window = &events[start..];
            let matched: Vec<usize> = (start..events.len())
                .filter(|&i| events[i].event_type.as_str() == event_type)
                .collect();
            let fired = match (window_seconds, threshold_count, threshold_pct) {
                (Some(_), Some(n), _) => matched.len() as u64 > *n,
                (_, _, Some(pct)) if !window.is_empty() => {
                    matched.len() as f64 / window.len() as f64 * 100.0 > *pct
                }
                _ => false,
            };
            (fired, matched)
        }
        Condition::Consecutive { event_type, count } => {
            if *count == 0 || events.len() < *count {
                return (false, Vec::new());
            }
            let start = events.len() - count;
            let fired = events[start..]
                .iter()
                .all(|e| e.event_type.as_str() == event_type);
            (
                fired,
                if fired {
                    (start..events.len()).collect()
                } else {
                    Vec::new()
                },
            )
        }
        Condition::Aggregate {
            metric,
            agg_func,
            operator,
            value,
            window,
        } => {
            let start = events.len().saturating_sub(*window);
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
            (
                operator.compare(agg, *value),
                picked.into_iter().map(|p| p.0).collect(),
            )
        }
        Condition::Pattern { .. } | Condition::Composite { .. } => (false, Vec::new()),
    }
}

/// A numeric field of an event: the model's numbers first, then a numeric attribute.
pub(crate) fn number(e: &Event, name: &str) -> Option<f64> {
    let n = |v: Option<u64>| v.map(|x| x as f64);
    match name {
        "tokens_in" => n(e.tokens_in),
        "tokens_out" => n(e.tokens_out),
        "total_tokens" => match (e.tokens_in, e.tokens_out) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(0) + b.unwrap_or(0)) as f64),
        },
        "cached_input_tokens" => n(e.cached_input_tokens),
        "reasoning_tokens" => n(e.reasoning_tokens),
        "duration_ms" => e.duration_ms,
        "confidence" => e.decision_trace.as_ref().and_then(|d| d.confidence),
        _ => e.attributes.as_ref()?.get(name)?.as_f64(),
    }
}

/// A field of an event as text, for pattern conditions.
pub(crate) fn text(e: &Event, name: &str) -> Option<String> {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    match name {
        "event_type" => Some(e.event_type.as_str().to_owned()),
        "session_id" => Some(e.session_id.clone()),
        "model" => e.model.clone(),
        "agent_name" => e.agent_name.clone(),
        "status" => e.status.clone(),
        "input_data" => json(&e.input_data),
        "output_data" => json(&e.output_data),
        "tool_name" => e.tool_call.as_ref().map(|t| t.tool_name.clone()),
        "reasoning" => e.decision_trace.as_ref().map(|d| d.reasoning.clone()),
        "error" | "error_message" => e.error.as_ref().map(|x| x.message.clone()),
        _ => e.attributes.as_ref()?.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    }
}
