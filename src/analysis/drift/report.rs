//! What a comparison found ([`DriftReport`]), its JSON and the seed's text report.

use serde::{Deserialize, Serialize, Serializer};

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
        crate::model::lenient::decimal(&format!("{x:.4}")).unwrap_or(*x)
    } else {
        *x
    };
    s.serialize_f64(rounded)
}

/// One metric compared across the windows. JSON rounds the numbers to 4 decimals, as
/// the seed's `to_dict`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricDrift {
    /// The metric's name (see [`super::METRIC_NAMES`]).
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
    /// Cohen's d ([`super::cohens_d`]).
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
