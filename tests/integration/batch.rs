//! Placeholder: batch tests.
