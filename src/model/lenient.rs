//! Lenient number readers: bad numbers from a host become safe values, never errors.
//!
//! Mirrors the AgentLens backend's rules (reference A.3): durations are `max(0, v)` for
//! finite numbers and absent otherwise.
//!
//! **Token counts, one rule for every reader** ([`token_count`]): `max(0, floor(v))` of a
//! finite JSON number, or of a string holding the decimal text of one (surrounding
//! spaces allowed: `"7"`, `" 12.9 "`, `"1e3"`), capped at 2^53 − 1 so that every host
//! (JavaScript included) holds it exactly; anything else (other strings, booleans,
//! objects, `null`) is 0. Numeric strings are read, not zeroed: the original backend
//! (Pydantic, lax mode) reads them, OTLP/JSON writes integers as strings, and a count a
//! client did send should not silently become 0.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// The largest token count: 2^53 − 1, the largest integer every host holds exactly.
pub(crate) const MAX_TOKENS: u64 = (1 << 53) - 1;

/// A token count by the one rule (module docs).
pub(crate) fn token_count(v: &Value) -> u64 {
    let f = match v {
        Value::Number(n) => match n.as_u64() {
            Some(u) => return u.min(MAX_TOKENS),
            None => n.as_f64(),
        },
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    f.filter(|f| f.is_finite() && *f > 0.0)
        .map_or(0, |f| (f.floor() as u64).min(MAX_TOKENS))
}

pub(crate) fn tokens<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.map(|v| token_count(&v)))
}

pub(crate) fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref()
        .and_then(as_f64)
        .filter(|f| f.is_finite())
        .map(|f| f.max(0.0)))
}

pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(as_f64).filter(|f| f.is_finite()))
}

pub(crate) fn step<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(tokens(d)?.unwrap_or(0))
}

/// A string field that tolerates numbers and booleans (stringified) and null (absent).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => Some(other.to_string()),
    })
}

pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_counts_follow_one_rule() {
        for (v, want) in [
            (json!(7), 7),
            (json!(7.9), 7),
            (json!(-5), 0),
            (json!("7"), 7),
            (json!(" 12.9 "), 12),
            (json!("1e3"), 1000),
            (json!("-3"), 0),
            (json!("seven"), 0),
            (json!("NaN"), 0),
            (json!("inf"), 0),
            (json!(""), 0),
            (json!(true), 0),
            (json!(null), 0),
            (json!({"n": 1}), 0),
            (json!(1e300), MAX_TOKENS),
            (json!(u64::MAX), MAX_TOKENS),
        ] {
            assert_eq!(token_count(&v), want, "{v}");
        }
    }
}
