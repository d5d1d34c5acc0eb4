//! Behavioural drift between two windows of sessions: the AgentLens SDK's `DriftDetector`
//! (reference B.6, `sdk/agentlens/drift.py` and `_metrics.py` at PRE).
//!
//! Each session becomes eight numbers ([`SessionMetrics`]). For every metric the baseline
//! and current windows are compared by their means, population standard deviations and
//! Cohen's d ([`cohens_d`]); tool usage is compared by each tool's share of the window's
//! events. The result is a [`DriftReport`]: per-metric and per-tool drift, a 0–100 score,
//! one of four [`DriftStatus`]es, a summary sentence, the seed's text report
//! ([`DriftReport::format_report`]) and its JSON.
//!
//! Formulas, thresholds, messages and the report layout are the seed's. Differences:
//! - Values that are not numbers (a `NaN` duration set from Rust) give an effect size of
//!   0 instead of poisoning the score.
//! - The detector holds each session's metrics, not the session, so windows of many
//!   sessions stay small.
//! - `error_rate` and `tool_failure_rate` count errors by the core's one rule
//!   ([`crate::model::semantics::is_error`]); the seed counted types containing `error`
//!   only, so a tool call with status `failed` or an LLM call that timed out was no error.

mod detector;
mod metrics;
mod report;
mod statistics;

pub use detector::{DriftDetector, DriftError};
pub use metrics::SessionMetrics;
pub use report::{DriftDirection, DriftReport, DriftStatus, MetricDrift, ToolUsageDrift};
pub use statistics::{cohens_d, mean, population_std};

/// Cohen's d at or above which a metric is drifting, unless the caller says otherwise.
pub const DEFAULT_DRIFT_THRESHOLD: f64 = 0.5;

/// Below this |d| a metric's direction is [`DriftDirection::Stable`].
const STABLE_EFFECT: f64 = 0.2;

/// Metrics whose increase means the agent got worse.
const NEGATIVE_METRICS: [&str; 2] = ["avg_latency_ms", "error_rate"];

/// The eight per-session metrics, by name, in the order reports list them (sorted).
pub const METRIC_NAMES: [&str; 8] = [
    "avg_latency_ms",
    "error_rate",
    "event_count",
    "p95_latency_ms",
    "tokens_per_event",
    "tool_call_rate",
    "tool_failure_rate",
    "total_tokens",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_are_sorted_and_all_readable() {
        let mut sorted = METRIC_NAMES;
        sorted.sort_unstable();
        assert_eq!(sorted, METRIC_NAMES);
        let m = SessionMetrics::default();
        assert!(METRIC_NAMES.iter().all(|n| m.get(n) == Some(0.0)));
        assert_eq!(m.get("nope"), None);
    }

    #[test]
    fn not_a_number_gives_no_effect() {
        assert_eq!(cohens_d(f64::NAN, 0.0, 5, 1.0, 0.0, 5), 0.0);
        assert_eq!(cohens_d(1.0, f64::NAN, 5, 2.0, 0.0, 5), 0.0);
    }
}
