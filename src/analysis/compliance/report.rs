//! What a check found: each rule's [`RuleOutcome`] and [`RuleResult`], and the
//! [`ComplianceReport`] with its counters, `render()` text and JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{CompliancePolicy, ComplianceRule, SessionView, Severity};
use crate::time::UnixNanos;

/// The outcome of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The session meets the rule.
    Pass,
    /// The session breaks the rule.
    Fail,
    /// The rule does not apply (no events, still active, unknown kind, ...).
    Skip,
}

/// What a rule evaluation (built-in or custom) found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// Pass, fail or skip.
    pub verdict: Verdict,
    /// One line for the report.
    pub message: String,
    /// What the session had (`null` when not applicable).
    #[serde(default)]
    pub actual_value: Value,
    /// What the rule asked for (`null` when not applicable).
    #[serde(default)]
    pub expected_value: Value,
    /// Extra facts: `violations` or `missing` lists.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

impl RuleOutcome {
    /// An outcome with a verdict and message and no values.
    pub fn new(verdict: Verdict, message: impl Into<String>) -> Self {
        Self {
            verdict,
            message: message.into(),
            actual_value: Value::Null,
            expected_value: Value::Null,
            details: Map::new(),
        }
    }

    /// Sets what the session had and what the rule asked for.
    #[must_use]
    pub fn with_values(mut self, actual: Value, expected: Value) -> Self {
        self.actual_value = actual;
        self.expected_value = expected;
        self
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_owned(), value);
        self
    }
}

/// One rule's line in a report (the seed's `RuleResult` as its `to_dict` writes it, plus
/// the rule's description and details).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule's kind.
    pub kind: String,
    /// The rule's description (omitted when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The rule's severity.
    pub severity: Severity,
    /// Pass, fail or skip.
    pub verdict: Verdict,
    /// One line for the report.
    pub message: String,
    /// What the session had.
    #[serde(default)]
    pub actual_value: Value,
    /// What the rule asked for.
    #[serde(default)]
    pub expected_value: Value,
    /// Extra facts: `violations` or `missing` lists.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

impl RuleResult {
    pub(super) fn of(rule: &ComplianceRule, o: RuleOutcome) -> Self {
        Self {
            kind: rule.kind.clone(),
            description: rule.description.clone(),
            severity: rule.severity,
            verdict: o.verdict,
            message: o.message,
            actual_value: o.actual_value,
            expected_value: o.expected_value,
            details: o.details,
        }
    }
}

/// The result of checking one session against one policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// The policy's name.
    pub policy_name: String,
    /// The session's id.
    pub session_id: String,
    /// The session's agent.
    pub agent_name: String,
    /// When the check ran (RFC 3339, given by the caller).
    pub checked_at: String,
    /// No `error`-severity rule failed (warnings and skips do not count).
    pub compliant: bool,
    /// Rules that passed.
    pub passed: usize,
    /// Rules that failed, of either severity.
    pub failed: usize,
    /// Rules that were skipped.
    pub skipped: usize,
    /// All rules.
    pub total_rules: usize,
    /// One result per rule, in policy order.
    pub results: Vec<RuleResult>,
    /// The failed `warning` rules.
    pub warnings: Vec<RuleResult>,
    /// The failed `error` rules.
    pub errors: Vec<RuleResult>,
}

impl ComplianceReport {
    pub(super) fn new(
        policy: &CompliancePolicy,
        session: &SessionView,
        checked_at: UnixNanos,
        results: Vec<RuleResult>,
    ) -> Self {
        let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
        let failed_with = |s: Severity| -> Vec<RuleResult> {
            results
                .iter()
                .filter(|r| r.verdict == Verdict::Fail && r.severity == s)
                .cloned()
                .collect()
        };
        let errors = failed_with(Severity::Error);
        Self {
            policy_name: policy.name.clone(),
            session_id: session.session_id.clone(),
            agent_name: session.agent_name.clone(),
            checked_at: checked_at.to_rfc3339(),
            compliant: errors.is_empty(),
            passed: count(Verdict::Pass),
            failed: count(Verdict::Fail),
            skipped: count(Verdict::Skip),
            total_rules: results.len(),
            warnings: failed_with(Severity::Warning),
            errors,
            results,
        }
    }

    /// The seed's human-readable report:
    ///
    /// ```text
    /// ==================================================
    ///   Compliance Report: {policy}
    /// ==================================================
    ///
    ///   Session:    {session_id}
    ///   Agent:      {agent_name}
    ///   Checked:    {checked_at}
    ///   Status:     [+] COMPLIANT
    ///   Rules:      {passed}/{total} passed[, {skipped} skipped]
    ///
    /// --------------------------------------------------
    ///   [+] {description or kind}
    ///       {message}
    ///   [X] {description or kind} ({severity})
    ///       {message}
    ///
    /// ==================================================
    /// ```
    pub fn render(&self) -> String {
        let rule = "=".repeat(50);
        let (icon, status) = if self.compliant {
            ("+", "COMPLIANT")
        } else {
            ("X", "NON-COMPLIANT")
        };
        let skipped = if self.skipped > 0 {
            format!(", {} skipped", self.skipped)
        } else {
            String::new()
        };
        let mut lines = vec![
            rule.clone(),
            format!("  Compliance Report: {}", self.policy_name),
            rule.clone(),
            String::new(),
            format!("  Session:    {}", self.session_id),
            format!("  Agent:      {}", self.agent_name),
            format!("  Checked:    {}", self.checked_at),
            format!("  Status:     [{icon}] {status}"),
            format!(
                "  Rules:      {}/{} passed{skipped}",
                self.passed, self.total_rules
            ),
            String::new(),
            "-".repeat(50),
        ];
        for r in &self.results {
            let icon = match r.verdict {
                Verdict::Pass => "[+]",
                Verdict::Fail => "[X]",
                Verdict::Skip => "[-]",
            };
            let sev = if r.verdict == Verdict::Fail {
                format!(" ({})", r.severity.as_str())
            } else {
                String::new()
            };
            let label = if r.description.is_empty() {
                &r.kind
            } else {
                &r.description
            };
            lines.push(format!("  {icon} {label}{sev}"));
            if !r.message.is_empty() {
                lines.push(format!("      {}", r.message));
            }
        }
        lines.push(String::new());
        lines.push(rule);
        lines.join("\n")
    }

    /// The report as pretty JSON (two-space indent).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
