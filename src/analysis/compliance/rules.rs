//! The built-in rule kinds (the seed's, reference B.5) and the facts of a session they
//! read.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{ComplianceRule, RuleOutcome, SessionView, Verdict, kind, num, number};
use crate::model::{EventType, semantics};

/// The outcome of a built-in rule kind; `None` for any other kind (custom or unknown).
/// A limit rule's `limit` has been checked already.
pub(super) fn built_in(
    session: &SessionView,
    facts: &SessionFacts,
    rule: &ComplianceRule,
) -> Option<RuleOutcome> {
    let limit = rule.limit.unwrap_or(0.0);
    Some(match rule.kind.as_str() {
        kind::MAX_TOKENS => tokens(session, limit, true),
        kind::MIN_TOKENS => tokens(session, limit, false),
        kind::ALLOWED_MODELS => allowed_models(facts, rule),
        kind::FORBIDDEN_MODELS => forbidden(&facts.models, &rule.models, "models"),
        kind::REQUIRED_TOOLS => required_tools(facts, rule),
        kind::FORBIDDEN_TOOLS => forbidden(&facts.tools, &rule.tools, "tools"),
        kind::MAX_EVENTS => count_rule(session.events.len(), limit, "Event count", true),
        kind::MIN_EVENTS => count_rule(session.events.len(), limit, "Event count", false),
        kind::MAX_TOOL_CALLS => count_rule(facts.tool_calls, limit, "Tool calls", true),
        kind::MAX_DURATION_MS => duration(session, limit),
        kind::REQUIRE_REASONING => reasoning(facts, rule),
        kind::MAX_ERROR_RATE => error_rate(session, facts, rule),
        _ => return None,
    })
}

/// `max_tokens` (`max`) and `min_tokens`.
fn tokens(session: &SessionView, limit: f64, max: bool) -> RuleOutcome {
    let total = session.total_tokens();
    let ok = if max {
        total as f64 <= limit
    } else {
        total as f64 >= limit
    };
    let word = match (max, ok) {
        (true, true) => "within limit",
        (true, false) => "exceeds limit",
        (false, true) => "meets minimum",
        (false, false) => "below minimum",
    };
    outcome(ok, format!("Total tokens {total} {word} {}", num(limit)))
        .with_values(total.into(), number(limit))
}

fn allowed_models(facts: &SessionFacts, rule: &ComplianceRule) -> RuleOutcome {
    if facts.models.is_empty() {
        return RuleOutcome::new(Verdict::Skip, "No models used in session");
    }
    let allowed = lower_set(&rule.models);
    let violations: BTreeSet<String> = facts.models.difference(&allowed).cloned().collect();
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

/// `forbidden_models` and `forbidden_tools`: none of `listed` (any case) among `used`.
fn forbidden(used: &BTreeSet<String>, listed: &[String], what: &str) -> RuleOutcome {
    let forbidden = lower_set(listed);
    let violations: BTreeSet<String> = used.intersection(&forbidden).cloned().collect();
    if violations.is_empty() {
        outcome(true, format!("No forbidden {what} used")).with_values(list(used), Value::Null)
    } else {
        outcome(
            false,
            format!("Forbidden {what} used: {}", join(&violations)),
        )
        .with_values(list(&violations), Value::Null)
        .with_detail("violations", list(&violations))
    }
}

fn required_tools(facts: &SessionFacts, rule: &ComplianceRule) -> RuleOutcome {
    let required = lower_set(&rule.tools);
    let missing: BTreeSet<String> = required.difference(&facts.tools).cloned().collect();
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

fn duration(session: &SessionView, limit: f64) -> RuleOutcome {
    let Some(duration) = session.duration_ms() else {
        return RuleOutcome::new(Verdict::Skip, "Session still active, cannot check duration");
    };
    let ok = duration <= limit;
    let word = if ok { "within limit" } else { "exceeds limit" };
    outcome(
        ok,
        format!("Duration {duration:.0}ms {word} {}ms", num(limit)),
    )
    .with_values(number(duration), number(limit))
}

fn reasoning(facts: &SessionFacts, rule: &ComplianceRule) -> RuleOutcome {
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
            format!("Reasoning coverage {r:.0}% below threshold {t:.0}% ({k}/{n} decisions)"),
        )
    };
    o.with_values(number(rate), number(threshold))
}

fn error_rate(session: &SessionView, facts: &SessionFacts, rule: &ComplianceRule) -> RuleOutcome {
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

/// What the rules read from a session, gathered in one pass.
pub(super) struct SessionFacts {
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

impl SessionFacts {
    pub(super) fn of(session: &SessionView) -> Self {
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
                    f.models.insert(m.to_ascii_lowercase());
                    last_model = Some(m);
                }
            }
            if let Some(tc) = &e.tool_call {
                f.tool_calls += 1;
                if !tc.tool_name.is_empty() {
                    f.tools.insert(tc.tool_name.to_ascii_lowercase());
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

/// Model and tool names compared with their ASCII letters in one case. Only ASCII: the
/// names are identifiers, and Unicode case mapping would bring its tables into every
/// wasm build that checks compliance (~2.8 KB gzipped).
fn lower_set(names: &[String]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_ascii_lowercase()).collect()
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
