//! What a GenAI span is and what it says, whichever instrumentation wrote it: the
//! OpenTelemetry GenAI conventions (current and deprecated names), the AI SDK's own `ai.*`
//! spans (AI SDK ≤ 6 `experimental_telemetry`, `LegacyOpenTelemetry`), OpenLLMetry
//! (`traceloop.*`, `gen_ai.prompt.N.*`, `llm.usage.*`) and OpenInference
//! (`openinference.span.kind`, `llm.token_count.*`, `input.value`/`output.value`).
//!
//! Each reader lists its names in order of preference: the first present wins, and every
//! listed name is taken out of the attributes, so what the event says is not repeated in
//! its `attributes`. Shared by the OTLP file importer and the live `otel` mapper.

use serde_json::{Map, Value};

use super::{take_count, take_json, take_str};
use crate::import::json;

/// A span's attributes, as a plain object.
pub(super) type Attrs = Map<String, Value>;

/// What a span records, before its place in the tree is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A call to a model (chat, completion, embeddings, rerank).
    Llm,
    /// A tool call.
    Tool,
    /// A unit of work that contains others (an agent, a workflow, an AI SDK call).
    Run,
    /// Anything else (a run when it has children).
    Other,
}

/// Operation names (`gen_ai.operation.name`, or a span name's first word) of model calls.
const LLM_OPS: &[&str] = &[
    "chat",
    "text_completion",
    "generate_content",
    "embeddings",
    "rerank",
];
/// Operation names of runs (`agent_step`: the AI SDK's step span).
const RUN_OPS: &[&str] = &[
    "invoke_agent",
    "create_agent",
    "invoke_workflow",
    "agent_step",
];

fn op_kind(op: &str) -> Kind {
    if LLM_OPS.contains(&op) {
        Kind::Llm
    } else if RUN_OPS.contains(&op) {
        Kind::Run
    } else if op == "execute_tool" {
        Kind::Tool
    } else {
        Kind::Other
    }
}

fn str_attr<'a>(attrs: &'a Attrs, key: &str) -> Option<&'a str> {
    attrs.get(key).and_then(Value::as_str)
}

/// What the span is, by the first convention that says: the GenAI operation name,
/// OpenInference's span kind, the AI SDK's operation id, OpenLLMetry's span kind or
/// request type, then the span name.
pub(super) fn kind(attrs: &Attrs, name: &str) -> Kind {
    if let Some(op) = str_attr(attrs, "gen_ai.operation.name") {
        return op_kind(op);
    }
    if let Some(k) = str_attr(attrs, "openinference.span.kind") {
        return match k.to_ascii_uppercase().as_str() {
            "LLM" | "EMBEDDING" | "RERANKER" => Kind::Llm,
            "TOOL" => Kind::Tool,
            "AGENT" | "CHAIN" => Kind::Run,
            _ => Kind::Other,
        };
    }
    let ai_op = str_attr(attrs, "ai.operationId")
        .or_else(|| name.starts_with("ai.").then_some(name))
        .unwrap_or_default();
    if let Some(op) = ai_op.strip_prefix("ai.") {
        return match op {
            "toolCall" => Kind::Tool,
            _ if [".doGenerate", ".doStream", ".doEmbed", ".doRerank"]
                .iter()
                .any(|s| op.ends_with(s)) =>
            {
                Kind::Llm
            }
            _ => Kind::Run,
        };
    }
    if let Some(k) = str_attr(attrs, "traceloop.span.kind") {
        return match k {
            "workflow" | "agent" => Kind::Run,
            "tool" => Kind::Tool,
            _ => Kind::Other,
        };
    }
    if attrs.contains_key("llm.request.type") {
        return Kind::Llm;
    }
    op_kind(name.split(' ').next().unwrap_or_default())
}

/// The session a span names, if any.
pub(super) fn session(attrs: &Attrs) -> Option<String> {
    [
        "gen_ai.conversation.id",
        "session.id",
        "ai.telemetry.metadata.sessionId",
        "traceloop.association.properties.session_id",
    ]
    .iter()
    .find_map(|k| json::text(attrs.get(*k)))
}

/// A run's agent name.
pub(super) fn agent_name(attrs: &Attrs) -> Option<String> {
    [
        "gen_ai.agent.name",
        "gen_ai.workflow.name",
        "agent.name",
        "ai.telemetry.functionId",
        "traceloop.workflow.name",
    ]
    .iter()
    .find_map(|k| json::text(attrs.get(*k)))
}

/// A run's user.
pub(super) fn user_id(attrs: &Attrs) -> Option<String> {
    [
        "user.id",
        "enduser.id",
        "ai.telemetry.metadata.userId",
        "traceloop.association.properties.user_id",
    ]
    .iter()
    .find_map(|k| json::text(attrs.get(*k)))
}

/// A model call's model and token counts. `tokens_in` counts every input token, cached
/// ones included (as each convention reports them); cache writes are kept as the
/// `cache_creation_input_tokens` attribute.
pub(super) struct Usage {
    pub(super) model: Option<String>,
    pub(super) tokens_in: Option<u64>,
    pub(super) tokens_out: Option<u64>,
    pub(super) cached_in: Option<u64>,
    pub(super) reasoning: Option<u64>,
}

pub(super) fn usage(attrs: &mut Attrs) -> Usage {
    let model = take_str(
        attrs,
        &[
            "gen_ai.response.model",
            "ai.response.model",
            "llm.response.model_name",
            "gen_ai.request.model",
            "ai.model.id",
            "llm.model_name",
            "llm.request.model_name",
            "embedding.model_name",
            "reranker.model_name",
        ],
    );
    let tokens_in = take_count(
        attrs,
        &[
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.prompt_tokens",
            "ai.usage.inputTokens",
            "ai.usage.promptTokens",
            "ai.usage.tokens",
            "llm.token_count.prompt",
            "llm.usage.prompt_tokens",
        ],
    );
    let tokens_out = take_count(
        attrs,
        &[
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens",
            "ai.usage.outputTokens",
            "ai.usage.completionTokens",
            "llm.token_count.completion",
            "llm.usage.completion_tokens",
        ],
    );
    let cached_in = take_count(
        attrs,
        &[
            "gen_ai.usage.cache_read.input_tokens",
            "ai.usage.inputTokenDetails.cacheReadTokens",
            "ai.usage.cachedInputTokens",
            "llm.token_count.prompt_details.cache_read",
            "gen_ai.usage.cache_read_input_tokens",
        ],
    );
    let reasoning = take_count(
        attrs,
        &[
            "gen_ai.usage.reasoning.output_tokens",
            "ai.usage.outputTokenDetails.reasoningTokens",
            "ai.usage.reasoningTokens",
            "llm.token_count.completion_details.reasoning",
            "gen_ai.usage.reasoning_tokens",
            "llm.usage.reasoning_tokens",
        ],
    );
    let cache_write = take_count(
        attrs,
        &[
            "gen_ai.usage.cache_creation.input_tokens",
            "ai.usage.inputTokenDetails.cacheWriteTokens",
            "llm.token_count.prompt_details.cache_write",
            "gen_ai.usage.cache_creation_input_tokens",
        ],
    );
    if let Some(n) = cache_write {
        attrs.insert("cache_creation_input_tokens".into(), Value::from(n));
    }
    Usage {
        model,
        tokens_in,
        tokens_out,
        cached_in,
        reasoning,
    }
}

/// Indexed attributes (`{prefix}.{N}.{field}`, OpenLLMetry's `gen_ai.prompt.0.role`,
/// OpenInference's `llm.input_messages.0.message.content`) gathered into an array of
/// objects, `strip` taken off each field name; the attributes are taken out.
fn indexed(attrs: &mut Attrs, prefix: &str, strip: &str) -> Option<Value> {
    let keys: Vec<String> = attrs
        .keys()
        .filter(|k| {
            k.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('.'))
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .cloned()
        .collect();
    let mut items: Vec<Map<String, Value>> = Vec::new();
    for key in keys {
        let rest = &key[prefix.len() + 1..];
        let (index, field) = rest.split_once('.').unwrap_or((rest, "value"));
        let (Ok(i), Some(v)) = (index.parse::<usize>(), attrs.remove(&key)) else {
            continue;
        };
        if i >= 1024 {
            continue;
        }
        if items.len() <= i {
            items.resize_with(i + 1, Map::new);
        }
        let field = field.strip_prefix(strip).unwrap_or(field);
        items[i].insert(field.to_owned(), json::maybe_json(v));
    }
    let items: Vec<Value> = items
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(Value::Object)
        .collect();
    (!items.is_empty()).then_some(Value::Array(items))
}

/// A model call's prompt, from the attributes (events are the caller's fallback).
pub(super) fn prompt(attrs: &mut Attrs) -> Option<Value> {
    take_json(
        attrs,
        &[
            "gen_ai.input.messages",
            "gen_ai.prompt",
            "ai.prompt.messages",
            "ai.prompt",
            "ai.values",
            "ai.value",
            "input.value",
        ],
    )
    .or_else(|| indexed(attrs, "gen_ai.prompt", ""))
    .or_else(|| indexed(attrs, "llm.input_messages", "message."))
}

/// A model call's response, from the attributes.
pub(super) fn response(attrs: &mut Attrs) -> Option<Value> {
    take_json(
        attrs,
        &[
            "gen_ai.output.messages",
            "gen_ai.completion",
            "ai.response.text",
            "ai.response.object",
            "output.value",
        ],
    )
    .or_else(|| take_json(attrs, &["ai.response.toolCalls"]))
    .or_else(|| indexed(attrs, "gen_ai.completion", ""))
    .or_else(|| indexed(attrs, "llm.output_messages", "message."))
}

/// A tool call's name (else `fallback`), call id, input and output.
pub(super) struct ToolCall {
    pub(super) name: String,
    pub(super) call_id: Option<String>,
    pub(super) input: Option<Value>,
    pub(super) output: Option<Value>,
}

pub(super) fn tool(attrs: &mut Attrs, fallback: String) -> ToolCall {
    ToolCall {
        name: take_str(
            attrs,
            &[
                "gen_ai.tool.name",
                "ai.toolCall.name",
                "tool.name",
                "traceloop.entity.name",
            ],
        )
        .unwrap_or(fallback),
        call_id: take_str(
            attrs,
            &[
                "gen_ai.tool.call.id",
                "ai.toolCall.id",
                "tool.id",
                "tool_call.id",
            ],
        ),
        input: take_json(
            attrs,
            &[
                "gen_ai.tool.call.arguments",
                "ai.toolCall.args",
                "input.value",
                "traceloop.entity.input",
            ],
        ),
        output: take_json(
            attrs,
            &[
                "gen_ai.tool.call.result",
                "ai.toolCall.result",
                "output.value",
                "traceloop.entity.output",
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attrs(v: Value) -> Attrs {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn each_convention_names_its_kind() {
        let k = |v: Value, name: &str| kind(&attrs(v), name);
        assert_eq!(
            k(json!({"gen_ai.operation.name": "embeddings"}), "x"),
            Kind::Llm
        );
        assert_eq!(
            k(json!({"gen_ai.operation.name": "agent_step"}), "step 1"),
            Kind::Run
        );
        assert_eq!(
            k(json!({"openinference.span.kind": "TOOL"}), "x"),
            Kind::Tool
        );
        assert_eq!(
            k(json!({"openinference.span.kind": "chain"}), "x"),
            Kind::Run
        );
        assert_eq!(
            k(json!({"openinference.span.kind": "RETRIEVER"}), "x"),
            Kind::Other
        );
        assert_eq!(k(json!({}), "ai.generateText.doGenerate"), Kind::Llm);
        assert_eq!(
            k(json!({"ai.operationId": "ai.embed.doEmbed"}), "y"),
            Kind::Llm
        );
        assert_eq!(k(json!({}), "ai.streamText"), Kind::Run);
        assert_eq!(k(json!({}), "ai.toolCall"), Kind::Tool);
        assert_eq!(
            k(json!({"traceloop.span.kind": "workflow"}), "w"),
            Kind::Run
        );
        assert_eq!(
            k(json!({"llm.request.type": "chat"}), "openai.chat"),
            Kind::Llm
        );
        assert_eq!(k(json!({}), "execute_tool search"), Kind::Tool);
        assert_eq!(k(json!({}), "GET /users"), Kind::Other);
    }

    #[test]
    fn indexed_attributes_become_messages_in_order() {
        let mut a = attrs(json!({
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "hi",
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": "be brief",
            "llm.input_messages_x": 1,
        }));
        let p = prompt(&mut a).unwrap();
        assert_eq!(p[0]["role"], "system");
        assert_eq!(p[1]["content"], "hi");
        assert_eq!(a.len(), 1, "only the gathered attributes are taken");
    }

    #[test]
    fn usage_reads_the_first_name_present_and_keeps_cache_writes() {
        let mut a = attrs(json!({
            "llm.token_count.prompt": 120, "llm.token_count.completion": "30",
            "llm.token_count.prompt_details.cache_read": 100,
            "llm.token_count.prompt_details.cache_write": 7,
            "llm.token_count.completion_details.reasoning": 12,
            "llm.model_name": "claude-sonnet-4", "llm.token_count.total": 150,
        }));
        let u = usage(&mut a);
        assert_eq!(u.model.as_deref(), Some("claude-sonnet-4"));
        assert_eq!(
            (u.tokens_in, u.tokens_out, u.cached_in, u.reasoning),
            (Some(120), Some(30), Some(100), Some(12))
        );
        assert_eq!(a["cache_creation_input_tokens"], 7);
        assert!(a.contains_key("llm.token_count.total"));
    }

    #[test]
    fn bad_values_are_absent_never_a_panic() {
        let mut a = attrs(json!({
            "gen_ai.usage.input_tokens": "many", "ai.usage.outputTokens": -3.5,
            "gen_ai.prompt.99999.content": "x", "gen_ai.prompt.NaN.role": "y",
            "gen_ai.response.model": ["a"], "ai.model.id": {"x": 1},
        }));
        let u = usage(&mut a);
        assert_eq!((u.tokens_in, u.tokens_out, u.model), (None, Some(0), None));
        assert_eq!(prompt(&mut a), None);
    }
}
