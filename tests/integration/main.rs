//! Integration tests: one binary, one module per concern.

mod analysis;
mod batch;
mod codec;
mod fixtures;
mod pipeline;
mod redact;
mod redact_canary;
