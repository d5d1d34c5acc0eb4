//! The windows of sessions and their comparison ([`DriftDetector`]).

use std::collections::BTreeMap;
use std::fmt;

use super::super::compliance::SessionView;
use super::{
    DEFAULT_DRIFT_THRESHOLD, DriftDirection, DriftReport, DriftStatus, METRIC_NAMES, MetricDrift,
    NEGATIVE_METRICS, STABLE_EFFECT, SessionMetrics, ToolUsageDrift, cohens_d, mean,
    population_std,
};

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
                // The name is copied only the first time it is seen.
                match self.tools.get_mut(&tc.tool_name) {
                    Some(n) => *n += 1,
                    None => {
                        self.tools.insert(tc.tool_name.clone(), 1);
                    }
                }
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
        let metric_drifts: Vec<MetricDrift> = METRIC_NAMES
            .iter()
            .map(|name| metric_drift(name, b, c, self.threshold))
            .collect();
        let drifting: Vec<String> = metric_drifts
            .iter()
            .filter(|m| m.is_drifting)
            .map(|m| m.name.clone())
            .collect();
        let scores: Vec<f64> = metric_drifts
            .iter()
            .map(|m| (m.effect_size.abs() / 2.0).min(1.0))
            .collect();
        let tool_drifts = tool_drifts(b, c);
        let tool_drift_count = tool_drifts
            .iter()
            .filter(|t| t.is_new || t.is_dropped || t.change.abs() > 0.1)
            .count();

        let tool_factor = (tool_drift_count as f64 * 0.1).min(0.3);
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
        DriftReport {
            drift_score,
            status,
            baseline_sessions: b.metrics.len(),
            current_sessions: c.metrics.len(),
            metric_drifts,
            tool_drifts,
            summary: summary(status, &drifting),
            drifting_metrics: drifting,
        }
    }
}

/// One metric compared across the windows.
fn metric_drift(name: &str, b: &Window, c: &Window, threshold: f64) -> MetricDrift {
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
    MetricDrift {
        name: name.to_owned(),
        baseline_mean: bm,
        current_mean: cm,
        baseline_std: bs,
        current_std: cs,
        relative_change: rel,
        effect_size: d,
        direction,
        is_drifting: d.abs() >= threshold,
    }
}

/// Each tool seen in either window, by name: its share of each window's events.
fn tool_drifts(b: &Window, c: &Window) -> Vec<ToolUsageDrift> {
    let (bt, ct) = (b.events.max(1) as f64, c.events.max(1) as f64);
    let mut names: Vec<&String> = b.tools.keys().chain(c.tools.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|tool| {
            let (bn, cn) = (b.tools.get(tool), c.tools.get(tool));
            let br = bn.copied().unwrap_or(0) as f64 / bt;
            let cr = cn.copied().unwrap_or(0) as f64 / ct;
            ToolUsageDrift {
                tool_name: tool.clone(),
                baseline_rate: br,
                current_rate: cr,
                change: cr - br,
                is_new: bn.is_none(),
                is_dropped: cn.is_none(),
            }
        })
        .collect()
}

/// The seed's one-sentence summary of a status.
fn summary(status: DriftStatus, drifting: &[String]) -> String {
    match status {
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
    }
}
