//! Redaction settings ([`Config`]) and why a [`super::Redactor`] refused them
//! ([`RedactError`]).

use std::fmt;
use std::sync::Arc;

use super::{DEFAULT_KEYS, MARKER, PatternEngine, PatternRule, default_patterns};

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
    /// The key of the tags that keep redacted ids apart (see
    /// [`Redactor::redact_id`](super::Redactor::redact_id)). `None` uses a fixed, public
    /// key: ids still stay apart, but anyone can test a guessed id against its tag. Hosts
    /// that show ids to anyone else set a random key: the pipeline draws one from its seed,
    /// the wasm bindings from the platform's random source.
    pub id_key: Option<IdKey>,
    /// The regex engine for patterns other than the defaults (which need none). `None`
    /// uses the built-in engine; a build without it (feature `regex-engine` off, as the
    /// SDK's wasm is built) refuses such patterns unless the host supplies one.
    pub pattern_engine: Option<Arc<dyn PatternEngine>>,
}

/// A 128-bit key for the tags of redacted ids. `Debug` never prints it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IdKey(pub(crate) [u64; 2]);

impl IdKey {
    /// A key drawn from 32 bytes of host randomness (a pipeline's seed, `getrandom`).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(super::tag::key_from_seed(seed))
    }
}

impl fmt::Debug for IdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdKey(..)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            keys: DEFAULT_KEYS.iter().map(|k| (*k).to_owned()).collect(),
            patterns: default_patterns(),
            marker: MARKER.to_owned(),
            max_field_bytes: 100_000,
            max_event_bytes: 512 * 1024,
            id_key: None,
            pattern_engine: None,
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
