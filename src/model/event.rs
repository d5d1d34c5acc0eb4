//! [`Event`] and its typed sections.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use crate::time::UnixNanos;

mod kind;
mod sections;

pub use kind::EventType;
pub use sections::{DecisionTrace, ErrorInfo, Memory, ToolCall};

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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::time"
    )]
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::time"
    )]
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
    pub tool_call: Option<Box<ToolCall>>,
    /// Why the agent did this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_trace: Option<Box<DecisionTrace>>,
    /// Memory read or write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Box<Memory>>,
    /// Error details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Box<ErrorInfo>>,
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
mod tests;
