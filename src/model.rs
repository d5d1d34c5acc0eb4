//! The event model: sessions, nested runs, and what happened inside them.
//!
//! One flat [`Event`] carries all three seed systems without loss: the AgentLens SDK's
//! session and event records (its wire shape is the model's serde shape), Agent
//! Inspector's nested runs and memory/error/final events, and OpenAI Agents spans
//! (runs with trace and span ids). Optional sections are omitted when absent, as the
//! Python SDK's `exclude_none` does.
//!
//! The model holds data; it does no redaction, batching or I/O.

mod event;
pub(crate) mod lenient;
pub mod semantics;

pub use event::{DecisionTrace, ErrorInfo, Event, EventType, Memory, ToolCall};
pub use semantics::SessionStatus;

/// Session and run status values used on the wire. What a status *means* (failed or
/// not) is [`semantics::is_failure_status`].
pub mod status {
    /// A session that has started and not ended.
    pub const ACTIVE: &str = "active";
    /// A run that has started and not ended.
    pub const RUNNING: &str = "running";
    /// Ended normally.
    pub const COMPLETED: &str = "completed";
    /// Ended with an error (Agent Inspector writes `failed` for runs; both are read as errors).
    pub const ERROR: &str = "error";
    /// Agent Inspector's name for a run that ended with an error.
    pub const FAILED: &str = "failed";
    /// Ended because it ran out of time.
    pub const TIMEOUT: &str = "timeout";
}

/// The agent name a session gets when none is given (as the AgentLens SDK).
pub const DEFAULT_AGENT_NAME: &str = "default-agent";
