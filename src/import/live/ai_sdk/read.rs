//! Reading the AI SDK's values out of a record: ids, times, token usage, errors, content.
//! A missing or mistyped field is absent, never an error.

use serde_json::{Map, Value};

use crate::import::json;
use crate::model::ErrorInfo;
use crate::time::UnixNanos;

/// A 16-hex id derived from `parts` (FNV-1a, then a splitmix finaliser): the same call
/// always gets the same run, step and session ids, with nothing to remember. The first
/// digit is a hex letter when all sixteen would be decimal, as minted ids are (an id of
/// only digits can read as a card number, which redaction would replace).
pub(super) fn hex_id(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    if h == 0 {
        h = 1;
    }
    let mut id = format!("{h:016x}");
    if id.bytes().all(|b| b.is_ascii_digit()) {
        id.replace_range(0..1, "a");
    }
    id
}

/// The record's time (`at`, epoch milliseconds).
pub(super) fn at(r: &Value) -> Option<UnixNanos> {
    json::time(r.get("at"))
}

/// `start` plus `ms` milliseconds.
pub(super) fn plus_ms(start: Option<UnixNanos>, ms: Option<f64>) -> Option<UnixNanos> {
    let (start, ms) = (start?, ms?);
    (ms >= 0.0).then(|| UnixNanos(start.0.saturating_add((ms * 1e6).round() as i64)))
}

/// A text field of the record.
pub(super) fn text(r: &Value, key: &str) -> Option<String> {
    json::text(r.get(key))
}

/// Takes a field out of the record (content is moved, never copied).
pub(super) fn take(r: &mut Value, key: &str) -> Option<Value> {
    r.as_object_mut()?.remove(key).filter(|v| !v.is_null())
}

/// A `LanguageModelUsage`, by docs/integrations.md's token rules.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Usage {
    /// Every input token, cache reads and writes included.
    pub(super) tokens_in: Option<u64>,
    /// Every output token, reasoning included.
    pub(super) tokens_out: Option<u64>,
    /// The cache reads among `tokens_in`.
    pub(super) cached_in: Option<u64>,
    /// The cache writes among `tokens_in` (`attributes.cache_creation_input_tokens`).
    pub(super) cache_write: Option<u64>,
    /// The reasoning tokens among `tokens_out`.
    pub(super) reasoning: Option<u64>,
}

/// The sum of the counts present, when one is.
fn sum(counts: &[Option<u64>]) -> Option<u64> {
    counts.iter().flatten().copied().reduce(u64::saturating_add)
}

/// Reads `{inputTokens, inputTokenDetails: {noCacheTokens, cacheReadTokens,
/// cacheWriteTokens}, outputTokens, outputTokenDetails: {textTokens, reasoningTokens}}`.
/// `inputTokens` already holds the cached tokens (the AI SDK's own rule), so the details
/// are only summed when the total is missing; nothing is added twice.
pub(super) fn usage(v: Option<&Value>) -> Usage {
    let Some(v) = v else {
        return Usage::default();
    };
    let detail = |group: &str, key: &str| json::count(v.get(group).and_then(|d| d.get(key)));
    let (no_cache, cache_read, cache_write) = (
        detail("inputTokenDetails", "noCacheTokens"),
        detail("inputTokenDetails", "cacheReadTokens"),
        detail("inputTokenDetails", "cacheWriteTokens"),
    );
    let (text, reasoning) = (
        detail("outputTokenDetails", "textTokens"),
        detail("outputTokenDetails", "reasoningTokens"),
    );
    Usage {
        tokens_in: json::count(v.get("inputTokens"))
            .or_else(|| sum(&[no_cache, cache_read, cache_write])),
        tokens_out: json::count(v.get("outputTokens")).or_else(|| sum(&[text, reasoning])),
        cached_in: cache_read,
        cache_write,
        reasoning,
    }
}

/// A thrown value (`{name, message, stack}` as the SDK's JSON writes an `Error`, a
/// string, or anything else) as an [`ErrorInfo`]; `kind` names it when it has no name
/// of its own (or only the generic `Error`, when `kind` is more telling).
pub(super) fn error(v: Option<&Value>, kind: &str, prefer_kind: bool) -> ErrorInfo {
    let name = v.and_then(|v| json::text(v.get("name")));
    let error_type = match name {
        Some(n) if !(prefer_kind && n == "Error") => n,
        _ => kind.to_owned(),
    };
    let message = match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => json::text(o.get("message")).unwrap_or_default(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    ErrorInfo {
        error_type,
        message,
        critical: false,
        stack_trace: v.and_then(|v| json::text(v.get("stack"))),
    }
}

/// The prompt a model call was given: the instructions (a string, a system message or a
/// list of them) as leading system messages, then the messages.
pub(super) fn prompt(instructions: Option<Value>, messages: Option<Value>) -> Option<Value> {
    let mut out = match instructions {
        Some(Value::String(s)) => vec![system(Value::String(s))],
        Some(Value::Array(items)) => items,
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    match messages {
        Some(Value::Array(items)) => out.extend(items),
        Some(Value::String(s)) => out.push(user(s)),
        Some(other) => out.push(other),
        None => {}
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

fn system(content: Value) -> Value {
    let mut m = Map::new();
    m.insert("role".into(), "system".into());
    m.insert("content".into(), content);
    Value::Object(m)
}

fn user(content: String) -> Value {
    let mut m = Map::new();
    m.insert("role".into(), "user".into());
    m.insert("content".into(), content.into());
    Value::Object(m)
}

/// What a model produced: its text when every part is text, else the parts as given.
pub(super) fn response(content: Value) -> Option<Value> {
    let Value::Array(parts) = &content else {
        return Some(content).filter(|c| !c.is_null());
    };
    if parts.is_empty() {
        return None;
    }
    let texts: Option<Vec<&str>> = parts
        .iter()
        .map(|p| match p.get("type").and_then(Value::as_str) {
            Some("text") => p.get("text").and_then(Value::as_str),
            _ => None,
        })
        .collect();
    Some(match texts {
        Some(t) => Value::String(t.concat()),
        None => content,
    })
}

/// The provider, as `gen_ai.provider.name` spells it: the AI SDK's provider id up to its
/// first dot (`openai.chat` → `openai`).
pub(super) fn provider(id: &str) -> &str {
    id.split('.').next().unwrap_or(id)
}
