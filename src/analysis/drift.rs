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

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::compliance::{SessionView, contains_ignore_ascii_case, is_error_event};
use crate::model::{Event, EventType};

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

// ── Per-session metrics ──────────────────────────────────────────────────────

/// The seed's `extract_session_metrics`: eight numbers per session, all 0 for a session
/// without regular events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionMetrics {
    /// Regular events.
    pub event_count: f64,
    /// Mean `duration_ms` over the events that have one (0 when none do).
    pub avg_latency_ms: f64,
    /// `sorted[min(floor(n·0.95), n−1)]` of those durations: nearest rank, no interpolation.
    pub p95_latency_ms: f64,
    /// `tokens_in + tokens_out` summed over the events.
    pub total_tokens: f64,
    /// `total_tokens / event_count`.
    pub tokens_per_event: f64,
    /// Share of events whose type contains `error` ([`is_error_event`]).
    pub error_rate: f64,
    /// Share of events with a tool call or with `tool` in their type.
    pub tool_call_rate: f64,
    /// Share of those tool events that are also errors.
    pub tool_failure_rate: f64,
}

impl SessionMetrics {
    /// Computes the metrics of one session.
    pub fn of(session: &SessionView) -> Self {
        let events = &session.events;
        let n = events.len();
        if n == 0 {
            return Self::default();
        }
        let mut durations = Vec::new();
        let (mut tokens, mut errors, mut tools, mut tool_errors) = (0u64, 0usize, 0usize, 0usize);
        for e in events {
            if let Some(d) = e.duration_ms {
                durations.push(d);
            }
            tokens = tokens
                .saturating_add(e.tokens_in.unwrap_or(0))
                .saturating_add(e.tokens_out.unwrap_or(0));
            let error = is_error_event(e);
            let tool = e.tool_call.is_some() || is_tool_type(e);
            errors += usize::from(error);
            if tool {
                tools += 1;
                tool_errors += usize::from(error);
            }
        }
        let (avg, p95) = if durations.is_empty() {
            (0.0, 0.0)
        } else {
            durations.sort_by(f64::total_cmp);
            let len = durations.len();
            let idx = ((len as f64 * 0.95) as usize).min(len - 1);
            (mean(&durations), durations[idx])
        };
        let nf = n as f64;
        Self {
            event_count: nf,
            avg_latency_ms: avg,
            p95_latency_ms: p95,
            total_tokens: tokens as f64,
            tokens_per_event: tokens as f64 / nf,
            error_rate: errors as f64 / nf,
            tool_call_rate: tools as f64 / nf,
            tool_failure_rate: if tools > 0 {
                tool_errors as f64 / tools as f64
            } else {
                0.0
            },
        }
    }

    /// A metric by name (see [`METRIC_NAMES`]); `None` for other names.
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "event_count" => self.event_count,
            "avg_latency_ms" => self.avg_latency_ms,
            "p95_latency_ms" => self.p95_latency_ms,
            "total_tokens" => self.total_tokens,
            "tokens_per_event" => self.tokens_per_event,
            "error_rate" => self.error_rate,
            "tool_call_rate" => self.tool_call_rate,
            "tool_failure_rate" => self.tool_failure_rate,
            _ => return None,
        })
    }
}

/// Whether the event's type contains `tool`, ignoring case (`tool_call`, `tool_error`, ...).
fn is_tool_type(e: &Event) -> bool {
    match &e.event_type {
        EventType::Custom(name) => contains_ignore_ascii_case(name, "tool"),
        known => matches!(known, EventType::ToolCall | EventType::ToolError),
    }
}

// ── Statistics ───────────────────────────────────────────────────────────────

/// The arithmetic mean; 0 for no values.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// The **population** standard deviation (divides by n); 0 for fewer than two values.
///
/// ```
/// use agentlens::analysis::drift::population_std;
/// assert_eq!(population_std(&[0.0, 10.0]), 5.0);
/// ```
pub fn population_std(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / values.len() as f64).sqrt()
}

/// Cohen's d of the second group against the first, with the pooled standard deviation
/// `sqrt(((n1−1)s1² + (n2−1)s2²) / max(n1+n2−2, 1))`.
///
/// - 0 when `n1 + n2 < 3`, when the means are equal, or when either is not a number.
/// - When the pooled deviation is 0 but the means differ: `min(|Δ| / max(|m1|, |m2|, 1e−9)
///   · 5, 10)`, unsigned (the seed's sentinel for "both windows constant").
/// - Otherwise `(m2 − m1) / pooled`, signed.
///
/// ```
/// use agentlens::analysis::drift::cohens_d;
/// assert!((cohens_d(50.0, 10.0, 10, 70.0, 10.0, 10) - 2.0).abs() < 1e-12);
/// ```
pub fn cohens_d(m1: f64, s1: f64, n1: usize, m2: f64, s2: f64, n2: usize) -> f64 {
    if n1 + n2 < 3 {
        return 0.0;
    }
    let diff = m2 - m1;
    if diff == 0.0 || diff.is_nan() {
        return 0.0;
    }
    let w1 = n1.saturating_sub(1) as f64;
    let w2 = n2.saturating_sub(1) as f64;
    let dof = (n1 + n2).saturating_sub(2).max(1) as f64;
    let pooled = ((w1 * s1 * s1 + w2 * s2 * s2) / dof).sqrt();
    let d = if pooled == 0.0 {
        let fallback = m1.abs().max(m2.abs()).max(1e-9);
        (diff.abs() / fallback * 5.0).min(10.0)
    } else {
        diff / pooled
    };
    if d.is_nan() { 0.0 } else { d }
}

// ── Report ───────────────────────────────────────────────────────────────────

/// The overall classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftStatus {
    /// Score below 15.
    Stable,
    /// Score 15 to 29.
    MinorDrift,
    /// Score 30 or more, without degradation.
    SignificantDrift,
    /// Latency or error rate drifting upwards, with a score of 40 or more.
    Degraded,
}

impl DriftStatus {
    /// The wire value: `stable`, `minor_drift`, `significant_drift`, `degraded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::MinorDrift => "minor_drift",
            Self::SignificantDrift => "significant_drift",
            Self::Degraded => "degraded",
        }
    }

    /// The title-cased label the text report shows (`Minor Drift`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Stable => "Stable",
            Self::MinorDrift => "Minor Drift",
            Self::SignificantDrift => "Significant Drift",
            Self::Degraded => "Degraded",
        }
    }
}

/// Which way a metric moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftDirection {
    /// The current mean is higher (and |d| ≥ 0.2).
    Increased,
    /// The current mean is lower (and |d| ≥ 0.2).
    Decreased,
    /// |d| < 0.2.
    Stable,
}

/// Python's `round(x, 4)`: rounds the exact binary value, so `4.99975` (stored just below)
/// gives `4.9997` where `(x * 1e4).round()` would give `4.9998`.
fn round4<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    let rounded = if x.is_finite() {
        format!("{x:.4}").parse().unwrap_or(*x)
    } else {
        *x
    };
    s.serialize_f64(rounded)
}

/// One metric compared across the windows. JSON rounds the numbers to 4 decimals, as
/// the seed's `to_dict`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricDrift {
    /// The metric's name (see [`METRIC_NAMES`]).
    pub name: String,
    /// Mean over the baseline sessions.
    #[serde(serialize_with = "round4")]
    pub baseline_mean: f64,
    /// Mean over the current sessions.
    #[serde(serialize_with = "round4")]
    pub current_mean: f64,
    /// Population standard deviation over the baseline sessions.
    #[serde(serialize_with = "round4")]
    pub baseline_std: f64,
    /// Population standard deviation over the current sessions.
    #[serde(serialize_with = "round4")]
    pub current_std: f64,
    /// `(current − baseline) / |baseline|`; 1 when the baseline is 0 and the current is
    /// not; 0 when both are 0.
    #[serde(serialize_with = "round4")]
    pub relative_change: f64,
    /// Cohen's d ([`cohens_d`]).
    #[serde(serialize_with = "round4")]
    pub effect_size: f64,
    /// Which way it moved.
    pub direction: DriftDirection,
    /// `|d| >= threshold`.
    pub is_drifting: bool,
}

/// One tool's share of events compared across the windows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolUsageDrift {
    /// The tool's name.
    pub tool_name: String,
    /// Calls in the baseline / the baseline's events (at least 1).
    #[serde(serialize_with = "round4")]
    pub baseline_rate: f64,
    /// Calls in the current window / its events (at least 1).
    #[serde(serialize_with = "round4")]
    pub current_rate: f64,
    /// `current_rate − baseline_rate`.
    #[serde(serialize_with = "round4")]
    pub change: f64,
    /// Called only in the current window.
    pub is_new: bool,
    /// Called only in the baseline.
    pub is_dropped: bool,
}

/// The result of comparing two windows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    /// 0 (identical) to 100.
    pub drift_score: u32,
    /// The classification.
    pub status: DriftStatus,
    /// Sessions in the baseline window.
    pub baseline_sessions: usize,
    /// Sessions in the current window.
    pub current_sessions: usize,
    /// One entry per metric, sorted by name.
    pub metric_drifts: Vec<MetricDrift>,
    /// One entry per tool seen in either window, sorted by name.
    pub tool_drifts: Vec<ToolUsageDrift>,
    /// Names of the drifting metrics, sorted.
    pub drifting_metrics: Vec<String>,
    /// One sentence.
    pub summary: String,
}

impl DriftReport {
    /// The seed's text report: 60 `=`, score, status, window sizes, drifting metrics, a
    /// metric table, tool changes (`+ NEW`, `- DROPPED`, `~` for a change over 5 points)
    /// and the summary.
    pub fn format_report(&self) -> String {
        let rule = "=".repeat(60);
        let mut lines = vec![
            rule.clone(),
            "  Behavioral Drift Report".to_owned(),
            rule.clone(),
            String::new(),
            format!("  Drift Score:        {}/100", self.drift_score),
            format!("  Status:             {}", self.status.label()),
            format!("  Baseline Sessions:  {}", self.baseline_sessions),
            format!("  Current Sessions:   {}", self.current_sessions),
            String::new(),
        ];
        if !self.drifting_metrics.is_empty() {
            lines.push(format!(
                "  Drifting Metrics:   {}",
                self.drifting_metrics.join(", ")
            ));
            lines.push(String::new());
        }
        lines.push("  ── Metric Analysis ──".to_owned());
        lines.push(format!(
            "  {:<22} {:>10} {:>10} {:>8} {:>8} {:>10}",
            "Metric", "Baseline", "Current", "Change", "Effect", "Status"
        ));
        lines.push(format!(
            "  {} {} {} {} {} {}",
            "─".repeat(22),
            "─".repeat(10),
            "─".repeat(10),
            "─".repeat(8),
            "─".repeat(8),
            "─".repeat(10)
        ));
        for m in &self.metric_drifts {
            let status = if m.is_drifting { "DRIFT" } else { "stable" };
            lines.push(format!(
                "  {:<22} {:>10.2} {:>10.2} {:>7} {:>8.2} {:>10}",
                m.name,
                m.baseline_mean,
                m.current_mean,
                signed_percent(m.relative_change),
                m.effect_size,
                status
            ));
        }
        lines.push(String::new());
        if !self.tool_drifts.is_empty() {
            lines.push("  ── Tool Usage Changes ──".to_owned());
            for t in &self.tool_drifts {
                if t.is_new {
                    lines.push(format!(
                        "  + {} (NEW — {} of events)",
                        t.tool_name,
                        percent(t.current_rate)
                    ));
                } else if t.is_dropped {
                    lines.push(format!(
                        "  - {} (DROPPED — was {})",
                        t.tool_name,
                        percent(t.baseline_rate)
                    ));
                } else if t.change.abs() > 0.05 {
                    lines.push(format!(
                        "  ~ {}: {} → {} ({})",
                        t.tool_name,
                        percent(t.baseline_rate),
                        percent(t.current_rate),
                        signed_percent(t.change)
                    ));
                }
            }
            lines.push(String::new());
        }
        lines.push(format!("  Summary: {}", self.summary));
        lines.push(String::new());
        lines.push(rule);
        lines.join("\n")
    }

    /// The report as pretty JSON (two-space indent).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Python's `{x:.1%}`.
fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Python's `{x:+.1%}`.
fn signed_percent(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

// ── Detector ─────────────────────────────────────────────────────────────────

/// Why drift could not be computed. The messages are the seed's.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftError {
    /// The threshold is not a positive number.
    InvalidThreshold,
    /// No baseline sessions.
    EmptyBaseline,
    /// No current sessions.
    EmptyCurrent,
}

impl fmt::Display for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidThreshold => "drift_threshold must be positive",
            Self::EmptyBaseline => "Baseline window is empty — add sessions with add_baseline()",
            Self::EmptyCurrent => "Current window is empty — add sessions with add_current()",
        })
    }
}

impl std::error::Error for DriftError {}

/// What a window keeps of its sessions.
#[derive(Clone, Debug, Default)]
struct Window {
    metrics: Vec<SessionMetrics>,
    /// Calls per tool name.
    tools: BTreeMap<String, usize>,
    /// Regular events over all sessions.
    events: usize,
}

impl Window {
    fn add(&mut self, session: &SessionView) {
        self.metrics.push(SessionMetrics::of(session));
        self.events += session.events.len();
        for e in &session.events {
            if let Some(tc) = &e.tool_call {
                *self.tools.entry(tc.tool_name.clone()).or_default() += 1;
            }
        }
    }

    fn values(&self, name: &str) -> Vec<f64> {
        self.metrics
            .iter()
            .map(|m| m.get(name).unwrap_or(0.0))
            .collect()
    }
}

/// Compares a baseline window of sessions with a current one.
///
/// ```
/// use agentlens::analysis::compliance::SessionView;
/// use agentlens::analysis::drift::{DriftDetector, DriftStatus};
/// let sessions = vec![SessionView::from_events(&[])];
/// let report = DriftDetector::compare(&sessions, &sessions, 0.5).unwrap();
/// assert_eq!(report.status, DriftStatus::Stable);
/// assert_eq!(report.drift_score, 0);
/// ```
#[derive(Clone, Debug)]
pub struct DriftDetector {
    threshold: f64,
    baseline: Window,
    current: Window,
}

impl Default for DriftDetector {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_DRIFT_THRESHOLD,
            baseline: Window::default(),
            current: Window::default(),
        }
    }
}

impl DriftDetector {
    /// A detector flagging metrics whose |d| is at least `drift_threshold`.
    ///
    /// # Errors
    /// [`DriftError::InvalidThreshold`] unless `drift_threshold > 0`.
    pub fn new(drift_threshold: f64) -> Result<Self, DriftError> {
        if drift_threshold > 0.0 {
            Ok(Self {
                threshold: drift_threshold,
                ..Self::default()
            })
        } else {
            Err(DriftError::InvalidThreshold)
        }
    }

    /// The threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Sessions in the baseline window.
    pub fn baseline_count(&self) -> usize {
        self.baseline.metrics.len()
    }

    /// Sessions in the current window.
    pub fn current_count(&self) -> usize {
        self.current.metrics.len()
    }

    /// Adds a session to the baseline window.
    pub fn add_baseline(&mut self, session: &SessionView) {
        self.baseline.add(session);
    }

    /// Adds a session to the current window.
    pub fn add_current(&mut self, session: &SessionView) {
        self.current.add(session);
    }

    /// Empties both windows.
    pub fn clear(&mut self) {
        self.baseline = Window::default();
        self.current = Window::default();
    }

    /// Compares the windows.
    ///
    /// # Errors
    /// [`DriftError::EmptyBaseline`] or [`DriftError::EmptyCurrent`].
    pub fn detect(&self) -> Result<DriftReport, DriftError> {
        if self.baseline.metrics.is_empty() {
            return Err(DriftError::EmptyBaseline);
        }
        if self.current.metrics.is_empty() {
            return Err(DriftError::EmptyCurrent);
        }
        Ok(self.report())
    }

    /// One-shot comparison of two lists of sessions (the seed's classmethod `compare`).
    ///
    /// # Errors
    /// [`DriftError`] for a threshold that is not positive or an empty list.
    pub fn compare(
        baseline: &[SessionView],
        current: &[SessionView],
        drift_threshold: f64,
    ) -> Result<DriftReport, DriftError> {
        let mut det = Self::new(drift_threshold)?;
        baseline.iter().for_each(|s| det.add_baseline(s));
        current.iter().for_each(|s| det.add_current(s));
        det.detect()
    }

    fn report(&self) -> DriftReport {
        let (b, c) = (&self.baseline, &self.current);
        let mut metric_drifts = Vec::with_capacity(METRIC_NAMES.len());
        let mut drifting = Vec::new();
        let mut scores = Vec::with_capacity(METRIC_NAMES.len());
        for name in METRIC_NAMES {
            let (bv, cv) = (b.values(name), c.values(name));
            let (bm, cm) = (mean(&bv), mean(&cv));
            let (bs, cs) = (population_std(&bv), population_std(&cv));
            let rel = if bm != 0.0 {
                (cm - bm) / bm.abs()
            } else if cm != 0.0 {
                1.0
            } else {
                0.0
            };
            let d = cohens_d(bm, bs, bv.len(), cm, cs, cv.len());
            let direction = if d.abs() < STABLE_EFFECT {
                DriftDirection::Stable
            } else if cm > bm {
                DriftDirection::Increased
            } else {
                DriftDirection::Decreased
            };
            let is_drifting = d.abs() >= self.threshold;
            if is_drifting {
                drifting.push(name.to_owned());
            }
            scores.push((d.abs() / 2.0).min(1.0));
            metric_drifts.push(MetricDrift {
                name: name.to_owned(),
                baseline_mean: bm,
                current_mean: cm,
                baseline_std: bs,
                current_std: cs,
                relative_change: rel,
                effect_size: d,
                direction,
                is_drifting,
            });
        }

        let (bt, ct) = (b.events.max(1) as f64, c.events.max(1) as f64);
        let mut names: Vec<&String> = b.tools.keys().chain(c.tools.keys()).collect();
        names.sort();
        names.dedup();
        let mut tool_drift_count = 0u32;
        let tool_drifts: Vec<ToolUsageDrift> = names
            .into_iter()
            .map(|tool| {
                let (bn, cn) = (b.tools.get(tool), c.tools.get(tool));
                let br = bn.copied().unwrap_or(0) as f64 / bt;
                let cr = cn.copied().unwrap_or(0) as f64 / ct;
                let t = ToolUsageDrift {
                    tool_name: tool.clone(),
                    baseline_rate: br,
                    current_rate: cr,
                    change: cr - br,
                    is_new: bn.is_none(),
                    is_dropped: cn.is_none(),
                };
                if t.is_new || t.is_dropped || t.change.abs() > 0.1 {
                    tool_drift_count += 1;
                }
                t
            })
            .collect();

        let tool_factor = (f64::from(tool_drift_count) * 0.1).min(0.3);
        let raw = mean(&scores) + tool_factor;
        let drift_score = ((raw * 100.0) as u32).min(100);

        let degraded = metric_drifts.iter().any(|m| {
            m.is_drifting
                && NEGATIVE_METRICS.contains(&m.name.as_str())
                && m.direction == DriftDirection::Increased
        });
        let status = if degraded && drift_score >= 40 {
            DriftStatus::Degraded
        } else if drift_score >= 30 {
            DriftStatus::SignificantDrift
        } else if drift_score >= 15 {
            DriftStatus::MinorDrift
        } else {
            DriftStatus::Stable
        };
        let summary = match status {
            DriftStatus::Stable => "Agent behavior is consistent with the baseline.".to_owned(),
            DriftStatus::MinorDrift => format!(
                "Minor drift detected in {} metric(s): {}.",
                drifting.len(),
                drifting.join(", ")
            ),
            DriftStatus::Degraded => {
                let bad: Vec<&str> = drifting
                    .iter()
                    .map(String::as_str)
                    .filter(|n| NEGATIVE_METRICS.contains(n))
                    .collect();
                format!(
                    "Agent performance is degrading — {} increased significantly compared to baseline.",
                    bad.join(", ")
                )
            }
            DriftStatus::SignificantDrift => format!(
                "Significant behavioral drift in {} metric(s). Review agent configuration and inputs.",
                drifting.len()
            ),
        };
        DriftReport {
            drift_score,
            status,
            baseline_sessions: b.metrics.len(),
            current_sessions: c.metrics.len(),
            metric_drifts,
            tool_drifts,
            drifting_metrics: drifting,
            summary,
        }
    }
}

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
