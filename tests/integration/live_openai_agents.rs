//! Live mapping of openai_agents records (filled by its integration's work).
