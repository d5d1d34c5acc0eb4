//! Placeholder: pipeline tests.
