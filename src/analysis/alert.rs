//! Alert rules: declarative conditions over a stream of events (AgentLens SDK
//! `alert_rules.py`, reference B.7).
//!
//! Conditions: threshold, rate (share of the last N events, or a count within a time
//! window), consecutive, pattern (a regex, compiled when the rule is made: an invalid
//! pattern is an error then, not a rule that silently never fires), aggregate
//! (sum/avg/min/max/count) and composite all/any. Cooldowns run on **event time** — the
//! newest timestamp among the events evaluated — never on a wall clock, so replays and
//! tests give the same answers as live evaluation. [`AlertEngine::push`] is the streaming
//! evaluator a tracker feeds as events are recorded.

mod condition;
mod engine;
mod evaluate;
mod field;
pub mod metric_rule;
mod rule;
mod stream;
mod sums;
mod times;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use condition::{AggFunc, Condition, Mode, Operator};
pub use engine::{AlertEngine, EngineConfig};
pub use rule::{AlertResult, AlertRule};

/// How loud an alert is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information.
    Info,
    /// Needs a look (the seed's default).
    #[default]
    Warning,
    /// Needs action.
    Critical,
}

/// Why a rule or rule set was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlertError {
    /// A pattern condition's regex does not compile.
    InvalidPattern {
        /// The rule's name (empty until the rule is added to an engine).
        rule: String,
        /// The pattern.
        pattern: String,
        /// The compiler's message.
        message: String,
    },
    /// A rule is malformed (missing thresholds, bad JSON shape, ...).
    InvalidRule {
        /// What is wrong, naming the rule where known.
        message: String,
    },
    /// A field of a metric rule ([`metric_rule`]) has a value it cannot take.
    InvalidField {
        /// The field (`metric`, `operator`, `threshold`, ...).
        field: &'static str,
        /// What it must be, without the value (safe to show a client).
        requirement: String,
        /// The value given, quoted and cut short.
        got: String,
    },
}

impl fmt::Display for AlertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPattern {
                rule,
                pattern,
                message,
            } => {
                if !rule.is_empty() {
                    write!(f, "rule {rule:?}: ")?;
                }
                write!(f, "invalid alert pattern {pattern:?}: {message}")
            }
            Self::InvalidRule { message } => write!(f, "invalid alert rule: {message}"),
            Self::InvalidField {
                field,
                requirement,
                got,
            } => write!(f, "invalid alert rule: {field} {requirement} (got {got})"),
        }
    }
}

impl std::error::Error for AlertError {}

#[cfg(test)]
mod tests;
