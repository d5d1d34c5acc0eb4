//! Alert conditions as data: what a rule watches for ([`Condition`]).

use serde::{Deserialize, Serialize};

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
