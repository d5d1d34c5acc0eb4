//! Live tracing: framework records into events as they happen, one record at a time.
//!
//! The framework integrations of the SDK (`@agentlens/sdk/openai-agents`, `/ai-sdk`,
//! `/otel`, `/langchain`) capture what the framework's own hook hands them, as plain JSON
//! records, and pass them here in batches; this module says what they mean. It shares the
//! per-span mapping with the file importers of the same formats ([`super::span`],
//! [`super::openai`], [`super::otlp`]), so a trace recorded live and the same trace
//! exported and imported read the same. The record shapes are the contract in
//! `docs/integrations.md`.
//!
//! A [`LiveMapper`] keeps what a framework's records do not repeat (which spans opened a
//! run, a trace's session), bounded by [`MAX_OPEN`]: past it the oldest entries are
//! forgotten and counted in [`LiveMapper::forgotten`], never grown without end (a
//! framework that never ends its spans must not leak memory on a long-lived worker).
//!
//! It performs no I/O and reads no clock: times are in the records.

mod ai_sdk;
mod langchain;
pub(super) mod openai_agents;
mod otel;

use serde_json::Value;

use super::warn::Warnings;
use crate::model::Event;

/// Entries (open spans, runs, sessions) a mapper remembers at most.
pub const MAX_OPEN: usize = 10_000;

/// The frameworks whose records a [`LiveMapper`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framework {
    /// OpenAI Agents JS: its tracing processor's traces and spans.
    OpenaiAgents,
    /// The Vercel AI SDK 7: its `Telemetry` interface's events.
    AiSdk,
    /// Any OpenTelemetry GenAI instrumentation: ended spans, as OTLP/JSON spans.
    Otel,
    /// LangChain.js: its callback handler's runs.
    Langchain,
}

impl Framework {
    /// Every framework.
    pub const ALL: [Self; 4] = [Self::OpenaiAgents, Self::AiSdk, Self::Otel, Self::Langchain];

    /// The framework's name, as the SDK's subpath spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenaiAgents => "openai-agents",
            Self::AiSdk => "ai-sdk",
            Self::Otel => "otel",
            Self::Langchain => "langchain",
        }
    }

    /// The framework named `name` (as [`Framework::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

enum State {
    OpenaiAgents(openai_agents::Live),
    AiSdk(ai_sdk::Live),
    Otel(otel::Live),
    Langchain(langchain::Live),
}

/// What a batch of records became.
#[derive(Debug, Default)]
pub struct Mapped {
    /// The events, in the order the records gave them.
    pub events: Vec<Event>,
    /// Records (or parts of records) skipped.
    pub skipped: usize,
    /// Why, for the first of them (positions and shapes, never content).
    pub warnings: Vec<String>,
}

/// Maps one framework's records into events, remembering what later records need.
pub struct LiveMapper {
    state: State,
}

impl LiveMapper {
    /// A mapper for `framework`'s records.
    pub fn new(framework: Framework) -> Self {
        let state = match framework {
            Framework::OpenaiAgents => State::OpenaiAgents(openai_agents::Live::default()),
            Framework::AiSdk => State::AiSdk(ai_sdk::Live::default()),
            Framework::Otel => State::Otel(otel::Live::default()),
            Framework::Langchain => State::Langchain(langchain::Live::default()),
        };
        Self { state }
    }

    /// Maps one record, appending its events to `out`.
    fn map(&mut self, record: Value, out: &mut Vec<Event>, warnings: &mut Warnings) {
        match &mut self.state {
            State::OpenaiAgents(live) => live.map(record, out, warnings),
            State::AiSdk(live) => live.map(record, out, warnings),
            State::Otel(live) => live.map(record, out, warnings),
            State::Langchain(live) => live.map(record, out, warnings),
        }
    }

    /// Maps a batch: a JSON array of records (or one record). Text that is not JSON gives
    /// no events and one warning.
    pub fn map_json(&mut self, text: &str) -> Mapped {
        let mut warnings = Warnings::default();
        let mut events = Vec::new();
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(records)) => {
                for record in records {
                    self.map(record, &mut events, &mut warnings);
                }
            }
            Ok(record) => self.map(record, &mut events, &mut warnings),
            Err(e) => warnings.push(format!(
                "records are not JSON (line {}, column {}); skipped",
                e.line(),
                e.column()
            )),
        }
        let skipped = warnings.count();
        warnings.close();
        Mapped {
            events,
            skipped,
            warnings: warnings.as_slice().to_vec(),
        }
    }

    /// Entries forgotten because more than [`MAX_OPEN`] were open at once.
    pub fn forgotten(&self) -> u64 {
        match &self.state {
            State::OpenaiAgents(live) => live.forgotten(),
            State::AiSdk(live) => live.forgotten(),
            State::Otel(live) => live.forgotten(),
            State::Langchain(live) => live.forgotten(),
        }
    }
}
