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

use crate::time::UnixNanos;

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
        Value::String(s) => decimal(s.trim()),
        _ => None,
    };
    f.filter(|f| f.is_finite() && *f > 0.0)
        .map_or(0, |f| (f.floor() as u64).min(MAX_TOKENS))
}

/// `s.parse::<f64>()` for the core's lenient readers, without `str::parse`, which brings
/// a 10 KB table of powers of five into the wasm. The same texts are accepted (an
/// optional sign; digits with an optional point, `5.` and `.5` included; an optional
/// exponent; `inf`, `infinity` and `nan` in any case) and give the same values, read by
/// serde_json's number reader (the one JSON numbers go through): exact for up to 15
/// significant digits times a power of ten up to 10^22 (one rounding, as the std
/// reader's own fast path), beyond that possibly an ulp off.
pub(crate) fn decimal(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    let word = |w: &str| body.eq_ignore_ascii_case(w);
    if word("inf") || word("infinity") {
        return Some(sign * f64::INFINITY);
    }
    if word("nan") {
        return Some(f64::NAN);
    }
    // One pass: the same number as JSON text (no leading zeros, a digit before a point
    // and after one), then an exponent as written, then nothing else.
    let b = body.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut json = String::with_capacity(body.len() + 1);
    let zeros = b.iter().take_while(|&&c| c == b'0').count();
    let int_end = digits_from(zeros);
    json.push_str(if int_end == zeros {
        "0"
    } else {
        &body[zeros..int_end]
    });
    let mut end = int_end;
    if b.get(end) == Some(&b'.') {
        end = digits_from(end + 1);
        if end > int_end + 1 {
            json.push_str(&body[int_end..end]);
        }
    }
    if end == 0 || (end == 1 && int_end == 0) {
        return None; // no digit at all
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let sign_len = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exp_end = digits_from(end + 1 + sign_len);
        if exp_end == end + 1 + sign_len {
            return None;
        }
        json.push_str(&body[end..exp_end]);
        end = exp_end;
    }
    if end != b.len() {
        return None;
    }
    // Grammatical JSON that serde_json refuses is out of range: `str::parse` says infinity.
    let magnitude = serde_json::from_str::<Value>(&json)
        .ok()
        .map_or(Some(f64::INFINITY), |v| v.as_f64())?;
    Some(sign * magnitude)
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

/// A string field that tolerates numbers, booleans, arrays and objects (as their JSON
/// text) and null (absent).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        // A number's or a boolean's JSON text is what `Display` of it writes.
        Some(other) => Some(other.to_string()),
    })
}

pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// A time: an RFC 3339 string or Unix milliseconds. One that does not parse, or a number
/// outside the range a time holds ([`UnixNanos::try_from_unix_ms`]), is dropped
/// rather than failing the whole event. (A reader borrowing the string from the JSON
/// text, without a `Value`, was 4% fewer instructions per event read natively and no
/// faster measurably in wasm, for ~0.9 KB gzipped more of the SDK's wasm.)
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<UnixNanos>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => UnixNanos::parse_rfc3339(&s).ok(),
        Some(Value::Number(n)) => n.as_f64().and_then(UnixNanos::try_from_unix_ms),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimal_reads_what_the_std_reader_reads() {
        // Every string of up to 4 characters over the grammar's pieces, and a few more.
        let alphabet = ["0", "7", "9", ".", "e", "E", "+", "-", " ", "x", "5"];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}")))
                .collect();
            texts.extend(longer);
        }
        texts.extend(
            [
                "12.75",
                "3.99e2",
                "0000012",
                "1.5e-1",
                "-123456789.987",
                "4.2E+3",
                "inf",
                "-Infinity",
                "+INF",
                "NaN",
                "-nan",
                "infinit",
                "1e400",
                "-1e400",
                "1e-400",
                "1.7976931348623157e308",
                "0.0001",
                "-0.1234",
                "12.0000",
                "1_0",
                "0x1",
            ]
            .map(String::from),
        );
        for t in &texts {
            let (got, want) = (decimal(t), t.parse::<f64>().ok());
            let same = match (got, want) {
                // Exact on the fast path; at most an ulp or two off beyond it.
                (Some(a), Some(b)) => {
                    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= b.abs() * 4e-16
                }
                (a, b) => a.is_none() && b.is_none(),
            };
            assert!(same, "{t:?}: {got:?}, std reads {want:?}");
        }
        for t in [
            "12.75",
            "0.1",
            "-0.1234",
            "4.9997",
            "7e22",
            "123456789012345",
            "0.000000000000000000001",
            "1.5e-1",
            "3.99e2",
            "-0",
            "0e999",
        ] {
            assert_eq!(
                decimal(t).map(f64::to_bits),
                t.parse::<f64>().ok().map(f64::to_bits),
                "{t}"
            );
        }
    }

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
            (json!("+5"), 5),
            (json!("007"), 7),
            (json!(".5"), 0),
            (json!("5."), 5),
            (json!("2.5E1"), 25),
            (json!("1e+2"), 100),
            (json!("\t9\n"), 9),
            (json!("1e400"), 0),
            (json!("1e-400"), 0),
            (json!("9007199254740993"), MAX_TOKENS),
            (json!("1e20"), MAX_TOKENS),
            (json!("infinity"), 0),
            (json!("1_000"), 0),
            (json!("0x10"), 0),
            (json!("1e"), 0),
            (json!("e5"), 0),
            (json!("."), 0),
            (json!("--1"), 0),
            (json!("+-1"), 0),
        ] {
            assert_eq!(token_count(&v), want, "{v}");
        }
    }
}
