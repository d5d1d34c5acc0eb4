//! What the pipeline refuses: the option at fault, and what it must be.

use std::fmt;

use crate::{batch, redact};

/// A configuration the pipeline refuses, naming the option.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A redaction setting is invalid (a pattern that does not compile, ...).
    Redact(redact::RedactError),
    /// A batching setting is invalid.
    Batch(batch::ConfigError),
    /// A setting is out of range.
    Option {
        /// The option's name as the host spells it (`flushIntervalMs`).
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A host option is unknown, or its value is of the wrong kind or out of range.
    Value {
        /// The option's name as the host spells it, with the path to the bad item if
        /// the value is a list (`redactPatterns[0].luhn`).
        option: String,
        /// What it must be.
        message: String,
        /// What it got, if that can be shown (numbers and booleans; never a string's text).
        got: Option<String>,
    },
    /// The per-event limit cannot fit in one request.
    EventLargerThanRequest {
        /// `redact.max_event_bytes`.
        max_event_bytes: usize,
        /// `batch.max_request_bytes`.
        max_request_bytes: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redact(e) => e.fmt(f),
            Self::Batch(e) => e.fmt(f),
            Self::Option { option, message } => write!(f, "invalid option {option}: {message}"),
            Self::Value {
                option,
                message,
                got,
            } => {
                write!(f, "invalid option {option}: {message}")?;
                got.as_ref().map_or(Ok(()), |g| write!(f, " (got {g})"))
            }
            Self::EventLargerThanRequest {
                max_event_bytes,
                max_request_bytes,
            } => write!(
                f,
                "maxEventBytes ({max_event_bytes}) must be smaller than maxRequestBytes ({max_request_bytes})"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// The option at fault, as a host spells it (`batchSize`, `redactPatterns[0]`).
    pub fn option(&self) -> String {
        match self {
            Self::Redact(_) => "redactPatterns".into(),
            Self::Batch(e) => host_name(e.option()).into(),
            Self::Option { option, .. } => (*option).into(),
            Self::Value { option, .. } => option.clone(),
            Self::EventLargerThanRequest { .. } => "maxEventBytes".into(),
        }
    }

    /// What is wrong, as a phrase that follows the option's name (`must be ...`), with
    /// the value it got when that can be shown.
    pub fn message(&self) -> String {
        match self {
            Self::Value { got: Some(g), .. } => format!("{} (got {g})", self.requirement()),
            _ => self.requirement(),
        }
    }

    /// [`ConfigError::message`] without the value: for hosts that name where the value
    /// came from (an environment variable) and must not repeat it.
    pub fn requirement(&self) -> String {
        match self {
            Self::Option { message, .. } | Self::Value { message, .. } => message.clone(),
            Self::EventLargerThanRequest {
                max_request_bytes, ..
            } => {
                format!("must be smaller than maxRequestBytes ({max_request_bytes})")
            }
            other => format!("is refused: {other}"),
        }
    }
}

/// A batching field's name as hosts spell the option that sets it.
fn host_name(field: &'static str) -> &'static str {
    match field {
        "batch_size" => "batchSize",
        "max_request_events" => "maxRequestEvents",
        "max_request_bytes" | "framing" => "maxRequestBytes",
        "backoff_base" => "backoffBaseMs",
        "max_buffer_events" => "maxBufferEvents",
        "max_buffer_bytes" => "maxBufferBytes",
        "sample_rate" => "sampleRate",
        "max_held_events" => "maxHeldEvents",
        other => other,
    }
}
