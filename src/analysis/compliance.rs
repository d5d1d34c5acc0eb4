//! Policy checks over one session: the AgentLens SDK's `ComplianceChecker` (reference B.5).
//!
//! A [`CompliancePolicy`] is a named list of [`ComplianceRule`]s. [`ComplianceChecker::check`]
//! evaluates every rule against a [`SessionView`] and returns a [`ComplianceReport`] with
//! one [`RuleResult`] per rule (verdict pass, fail or skip), the seed's counters, its
//! `render()` text and its JSON.
//!
//! Rule kinds, messages, defaults and presets are the seed's. Deliberate differences:
//!
//! - **A limit rule without a limit is a policy error.** The seed read a missing `limit` as
//!   0, so `{"kind": "max_tokens"}` failed every session that used a single token.
//!   [`CompliancePolicy::from_json`] (and [`CompliancePolicy::validate`]) reject any of
//!   `max_tokens`, `min_tokens`, `max_events`, `min_events`, `max_duration_ms` and
//!   `max_tool_calls` without a numeric `limit`, naming the rule. A policy built in code
//!   that skips validation gets a `skip` verdict for such a rule, never a false `fail`.
//! - **`max_error_rate` counts every error.** The seed counted only events whose type is
//!   exactly `error`, so the decorators' `tool_error` and `agent_error` never counted.
//!   Here an event is an error by the core's one rule,
//!   [`crate::model::semantics::is_error`] (any type containing `error`, error details, a
//!   failed or timed-out status), which drift, statistics and explain use too.
//! - **A session's `status` is the core's one rule** ([`crate::model::SessionStatus`]):
//!   a session whose root run failed is `error` whatever its end says, and an end with
//!   an unknown status is `completed`. Custom validators see that status.
//! - **Wrong-typed fields are errors.** The seed accepted any JSON for any field; here a
//!   rule whose `limit` is a string, whose `tools` is not a list of strings, or whose
//!   `severity` is neither `error` nor `warning` is rejected, naming the rule by index and
//!   kind. Unknown kinds are still accepted and evaluate to `skip`, as in the seed.
//! - **`type` is read as `kind`** when a rule has no `kind` (alert rules and most JSON
//!   configs say `type`); the seed made such a rule `custom`, which always skips.
//! - **Custom rules may live outside Rust.** A host-side validator's answer (a boolean or
//!   an outcome object) is read by [`RuleOutcome::from_custom`]; anything else, like a
//!   thrown exception, is a `skip` with the reason.
//! - **No clock.** The report's `checked_at` is an input to [`ComplianceChecker::check`].
//! - **The report's JSON adds** each rule's `description` and `details` (when not empty)
//!   and the failed `warnings` and `errors`, which the seed only had as properties.

use serde_json::Value;

mod checker;
mod custom;
mod policy;
mod presets;
mod report;
mod rules;
mod session;

pub use checker::{ComplianceChecker, Validator};
pub use policy::{CompliancePolicy, ComplianceRule, PolicyError, Severity, kind};
pub use presets::{permissive_policy, strict_policy};
pub use report::{ComplianceReport, RuleOutcome, RuleResult, Verdict};
pub use session::SessionView;

/// The core's one rule for errors, under the name this module had for it.
pub use crate::model::semantics::is_error as is_error_event;

/// Whole numbers print without a fraction, as Python prints an `int` limit.
fn num(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Whole numbers become JSON integers, others floats (non-finite become `null`).
fn number(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UnixNanos;

    #[test]
    fn numbers_print_like_python_ints_when_whole() {
        assert_eq!(num(200.0), "200");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(number(3.0), Value::from(3));
        assert_eq!(number(f64::NAN), Value::Null);
    }

    #[test]
    fn a_limit_rule_built_in_code_without_a_limit_skips_instead_of_failing() {
        let mut policy = CompliancePolicy::new("p");
        policy.rules.push(ComplianceRule::new(kind::MAX_TOKENS));
        assert!(policy.validate().is_err());
        let view = SessionView::from_events(&[]);
        let report = ComplianceChecker::new().check(&view, &policy, UnixNanos(0));
        assert_eq!(report.results[0].verdict, Verdict::Skip);
        assert_eq!(report.results[0].message, "Rule max_tokens has no limit");
        assert!(report.compliant);
    }
}
