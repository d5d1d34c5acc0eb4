//! Placeholder: fixtures tests.
