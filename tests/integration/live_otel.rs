//! Live mapping of otel records (filled by its integration's work).
