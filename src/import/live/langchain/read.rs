//! Readers over the LangChain records' parts: the model, the token usage, the prompt and
//! the response, an error. Lenient: a missing or mistyped field is absent.

use serde_json::{Map, Value};

use crate::import::json;
use crate::model::ErrorInfo;

/// The first string among `keys` in `obj`.
fn first_text(obj: Option<&Value>, keys: &[&str]) -> Option<String> {
    let obj = obj?;
    keys.iter().find_map(|k| json::text(obj.get(*k)))
}

/// The model an LLM run asked for: the callback metadata's `ls_model_name` (what every
/// LangChain chat model reports), else the invocation parameters, else the model's
/// constructor arguments.
pub(super) fn model(r: &Value) -> Option<String> {
    const KEYS: [&str; 3] = ["model", "model_name", "modelName"];
    first_text(r.get("metadata"), &["ls_model_name"])
        .or_else(|| first_text(r.get("invocation_params"), &KEYS))
        .or_else(|| first_text(r.get("kwargs"), &KEYS))
}

/// Token usage of one LLM run, every field optional.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Usage {
    /// Every input token, cached ones included.
    pub(super) input: Option<u64>,
    pub(super) output: Option<u64>,
    pub(super) cache_read: Option<u64>,
    pub(super) cache_creation: Option<u64>,
    pub(super) reasoning: Option<u64>,
}

/// The usage an `LLMResult` reports, read from one place only (so nothing is counted
/// twice: LangChain copies a message's `usage_metadata` into `llmOutput.tokenUsage`):
/// the first generation's message `usage_metadata` (input tokens include cache reads and
/// writes there, output tokens include reasoning), else `llmOutput.tokenUsage`, else
/// `llmOutput.estimatedTokenUsage`.
pub(super) fn usage(generations: &[Value], llm_output: Option<&Value>) -> Usage {
    let meta = generations.iter().find_map(|g| {
        g.get("message")?
            .get("usage_metadata")
            .filter(|u| u.is_object())
    });
    if let Some(u) = meta {
        let details = |k: &str, d: &str| json::count(u.get(k).and_then(|v| v.get(d)));
        return Usage {
            input: json::count(u.get("input_tokens")),
            output: json::count(u.get("output_tokens")),
            cache_read: details("input_token_details", "cache_read"),
            cache_creation: details("input_token_details", "cache_creation"),
            reasoning: details("output_token_details", "reasoning"),
        };
    }
    let counted = |k: &str| llm_output?.get(k).filter(|u| u.is_object());
    match counted("tokenUsage").or_else(|| counted("estimatedTokenUsage")) {
        Some(u) => Usage {
            input: json::count(u.get("promptTokens")),
            output: json::count(u.get("completionTokens")),
            ..Usage::default()
        },
        None => Usage::default(),
    }
}

/// A message's role as chat APIs name it (LangChain's `human` is the `user`, `ai` the
/// `assistant`; a generic chat message carries its own role).
fn role(m: &Value) -> String {
    let kind = json::text(m.get("type")).unwrap_or_default();
    match kind.as_str() {
        "human" => "user".into(),
        "ai" => "assistant".into(),
        "generic" | "chat" => json::text(m.get("role")).unwrap_or(kind),
        _ => kind,
    }
}

/// One message as `{role, content, name?, tool_calls?, tool_call_id?}`.
pub(super) fn message(m: &Value) -> Value {
    let mut out = Map::new();
    out.insert("role".into(), Value::String(role(m)));
    out.insert(
        "content".into(),
        m.get("content").cloned().unwrap_or(Value::Null),
    );
    for key in ["name", "tool_call_id"] {
        if let Some(v) = json::text(m.get(key)) {
            out.insert(key.into(), Value::String(v));
        }
    }
    if let Some(calls) = tool_calls(m) {
        out.insert("tool_calls".into(), calls);
    }
    Value::Object(out)
}

/// A message's tool calls (`[{id, name, args}]`), when it has any.
fn tool_calls(m: &Value) -> Option<Value> {
    let calls = m.get("tool_calls")?.as_array().filter(|c| !c.is_empty())?;
    let calls = calls.iter().map(|c| {
        let mut call = c.as_object().cloned().unwrap_or_default();
        call.retain(|k, _| matches!(k.as_str(), "id" | "name" | "args"));
        Value::Object(call)
    });
    Some(Value::Array(calls.collect()))
}

/// The prompt of an LLM run: its messages (a chat model), or its prompt text (one
/// prompt) or texts (several).
pub(super) fn prompt(r: &Value) -> Option<Value> {
    if let Some(messages) = r.get("messages").and_then(Value::as_array) {
        return Some(Value::Array(messages.iter().map(message).collect()));
    }
    match r.get("prompts")?.as_array()?.as_slice() {
        [one] => Some(one.clone()),
        many => Some(Value::Array(many.to_vec())),
    }
}

/// One generation's response: its text, or `{content, tool_calls}` when the model asked
/// for tools.
fn generation(g: &Value) -> Value {
    let m = g.get("message");
    let text = match g.get("text") {
        Some(Value::String(t)) if !t.is_empty() => Value::String(t.clone()),
        _ => m
            .and_then(|m| m.get("content"))
            .cloned()
            .unwrap_or_else(|| Value::String(String::new())),
    };
    match m.and_then(tool_calls) {
        Some(calls) => {
            let mut out = Map::new();
            out.insert("content".into(), text);
            out.insert("tool_calls".into(), calls);
            Value::Object(out)
        }
        None => text,
    }
}

/// The response of an LLM run: its generation, or every generation when there are
/// several.
pub(super) fn response(generations: &[Value]) -> Option<Value> {
    match generations {
        [] => None,
        [one] => Some(generation(one)),
        many => Some(Value::Array(many.iter().map(generation).collect())),
    }
}

/// The first string among the generations' `response_metadata[key]`.
pub(super) fn response_meta(generations: &[Value], keys: &[&str]) -> Option<String> {
    generations
        .iter()
        .find_map(|g| first_text(g.get("message")?.get("response_metadata"), keys))
}

/// The error of an `…Error` record: `{name, message, stack}`.
pub(super) fn error(r: &Value) -> Option<ErrorInfo> {
    let e = r.get("error").filter(|e| e.is_object())?;
    Some(ErrorInfo {
        error_type: json::text(e.get("name")).unwrap_or_else(|| "Error".into()),
        message: json::text(e.get("message")).unwrap_or_default(),
        critical: false,
        stack_trace: json::text(e.get("stack")),
    })
}

/// A tool's output, its call id and, when it answered with an error status, its message.
/// A `ToolMessage` (`{type: "tool", content, tool_call_id, status}`) gives its content
/// (parsed when it is JSON text); anything else is the output as it is.
pub(super) fn tool_output(v: Option<&Value>) -> (Option<Value>, Option<String>, Option<String>) {
    let Some(v) = v else {
        return (None, None, None);
    };
    if v.get("type").and_then(Value::as_str) != Some("tool") {
        return (Some(json::maybe_json(v.clone())), None, None);
    }
    let content = v.get("content").cloned().unwrap_or(Value::Null);
    let refused =
        (v.get("status").and_then(Value::as_str) == Some("error")).then(|| match &content {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    (
        Some(json::maybe_json(content)),
        json::text(v.get("tool_call_id")),
        refused,
    )
}
