//! Content in the GenAI conventions' message shape, as JSON text (OpenTelemetry JS cannot
//! carry structured attribute values yet): `[{"role","parts":[{"type":"text","content"}]}]`.
//! Only called with content capture on, on an event the pipeline has already redacted.

use serde_json::Value;

/// Writes `s` as a JSON string.
pub(crate) fn json_str(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A value as text: a string as itself, anything else as its JSON.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{"type":"text","content":…}`.
fn text_part(out: &mut Vec<u8>, v: &Value) {
    out.extend_from_slice(br#"{"type":"text","content":"#);
    match v {
        Value::String(s) => json_str(out, s),
        other => json_str(out, &other.to_string()),
    }
    out.push(b'}');
}

fn message(out: &mut Vec<u8>, role: &str, content: &Value, finish: bool) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.extend_from_slice(br#"{"role":"#);
    json_str(out, role);
    out.extend_from_slice(br#","parts":["#);
    text_part(out, content);
    out.push(b']');
    if finish {
        out.extend_from_slice(br#","finish_reason":"stop""#);
    }
    out.push(b'}');
}

/// The prompt as `(gen_ai.system_instructions, gen_ai.input.messages)`. A string is one
/// user message; a list of `{role, content}` objects is read message by message, the
/// `system` ones going to the instructions (a list of parts); anything else is one user
/// message of its JSON text.
pub(crate) fn input(prompt: &Value) -> (Option<String>, Option<String>) {
    let mut system = vec![b'['];
    let mut messages = opened(prompt);
    match prompt {
        Value::Array(items) => {
            for item in items {
                let role = item.get("role").and_then(Value::as_str);
                let content = item.get("content").unwrap_or(item);
                if role == Some("system") {
                    if system.len() > 1 {
                        system.push(b',');
                    }
                    text_part(&mut system, content);
                } else {
                    message(&mut messages, role.unwrap_or("user"), content, false);
                }
            }
        }
        other => message(&mut messages, "user", other, false),
    }
    (close(system), close(messages))
}

/// The response as `gen_ai.output.messages`: one assistant message.
pub(crate) fn output(response: &Value) -> String {
    let mut out = opened(response);
    message(&mut out, "assistant", response, true);
    close(out).unwrap_or_default()
}

/// `[`, with room for the messages of `content` when it is text (most prompts and
/// responses): grown by doubling, a 1 KB prompt was copied three times.
fn opened(content: &Value) -> Vec<u8> {
    let text = match content {
        Value::String(s) => s.len(),
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.get("content")?.as_str())
            .map(str::len)
            .sum(),
        _ => 0,
    };
    let mut list = Vec::with_capacity(text + text / 16 + 96);
    list.push(b'[');
    list
}

fn close(mut list: Vec<u8>) -> Option<String> {
    if list.len() == 1 {
        return None;
    }
    list.push(b']');
    String::from_utf8(list).ok()
}

/// `data[key]` when `data` is an object holding it, else `data` itself.
pub(crate) fn field<'a>(data: &'a Value, key: &str) -> &'a Value {
    data.get(key).unwrap_or(data)
}
