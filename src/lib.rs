//! # AgentLens core
//!
//! The sans-IO heart of AgentLens, a tracing and observability toolkit for AI agents.
//! It holds the event model (sessions, nested runs, LLM and tool calls, decisions,
//! memory reads and writes, errors, final answers), redaction and byte-aware truncation,
//! the batching/retry state machine, and the wire codecs.
//!
//! What it does **not** do: it never performs I/O, never reads a clock, the environment
//! or global randomness. Time arrives as [`time::Millis`] (monotonic) and
//! [`time::UnixNanos`] (wall clock) arguments; randomness arrives as seeds. The same code
//! therefore runs natively, under wasm in Node, Deno, Bun, browsers and edge runtimes, and
//! in tests on a virtual clock without sleeping.
//!
//! ## The drive loop
//!
//! 1. Apply one input to a [`pipeline::Pipeline`]: push events, a response, a timeout,
//!    a flush or a shutdown, each with `now`.
//! 2. Call `poll_output` until it returns [`batch::Output::Wait`], performing every
//!    [`batch::Output::Send`] and reporting its result with `handle_response`.
//! 3. Sleep until the deadline in `Wait`, or until the next input.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analysis;
pub mod batch;
pub mod encode;
pub mod id;
pub mod import;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod redact;
pub mod time;
pub mod view;

#[cfg(feature = "testing")]
pub mod testing;
