//! A metric rule from its JSON form, field by field, each refusal naming its field.

use serde_json::{Map, Value};

use super::{
    DEFAULT_COOLDOWN_MINUTES, DEFAULT_WINDOW_MINUTES, MAX_AGENT_FILTER_CHARS, MAX_COOLDOWN_MINUTES,
    MAX_NAME_CHARS, MAX_WINDOW_MINUTES, Metric, MetricRule, OPERATORS,
};
use crate::analysis::alert::{AlertError, Operator};

/// The error for `field`: what it must be, and the value given (quoted, cut short).
pub(super) fn invalid(field: &'static str, requirement: String, got: &Value) -> AlertError {
    let got = match got {
        Value::String(s) if s.chars().count() > 64 => {
            format!("{:?}…", s.chars().take(64).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    };
    AlertError::InvalidField {
        field,
        requirement,
        got,
    }
}

/// See [`MetricRule::from_value`].
pub(super) fn rule(v: &Value) -> Result<MetricRule, AlertError> {
    let Some(o) = v.as_object() else {
        return Err(invalid("rule", "must be an object".into(), v));
    };
    Ok(MetricRule {
        rule_id: rule_id(field(o, "rule_id"))?,
        name: name(field(o, "name"))?,
        metric: metric(field(o, "metric"))?,
        operator: operator(field(o, "operator"))?,
        threshold: threshold(field(o, "threshold"))?,
        window_minutes: minutes(
            field(o, "window_minutes"),
            "window_minutes",
            DEFAULT_WINDOW_MINUTES,
            1,
            MAX_WINDOW_MINUTES,
        )?,
        agent_filter: agent_filter(field(o, "agent_filter"))?,
        cooldown_minutes: minutes(
            field(o, "cooldown_minutes"),
            "cooldown_minutes",
            DEFAULT_COOLDOWN_MINUTES,
            0,
            MAX_COOLDOWN_MINUTES,
        )?,
        enabled: enabled(field(o, "enabled"))?,
    })
}

const NULL: Value = Value::Null;

/// A field's value; absent reads as null.
fn field<'a>(o: &'a Map<String, Value>, key: &str) -> &'a Value {
    o.get(key).unwrap_or(&NULL)
}

fn name(v: &Value) -> Result<String, AlertError> {
    match v {
        Value::String(s) if !s.trim().is_empty() => {
            Ok(s.trim().chars().take(MAX_NAME_CHARS).collect())
        }
        _ => Err(invalid(
            "name",
            "is required (a non-empty string)".into(),
            v,
        )),
    }
}

fn metric(v: &Value) -> Result<Metric, AlertError> {
    v.as_str().and_then(Metric::from_name).ok_or_else(|| {
        let names: Vec<_> = Metric::ALL.iter().map(|m| m.name()).collect();
        invalid("metric", format!("must be one of {}", names.join(", ")), v)
    })
}

fn operator(v: &Value) -> Result<Operator, AlertError> {
    let op = match v.as_str() {
        Some("<") => Operator::Lt,
        Some(">") => Operator::Gt,
        Some("<=") => Operator::Le,
        Some(">=") => Operator::Ge,
        Some("==") => Operator::Eq,
        Some("!=") => Operator::Ne,
        _ => {
            let must = format!("must be one of {}", OPERATORS.join(" "));
            return Err(invalid("operator", must, v));
        }
    };
    Ok(op)
}

fn threshold(v: &Value) -> Result<f64, AlertError> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| invalid("threshold", "must be a finite number".into(), v))
}

/// Minutes from a JSON number: null gives `default`, a number is cut to whole minutes
/// and clamped to `lo..=hi`, anything else is refused.
fn minutes(
    v: &Value,
    field: &'static str,
    default: u32,
    lo: u32,
    hi: u32,
) -> Result<u32, AlertError> {
    match v {
        Value::Null => Ok(default),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN).floor();
            Ok(x.clamp(f64::from(lo), f64::from(hi)) as u32)
        }
        _ => {
            let must = format!("must be a number of minutes (clamped to {lo}..{hi})");
            Err(invalid(field, must, v))
        }
    }
}

fn agent_filter(v: &Value) -> Result<Option<String>, AlertError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= MAX_AGENT_FILTER_CHARS => {
            Ok(Some(s.clone()).filter(|s| !s.is_empty()))
        }
        _ => {
            let must = format!("must be a string of at most {MAX_AGENT_FILTER_CHARS} characters");
            Err(invalid("agent_filter", must, v))
        }
    }
}

fn enabled(v: &Value) -> Result<bool, AlertError> {
    match v {
        Value::Null => Ok(true),
        Value::Bool(b) => Ok(*b),
        _ => Err(invalid("enabled", "must be true or false".into(), v)),
    }
}

fn rule_id(v: &Value) -> Result<String, AlertError> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        _ => Err(invalid("rule_id", "must be a string".into(), v)),
    }
}
