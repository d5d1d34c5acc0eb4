//! The fast read of a request body: `{"events":[…]}` (or a bare array) read straight from
//! its text, each event object split into the model's fields and its extras as it is read.
//! The general read parses the whole body into a `Value` tree, splits each event's map
//! into two new maps and reads the model's fields out of one of them, which rebuilds every
//! content value (`input_data`, `output_data`, `metadata`) a second time. Here each value
//! is parsed once: the content values are moved into the event as read, the small fields
//! go through the model's reader as in the general read.
//!
//! It gives exactly what the general read gives, or `None` when it cannot promise that,
//! and the caller then takes the general read (which also names any error): a key twice
//! in one event object (the general read keeps the last), `events` twice, a
//! backend-compatibility field to undo (`agentlens_type`, `agentlens_total_tokens_*`, an
//! `output_data._agentlens` envelope), a model field the model cannot read, a body that
//! is not JSON or not of the expected shape. Every value it skips is still parsed as a
//! `Value`, so nesting limits are the general read's.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::read::{Incoming, MODEL_FIELDS, fits_model};
use crate::encode::agentlens::compat::ENVELOPE;
use crate::model::Event;

/// The top-level fields a backend-compatible event carries for
/// [`crate::encode::agentlens::compat::restore`] to undo (its real type, a session end's
/// totals): an event holding one takes the general read.
const COMPAT_FIELDS: [&str; 3] = [
    "agentlens_type",
    "agentlens_total_tokens_in",
    "agentlens_total_tokens_out",
];

/// One element of the body's array.
pub(super) enum Element {
    /// Not a JSON object (refused by the caller).
    NotAnObject,
    /// An event object, read as [`super::read::split`] reads it.
    Event(Box<(Incoming, Map<String, Value>)>),
}

/// Reads `{"events":[…]}`; `None` when the general read must decide (module docs).
pub(super) fn read_body(text: &str) -> Option<Vec<Element>> {
    serde_json::from_str::<Body>(text).ok().map(|b| b.0)
}

/// Reads a JSON array of events; `None` as [`read_body`].
pub(super) fn read_array(text: &str) -> Option<Vec<Element>> {
    serde_json::from_str::<Elements>(text).ok().map(|e| e.0)
}

/// Why the fast read gives way to the general one (never shown: the general read decides).
fn give_way<E: de::Error>() -> E {
    E::custom("read by the general reader")
}

/// An object key, borrowed from the text when it holds no escape.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

struct Body(Vec<Element>);

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Body;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event batch")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
                let mut events = None;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    if key != "events" {
                        map.next_value::<Value>()?;
                    } else if events.is_some() {
                        return Err(give_way());
                    } else {
                        events = Some(map.next_value::<Elements>()?.0);
                    }
                }
                events.map(Body).ok_or_else(give_way)
            }
        }
        d.deserialize_map(V)
    }
}

struct Elements(Vec<Element>);

impl<'de> Deserialize<'de> for Elements {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Elements;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of events")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elements, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(e) = seq.next_element_seed(ElementSeed)? {
                    out.push(e);
                }
                Ok(Elements(out))
            }
        }
        d.deserialize_seq(V)
    }
}

struct ElementSeed;

impl<'de> DeserializeSeed<'de> for ElementSeed {
    type Value = Element;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element, D::Error> {
        match d.deserialize_any(ElementVisitor)? {
            Some(e) => Ok(Element::Event(Box::new(e))),
            None => Ok(Element::NotAnObject),
        }
    }
}

/// An element: `Some` event for an object, `None` for anything else (read whole).
struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Option<(Incoming, Map<String, Value>)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_event(map).map(Some)
    }
}

/// What an event object holds, split as it is read.
#[derive(Default)]
struct Parts {
    /// The model's small fields and well-shaped sections, for the model's reader.
    fields: Vec<(String, Value)>,
    /// The content values, moved into the event as read (`None`: absent).
    input_data: Option<Value>,
    output_data: Option<Value>,
    metadata: Option<Value>,
    extras: Map<String, Value>,
}

/// The model field at `index` of [`MODEL_FIELDS`] was seen; `false` if it was already.
fn first_time(seen: &mut u64, index: usize) -> bool {
    let bit = 1u64 << index;
    let first = *seen & bit == 0;
    *seen |= bit;
    first
}

fn read_event<'de, A: MapAccess<'de>>(
    mut map: A,
) -> Result<(Incoming, Map<String, Value>), A::Error> {
    let mut p = Parts::default();
    let mut seen = 0u64;
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        let Some(index) = MODEL_FIELDS.iter().position(|f| *f == key) else {
            if COMPAT_FIELDS.contains(&key.as_ref()) || p.extras.contains_key(key.as_ref()) {
                return Err(give_way());
            }
            let v = map.next_value::<Value>()?;
            p.extras.insert(key.into_owned(), v);
            continue;
        };
        if !first_time(&mut seen, index) {
            return Err(give_way());
        }
        let v = map.next_value::<Value>()?;
        match key.as_ref() {
            "input_data" => p.input_data = Some(v),
            "output_data" => p.output_data = Some(v),
            "metadata" => p.metadata = Some(v),
            k if fits_model(k, &v) => p.fields.push((key.into_owned(), v)),
            _ => drop(p.extras.insert(key.into_owned(), v)),
        }
    }
    if let Some(Value::Object(out)) = &p.output_data {
        if matches!(out.get(ENVELOPE), Some(Value::Object(_))) {
            return Err(give_way());
        }
    }
    assemble(p).ok_or_else(give_way)
}

/// The event and its extras, as [`super::read::split`] gives them; `None` if the model's
/// reader refuses a field (the general read then keeps the event its own way).
fn assemble(p: Parts) -> Option<(Incoming, Map<String, Value>)> {
    let field = |name: &str| p.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let timestamp_text = text(field("timestamp"));
    let ended_at_text = text(field("ended_at"));
    let had_timestamp = field("timestamp").is_some_and(|v| !v.is_null());
    let had_ended_at = field("ended_at").is_some_and(|v| !v.is_null());
    let fields = de::value::MapDeserializer::<_, serde_json::Error>::new(p.fields.into_iter());
    let mut event = Event::deserialize(fields).ok()?;
    // An absent field and `null` both read as `None`, as the model's reader reads them.
    let content = |v: Option<Value>| v.filter(|v| !v.is_null());
    event.input_data = content(p.input_data);
    event.output_data = content(p.output_data);
    event.metadata = content(p.metadata);
    let incoming = Incoming {
        event,
        timestamp_text,
        ended_at_text,
        had_timestamp,
        had_ended_at,
    };
    Some((incoming, p.extras))
}

#[cfg(test)]
mod tests;
