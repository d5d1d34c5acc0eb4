//! AgentLens trace files: newline-delimited JSON.
//!
//! The first line is a header, `{"format":"agentlens-trace","version":1}`, then one
//! event per line in the model's own shape (no backend rewriting). Readers accept files
//! without a header (a plain NDJSON export of events) and skip blank lines.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::DecodeError;
use super::agentlens::decode_event;
use crate::model::Event;

/// The `format` value of the header line.
pub const FORMAT: &str = "agentlens-trace";
/// The version this build writes and the newest it reads.
pub const VERSION: u64 = 1;

/// The first line of a trace file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version.
    pub version: u64,
    /// The program that wrote the file, e.g. `agentlens-js/0.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
}

impl Header {
    /// The header this build writes.
    pub fn new(producer: Option<String>) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            producer,
        }
    }

    /// The header as one line, newline included.
    pub fn to_line(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// A decoded trace file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// The header, if the file had one.
    pub header: Option<Header>,
    /// The events, in file order.
    pub events: Vec<Event>,
}

/// Writes one event as a line, newline included.
pub fn encode_line(event: &Event) -> Vec<u8> {
    let mut out = serde_json::to_vec(event).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Writes a whole trace file.
pub fn encode<'a>(header: &Header, events: impl IntoIterator<Item = &'a Event>) -> Vec<u8> {
    let mut out = header.to_line();
    for e in events {
        out.extend_from_slice(&encode_line(e));
    }
    out
}

/// Reads a trace file, stopping at the first bad line.
///
/// # Errors
/// The first [`DecodeError`], with its 1-based line.
pub fn decode(text: &str) -> Result<Trace, DecodeError> {
    let (trace, mut errors) = decode_lossy(text);
    match errors.is_empty() {
        true => Ok(trace),
        false => Err(errors.swap_remove(0)),
    }
}

/// Reads a trace file, keeping every good line and collecting an error for each bad
/// one (the viewer shows what it can of a damaged file).
pub fn decode_lossy(text: &str) -> (Trace, Vec<DecodeError>) {
    let mut trace = Trace::default();
    let mut errors = Vec::new();
    let mut reader = LineReader::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errors.push(DecodeError::from_json(&e, i));
                continue;
            }
        };
        match reader.read(value) {
            Ok(Some(e)) => trace.events.push(e),
            Ok(None) => {}
            Err(LineError::NotAnEvent) => errors.push(DecodeError::BadEvent { index: i }),
            Err(LineError::Unsupported { version }) => {
                errors.push(DecodeError::UnsupportedFormat {
                    line: i + 1,
                    version,
                });
                return (trace, errors);
            }
        }
    }
    trace.header = reader.header;
    (trace, errors)
}

/// Why a line holds no part of the trace.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LineError {
    /// The first line is a header of another format or of a newer version: reading on
    /// would guess at a format we do not know.
    Unsupported {
        /// The version found, when the format matched.
        version: Option<u64>,
    },
    /// JSON, but not an event object.
    NotAnEvent,
}

/// The one reader of trace-file lines, used by [`decode_lossy`] and by the importer:
/// feed it each parsed, non-blank line in order. The first line is a header when it has
/// a `format` field (no event has one); every other line must be an event, read in the
/// model's shape with any backend-compat rewriting undone.
#[derive(Debug, Default)]
pub(crate) struct LineReader {
    seen_content: bool,
    /// The header, once read.
    pub(crate) header: Option<Header>,
}

impl LineReader {
    /// Whether the first line has been read (a later line is never a header).
    #[cfg(feature = "direct-decode")]
    pub(crate) fn past_first_line(&self) -> bool {
        self.seen_content
    }

    /// Reads the next line: its event, or `None` for the header (kept in `header`).
    pub(crate) fn read(&mut self, value: Value) -> Result<Option<Event>, LineError> {
        let first = !self.seen_content;
        self.seen_content = true;
        if first && value.get("format").is_some() {
            return match serde_json::from_value::<Header>(value) {
                Ok(h) if h.format == FORMAT && h.version <= VERSION => {
                    self.header = Some(h);
                    Ok(None)
                }
                Ok(h) if h.format == FORMAT => Err(LineError::Unsupported {
                    version: Some(h.version),
                }),
                _ => Err(LineError::Unsupported { version: None }),
            };
        }
        decode_event(value)
            .map(Some)
            .map_err(|_| LineError::NotAnEvent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventType;
    use crate::time::UnixNanos;

    #[test]
    fn a_written_trace_reads_back_identically() {
        let events = vec![
            Event::new(EventType::LlmCall, "s1", UnixNanos(1_000)),
            Event::new(
                EventType::Custom("agent_handoff".into()),
                "s1",
                UnixNanos(2_000),
            ),
        ];
        let text = encode(&Header::new(Some("test".into())), &events);
        let trace = decode(std::str::from_utf8(&text).unwrap()).unwrap();
        assert_eq!(trace.events, events);
        assert_eq!(trace.header.unwrap().producer.as_deref(), Some("test"));
    }

    #[test]
    fn files_without_a_header_and_blank_lines_are_read() {
        let trace = decode("\n{\"session_id\":\"a\",\"event_type\":\"generic\"}\n\n").unwrap();
        assert_eq!(trace.header, None);
        assert_eq!(trace.events.len(), 1);
    }

    #[test]
    fn a_bad_line_is_reported_by_line_and_the_rest_still_read() {
        let text = "{\"format\":\"agentlens-trace\",\"version\":1}\n{\"session_id\":\"a\"}\n{oops\n[1]\n{\"session_id\":\"b\"}\n";
        let (trace, errors) = decode_lossy(text);
        assert_eq!(trace.events.len(), 2);
        assert!(
            matches!(
                errors[0],
                DecodeError::Json {
                    line: 3,
                    category: "syntax",
                    ..
                }
            ),
            "{errors:?}"
        );
        assert_eq!(errors[1], DecodeError::BadEvent { index: 3 });
        assert!(decode(text).is_err());
    }

    #[test]
    fn newer_versions_and_other_formats_are_refused() {
        let err = decode("{\"format\":\"agentlens-trace\",\"version\":9}\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::UnsupportedFormat {
                line: 1,
                version: Some(9)
            }
        );
        let err = decode("{\"format\":\"otlp\",\"version\":1}\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::UnsupportedFormat {
                line: 1,
                version: None
            }
        );
    }
}
