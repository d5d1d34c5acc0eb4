//! [`EventType`]: what kind of thing an event records, by its wire name.

use serde::{Deserialize, Serialize};

use crate::model::lenient;

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
