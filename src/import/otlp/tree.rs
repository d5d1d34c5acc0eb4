//! Reads the JSON text of an OTLP/JSON document into the `Value` tree the mapper reads,
//! turning each attribute list (`[{"key":…,"value":{"stringValue":…}}]`) into the plain
//! object [`super::attributes`] would make of it while parsing, instead of after.
//!
//! Why: a list of key/value pairs is the bulk of an OTLP document, and as a generic tree
//! each attribute is two small maps and four strings, built, read once and freed. Kept as
//! a tree and converted later, a 24 MB document was read about three times slower per
//! byte than NDJSON of the same events (issue 17); the conversion during parsing makes the
//! same objects from the same text (`attributes` of an object is that object), so what
//! the mapper reads, and so the events, are the same (the tests compare both paths).
//! Inside a pair, the member names are told apart without being made strings, and the
//! usual `{"stringValue": …}` value becomes its string without first being an object.
//!
//! Only the places the OTLP mapping reads as attribute lists are converted (a resource's,
//! a span's and a span event's `attributes`), and only in a document whose first key is
//! `resourceSpans`; every other value, and any other document, is parsed as
//! `serde_json` parses it. It does no I/O and never fails where `serde_json` would not.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::any_value;

/// Where a value sits in the document: what its children are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    ResourceSpansList,
    ResourceSpans,
    Resource,
    ScopeSpansList,
    ScopeSpans,
    SpanList,
    Span,
    EventList,
    Event,
    /// An attribute list: made an object when it is an array.
    Attributes,
    /// The `value` of an attribute pair: read as [`plain`] reads it.
    AnyValue,
    /// Anything else: parsed as it is.
    Other,
}

impl Place {
    /// The place of a member `key` of an object here.
    fn member(self, key: &str) -> Self {
        match (self, key) {
            (Self::Root, "resourceSpans") => Self::ResourceSpansList,
            (Self::ResourceSpans, "resource") => Self::Resource,
            (Self::ResourceSpans, "scopeSpans") => Self::ScopeSpansList,
            (Self::ScopeSpans, "spans") => Self::SpanList,
            (Self::Span, "events") => Self::EventList,
            (Self::Resource | Self::Span | Self::Event, "attributes") => Self::Attributes,
            _ => Self::Other,
        }
    }

    /// The place of an element of an array here.
    fn element(self) -> Self {
        match self {
            Self::ResourceSpansList => Self::ResourceSpans,
            Self::ScopeSpansList => Self::ScopeSpans,
            Self::SpanList => Self::Span,
            Self::EventList => Self::Event,
            _ => Self::Other,
        }
    }
}

/// Whether the text is an object whose first key is `resourceSpans` (spelled plainly):
/// the documents an OTLP exporter writes.
fn starts_as_otlp(text: &[u8]) -> bool {
    let Some(rest) = text.trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"resourceSpans\"")
}

/// Parses one JSON value as `serde_json::from_slice` does, with an OTLP document's
/// attribute lists already objects (see the module docs).
///
/// # Errors
/// Exactly where `serde_json::from_slice::<Value>` fails, with its error.
pub(crate) fn parse(text: &[u8]) -> serde_json::Result<Value> {
    if !starts_as_otlp(text) {
        return serde_json::from_slice(text);
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    let value = Node(Place::Root).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A value at a place.
struct Node(Place);

impl<'de> DeserializeSeed<'de> for Node {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.0 {
            Place::Other => serde::Deserialize::deserialize(d),
            place => d.deserialize_any(NodeVisitor(place)),
        }
    }
}

/// Builds what `serde_json`'s own visitor builds, but children by their place.
struct NodeVisitor(Place);

impl NodeVisitor {
    /// What a value that is no object becomes here: itself, or as the `value` of an
    /// attribute pair null (no `AnyValue`, as `plain` reads it; parsed all the same).
    fn keep(&self, value: Value) -> Value {
        match self.0 {
            Place::AnyValue => Value::Null,
            _ => value,
        }
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        Ok(self.keep(Value::Bool(v)))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        Ok(self.keep(Value::Number(v.into())))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        Ok(self.keep(Value::Number(v.into())))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        Ok(self.keep(Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.keep(Value::String(v.to_owned())))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
        Ok(self.keep(Value::String(v)))
    }

    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Node(self.0).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.0 == Place::Attributes {
            // As `attributes` reads a list: a pair whose key is a string sets that key
            // (a later pair with the same key replaces the value in place); anything
            // else is skipped.
            let mut out = Map::new();
            while let Some(pair) = seq.next_element_seed(PairSeed)? {
                if let Some((key, value)) = pair {
                    if out.is_empty() {
                        out = Map::with_capacity(8);
                    }
                    out.insert(key, value);
                }
            }
            return Ok(Value::Object(out));
        }
        let child = Node(self.0.element());
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Node(child.0))? {
            out.push(v);
        }
        Ok(self.keep(Value::Array(out)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.0 == Place::AnyValue {
            return any_value_of(map);
        }
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Node(self.0.member(&key)))?;
            if out.is_empty() && self.0 == Place::Span {
                // A span has about ten members: room made once, not grown three times;
                // and only for a span that has one (1 MiB of `{}` is 350,000 spans).
                out = Map::with_capacity(12);
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// One element of an attribute list: its key and plain value when it is an object with
/// a string `key` (the last `key` and `value` members, as a parsed object keeps them).
struct PairSeed;

impl<'de> DeserializeSeed<'de> for PairSeed {
    type Value = Option<(String, Value)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(PairVisitor)
    }
}

struct PairVisitor;

impl<'de> Visitor<'de> for PairVisitor {
    type Value = Option<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Parsed to its end as any value is (a number out of range refused here too).
        while seq.next_element::<Value>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut key, mut value) = (None, None);
        while let Some(name) = map.next_key_seed(NameSeed)? {
            match name {
                Name::Key => key = Some(map.next_value::<Value>()?),
                Name::Value => value = Some(map.next_value_seed(AnyValueSeed)?),
                // Parsed, not skipped: a member `serde_json` would refuse (a number out
                // of range) is refused here too.
                _ => drop(map.next_value::<Value>()?),
            }
        }
        Ok(match key {
            Some(Value::String(key)) => Some((key, value.unwrap_or(Value::Null))),
            _ => None,
        })
    }
}

/// A member name, told apart without making a string of it when it is one of those an
/// attribute pair is read by (most of the names in an OTLP document).
enum Name {
    Key,
    Value,
    StringValue,
    Other(String),
}

impl Name {
    fn into_string(self) -> String {
        match self {
            Self::Key => "key".into(),
            Self::Value => "value".into(),
            Self::StringValue => "stringValue".into(),
            Self::Other(name) => name,
        }
    }
}

struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Name;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(Self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Name, E> {
        Ok(match v {
            "key" => Name::Key,
            "value" => Name::Value,
            "stringValue" => Name::StringValue,
            other => Name::Other(other.to_owned()),
        })
    }
}

/// The `value` of an attribute pair, read as [`plain`] reads it: the common
/// `{"stringValue": …}` is its string, without the object it would otherwise be first.
struct AnyValueSeed;

impl<'de> DeserializeSeed<'de> for AnyValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(NodeVisitor(Place::AnyValue))
    }
}

/// [`AnyValueSeed`] of an object: its string when it is `{"stringValue": …}` alone, else
/// the whole object read as `plain` reads it.
fn any_value_of<'de, A: MapAccess<'de>>(mut map: A) -> Result<Value, A::Error> {
    let mut name = map.next_key_seed(NameSeed)?;
    let mut out = Map::new();
    if let Some(Name::StringValue) = name {
        let string = map.next_value::<Value>()?;
        name = map.next_key_seed(NameSeed)?;
        if name.is_none() {
            return Ok(string);
        }
        out.insert("stringValue".into(), string);
    }
    while let Some(n) = name {
        out.insert(n.into_string(), map.next_value::<Value>()?);
        name = map.next_key_seed(NameSeed)?;
    }
    Ok(plain(out))
}

/// [`any_value`] of an owned object: a `stringValue` (which `any_value` reads first
/// whatever else is there) is moved rather than copied.
fn plain(mut map: Map<String, Value>) -> Value {
    match map.swap_remove("stringValue") {
        Some(s) => s,
        None => any_value(&Value::Object(map)),
    }
}

#[cfg(test)]
mod tests;
