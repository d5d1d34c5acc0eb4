//! Redaction settings ([`Config`]) and why a [`super::Redactor`] refused them
//! ([`RedactError`]).

use std::fmt;

use super::{DEFAULT_KEYS, MARKER, PatternRule, default_patterns};

/// Redaction settings. Build with [`Config::default`] and the `with_*`/`replace_*` methods.
#[derive(Clone, Debug)]
pub struct Config {
    /// Object keys whose values are replaced wholesale (see [`DEFAULT_KEYS`] for matching).
    pub keys: Vec<String>,
    /// Text patterns whose matches are replaced.
    pub patterns: Vec<PatternRule>,
    /// What replaces redacted data.
    pub marker: String,
    /// Byte budget for one field, as compact JSON (used by [`Redactor::redact_and_truncate`]).
    /// The default, 100 000, is the OpenAI traces ingest field limit.
    pub max_field_bytes: usize,
    /// Byte budget for one whole encoded event; enforced by the pipeline, not here.
    pub max_event_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            keys: DEFAULT_KEYS.iter().map(|k| (*k).to_owned()).collect(),
            patterns: default_patterns(),
            marker: MARKER.to_owned(),
            max_field_bytes: 100_000,
            max_event_bytes: 512 * 1024,
        }
    }
}

impl Config {
    /// Adds sensitive keys to the current ones.
    #[must_use]
    pub fn with_keys(mut self, extra: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.keys.extend(extra.into_iter().map(Into::into));
        self
    }

    /// Replaces the sensitive keys (an empty list switches key redaction off).
    #[must_use]
    pub fn replace_keys(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Adds pattern rules after the current ones (earlier rules win at the same position).
    #[must_use]
    pub fn with_patterns(mut self, extra: Vec<PatternRule>) -> Self {
        self.patterns.extend(extra);
        self
    }

    /// Replaces the pattern rules (an empty list switches pattern redaction off).
    #[must_use]
    pub fn replace_patterns(mut self, patterns: Vec<PatternRule>) -> Self {
        self.patterns = patterns;
        self
    }
}

/// Why a [`Config`] was refused by [`Redactor::new`].
///
/// Messages may quote pattern text (patterns are configuration), never data values.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum RedactError {
    /// A pattern rule has no name, does not compile, or can match the empty string.
    InvalidPattern {
        /// The rule's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range.
    InvalidConfig {
        /// The [`Config`] field at fault.
        option: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for RedactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPattern { name, message } => {
                write!(f, "invalid redaction pattern `{name}`: {message}")
            }
            Self::InvalidConfig { option, message } => {
                write!(f, "invalid redaction option `{option}`: {message}")
            }
        }
    }
}

impl std::error::Error for RedactError {}
