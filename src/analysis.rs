//! Analysis engines: what a trace says, computed from its events.
//!
//! Each engine is a pure function over a trace (a slice of [`crate::model::Event`]s): it
//! reads no clock, keeps no state between calls, shares none with the other engines and
//! never reaches into [`crate::batch`]. The same input always gives the same output, and
//! no input makes an engine panic. One engine per file:
//!
//! - [`explain`]: the Markdown session explanation of the AgentLens SDK's `explain()` and
//!   of the AgentLens backend's `GET /sessions/:id/explain`.
//! - [`cost`]: pricing tables and cost roll-ups.
//! - [`stats`]: session statistics (latency, tokens and cost by model, tools, errors, timeline).
//! - [`forecast`]: cost forecasting, spending summaries and budget checks.
//! - [`compliance`]: policy checks over a session.
//! - [`drift`]: behavioural drift between two windows of sessions.
//! - [`alert`]: declarative alert rules over event streams, with cooldowns on event time.

pub mod alert;
pub mod compliance;
pub mod cost;
pub mod drift;
pub mod explain;
pub mod forecast;
pub mod sessions;
pub mod stats;
