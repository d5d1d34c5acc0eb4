//! A small protobuf writer for the fixed OTLP trace schema (opentelemetry-proto
//! `trace/v1/trace.proto`, `common/v1/common.proto`): just the fields AgentLens writes.
//! A nested message's length is written before it by shifting its bytes once it is known
//! (no move under 128 bytes, the common case).

use serde_json::Value;

use super::span::{Span, Val};

pub(crate) fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A length-delimited field: `tag`, length, `bytes`.
pub(crate) fn bytes(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Opens a nested message under `tag`; returns where its content starts.
pub(crate) fn open(out: &mut Vec<u8>, tag: u8) -> usize {
    out.push(tag);
    out.push(0);
    out.len()
}

/// Closes the message opened at `start`, writing its length.
pub(crate) fn close(out: &mut Vec<u8>, start: usize) {
    let len = out.len() - start;
    if len < 0x80 {
        out[start - 1] = len as u8;
        return;
    }
    // The length's first byte goes in the slot; the content moves up (one memmove) for
    // the rest.
    let mut head = [0u8; 10];
    let mut n = 0;
    let mut v = len as u64;
    while v >= 0x80 {
        head[n] = v as u8 | 0x80;
        v >>= 7;
        n += 1;
    }
    head[n] = v as u8;
    let end = out.len();
    out.resize(end + n, 0);
    out.copy_within(start..end, start + n);
    out[start - 1..start + n].copy_from_slice(&head[..=n]);
}

fn fixed64(out: &mut Vec<u8>, tag: u8, v: u64) {
    out.push(tag);
    out.extend_from_slice(&v.to_le_bytes());
}

/// One `KeyValue` under `tag`.
pub(crate) fn key_value(out: &mut Vec<u8>, tag: u8, key: &str, v: &Val<'_>) {
    let kv = open(out, tag);
    bytes(out, 0x0a, key.as_bytes());
    let any = open(out, 0x12);
    match v {
        Val::Str(s) => bytes(out, 0x0a, s.as_bytes()),
        Val::Own(s) => bytes(out, 0x0a, s.as_bytes()),
        Val::Int(i) => int(out, *i),
        Val::F64(f) => fixed64(out, 0x21, f.to_bits()),
        Val::Bool(b) => {
            out.push(0x10);
            out.push(u8::from(*b));
        }
        Val::Json(j) => json_value(out, j, true),
    }
    close(out, any);
    close(out, kv);
}

fn int(out: &mut Vec<u8>, i: i64) {
    out.push(0x18);
    varint(out, i as u64);
}

/// The content of an `AnyValue` for a JSON value: scalars as themselves, arrays of
/// scalars (at the top level) as an `ArrayValue`, the rest as JSON text.
fn json_value(out: &mut Vec<u8>, v: &Value, top: bool) {
    match v {
        Value::String(s) => bytes(out, 0x0a, s.as_bytes()),
        Value::Bool(b) => {
            out.push(0x10);
            out.push(u8::from(*b));
        }
        Value::Number(n) => match n.as_i64() {
            Some(i) => int(out, i),
            None => fixed64(out, 0x21, n.as_f64().unwrap_or(0.0).to_bits()),
        },
        Value::Array(items) if top && items.iter().all(is_scalar) => {
            let arr = open(out, 0x2a);
            for item in items {
                let any = open(out, 0x0a);
                json_value(out, item, false);
                close(out, any);
            }
            close(out, arr);
        }
        other => bytes(out, 0x0a, other.to_string().as_bytes()),
    }
}

pub(crate) fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_))
}

/// One span as a `ScopeSpans.spans` field (tag 2), ready to be concatenated.
pub(crate) fn span(out: &mut Vec<u8>, s: &Span<'_>) {
    let span = open(out, 0x12);
    bytes(out, 0x0a, &s.trace);
    bytes(out, 0x12, &s.id);
    if let Some(p) = &s.parent {
        bytes(out, 0x22, p);
    }
    let (head, tail) = s.name;
    out.push(0x2a);
    let tail_len = tail.map_or(0, |t| t.len() + 1);
    varint(out, (head.len() + tail_len) as u64);
    out.extend_from_slice(head.as_bytes());
    if let Some(t) = tail {
        out.push(b' ');
        out.extend_from_slice(t.as_bytes());
    }
    out.push(0x30);
    out.push(s.kind);
    fixed64(out, 0x39, s.start);
    fixed64(out, 0x41, s.end);
    for (k, v) in &s.attrs {
        key_value(out, 0x4a, k, v);
    }
    if let Some(f) = &s.error {
        let ev = open(out, 0x5a);
        fixed64(out, 0x09, s.end);
        bytes(out, 0x12, b"exception");
        key_value(out, 0x1a, "exception.type", &Val::Str(f.kind));
        key_value(out, 0x1a, "exception.message", &Val::Str(f.message));
        if let Some(st) = f.stack {
            key_value(out, 0x1a, "exception.stacktrace", &Val::Str(st));
        }
        close(out, ev);
        let status = open(out, 0x7a);
        if !f.message.is_empty() {
            bytes(out, 0x12, f.message.as_bytes());
        }
        out.push(0x18);
        out.push(2);
        close(out, status);
    }
    close(out, span);
}
