//! The analysis tabs over held sessions: alerts streamed in arrival order, compliance and
//! drift over chosen sessions, and explain of one session (Markdown and blocks).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::{TraceView, session_key, sort_keyed};
use crate::analysis::alert::{AlertEngine, AlertResult, EngineConfig, Severity};
use crate::analysis::compliance::{
    ComplianceChecker, CompliancePolicy, ComplianceReport, SessionView,
};
use crate::analysis::drift::{DriftDetector, DriftReport};
use crate::analysis::explain::{Block, Style, blocks, explain_sanitized};
use crate::redact::{Config, Redactor};
use crate::time::UnixNanos;

/// Fired alerts listed; the rest are counted.
pub const MAX_LISTED_ALERTS: usize = 1000;
/// Sessions checked per compliance call; the rest are counted, not checked.
pub const MAX_CHECKED_SESSIONS: usize = 2000;

/// Input a tab cannot use: the engine's message, or what is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViewError {
    /// The user's rules, policy, patterns or threshold, refused by the engine.
    Input(String),
    /// No session the call can use.
    NoSession(&'static str),
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(m) => f.write_str(m),
            Self::NoSession(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ViewError {}

pub(crate) fn input(e: impl fmt::Display) -> ViewError {
    ViewError::Input(e.to_string())
}

/// Where an alert fired.
#[derive(Clone, Debug, Serialize)]
#[allow(missing_docs)]
pub struct FiredOn {
    /// Position of the event in the evaluated stream.
    pub index: usize,
    pub event_id: String,
    pub event_type: String,
    pub session_id: String,
    pub timestamp: String,
}

/// One fired alert and its event.
#[derive(Clone, Debug, Serialize)]
#[allow(missing_docs)]
pub struct FiredRow {
    pub alert: AlertResult,
    pub on: FiredOn,
}

/// The alerts tab's answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Alerts {
    pub rules: usize,
    pub evaluated: usize,
    pub fired: usize,
    pub by_severity: BTreeMap<String, u64>,
    pub alerts: Vec<FiredRow>,
}

/// One session's compliance verdict.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SessionVerdict {
    pub session_id: String,
    pub report: ComplianceReport,
    pub text: String,
}

/// The compliance tab's answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Compliance {
    pub policy_name: String,
    pub compliant: usize,
    pub non_compliant: usize,
    pub sessions: Vec<SessionVerdict>,
    pub not_checked: usize,
}

/// The sessions of one drift window and their time range.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Window {
    pub sessions: usize,
    pub from_ms: Option<f64>,
    pub to_ms: Option<f64>,
}

/// The drift tab's answer.
#[derive(Clone, Debug)]
#[allow(missing_docs)]
pub struct Drift {
    pub report: DriftReport,
    pub text: String,
    pub baseline: Window,
    pub current: Window,
}

/// The explain tab's answer: the Markdown and the same as blocks.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Explained {
    pub session_id: String,
    pub markdown: String,
    pub blocks: Vec<Block>,
}

/// Reads alert rules: `{"rules": [...]}` or a bare array of rules.
fn alert_engine(rules: &str) -> Result<AlertEngine, ViewError> {
    let trimmed = rules.trim_start();
    let wrapped;
    let text = if trimmed.starts_with('[') {
        wrapped = format!("{{\"rules\":{trimmed}}}");
        &wrapped
    } else {
        rules
    };
    if serde_json::from_str::<serde_json::Value>(text).is_err() {
        return Err(ViewError::Input("The rules are not valid JSON.".into()));
    }
    AlertEngine::from_json(text, EngineConfig::default()).map_err(input)
}

impl TraceView {
    /// Streams every event (of `only`'s sessions when given) in arrival order through the
    /// alert rules, as a live tracker would.
    ///
    /// # Errors
    /// [`ViewError::Input`] for rules that are not JSON or that the engine refuses.
    pub fn alerts(&self, rules: &str, only: Option<&[String]>) -> Result<Alerts, ViewError> {
        let mut engine = alert_engine(rules)?;
        let mut keep = vec![only.is_none(); self.session_count()];
        for i in only
            .unwrap_or_default()
            .iter()
            .filter_map(|k| self.session_index(k))
        {
            keep[i] = true;
        }
        let mut out = Alerts {
            rules: engine.rules().count(),
            evaluated: 0,
            fired: 0,
            by_severity: BTreeMap::new(),
            alerts: Vec::new(),
        };
        for e in self.events() {
            if !self.session_index(session_key(e)).is_some_and(|i| keep[i]) {
                continue;
            }
            for alert in engine.push(e.clone()) {
                out.fired += 1;
                let severity = match alert.severity {
                    Severity::Info => "info",
                    Severity::Warning => "warning",
                    Severity::Critical => "critical",
                };
                *out.by_severity.entry(severity.to_owned()).or_default() += 1;
                if out.alerts.len() < MAX_LISTED_ALERTS {
                    let on = FiredOn {
                        index: out.evaluated,
                        event_id: e.event_id.clone().unwrap_or_default(),
                        event_type: e.event_type.as_str().to_owned(),
                        session_id: e.session_id.clone(),
                        timestamp: e.timestamp.map(UnixNanos::to_rfc3339).unwrap_or_default(),
                    };
                    out.alerts.push(FiredRow { alert, on });
                }
            }
            out.evaluated += 1;
        }
        Ok(out)
    }

    /// Checks the sessions `keys` (the first [`MAX_CHECKED_SESSIONS`]) against a policy
    /// (JSON), each with its events in time order.
    ///
    /// # Errors
    /// [`ViewError::Input`] for a policy the engine refuses (checked even with no session).
    pub fn compliance(
        &mut self,
        policy: &str,
        keys: &[String],
        checked_at: UnixNanos,
    ) -> Result<Compliance, ViewError> {
        let policy = CompliancePolicy::from_json(policy).map_err(input)?;
        let checker = ComplianceChecker::new();
        let known = self.known(keys);
        let mut sessions = Vec::new();
        for key in known.iter().take(MAX_CHECKED_SESSIONS) {
            let view = SessionView::from_owned(self.events_of(&[key]));
            let report = checker.check(&view, &policy, checked_at);
            sessions.push(SessionVerdict {
                session_id: (*key).to_owned(),
                text: report.render(),
                report,
            });
        }
        let compliant = sessions.iter().filter(|s| s.report.compliant).count();
        Ok(Compliance {
            policy_name: policy.name.clone(),
            compliant,
            non_compliant: sessions.len() - compliant,
            sessions,
            not_checked: known.len().saturating_sub(MAX_CHECKED_SESSIONS),
        })
    }

    /// The sessions `keys` in order of their first event (untimed last), split so the
    /// first `percent` (1–99) are the baseline, each side keeping at least one.
    fn split_by_time(&self, keys: &[&str], percent: f64) -> (Vec<String>, Vec<String>) {
        let mut ordered: Vec<(f64, usize)> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                (
                    self.session(k)
                        .and_then(|s| s.first)
                        .unwrap_or(f64::INFINITY),
                    i,
                )
            })
            .collect();
        sort_keyed(&mut ordered);
        let p = if percent.is_finite() {
            percent.clamp(1.0, 99.0)
        } else {
            50.0
        };
        let n = ordered.len();
        let cut = ((n as f64 * p / 100.0).round() as usize).max(1).min(n - 1);
        let keys: Vec<String> = ordered
            .into_iter()
            .map(|(_, i)| keys[i].to_owned())
            .collect();
        let (a, b) = keys.split_at(cut);
        (a.to_vec(), b.to_vec())
    }

    /// Drift between the sessions `keys` split by time: the first `percent` of them (by
    /// their first event) as the baseline, the rest as the current window.
    ///
    /// # Errors
    /// As [`TraceView::drift`]; [`ViewError::NoSession`] with fewer than two sessions.
    pub fn drift_split(
        &mut self,
        keys: &[String],
        percent: f64,
        threshold: f64,
    ) -> Result<Drift, ViewError> {
        let known = self.known(keys);
        if known.len() < 2 {
            return Err(ViewError::NoSession(
                "Drift needs at least two sessions: one for each window.",
            ));
        }
        let (baseline, current) = self.split_by_time(&known, percent);
        self.drift(&baseline, Some(&current), threshold)
    }

    fn window(&self, keys: &[String]) -> Window {
        let sessions = keys.iter().filter_map(|k| self.session(k));
        let (from, to) = sessions.fold((None, None), |(f, t): (Option<f64>, Option<f64>), s| {
            (
                s.first.map(|v| f.map_or(v, |f| f.min(v))).or(f),
                s.last.map(|v| t.map_or(v, |t| t.max(v))).or(t),
            )
        });
        Window {
            sessions: keys.len(),
            from_ms: from,
            to_ms: to,
        }
    }

    /// Drift of the `current` sessions (`None`: every session not in the baseline)
    /// against the `baseline` ones (unknown keys ignored).
    ///
    /// # Errors
    /// [`ViewError::NoSession`] when a window has no known session, [`ViewError::Input`]
    /// for a threshold the detector refuses.
    pub fn drift(
        &mut self,
        baseline: &[String],
        current: Option<&[String]>,
        threshold: f64,
    ) -> Result<Drift, ViewError> {
        let baseline: Vec<String> = self
            .known(baseline)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let current: Vec<String> = match current {
            Some(keys) => self.known(keys).into_iter().map(str::to_owned).collect(),
            None => self
                .session_ids()
                .filter(|k| !baseline.iter().any(|b| b == k))
                .map(str::to_owned)
                .collect(),
        };
        if baseline.is_empty() || current.is_empty() {
            return Err(ViewError::NoSession(
                "Both windows need at least one session.",
            ));
        }
        let mut detector = DriftDetector::new(threshold).map_err(input)?;
        for key in &baseline {
            detector.add_baseline(&SessionView::from_owned(self.events_of(&[key])));
        }
        for key in &current {
            detector.add_current(&SessionView::from_owned(self.events_of(&[key])));
        }
        let report = detector.detect().map_err(input)?;
        Ok(Drift {
            text: report.format_report(),
            report,
            baseline: self.window(&baseline),
            current: self.window(&current),
        })
    }

    /// One session explained in `style`, its events redacted with the default rules first
    /// (as the SDK's `explain()`): the Markdown and its [`blocks`].
    ///
    /// # Errors
    /// [`ViewError::NoSession`] for a key not held.
    pub fn explain(&mut self, key: &str, style: Style) -> Result<Explained, ViewError> {
        if self.session(key).is_none() {
            return Err(ViewError::NoSession("Select a session to explain."));
        }
        let redactor = Redactor::new(Config::default()).map_err(input)?;
        let markdown = explain_sanitized(&redactor, self.events_of(&[key]), style);
        Ok(Explained {
            session_id: key.to_owned(),
            blocks: blocks(&markdown),
            markdown,
        })
    }
}
