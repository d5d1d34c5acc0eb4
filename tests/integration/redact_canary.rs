//! Placeholder: redact_canary tests.
