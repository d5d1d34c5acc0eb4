//! Placeholder: codec tests.
