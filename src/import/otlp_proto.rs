//! OTLP/HTTP protobuf: a hand-written decoder of the one fixed schema it needs,
//! `ExportTraceServiceRequest` (opentelemetry-proto `collector/trace/v1`), into the
//! OTLP/JSON shape [`super::otlp::decode`] reads, so both encodings go through one mapping.
//!
//! Ids become lowercase hex, 64-bit times decimal strings, enums integers, as the OTLP JSON
//! encoding writes them; attribute lists become plain JSON objects (`{key: value}`, values
//! as the mapper reads them), which the mapper takes beside the JSON encoding's
//! `[{key, value: {stringValue…}}]`, sparing two objects per attribute. Unknown fields are skipped by their
//! wire type; a known field of the wrong wire type, a length past the end, a truncated
//! varint or a group is an error with the byte offset (never the input). `AnyValue`
//! nesting is bounded ([`MAX_DEPTH`]), so hostile input costs neither the stack nor a
//! panic. Invalid UTF-8 in a string is replaced (U+FFFD), as lenient OTLP receivers do.
//! Hand-written rather than `prost`: docs/otlp.md, "Ingest", says why and what it costs.

use serde_json::{Map, Value};

/// How deep `AnyValue`s (arrays and key-value lists) may nest.
pub const MAX_DEPTH: usize = 32;

/// Why a protobuf body could not be read, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ProtoError {
    /// The byte offset of the problem in the body.
    pub(super) offset: usize,
    /// What was wrong (a fixed text, never the input).
    pub(super) what: &'static str,
}

type Result<T> = std::result::Result<T, ProtoError>;

const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const I32: u8 = 5;

/// A cursor over one message's bytes; `base` is their offset in the whole body.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            base: 0,
        }
    }

    fn fail<T>(&self, what: &'static str) -> Result<T> {
        Err(ProtoError {
            offset: self.base + self.pos,
            what,
        })
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&b) = self.buf.get(self.pos) else {
                return self.fail("truncated varint");
            };
            self.pos += 1;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(value);
            }
        }
        self.fail("varint longer than 10 bytes")
    }

    /// The next field's number and wire type.
    fn key(&mut self) -> Result<(u64, u8)> {
        let key = self.varint()?;
        if key >> 3 == 0 {
            return self.fail("field number 0");
        }
        Ok((key >> 3, (key & 7) as u8))
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        let Some(bytes) = self.buf.get(self.pos..self.pos + N) else {
            return self.fail("truncated fixed-width field");
        };
        self.pos += N;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A length-delimited field's bytes, as a reader of their own.
    fn sub(&mut self) -> Result<Self> {
        let at = self.pos;
        let len = self.varint()?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .filter(|&end| end <= self.buf.len());
        let Some(end) = end else {
            self.pos = at;
            return self.fail("length past the end of its message");
        };
        let sub = Self {
            buf: &self.buf[self.pos..end],
            pos: 0,
            base: self.base + self.pos,
        };
        self.pos = end;
        Ok(sub)
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        Ok(self.sub()?.buf)
    }

    fn string(&mut self) -> Result<String> {
        Ok(String::from_utf8_lossy(self.bytes()?).into_owned())
    }

    fn skip(&mut self, wire: u8) -> Result<()> {
        match wire {
            VARINT => self.varint().map(drop),
            I64 => self.fixed::<8>().map(drop),
            LEN => self.sub().map(drop),
            I32 => self.fixed::<4>().map(drop),
            _ => self.fail("unsupported wire type (group or invalid)"),
        }
    }

    /// Checks a known field's wire type (`at`: where its key began).
    fn expect(&mut self, wire: u8, want: u8, at: usize) -> Result<()> {
        if wire != want {
            self.pos = at;
            return self.fail("wrong wire type for a known field");
        }
        Ok(())
    }

    /// Reads every field: `read(reader, field, wire)` returns `false` for a field it does
    /// not know, which is then skipped.
    fn fields(&mut self, mut read: impl FnMut(&mut Self, u64, u8) -> Result<bool>) -> Result<()> {
        while self.pos < self.buf.len() {
            let (field, wire) = self.key()?;
            if !read(self, field, wire)? {
                self.skip(wire)?;
            }
        }
        Ok(())
    }
}

/// Lowercase hex of an id; absent when empty.
fn hex(bytes: &[u8]) -> Option<Value> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    if bytes.is_empty() {
        return None;
    }
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    Some(Value::String(s))
}

/// Standard base64 with padding (the JSON encoding of `bytes_value`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A field value into `map` under `key`, for a message's fields read one by one.
fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.insert(key.to_owned(), value);
}

/// Pushes onto the array at `key` (created on first use).
fn push(map: &mut Map<String, Value>, key: &str, value: Value) {
    if let Value::Array(items) = map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        items.push(value);
    }
}

/// An `AnyValue` as plain JSON, as the mapper reads the JSON encoding's (a 64-bit int a
/// number, a non-finite double `null`, bytes base64, a list an object).
fn any_value(r: &mut Reader<'_>, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return r.fail("values nested too deeply");
    }
    let mut out = Value::Null;
    r.fields(|r, field, wire| {
        let at = r.pos;
        // A oneof: the last one read wins.
        out = match field {
            1 => {
                r.expect(wire, LEN, at)?;
                Value::String(r.string()?)
            }
            2 => {
                r.expect(wire, VARINT, at)?;
                Value::Bool(r.varint()? != 0)
            }
            3 => {
                r.expect(wire, VARINT, at)?;
                Value::from(r.varint()? as i64)
            }
            4 => {
                r.expect(wire, I64, at)?;
                Value::from(f64::from_le_bytes(r.fixed::<8>()?))
            }
            5 => {
                r.expect(wire, LEN, at)?;
                let mut values = Vec::new();
                r.sub()?.fields(|r, field, wire| {
                    if field != 1 {
                        return Ok(false);
                    }
                    r.expect(wire, LEN, r.pos)?;
                    values.push(any_value(&mut r.sub()?, depth + 1)?);
                    Ok(true)
                })?;
                Value::Array(values)
            }
            6 => {
                r.expect(wire, LEN, at)?;
                let mut map = Map::new();
                r.sub()?.fields(|r, field, wire| {
                    if field != 1 {
                        return Ok(false);
                    }
                    r.expect(wire, LEN, r.pos)?;
                    key_value(&mut r.sub()?, depth + 1, &mut map)?;
                    Ok(true)
                })?;
                Value::Object(map)
            }
            7 => {
                r.expect(wire, LEN, at)?;
                Value::String(base64(r.bytes()?))
            }
            _ => return Ok(false),
        };
        Ok(true)
    })?;
    Ok(out)
}

/// A `KeyValue` into `map` (a later key wins, as in the JSON mapper).
fn key_value(r: &mut Reader<'_>, depth: usize, map: &mut Map<String, Value>) -> Result<()> {
    let mut key = String::new();
    let mut value = Value::Null;
    r.fields(|r, field, wire| {
        let at = r.pos;
        match field {
            1 => {
                r.expect(wire, LEN, at)?;
                key = r.string()?;
            }
            2 => {
                r.expect(wire, LEN, at)?;
                value = any_value(&mut r.sub()?, depth)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    map.insert(key, value);
    Ok(())
}

/// How a table-described field is read (see [`known`]).
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Id,
    Enum,
    Nanos,
    Count,
    Flags,
    Attr,
}

/// One field of a message described by `fields`; `false` when it is not among them.
fn known(
    r: &mut Reader<'_>,
    field: u64,
    wire: u8,
    fields: &[(u64, &str, Kind)],
    out: &mut Map<String, Value>,
) -> Result<bool> {
    let Some(&(_, key, kind)) = fields.iter().find(|(n, _, _)| *n == field) else {
        return Ok(false);
    };
    let at = r.pos;
    match kind {
        Kind::Str => {
            r.expect(wire, LEN, at)?;
            put(out, key, Value::String(r.string()?));
        }
        Kind::Id => {
            r.expect(wire, LEN, at)?;
            match hex(r.bytes()?) {
                Some(v) => put(out, key, v),
                None => drop(out.remove(key)),
            }
        }
        Kind::Enum | Kind::Count => {
            r.expect(wire, VARINT, at)?;
            put(out, key, Value::from(r.varint()? as u32));
        }
        Kind::Nanos => {
            r.expect(wire, I64, at)?;
            let n = u64::from_le_bytes(r.fixed::<8>()?);
            put(out, key, Value::String(n.to_string()));
        }
        Kind::Flags => {
            r.expect(wire, I32, at)?;
            put(out, key, Value::from(u32::from_le_bytes(r.fixed::<4>()?)));
        }
        Kind::Attr => {
            r.expect(wire, LEN, at)?;
            let entry = out.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = entry {
                key_value(&mut r.sub()?, 0, map)?;
            }
        }
    }
    Ok(true)
}

/// A message with only table-described fields.
fn message(r: &mut Reader<'_>, fields: &[(u64, &str, Kind)]) -> Result<Value> {
    let mut out = Map::new();
    r.fields(|r, field, wire| known(r, field, wire, fields, &mut out))?;
    Ok(Value::Object(out))
}

const RESOURCE: &[(u64, &str, Kind)] = &[
    (1, "attributes", Kind::Attr),
    (2, "droppedAttributesCount", Kind::Count),
];
const SCOPE: &[(u64, &str, Kind)] = &[
    (1, "name", Kind::Str),
    (2, "version", Kind::Str),
    (3, "attributes", Kind::Attr),
    (4, "droppedAttributesCount", Kind::Count),
];
const EVENT: &[(u64, &str, Kind)] = &[
    (1, "timeUnixNano", Kind::Nanos),
    (2, "name", Kind::Str),
    (3, "attributes", Kind::Attr),
    (4, "droppedAttributesCount", Kind::Count),
];
const LINK: &[(u64, &str, Kind)] = &[
    (1, "traceId", Kind::Id),
    (2, "spanId", Kind::Id),
    (3, "traceState", Kind::Str),
    (4, "attributes", Kind::Attr),
    (5, "droppedAttributesCount", Kind::Count),
    (6, "flags", Kind::Flags),
];
const STATUS: &[(u64, &str, Kind)] = &[(2, "message", Kind::Str), (3, "code", Kind::Enum)];
const SPAN: &[(u64, &str, Kind)] = &[
    (1, "traceId", Kind::Id),
    (2, "spanId", Kind::Id),
    (3, "traceState", Kind::Str),
    (4, "parentSpanId", Kind::Id),
    (5, "name", Kind::Str),
    (6, "kind", Kind::Enum),
    (7, "startTimeUnixNano", Kind::Nanos),
    (8, "endTimeUnixNano", Kind::Nanos),
    (9, "attributes", Kind::Attr),
    (10, "droppedAttributesCount", Kind::Count),
    (12, "droppedEventsCount", Kind::Count),
    (14, "droppedLinksCount", Kind::Count),
    (16, "flags", Kind::Flags),
];

/// A `Span`: its table fields, and its events, links and status.
fn span(r: &mut Reader<'_>) -> Result<Value> {
    let mut out = Map::new();
    r.fields(|r, field, wire| {
        let at = r.pos;
        let (key, fields) = match field {
            11 => ("events", EVENT),
            13 => ("links", LINK),
            15 => ("status", STATUS),
            _ => return known(r, field, wire, SPAN, &mut out),
        };
        r.expect(wire, LEN, at)?;
        let value = message(&mut r.sub()?, fields)?;
        match field {
            15 => put(&mut out, key, value),
            _ => push(&mut out, key, value),
        }
        Ok(true)
    })?;
    Ok(Value::Object(out))
}

/// A message whose fields are sub-messages (`(number, json key, repeated, reader)`) and
/// a schema URL.
type Part = fn(&mut Reader<'_>) -> Result<Value>;

fn nested(r: &mut Reader<'_>, parts: &[(u64, &str, bool, Part)]) -> Result<Value> {
    let mut out = Map::new();
    r.fields(|r, field, wire| {
        let at = r.pos;
        if field == 3 {
            r.expect(wire, LEN, at)?;
            put(&mut out, "schemaUrl", Value::String(r.string()?));
            return Ok(true);
        }
        let Some(&(_, key, repeated, read)) = parts.iter().find(|p| p.0 == field) else {
            return Ok(false);
        };
        r.expect(wire, LEN, at)?;
        let value = read(&mut r.sub()?)?;
        match repeated {
            true => push(&mut out, key, value),
            false => put(&mut out, key, value),
        }
        Ok(true)
    })?;
    Ok(Value::Object(out))
}

fn scope_spans(r: &mut Reader<'_>) -> Result<Value> {
    let scope: Part = |r| message(r, SCOPE);
    let mut v = nested(r, &[(1, "scope", false, scope), (2, "spans", true, span)])?;
    ensure_array(&mut v, "spans");
    Ok(v)
}

fn resource_spans(r: &mut Reader<'_>) -> Result<Value> {
    let resource: Part = |r| message(r, RESOURCE);
    let mut v = nested(
        r,
        &[
            (1, "resource", false, resource),
            (2, "scopeSpans", true, scope_spans),
        ],
    )?;
    ensure_array(&mut v, "scopeSpans");
    Ok(v)
}

fn ensure_array(v: &mut Value, key: &str) {
    if let Value::Object(map) = v {
        map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
    }
}

/// Decodes a protobuf `ExportTraceServiceRequest` into its OTLP/JSON form
/// (`{"resourceSpans":[…]}`).
///
/// # Errors
/// A [`ProtoError`] with the byte offset of the first problem.
pub(super) fn decode_request(bytes: &[u8]) -> Result<Value> {
    let mut r = Reader::new(bytes);
    let mut out = Map::new();
    put(&mut out, "resourceSpans", Value::Array(Vec::new()));
    r.fields(|r, field, wire| {
        if field != 1 {
            return Ok(false);
        }
        r.expect(wire, LEN, r.pos)?;
        push(&mut out, "resourceSpans", resource_spans(&mut r.sub()?)?);
        Ok(true)
    })?;
    Ok(Value::Object(out))
}
