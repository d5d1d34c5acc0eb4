//! Lenient number readers: bad numbers from a host become safe values, never errors.
//!
//! Mirrors the AgentLens backend's rules (reference A.3): token counts are
//! `max(0, floor(v))` for finite numbers and 0 otherwise; durations are `max(0, v)` for
//! finite numbers and absent otherwise.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

pub(crate) fn tokens<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.map(|v| match v {
        Value::Number(n) if n.is_u64() => n.as_u64().unwrap_or(0),
        other => as_f64(&other)
            .filter(|f| f.is_finite() && *f > 0.0)
            .map_or(0, |f| f.floor().min(u64::MAX as f64) as u64),
    }))
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
