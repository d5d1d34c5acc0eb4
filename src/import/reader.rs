//! The text stage of an import: detects the format from the first lines, then reads
//! line by line (NDJSON, or lines of a document format) or buffers one whole document.

use serde_json::Value;

use super::detect::{self, Kind};
use super::ndjson::{Lines, find_byte};
use super::warn::Warnings;
use super::{ImportError, TraceFormat, inspector, openai, otlp, wire};
use crate::model::Event;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Line ends remembered while sniffing; past this many, the file is read as a document.
const SNIFF_LINES: usize = 64;

#[derive(Debug)]
enum Mode {
    /// Not decided: waiting for the first non-empty line(s).
    Sniff,
    /// One value per line, each of this format.
    Lines(TraceFormat),
    /// One JSON document, read at the end.
    Document,
}

/// Text in, events out.
#[derive(Debug)]
pub(crate) struct Reader {
    mode: Mode,
    buf: Vec<u8>,
    /// Line ends found in `buf` while sniffing, and how far `buf` was searched.
    ends: Vec<usize>,
    searched: usize,
    /// Bytes of the pending partial line already searched for its end (Lines mode): a long
    /// line pushed in small chunks is searched once, not again with every chunk (which
    /// was quadratic: a 1 MiB line in 50-byte chunks took 1.4 s; found by the fuzzer).
    pending_searched: usize,
    /// Lines consumed from the start of the text (Lines mode).
    line: usize,
    lines: Lines,
    /// The first line's value when sniffing parsed it as a whole document (a one-line
    /// OTLP/JSON or other document): read by the first [`Reader::read_line`] instead of
    /// parsed a second time (which was half the cost of importing a compact document).
    first: Option<Value>,
    produced: usize,
    pub(crate) format: Option<TraceFormat>,
    pub(crate) warnings: Warnings,
}

fn trim(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    bytes.trim_ascii()
}

/// Reads a whole value of `format` into events.
pub(crate) fn decode_document(
    format: TraceFormat,
    value: Value,
    warnings: &mut Warnings,
) -> Vec<Event> {
    match (format, value) {
        (TraceFormat::EventArray, Value::Array(items)) => wire::events(items, warnings),
        (TraceFormat::AgentlensBatch, Value::Object(map)) => wire::batch(map, warnings),
        (TraceFormat::AgentlensSession, Value::Object(map)) => wire::session(map, warnings),
        (TraceFormat::OtlpJson, value) => otlp::decode(value, warnings),
        (TraceFormat::OpenaiAgents, value) => openai::decode(value, warnings),
        (TraceFormat::InspectorExport, value) => inspector::decode(value, warnings),
        _ => {
            warnings.push(format!("a value is not a {format} document; skipped"));
            Vec::new()
        }
    }
}

impl Reader {
    pub(crate) fn new() -> Self {
        Self {
            mode: Mode::Sniff,
            buf: Vec::new(),
            ends: Vec::new(),
            searched: 0,
            pending_searched: 0,
            line: 0,
            lines: Lines::default(),
            first: None,
            produced: 0,
            format: None,
            warnings: Warnings::default(),
        }
    }

    /// Takes more text; returns the events completed by it.
    pub(crate) fn push(&mut self, text: &[u8], out: &mut Vec<Event>) -> Result<(), ImportError> {
        self.buf.extend_from_slice(text);
        if let Mode::Sniff = self.mode {
            match self.sniff(false)? {
                Some(mode) => self.mode = mode,
                None => return Ok(()),
            }
        }
        if let Mode::Lines(format) = self.mode {
            self.read_lines(format, false, out)?;
        }
        Ok(())
    }

    /// Ends the text; returns the remaining events.
    pub(crate) fn finish(&mut self, out: &mut Vec<Event>) -> Result<(), ImportError> {
        if let Mode::Sniff = self.mode {
            self.mode = self.sniff(true)?.unwrap_or(Mode::Document);
        }
        match self.mode {
            Mode::Lines(format) => self.read_lines(format, true, out)?,
            _ => self.read_document(out)?,
        }
        if self.lines.bad > 0 {
            if self.produced == 0 {
                return Err(ImportError::NoEvents {
                    bad_lines: self.lines.bad,
                    first_bad_line: self.lines.first_bad,
                });
            }
            let n = self.lines.bad;
            self.warnings.push(if n == 1 {
                format!("skipped 1 bad line (line {})", self.lines.first_bad)
            } else {
                format!(
                    "skipped {n} bad lines (the first at line {})",
                    self.lines.first_bad
                )
            });
        }
        self.warnings.close();
        Ok(())
    }

    /// Decides the mode once the first non-empty lines are complete; `None` to wait.
    fn sniff(&mut self, at_end: bool) -> Result<Option<Mode>, ImportError> {
        let Some(&first) = trim(&self.buf).first() else {
            return match at_end {
                true => Err(ImportError::Empty),
                false => Ok(None),
            };
        };
        match first {
            b'[' => return Ok(Some(Mode::Document)),
            b'{' => {}
            _ => return Err(ImportError::UnknownFormat),
        }
        // Eight bytes at a time: a one-line document is searched to its end.
        while self.searched < self.buf.len() && self.ends.len() < SNIFF_LINES {
            match find_byte(&self.buf[self.searched..], b'\n') {
                Some(i) => {
                    self.ends.push(self.searched + i);
                    self.searched += i + 1;
                }
                None => self.searched = self.buf.len(),
            }
        }
        let mut start = 0;
        let mut candidates: Vec<&[u8]> = Vec::new();
        for &end in &self.ends {
            let line = trim(&self.buf[start..end]);
            start = end + 1;
            if !line.is_empty() {
                candidates.push(line);
            }
        }
        // The first line is whole unless it is the unfinished rest of the text (after
        // SNIFF_LINES blank lines): only a whole line's value is kept for reading it.
        let whole = at_end || !candidates.is_empty();
        if at_end || self.ends.len() == SNIFF_LINES {
            let rest = trim(&self.buf[start..]);
            if !rest.is_empty() {
                candidates.push(rest);
            }
        }
        let Some(line1) = candidates.first() else {
            return Ok(at_end.then_some(Mode::Document));
        };
        match otlp::tree::parse(line1) {
            Ok(Value::Object(map)) => {
                return match detect::classify_object(&map) {
                    Kind::Header | Kind::Event => Ok(Some(Mode::Lines(TraceFormat::Ndjson))),
                    Kind::Document(format) => {
                        if whole {
                            self.first = Some(Value::Object(map));
                        }
                        Ok(Some(Mode::Lines(format)))
                    }
                    Kind::Unknown => Err(ImportError::UnknownFormat),
                };
            }
            Ok(_) => return Err(ImportError::UnknownFormat),
            Err(_) => {}
        }
        // The first line is not a whole value: a pretty-printed document, or an NDJSON
        // file whose first line is damaged. The second line tells them apart.
        match candidates.get(1) {
            None if !at_end && self.ends.len() < SNIFF_LINES => Ok(None),
            Some(line2) if is_event_line(line2) => Ok(Some(Mode::Lines(TraceFormat::Ndjson))),
            _ => Ok(Some(Mode::Document)),
        }
    }

    fn read_lines(
        &mut self,
        format: TraceFormat,
        at_end: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), ImportError> {
        self.format = Some(format);
        let buf = std::mem::take(&mut self.buf);
        let mut start = 0;
        let mut from = std::mem::take(&mut self.pending_searched).min(buf.len());
        while start < buf.len() {
            let end = match find_byte(&buf[from..], b'\n') {
                Some(i) => from + i,
                None if at_end => buf.len(),
                None => break,
            };
            self.line += 1;
            let line = trim(&buf[start..end]);
            start = end + 1;
            from = start;
            if !line.is_empty() {
                self.read_line(format, line, out)?;
            }
        }
        if start < buf.len() {
            self.pending_searched = buf.len() - start;
            self.buf = if start == 0 {
                buf
            } else {
                buf[start..].to_vec()
            };
        }
        Ok(())
    }

    fn read_line(
        &mut self,
        format: TraceFormat,
        line: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), ImportError> {
        let line_no = self.line;
        #[cfg(feature = "direct-decode")]
        if format == TraceFormat::Ndjson {
            if let Some(e) = self.lines.direct(line) {
                out.push(e);
                self.produced += 1;
                return Ok(());
            }
        }
        // The first non-empty line is the one sniffing parsed (lines are read in order,
        // from the start of the text it sniffed).
        let parsed = match self.first.take() {
            Some(value) => Ok(value),
            None => otlp::tree::parse(line),
        };
        let value: Value = match parsed {
            Ok(v) => v,
            Err(e) => {
                let why = match ImportError::from_json(&e, 0) {
                    ImportError::Json {
                        column, category, ..
                    } => format!("invalid JSON ({category}) at column {column}"),
                    _ => "invalid JSON".to_owned(),
                };
                self.lines.bad_line(line_no, &why, &mut self.warnings);
                return Ok(());
            }
        };
        if format == TraceFormat::Ndjson {
            if let Some(e) = self.lines.event(line_no, value, &mut self.warnings)? {
                out.push(e);
                self.produced += 1;
            }
            return Ok(());
        }
        let events = decode_document(format, value, &mut self.warnings);
        self.produced += events.len();
        out.extend(events);
        Ok(())
    }

    fn read_document(&mut self, out: &mut Vec<Event>) -> Result<(), ImportError> {
        let buf = std::mem::take(&mut self.buf);
        let text = buf.strip_prefix(BOM).unwrap_or(&buf);
        let value: Value = match otlp::tree::parse(text) {
            Ok(v) => v,
            Err(e) => {
                let err = ImportError::from_json(&e, 0);
                // A damaged NDJSON file whose first two lines are bad: read it by line
                // if any line is an event; otherwise report the document's position.
                if text.split(|&b| b == b'\n').any(|l| is_event_line(trim(l))) {
                    self.buf = buf;
                    self.mode = Mode::Lines(TraceFormat::Ndjson);
                    return self.read_lines(TraceFormat::Ndjson, true, out);
                }
                return Err(err);
            }
        };
        let format = match detect::classify(&value) {
            Kind::Document(format) => format,
            Kind::Event | Kind::Header => TraceFormat::Ndjson,
            Kind::Unknown => return Err(ImportError::UnknownFormat),
        };
        self.format = Some(format);
        let events = match format {
            TraceFormat::Ndjson => {
                self.line = 1;
                self.lines
                    .event(1, value, &mut self.warnings)?
                    .into_iter()
                    .collect()
            }
            _ => decode_document(format, value, &mut self.warnings),
        };
        self.produced += events.len();
        out.extend(events);
        Ok(())
    }
}

fn is_event_line(line: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(map)) => detect::classify_object(&map) == Kind::Event,
        _ => false,
    }
}
