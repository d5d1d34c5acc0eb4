//! Trace importers: every trace format users have, read into the event model.
//!
//! One reader for the viewer and the local collector. The format is detected from the
//! content, never from a file name, and any of them may be gzipped (magic `1f 8b`):
//!
//! | [`TraceFormat`] | What it is |
//! |---|---|
//! | `ndjson` | AgentLens trace files: an optional header, then one event per line |
//! | `agentlens_batch` | An AgentLens request body, `{"events":[…]}` (reference A.3) |
//! | `agentlens_session` | The backend's `GET /sessions/:id` or `/sessions/:id/events` JSON (A.5) |
//! | `inspector_export` | Agent Inspector runs with their steps: `{run, timeline}` (C.5/C.6) |
//! | `otlp_json` | OTLP/JSON traces, `{"resourceSpans":[…]}`, GenAI conventions |
//! | `openai_agents` | OpenAI Agents SDK exported traces and spans, `{"data":[…]}` |
//! | `event_array` | A plain JSON array of events |
//!
//! Lines of any document format (e.g. an OpenTelemetry collector's file exporter, one
//! `{"resourceSpans":…}` per line) are read line by line as that format.
//!
//! What it does **not** do: it performs no I/O and reads no clock or environment; it
//! never panics on input. Errors carry a position (line and column, or the compressed
//! byte offset of a broken gzip stream) and never quote the input, which may hold
//! secrets. Readers are lenient the way the model's decoder is: parts that are not what
//! they should be are skipped and counted in [`Import::warnings`], not fatal.
//!
//! Big files: [`TraceImporter`] takes the bytes in chunks and hands out events as lines
//! complete, so a line-based file (gzipped or not) never needs to be in memory at once.
//! Whole-document JSON formats are buffered until [`TraceImporter::finish`].

mod detect;
mod gzip;
mod inspector;
mod json;
pub mod live;
mod ndjson;
mod openai;
mod otlp;
mod otlp_proto;
mod otlp_roundtrip;
mod reader;
mod span;
mod stream;
mod usage;
mod warn;
mod wire;

use std::fmt;

use crate::model::Event;

pub use gzip::{gunzip, gzip};
pub use otlp_proto::MAX_DEPTH as OTLP_MAX_DEPTH;
pub use stream::TraceImporter;
pub use usage::{TokenUsage, usage_from_payload};

/// The trace formats [`import_trace`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceFormat {
    /// AgentLens NDJSON trace files (one event per line).
    Ndjson,
    /// An AgentLens request body, `{"events":[…]}`.
    AgentlensBatch,
    /// The AgentLens backend's session JSON (`GET /sessions/:id`, `/sessions/:id/events`).
    AgentlensSession,
    /// Agent Inspector run exports (`{run, timeline}`, or a list of them).
    InspectorExport,
    /// OTLP/JSON traces (`{"resourceSpans":[…]}`).
    OtlpJson,
    /// OpenAI Agents SDK traces and spans (`{"data":[…]}`).
    OpenaiAgents,
    /// A JSON array of events.
    EventArray,
}

impl TraceFormat {
    /// Every format, in the order error messages list them.
    pub const ALL: [Self; 7] = [
        Self::Ndjson,
        Self::AgentlensBatch,
        Self::AgentlensSession,
        Self::InspectorExport,
        Self::OtlpJson,
        Self::OpenaiAgents,
        Self::EventArray,
    ];

    /// The format's name (as the TypeScript `TraceFormat`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ndjson => "ndjson",
            Self::AgentlensBatch => "agentlens_batch",
            Self::AgentlensSession => "agentlens_session",
            Self::InspectorExport => "inspector_export",
            Self::OtlpJson => "otlp_json",
            Self::OpenaiAgents => "openai_agents",
            Self::EventArray => "event_array",
        }
    }
}

impl fmt::Display for TraceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`import_trace`] read.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The detected format.
    pub format: TraceFormat,
    /// The events, in the model's shape.
    pub events: Vec<Event>,
    /// What was skipped and where (never the input itself).
    pub warnings: Vec<String>,
}

/// Limits for an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportConfig {
    /// The most bytes a gzipped input may decompress to; more is [`ImportError::TooLarge`].
    pub max_decompressed_bytes: u64,
}

/// The default limit on decompressed bytes: 4 GiB, above any real trace and far below
/// what a zip bomb expands to.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;

impl Default for ImportConfig {
    fn default() -> Self {
        Self {
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
        }
    }
}

/// Why a trace could not be imported, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// No bytes, or only whitespace.
    Empty,
    /// The content is none of the accepted formats.
    UnknownFormat,
    /// A JSON document is not valid JSON.
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// `syntax`, `eof`, `data` or `io`.
        category: &'static str,
    },
    /// An NDJSON header names another format or a newer version.
    UnsupportedVersion {
        /// 1-based line of the header.
        line: usize,
        /// The version found, when the format matched.
        version: Option<u64>,
    },
    /// Every line of a line-based file was bad.
    NoEvents {
        /// How many lines were bad.
        bad_lines: usize,
        /// The first bad line (1-based).
        first_bad_line: usize,
    },
    /// The gzip stream is corrupt or cut short.
    Gzip {
        /// Compressed bytes read before the problem (the problem lies at or after this).
        offset: u64,
    },
    /// Gzipped input decompresses to more than the limit.
    TooLarge {
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// `push` or `finish` after `finish`, or after an error.
    Finished,
    /// An OTLP protobuf body that is not an `ExportTraceServiceRequest`.
    Protobuf {
        /// The byte offset of the first problem.
        offset: usize,
        /// What was wrong there (a fixed text, never the input).
        what: &'static str,
    },
    /// An OTLP/JSON body that is JSON but not an `ExportTraceServiceRequest`.
    NotOtlp,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the trace is empty"),
            Self::UnknownFormat => {
                f.write_str("not a trace format this reader knows; accepted: ")?;
                for (i, format) in TraceFormat::ALL.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(format.as_str())?;
                }
                f.write_str(" (any of them gzipped)")
            }
            Self::Json {
                line,
                column,
                category,
            } => write!(
                f,
                "invalid JSON ({category}) at line {line}, column {column}"
            ),
            Self::UnsupportedVersion {
                line,
                version: Some(v),
            } => write!(
                f,
                "line {line}: agentlens-trace version {v} is newer than this reader"
            ),
            Self::UnsupportedVersion {
                line,
                version: None,
            } => write!(f, "line {line}: not an agentlens-trace header"),
            Self::NoEvents {
                bad_lines,
                first_bad_line,
            } if *bad_lines == 1 => write!(
                f,
                "no readable events: the only non-empty line, line {first_bad_line}, is bad"
            ),
            Self::NoEvents {
                bad_lines,
                first_bad_line,
            } => write!(
                f,
                "no readable events: all {bad_lines} non-empty lines are bad, the first at line {first_bad_line}"
            ),
            Self::Gzip { offset } => write!(
                f,
                "corrupt or truncated gzip data at or after compressed byte {offset}"
            ),
            Self::TooLarge { max_bytes } => write!(
                f,
                "the gzipped trace decompresses to more than {max_bytes} bytes"
            ),
            Self::Finished => f.write_str("the importer has already finished"),
            Self::Protobuf { offset, what } => {
                write!(f, "invalid OTLP protobuf at byte {offset}: {what}")
            }
            Self::NotOtlp => {
                f.write_str("not an OTLP ExportTraceServiceRequest (no resourceSpans array)")
            }
        }
    }
}

impl std::error::Error for ImportError {}

impl ImportError {
    /// Keeps a serde_json error's position and category only: its message can quote
    /// the input.
    pub(crate) fn from_json(err: &serde_json::Error, line_offset: usize) -> Self {
        Self::Json {
            line: err.line() + line_offset,
            column: err.column(),
            category: crate::encode::json_category(err),
        }
    }
}

/// Reads a whole trace in any accepted format, gzipped or not, with the default limits.
///
/// # Errors
/// An [`ImportError`] with its position; see [`import_trace_with`].
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// let text = b"{\"session_id\":\"s1\",\"event_type\":\"llm_call\",\"model\":\"gpt-4o\"}\n";
/// let import = agentlens::import::import_trace(text).unwrap();
/// assert_eq!(import.format.as_str(), "ndjson");
/// assert_eq!(import.events[0].model.as_deref(), Some("gpt-4o"));
/// ```
pub fn import_trace(bytes: &[u8]) -> Result<Import, ImportError> {
    import_trace_with(bytes, ImportConfig::default())
}

/// Reads a whole trace in any accepted format, gzipped or not.
///
/// # Errors
/// [`ImportError::Empty`], [`ImportError::UnknownFormat`], [`ImportError::Json`] (with
/// line and column) for a broken document, [`ImportError::NoEvents`] when every line of
/// a line-based file is bad, [`ImportError::Gzip`] and [`ImportError::TooLarge`] for
/// gzipped input.
pub fn import_trace_with(bytes: &[u8], config: ImportConfig) -> Result<Import, ImportError> {
    let mut importer = TraceImporter::with_config(config);
    let mut events = importer.push(bytes)?;
    events.extend(importer.finish()?);
    Ok(Import {
        format: importer.format().ok_or(ImportError::Empty)?,
        events,
        warnings: importer.warnings().to_vec(),
    })
}

/// The two encodings of an OTLP/HTTP body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtlpEncoding {
    /// `application/x-protobuf`.
    Protobuf,
    /// `application/json` (the OTLP JSON encoding: hex ids, integer enums).
    Json,
}

/// What [`import_otlp`] read from one `ExportTraceServiceRequest`.
#[derive(Clone, Debug, PartialEq)]
pub struct OtlpImport {
    /// The events, in time order. Each carries the `span_id` of the span it came from.
    pub events: Vec<Event>,
    /// The spans in the request.
    pub spans: usize,
    /// Spans skipped for having no span id (OTLP requires one): rejected, for a receiver.
    pub skipped_spans: usize,
    /// What was skipped and where (never the input itself).
    pub warnings: Vec<String>,
}

/// Reads one OTLP/HTTP `ExportTraceServiceRequest` body (not gzipped: the host undoes
/// `Content-Encoding`) through the OTLP mapping (GenAI spans by operation; spans written
/// by AgentLens back into the events they were made from).
///
/// # Errors
/// [`ImportError::Protobuf`] (with the byte offset) for a protobuf body that cannot be
/// decoded; [`ImportError::Json`] for broken JSON; [`ImportError::NotOtlp`] for JSON that
/// is not an export request.
///
/// # Examples
/// ```
/// use agentlens::import::{import_otlp, OtlpEncoding};
/// // An empty request: one ResourceSpans with nothing in it.
/// let read = import_otlp(&[10, 0], OtlpEncoding::Protobuf).unwrap();
/// assert_eq!((read.spans, read.events.len()), (0, 0));
/// assert!(import_otlp(&[10, 5], OtlpEncoding::Protobuf).is_err());
/// ```
pub fn import_otlp(bytes: &[u8], encoding: OtlpEncoding) -> Result<OtlpImport, ImportError> {
    let value = match encoding {
        OtlpEncoding::Protobuf => {
            otlp_proto::decode_request(bytes).map_err(|e| ImportError::Protobuf {
                offset: e.offset,
                what: e.what,
            })?
        }
        OtlpEncoding::Json => {
            // Through the text reader every other decoder uses: `from_slice` would put a
            // second JSON reader in the wasm.
            let text = std::str::from_utf8(bytes).map_err(|_| ImportError::Json {
                line: 1,
                column: 0,
                category: "utf8",
            })?;
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| ImportError::from_json(&e, 0))?;
            match &value {
                serde_json::Value::Object(map)
                    if map.is_empty()
                        || matches!(
                            map.get("resourceSpans"),
                            Some(serde_json::Value::Array(_))
                        ) =>
                {
                    value
                }
                _ => return Err(ImportError::NotOtlp),
            }
        }
    };
    let mut warnings = warn::Warnings::default();
    let read = otlp::decode_spans(value, &mut warnings);
    warnings.close();
    Ok(OtlpImport {
        // As a file import orders them: a run opens before and closes after what it
        // holds, even where OpenTelemetry's millisecond starts put a child first.
        events: otlp::in_order(read.events),
        spans: read.spans,
        skipped_spans: read.skipped,
        warnings: warnings.as_slice().to_vec(),
    })
}
