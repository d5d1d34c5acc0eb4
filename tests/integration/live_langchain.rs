//! Live mapping of langchain records (filled by its integration's work).
