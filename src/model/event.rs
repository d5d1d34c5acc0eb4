//! [`Event`] and its typed sections.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use crate::time::UnixNanos;

/// What kind of thing an [`Event`] records. Unknown names are kept as [`EventType::Custom`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// A session began (AgentLens `session_start`).
    SessionStart,
    /// A session ended (AgentLens `session_end`).
    SessionEnd,
    /// A run began (Agent Inspector `run_start`, an OpenAI Agents span start).
    RunStart,
    /// A run ended.
    RunEnd,
    /// A call to a language model.
    LlmCall,
    /// A tool invocation.
    ToolCall,
    /// A tool invocation that threw (AgentLens decorator `tool_error`).
    ToolError,
    /// An agent function call (AgentLens decorator `agent_call`).
    AgentCall,
    /// An agent function that threw (AgentLens decorator `agent_error`).
    AgentError,
    /// A decision with its reasoning and the alternatives considered.
    Decision,
    /// A read from agent memory.
    MemoryRead,
    /// A write to agent memory.
    MemoryWrite,
    /// An error the agent met (recovered or not).
    Error,
    /// The agent's final answer.
    Final,
    /// Anything else the AgentLens SDK calls `generic`.
    #[default]
    Generic,
    /// A user-defined type, kept by name.
    Custom(String),
}

impl EventType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::SessionStart => "session_start",
            Self::SessionEnd => "session_end",
            Self::RunStart => "run_start",
            Self::RunEnd => "run_end",
            Self::LlmCall => "llm_call",
            Self::ToolCall => "tool_call",
            Self::ToolError => "tool_error",
            Self::AgentCall => "agent_call",
            Self::AgentError => "agent_error",
            Self::Decision => "decision",
            Self::MemoryRead => "memory_read",
            Self::MemoryWrite => "memory_write",
            Self::Error => "error",
            Self::Final => "final",
            Self::Generic => "generic",
            Self::Custom(name) => name,
        }
    }

    /// Reads a wire name. Agent Inspector's `final_answer` is read as [`EventType::Final`];
    /// an empty name is `generic`, as the AgentLens backend does.
    pub fn parse(name: &str) -> Self {
        match name {
            "session_start" => Self::SessionStart,
            "session_end" => Self::SessionEnd,
            "run_start" => Self::RunStart,
            "run_end" => Self::RunEnd,
            "llm_call" => Self::LlmCall,
            "tool_call" => Self::ToolCall,
            "tool_error" => Self::ToolError,
            "agent_call" => Self::AgentCall,
            "agent_error" => Self::AgentError,
            "decision" => Self::Decision,
            "memory_read" => Self::MemoryRead,
            "memory_write" => Self::MemoryWrite,
            "error" => Self::Error,
            "final" | "final_answer" => Self::Final,
            "generic" | "" => Self::Generic,
            other => Self::Custom(other.to_owned()),
        }
    }

    /// The types the AgentLens backend stores; it skips every other type (reference A.3).
    pub fn accepted_by_agentlens_backend(&self) -> bool {
        matches!(
            self,
            Self::SessionStart
                | Self::SessionEnd
                | Self::LlmCall
                | Self::ToolCall
                | Self::ToolError
                | Self::AgentCall
                | Self::AgentError
                | Self::Error
                | Self::Generic
        )
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&lenient::string(d)?))
    }
}

/// One record of what an agent did. Field names and shapes are the AgentLens wire
/// format (reference A.3/B.1); the Agent Inspector and OpenAI Agents fields are added
/// beside them and omitted when absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    /// 16 hex characters; absent on session start/end records.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub event_id: Option<String>,
    /// The session this event belongs to (16 hex when AgentLens made it).
    #[serde(deserialize_with = "lenient::string")]
    pub session_id: String,
    /// What kind of event this is.
    pub event_type: EventType,
    /// When it happened (absent on `session_end`, which carries `ended_at`).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "de_time")]
    pub timestamp: Option<UnixNanos>,

    /// Session start: the agent's name.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub agent_name: Option<String>,
    /// Session start: free-form metadata (version, environment, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Session end: when it ended.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "de_time")]
    pub ended_at: Option<UnixNanos>,
    /// Session or run status (see [`crate::model::status`]).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub status: Option<String>,
    /// Session end: input tokens over the whole session.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub total_tokens_in: Option<u64>,
    /// Session end: output tokens over the whole session.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub total_tokens_out: Option<u64>,

    /// The run this event belongs to (Agent Inspector `run_id`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub run_id: Option<String>,
    /// The enclosing run, for nested runs.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub parent_run_id: Option<String>,
    /// Run start: the run's name.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub run_name: Option<String>,
    /// Run start: the user the run serves.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub user_id: Option<String>,
    /// 32 hex: the OTLP trace this run belongs to.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub trace_id: Option<String>,
    /// 16 hex: the OTLP span of this run or event.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub span_id: Option<String>,

    /// Input to the operation (prompt, query, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_data: Option<Value>,
    /// Output of the operation (response, result, answer, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_data: Option<Value>,
    /// The model an LLM call used.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub model: Option<String>,
    /// Input (prompt) tokens. Always present on regular events, as the AgentLens SDK sends it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub tokens_in: Option<u64>,
    /// Output (completion) tokens.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub tokens_out: Option<u64>,
    /// Input tokens served from a prompt cache (billed differently).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub cached_input_tokens: Option<u64>,
    /// Output tokens spent on hidden reasoning.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::tokens"
    )]
    pub reasoning_tokens: Option<u64>,
    /// The tool call this event records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call: Option<ToolCall>,
    /// Why the agent did this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_trace: Option<DecisionTrace>,
    /// Memory read or write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
    /// Error details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// How long the operation took, in milliseconds.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::duration"
    )]
    pub duration_ms: Option<f64>,
    /// Anything else: OpenAI Agents span data, `gen_ai.*` attributes, multi-agent fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
}

/// A tool invocation (AgentLens `ToolCall`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolCall {
    /// 16 hex characters.
    #[serde(deserialize_with = "lenient::string")]
    pub tool_call_id: String,
    /// The tool's name.
    #[serde(deserialize_with = "lenient::string")]
    pub tool_name: String,
    /// Arguments (an object in the AgentLens SDK; any JSON here).
    pub tool_input: Value,
    /// What the tool returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_output: Option<Value>,
    /// When the call was made.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "de_time")]
    pub timestamp: Option<UnixNanos>,
    /// How long the call took, in milliseconds.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::duration"
    )]
    pub duration_ms: Option<f64>,
}

/// The reasoning behind a step (AgentLens `DecisionTrace`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionTrace {
    /// 16 hex characters.
    #[serde(deserialize_with = "lenient::string")]
    pub trace_id: String,
    /// 1-based position among the session's events.
    #[serde(deserialize_with = "lenient::step")]
    pub step: u64,
    /// Why.
    #[serde(deserialize_with = "lenient::string")]
    pub reasoning: String,
    /// What else was considered.
    pub alternatives_considered: Vec<String>,
    /// How sure the agent was, 0 to 1.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_f64"
    )]
    pub confidence: Option<f64>,
    /// When the decision was made.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "de_time")]
    pub timestamp: Option<UnixNanos>,
}

/// A memory read or write (Agent Inspector `MemoryReadEvent`/`MemoryWriteEvent`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Memory {
    /// The key read or written.
    #[serde(deserialize_with = "lenient::string")]
    pub key: String,
    /// The value read or written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The kind of store (`key_value`, `vector`, ...).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub memory_type: Option<String>,
    /// Writes: whether an existing value was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overwrite: Option<bool>,
}

/// An error the agent met (Agent Inspector `ErrorEvent`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorInfo {
    /// The error's type or class name.
    #[serde(deserialize_with = "lenient::string")]
    pub error_type: String,
    /// The error's message.
    #[serde(deserialize_with = "lenient::string")]
    pub message: String,
    /// Whether the error ended the run.
    pub critical: bool,
    /// A stack trace, if the host captured one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub stack_trace: Option<String>,
}

/// Timestamps that do not parse are dropped rather than failing the whole event.
fn de_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<UnixNanos>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => UnixNanos::parse_rfc3339(&s).ok(),
        Some(Value::Number(n)) => n.as_f64().map(UnixNanos::from_unix_ms),
        _ => None,
    })
}

impl Event {
    /// A regular event of `event_type` in `session_id`, with token counts present (zero),
    /// as the AgentLens SDK sends them.
    pub fn new(event_type: EventType, session_id: impl Into<String>, at: UnixNanos) -> Self {
        Self {
            session_id: session_id.into(),
            event_type,
            timestamp: Some(at),
            tokens_in: Some(0),
            tokens_out: Some(0),
            ..Self::default()
        }
    }

    /// The event's time: `timestamp`, or `ended_at` for a session end.
    pub fn time(&self) -> Option<UnixNanos> {
        self.timestamp.or(self.ended_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip_by_name_and_keep_custom_names() {
        for name in [
            "session_start",
            "session_end",
            "run_start",
            "run_end",
            "llm_call",
            "tool_call",
            "tool_error",
            "agent_call",
            "agent_error",
            "decision",
            "memory_read",
            "memory_write",
            "error",
            "final",
            "generic",
            "agent_handoff",
        ] {
            assert_eq!(EventType::parse(name).as_str(), name);
        }
        assert_eq!(EventType::parse("final_answer"), EventType::Final);
        assert_eq!(EventType::parse(""), EventType::Generic);
    }

    #[test]
    fn bad_numbers_become_safe_values() {
        let e: Event = serde_json::from_str(
            r#"{"session_id":"s","event_type":"llm_call","tokens_in":-5,"tokens_out":"7",
                "duration_ms":-1,"timestamp":"not a time"}"#,
        )
        .unwrap();
        assert_eq!(e.tokens_in, Some(0));
        // A numeric string is a count (the one token rule, `lenient::token_count`).
        assert_eq!(e.tokens_out, Some(7));
        assert_eq!(e.duration_ms, Some(0.0));
        assert_eq!(e.timestamp, None);
    }

    #[test]
    fn absent_sections_are_omitted_on_the_wire() {
        let e = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(
            text,
            r#"{"session_id":"s1","event_type":"llm_call","timestamp":"1970-01-01T00:00:00.000000Z","tokens_in":0,"tokens_out":0}"#
        );
    }
}
