//! The OTLP/JSON writer: the protobuf JSON mapping with OTLP's exceptions (ids as hex,
//! enums as integers, 64-bit integers as decimal strings, lowerCamelCase keys).

use serde_json::Value;

use super::content::json_str;
use super::proto::is_scalar;
use super::span::{Span, Val};

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out.push(b'"');
}

/// A decimal integer, quoted when `quoted` (OTLP/JSON's 64-bit integers).
pub(crate) fn decimal(out: &mut Vec<u8>, v: u64, quoted: bool) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if quoted {
        out.push(b'"');
    }
    out.extend_from_slice(&buf[i..]);
    if quoted {
        out.push(b'"');
    }
}

fn int(out: &mut Vec<u8>, i: i64) {
    out.extend_from_slice(br#"{"intValue":""#);
    if i < 0 {
        out.push(b'-');
    }
    decimal(out, i.unsigned_abs(), false);
    out.extend_from_slice(b"\"}");
}

fn double(out: &mut Vec<u8>, f: f64) {
    out.extend_from_slice(br#"{"doubleValue":"#);
    if f.is_finite() {
        let _ = serde_json::to_writer(&mut *out, &f);
    } else {
        out.extend_from_slice(if f.is_nan() {
            b"\"NaN\""
        } else if f > 0.0 {
            b"\"Infinity\""
        } else {
            b"\"-Infinity\""
        });
    }
    out.push(b'}');
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(br#"{"stringValue":"#);
    json_str(out, s);
    out.push(b'}');
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b {
        br#"{"boolValue":true}"#
    } else {
        br#"{"boolValue":false}"#
    });
}

fn json_value(out: &mut Vec<u8>, v: &Value, top: bool) {
    match v {
        Value::String(s) => string(out, s),
        Value::Bool(b) => boolean(out, *b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => int(out, i),
            None => double(out, n.as_f64().unwrap_or(0.0)),
        },
        Value::Array(items) if top && items.iter().all(is_scalar) => {
            out.extend_from_slice(br#"{"arrayValue":{"values":["#);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_value(out, item, false);
            }
            out.extend_from_slice(b"]}}");
        }
        other => string(out, &other.to_string()),
    }
}

/// One `KeyValue` object.
pub(crate) fn key_value(out: &mut Vec<u8>, key: &str, v: &Val<'_>) {
    out.extend_from_slice(br#"{"key":"#);
    json_str(out, key);
    out.extend_from_slice(br#","value":"#);
    match v {
        Val::Str(s) => string(out, s),
        Val::Own(s) => string(out, s),
        Val::Int(i) => int(out, *i),
        Val::F64(f) => double(out, *f),
        Val::Bool(b) => boolean(out, *b),
        Val::Json(j) => json_value(out, j, true),
    }
    out.push(b'}');
}

/// A list of attributes as a JSON array.
pub(crate) fn attributes(out: &mut Vec<u8>, attrs: &[(&str, Val<'_>)]) {
    out.push(b'[');
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        key_value(out, k, v);
    }
    out.push(b']');
}

/// One span object.
pub(crate) fn span(out: &mut Vec<u8>, s: &Span<'_>) {
    out.extend_from_slice(br#"{"traceId":"#);
    hex(out, &s.trace);
    out.extend_from_slice(br#","spanId":"#);
    hex(out, &s.id);
    if let Some(p) = &s.parent {
        out.extend_from_slice(br#","parentSpanId":"#);
        hex(out, p);
    }
    out.extend_from_slice(br#","name":"#);
    match s.name {
        (head, None) => json_str(out, head),
        (head, Some(tail)) => {
            let mut name = String::with_capacity(head.len() + 1 + tail.len());
            name.push_str(head);
            name.push(' ');
            name.push_str(tail);
            json_str(out, &name);
        }
    }
    out.extend_from_slice(br#","kind":"#);
    decimal(out, u64::from(s.kind), false);
    out.extend_from_slice(br#","startTimeUnixNano":"#);
    decimal(out, s.start, true);
    out.extend_from_slice(br#","endTimeUnixNano":"#);
    decimal(out, s.end, true);
    out.extend_from_slice(br#","attributes":"#);
    attributes(out, &s.attrs);
    if let Some(f) = &s.error {
        out.extend_from_slice(br#","events":[{"timeUnixNano":"#);
        decimal(out, s.end, true);
        out.extend_from_slice(br#","name":"exception","attributes":["#);
        key_value(out, "exception.type", &Val::Str(f.kind));
        out.push(b',');
        key_value(out, "exception.message", &Val::Str(f.message));
        if let Some(st) = f.stack {
            out.push(b',');
            key_value(out, "exception.stacktrace", &Val::Str(st));
        }
        out.extend_from_slice(br#"]}],"status":{"code":2"#);
        if !f.message.is_empty() {
            out.extend_from_slice(br#","message":"#);
            json_str(out, f.message);
        }
        out.push(b'}');
    }
    out.push(b'}');
}
