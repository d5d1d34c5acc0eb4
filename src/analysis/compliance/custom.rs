//! Reading a custom validator's answer when the validator lives outside Rust (the JS
//! bridge calls a user function and hands its return value here as JSON).

use serde_json::{Map, Value};

use super::{RuleOutcome, Verdict};

impl RuleOutcome {
    /// The outcome a host-side custom validator answered: `true` or `false`, or an object
    /// with `verdict` (`"pass"`, `"fail"`, `"skip"`) or `passed` (a boolean), and
    /// optionally `message`, `actual_value` (or `actualValue`), `expected_value` (or
    /// `expectedValue`) and `details` (an object). Anything else is an error, which the
    /// checker reports as a skip, as it does for a validator that throws.
    ///
    /// ```
    /// use agentlens::analysis::compliance::{RuleOutcome, Verdict};
    /// let o = RuleOutcome::from_custom(&serde_json::json!({"passed": false, "message": "2 PII hits"})).unwrap();
    /// assert_eq!((o.verdict, o.message.as_str()), (Verdict::Fail, "2 PII hits"));
    /// assert!(RuleOutcome::from_custom(&serde_json::json!({})).is_err());
    /// ```
    pub fn from_custom(answer: &Value) -> Result<Self, String> {
        let object = match answer {
            Value::Bool(passed) => {
                return Ok(Self::new(
                    verdict_of(*passed),
                    default_message(verdict_of(*passed)),
                ));
            }
            Value::Object(object) => object,
            other => {
                return Err(format!(
                    "validator returned {}, expected a boolean or an object with `verdict` or `passed`",
                    type_name(other)
                ));
            }
        };
        let verdict = match (object.get("verdict"), object.get("passed")) {
            (Some(Value::String(v)), _) => {
                match v.as_str() {
                    "pass" => Verdict::Pass,
                    "fail" => Verdict::Fail,
                    "skip" => Verdict::Skip,
                    _ => return Err(
                        "validator returned a `verdict` other than \"pass\", \"fail\" or \"skip\""
                            .into(),
                    ),
                }
            }
            (Some(_), _) => {
                return Err("validator returned a `verdict` that is not a string".into());
            }
            (None, Some(Value::Bool(passed))) => verdict_of(*passed),
            (None, Some(_)) => {
                return Err("validator returned a `passed` that is not a boolean".into());
            }
            (None, None) => {
                return Err("validator returned an object with neither `verdict` nor `passed` (a Promise? validators run synchronously)".into());
            }
        };
        let message = match object.get("message") {
            Some(Value::String(m)) => m.clone(),
            Some(Value::Null) | None => default_message(verdict).to_owned(),
            Some(other) => other.to_string(),
        };
        let field = |snake: &str, camel: &str| {
            object
                .get(snake)
                .or_else(|| object.get(camel))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let details = match object.get("details") {
            Some(Value::Object(d)) => d.clone(),
            _ => Map::new(),
        };
        Ok(Self {
            verdict,
            message,
            actual_value: field("actual_value", "actualValue"),
            expected_value: field("expected_value", "expectedValue"),
            details,
        })
    }
}

fn verdict_of(passed: bool) -> Verdict {
    if passed { Verdict::Pass } else { Verdict::Fail }
}

fn default_message(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "Custom rule passed",
        Verdict::Fail => "Custom rule failed",
        Verdict::Skip => "Custom rule skipped",
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn booleans_pass_and_fail_with_default_messages() {
        let pass = RuleOutcome::from_custom(&json!(true)).unwrap();
        assert_eq!(
            (pass.verdict, pass.message.as_str()),
            (Verdict::Pass, "Custom rule passed")
        );
        let fail = RuleOutcome::from_custom(&json!(false)).unwrap();
        assert_eq!(
            (fail.verdict, fail.message.as_str()),
            (Verdict::Fail, "Custom rule failed")
        );
    }

    #[test]
    fn objects_carry_values_in_either_spelling() {
        let o = RuleOutcome::from_custom(&json!({
            "verdict": "skip", "message": "no PII scanner", "actualValue": 3,
            "expected_value": 0, "details": {"fields": ["email"]}
        }))
        .unwrap();
        assert_eq!(o.verdict, Verdict::Skip);
        assert_eq!(o.message, "no PII scanner");
        assert_eq!((o.actual_value, o.expected_value), (json!(3), json!(0)));
        assert_eq!(o.details["fields"], json!(["email"]));
    }

    #[test]
    fn anything_else_is_an_error_that_names_the_problem() {
        for (answer, needle) in [
            (json!(1), "a number"),
            (json!({}), "neither"),
            (json!({"verdict": "maybe"}), "other than"),
            (json!({"verdict": 1}), "not a string"),
            (json!({"passed": "yes"}), "not a boolean"),
        ] {
            let err = RuleOutcome::from_custom(&answer).unwrap_err();
            assert!(err.contains(needle), "{answer}: {err}");
        }
    }
}
