//! The checker: evaluates each rule of a policy against a session, with the built-in
//! rule kinds and any registered custom validators.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::{
    CompliancePolicy, ComplianceReport, ComplianceRule, RuleOutcome, RuleResult, SessionView,
    Verdict, kind, num, number,
};
use crate::model::{EventType, semantics};
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
        let facts = Facts::of(session);
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

    fn evaluate(&self, session: &SessionView, facts: &Facts, rule: &ComplianceRule) -> RuleOutcome {
        if rule.needs_limit() && !rule.limit.is_some_and(f64::is_finite) {
            return RuleOutcome::new(Verdict::Skip, format!("Rule {} has no limit", rule.kind));
        }
        let limit = rule.limit.unwrap_or(0.0);
        match rule.kind.as_str() {
            kind::MAX_TOKENS => {
                let total = session.total_tokens();
                let ok = total as f64 <= limit;
                let word = if ok { "within limit" } else { "exceeds limit" };
                outcome(ok, format!("Total tokens {total} {word} {}", num(limit)))
                    .with_values(total.into(), number(limit))
            }
            kind::MIN_TOKENS => {
                let total = session.total_tokens();
                let ok = total as f64 >= limit;
                let word = if ok { "meets minimum" } else { "below minimum" };
                outcome(ok, format!("Total tokens {total} {word} {}", num(limit)))
                    .with_values(total.into(), number(limit))
            }
            kind::ALLOWED_MODELS => {
                if facts.models.is_empty() {
                    return RuleOutcome::new(Verdict::Skip, "No models used in session");
                }
                let allowed = lower_set(&rule.models);
                let violations: BTreeSet<String> =
                    facts.models.difference(&allowed).cloned().collect();
                if violations.is_empty() {
                    let msg = format!("All models in allowlist: {}", join(&facts.models));
                    outcome(true, msg).with_values(list(&facts.models), list(&allowed))
                } else {
                    outcome(
                        false,
                        format!("Unauthorized models used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), list(&allowed))
                    .with_detail("violations", list(&violations))
                }
            }
            kind::FORBIDDEN_MODELS => {
                let forbidden = lower_set(&rule.models);
                let violations: BTreeSet<String> =
                    facts.models.intersection(&forbidden).cloned().collect();
                if violations.is_empty() {
                    outcome(true, "No forbidden models used")
                        .with_values(list(&facts.models), Value::Null)
                } else {
                    outcome(
                        false,
                        format!("Forbidden models used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), Value::Null)
                    .with_detail("violations", list(&violations))
                }
            }
            kind::REQUIRED_TOOLS => {
                let required = lower_set(&rule.tools);
                let missing: BTreeSet<String> =
                    required.difference(&facts.tools).cloned().collect();
                if missing.is_empty() {
                    outcome(
                        true,
                        format!("All required tools used: {}", join(&required)),
                    )
                    .with_values(list(&facts.tools), list(&required))
                } else {
                    outcome(
                        false,
                        format!("Required tools not used: {}", join(&missing)),
                    )
                    .with_values(list(&facts.tools), list(&required))
                    .with_detail("missing", list(&missing))
                }
            }
            kind::FORBIDDEN_TOOLS => {
                let forbidden = lower_set(&rule.tools);
                let violations: BTreeSet<String> =
                    facts.tools.intersection(&forbidden).cloned().collect();
                if violations.is_empty() {
                    outcome(true, "No forbidden tools used")
                        .with_values(list(&facts.tools), Value::Null)
                } else {
                    outcome(
                        false,
                        format!("Forbidden tools used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), Value::Null)
                    .with_detail("violations", list(&violations))
                }
            }
            kind::MAX_EVENTS => count_rule(session.events.len(), limit, "Event count", true),
            kind::MIN_EVENTS => count_rule(session.events.len(), limit, "Event count", false),
            kind::MAX_TOOL_CALLS => count_rule(facts.tool_calls, limit, "Tool calls", true),
            kind::MAX_DURATION_MS => {
                let Some(duration) = session.duration_ms() else {
                    return RuleOutcome::new(
                        Verdict::Skip,
                        "Session still active, cannot check duration",
                    );
                };
                let ok = duration <= limit;
                let word = if ok { "within limit" } else { "exceeds limit" };
                outcome(
                    ok,
                    format!("Duration {duration:.0}ms {word} {}ms", num(limit)),
                )
                .with_values(number(duration), number(limit))
            }
            kind::REQUIRE_REASONING => {
                if facts.decisions == 0 {
                    return RuleOutcome::new(Verdict::Skip, "No decision events found");
                }
                let threshold = rule.threshold.unwrap_or(1.0);
                let rate = facts.reasoned as f64 / facts.decisions as f64;
                let (r, t) = (rate * 100.0, threshold * 100.0);
                let o = if rate >= threshold {
                    outcome(
                        true,
                        format!("Reasoning coverage {r:.0}% meets threshold {t:.0}%"),
                    )
                } else {
                    let (k, n) = (facts.reasoned, facts.decisions);
                    outcome(
                        false,
                        format!(
                            "Reasoning coverage {r:.0}% below threshold {t:.0}% ({k}/{n} decisions)"
                        ),
                    )
                };
                o.with_values(number(rate), number(threshold))
            }
            kind::MAX_ERROR_RATE => {
                let n = session.events.len();
                if n == 0 {
                    return RuleOutcome::new(Verdict::Skip, "No events in session");
                }
                let threshold = rule.threshold.unwrap_or(0.1);
                let e = facts.errors;
                let rate = e as f64 / n as f64;
                let (r, t) = (rate * 100.0, threshold * 100.0);
                let o = if rate <= threshold {
                    outcome(true, format!("Error rate {r:.1}% within threshold {t:.1}%"))
                } else {
                    outcome(
                        false,
                        format!("Error rate {r:.1}% exceeds threshold {t:.1}% ({e}/{n} events)"),
                    )
                };
                o.with_values(number(rate), number(threshold))
            }
            other => match self.validators.get(other) {
                Some(validator) => validator(session, rule).unwrap_or_else(|e| {
                    RuleOutcome::new(Verdict::Skip, format!("Custom validator error: {e}"))
                }),
                None => RuleOutcome::new(Verdict::Skip, format!("Unknown rule kind: {other}")),
            },
        }
    }
}

/// What the rules read from a session, gathered in one pass.
struct Facts {
    /// Lowercased models used.
    models: BTreeSet<String>,
    /// Lowercased tool names called.
    tools: BTreeSet<String>,
    /// Events with a tool call.
    tool_calls: usize,
    /// `llm_call` and `decision` events.
    decisions: usize,
    /// Those with non-blank reasoning.
    reasoned: usize,
    /// Errors, by the core's one rule ([`semantics::is_error`]).
    errors: usize,
}

impl Facts {
    fn of(session: &SessionView) -> Self {
        let mut f = Self {
            models: BTreeSet::new(),
            tools: BTreeSet::new(),
            tool_calls: 0,
            decisions: 0,
            reasoned: 0,
            errors: 0,
        };
        let mut last_model: Option<&str> = None;
        for e in &session.events {
            if let Some(m) = e.model.as_deref().filter(|m| !m.is_empty()) {
                if last_model != Some(m) {
                    f.models.insert(m.to_lowercase());
                    last_model = Some(m);
                }
            }
            if let Some(tc) = &e.tool_call {
                f.tool_calls += 1;
                if !tc.tool_name.is_empty() {
                    f.tools.insert(tc.tool_name.to_lowercase());
                }
            }
            if matches!(e.event_type, EventType::LlmCall | EventType::Decision) {
                f.decisions += 1;
                let reasoned = e.decision_trace.as_ref();
                if reasoned.is_some_and(|d| !d.reasoning.trim().is_empty()) {
                    f.reasoned += 1;
                }
            }
            if semantics::is_error(e) {
                f.errors += 1;
            }
        }
        f
    }
}

fn outcome(ok: bool, message: impl Into<String>) -> RuleOutcome {
    RuleOutcome::new(if ok { Verdict::Pass } else { Verdict::Fail }, message)
}

/// `max_events`, `min_events`, `max_tool_calls`: the limit truncated to an integer, as
/// the seed's `int(limit)`.
fn count_rule(count: usize, limit: f64, what: &str, max: bool) -> RuleOutcome {
    let limit = limit.trunc();
    let c = count as f64;
    let ok = if max { c <= limit } else { c >= limit };
    let word = match (max, ok) {
        (true, true) => "within limit",
        (true, false) => "exceeds limit",
        (false, true) => "meets minimum",
        (false, false) => "below minimum",
    };
    outcome(ok, format!("{what} {count} {word} {}", num(limit)))
        .with_values(count.into(), number(limit))
}

fn lower_set(names: &[String]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_lowercase()).collect()
}

fn join(names: &BTreeSet<String>) -> String {
    names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(names: &BTreeSet<String>) -> Value {
    Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect())
}
