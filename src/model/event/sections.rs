//! The typed sections an [`super::Event`] may carry: a tool call, a decision trace, a
//! memory operation, error details.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::lenient;
use crate::time::UnixNanos;

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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::time"
    )]
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::time"
    )]
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
