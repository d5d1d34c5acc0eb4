//! Live mapping of ai_sdk records (filled by its integration's work).
