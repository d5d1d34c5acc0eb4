//! The checker: evaluates each rule of a policy against a session, by the built-in rule
//! kinds ([`super::rules`]) or a registered custom validator.

use std::collections::BTreeMap;
use std::fmt;

use super::rules::{self, SessionFacts};
use super::{
    CompliancePolicy, ComplianceReport, ComplianceRule, RuleOutcome, RuleResult, SessionView,
    Verdict,
};
use crate::time::UnixNanos;

/// A custom rule: evaluates a session against a rule, or says why it could not (an `Err`
/// becomes a `skip` with the message `Custom validator error: {err}`).
pub type Validator = Box<dyn Fn(&SessionView, &ComplianceRule) -> Result<RuleOutcome, String>>;

/// Evaluates sessions against policies; holds the custom validators.
#[derive(Default)]
pub struct ComplianceChecker {
    validators: BTreeMap<String, Validator>,
}

impl fmt::Debug for ComplianceChecker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComplianceChecker")
            .field("validators", &self.validators.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ComplianceChecker {
    /// A checker with no custom validators.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `validator` for rules of kind `kind`, replacing any earlier one. As in
    /// the seed, built-in kinds cannot be overridden: their rules always use the built-in
    /// evaluation.
    pub fn register_validator(&mut self, kind: impl Into<String>, validator: Validator) {
        self.validators.insert(kind.into(), validator);
    }

    /// Checks `session` against every rule of `policy`; `checked_at` is the report's time.
    /// Never panics, whatever the session or policy holds.
    pub fn check(
        &self,
        session: &SessionView,
        policy: &CompliancePolicy,
        checked_at: UnixNanos,
    ) -> ComplianceReport {
        let facts = SessionFacts::of(session);
        let results = policy
            .rules
            .iter()
            .map(|rule| RuleResult::of(rule, self.evaluate(session, &facts, rule)))
            .collect();
        ComplianceReport::new(policy, session, checked_at, results)
    }

    /// Checks each session against `policy` (the seed's `check_multiple`).
    pub fn check_multiple(
        &self,
        sessions: &[SessionView],
        policy: &CompliancePolicy,
        checked_at: UnixNanos,
    ) -> Vec<ComplianceReport> {
        sessions
            .iter()
            .map(|s| self.check(s, policy, checked_at))
            .collect()
    }

    fn evaluate(
        &self,
        session: &SessionView,
        facts: &SessionFacts,
        rule: &ComplianceRule,
    ) -> RuleOutcome {
        if rule.needs_limit() && !rule.limit.is_some_and(f64::is_finite) {
            return RuleOutcome::new(Verdict::Skip, format!("Rule {} has no limit", rule.kind));
        }
        if let Some(outcome) = rules::built_in(session, facts, rule) {
            return outcome;
        }
        match self.validators.get(&rule.kind) {
            Some(validator) => validator(session, rule).unwrap_or_else(|e| {
                RuleOutcome::new(Verdict::Skip, format!("Custom validator error: {e}"))
            }),
            None => RuleOutcome::new(Verdict::Skip, format!("Unknown rule kind: {}", rule.kind)),
        }
    }
}
