//! # agentlens-fuzz
//!
//! A deterministic mutation fuzzer for the agentlens core's decoders and importers (wire
//! bodies, NDJSON, session and batch exports, Agent Inspector exports, OTLP JSON and
//! protobuf, OpenAI Agents exports, gzip) and its redaction scanner.
//!
//! Each [`targets::Target`] starts from seed files in `tests/fixtures/` and its past
//! findings in `tests/fixtures/fuzz/<target>/`, and runs mutants of them made by a seeded
//! [`mutate::Mutator`] (so a run can be replayed) under `catch_unwind`, each timed.
//! A finding is a panic (in wasm, a trap), an input slower than the hang limit, a fault
//! that ends the process (caught by [`supervise`] in a parent process), or a broken oracle:
//! an error type other than the documented ones, an error or warning that quotes the
//! input, or two readings that must agree and do not.
//!
//! `scripts/fuzz.sh MINUTES` runs every target; `scripts/test.sh` runs each for a few
//! seconds; `cargo test` replays every fixture (`fuzz/tests/replay.rs`).

// A host tool, not the sans-IO core: it times each input with the clock.
#![allow(clippy::disallowed_methods)]

pub mod driver;
pub mod mutate;
pub mod supervise;
pub mod targets;
