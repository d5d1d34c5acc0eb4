//! Lenient readers over `serde_json::Value` shared by the format mappers: a missing or
//! mistyped field is absent, never an error.

use serde_json::{Map, Value};

use crate::time::UnixNanos;

/// A string field; numbers and booleans are stringified, empty strings are absent.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A non-negative count: numbers or decimal strings, floored; anything else absent.
pub(crate) fn count(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite())
                .map(|f| f.max(0.0).floor() as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

/// A finite number (or a numeric string).
pub(crate) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => crate::model::lenient::decimal(s.trim()).filter(|f| f.is_finite()),
        _ => None,
    }
}

/// A time: RFC 3339 text, or epoch milliseconds as a number.
pub(crate) fn time(v: Option<&Value>) -> Option<UnixNanos> {
    match v? {
        Value::String(s) => UnixNanos::parse_rfc3339(s).ok(),
        Value::Number(n) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(UnixNanos::from_unix_ms),
        _ => None,
    }
}

/// A value that may have been recorded as a JSON string (tool arguments, messages):
/// parsed when it is a JSON object or array, kept as it is otherwise.
pub(crate) fn maybe_json(v: Value) -> Value {
    if let Value::String(s) = &v {
        let t = s.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                return parsed;
            }
        }
    }
    v
}

/// `{key: value}`.
pub(crate) fn object1(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), value);
    Value::Object(m)
}

/// Milliseconds between two times, when both are known and in order.
pub(crate) fn span_ms(start: Option<UnixNanos>, end: Option<UnixNanos>) -> Option<f64> {
    let (s, e) = (start?, end?);
    (e.0 >= s.0).then(|| (e.0 - s.0) as f64 / 1e6)
}
