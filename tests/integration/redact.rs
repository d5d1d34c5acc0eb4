//! Placeholder: redact tests.
