//! Wire codecs: bytes out, bytes in. Nothing here sends or reads files.
//!
//! - [`agentlens`]: the AgentLens HTTP wire format, `POST {endpoint}/events` with a body
//!   of `{"events":[…]}`, exactly the shapes the AgentLens Python SDK sends.
//! - [`ndjson`]: AgentLens trace files, a header line then one event per line.
//! - [`otlp`]: OTLP/HTTP trace requests (protobuf or JSON), events as GenAI spans.
//!
//! Decoders never panic: bad input gives a [`DecodeError`] with its position. Error
//! messages describe the *shape* of the problem only; they never quote the input,
//! because the input may hold secrets.

pub mod agentlens;
pub mod ndjson;
pub mod otlp;

use std::fmt;

/// Why bytes could not be decoded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not JSON, or not JSON of the expected shape.
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What kind of problem: `syntax`, `eof`, `data` or `utf8`.
        category: &'static str,
    },
    /// A request body is not `{"events":[…]}`.
    NotAnEventBatch,
    /// One element of a batch is not an event object.
    BadEvent {
        /// 0-based index of the element in the batch (or line number − 1 in NDJSON).
        index: usize,
    },
    /// The NDJSON header names another format, or a version this build cannot read.
    UnsupportedFormat {
        /// 1-based line of the header.
        line: usize,
        /// The version found, when the format matched.
        version: Option<u64>,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json {
                line,
                column,
                category,
            } => {
                write!(
                    f,
                    "invalid JSON ({category}) at line {line}, column {column}"
                )
            }
            Self::NotAnEventBatch => f.write_str(r#"expected a body of the form {"events":[…]}"#),
            Self::BadEvent { index } => write!(f, "element {index} is not an event object"),
            Self::UnsupportedFormat {
                line,
                version: Some(v),
            } => {
                write!(
                    f,
                    "line {line}: agentlens-trace version {v} is newer than this reader"
                )
            }
            Self::UnsupportedFormat {
                line,
                version: None,
            } => {
                write!(f, "line {line}: not an agentlens-trace header")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// Converts a serde_json error into a position and category, without its message.
    pub fn from_serde(err: &serde_json::Error) -> Self {
        Self::from_json(err, 0)
    }

    /// Converts a serde_json error, keeping only its position and category: serde's
    /// messages can quote the offending value, which may be a secret.
    pub(crate) fn from_json(err: &serde_json::Error, line_offset: usize) -> Self {
        Self::Json {
            line: err.line() + line_offset,
            column: err.column(),
            category: json_category(err),
        }
    }
}

/// A serde_json error's category as a word (`io`, `syntax`, `data`, `eof`): with the
/// position, all a decode error keeps of it, since its message can quote the input.
pub(crate) fn json_category(err: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match err.classify() {
        Category::Io => "io",
        Category::Syntax => "syntax",
        Category::Data => "data",
        Category::Eof => "eof",
    }
}
