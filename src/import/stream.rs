//! [`TraceImporter`]: bytes in by chunks, events out as they decode.

use super::gzip::{Gunzip, MAGIC};
use super::reader::Reader;
use super::{ImportConfig, ImportError, TraceFormat};
use crate::model::Event;

/// Reads a trace pushed in chunks of any size (split anywhere, even inside a gzip
/// header or a UTF-8 character) and hands out events as soon as they decode.
///
/// Line-based input (NDJSON, or one document per line) is decoded line by line, so
/// memory stays bounded by the longest line, gzipped or not; a whole JSON document is
/// buffered and decoded by [`finish`](Self::finish). Pushing the bytes in any split
/// gives the same events, warnings and format as one [`super::import_trace`].
///
/// Drive it like this: call [`push`](Self::push) for each chunk, then
/// [`finish`](Self::finish) once. After an error, or after `finish`, every call returns
/// [`ImportError::Finished`].
///
/// # Examples
/// ```
/// use agentlens::import::TraceImporter;
/// let mut importer = TraceImporter::new();
/// let mut events = importer.push(b"{\"session_id\":\"s\",\"event_type\":\"llm_call\"}\n{\"sess").unwrap();
/// assert_eq!(events.len(), 1); // the first line is complete
/// events.extend(importer.push(b"ion_id\":\"s\",\"event_type\":\"final\"}").unwrap());
/// events.extend(importer.finish().unwrap());
/// assert_eq!(events.len(), 2);
/// assert_eq!(importer.format().unwrap().as_str(), "ndjson");
/// ```
pub struct TraceImporter {
    config: ImportConfig,
    /// The first bytes, until there are enough to tell gzip from text.
    head: Vec<u8>,
    started: bool,
    gunzip: Option<Gunzip>,
    reader: Reader,
    done: bool,
}

impl Default for TraceImporter {
    fn default() -> Self {
        Self::new()
    }
}

impl TraceImporter {
    /// An importer with the default limits.
    pub fn new() -> Self {
        Self::with_config(ImportConfig::default())
    }

    /// An importer with `config`'s limits.
    pub fn with_config(config: ImportConfig) -> Self {
        Self {
            config,
            head: Vec::new(),
            started: false,
            gunzip: None,
            reader: Reader::new(),
            done: false,
        }
    }

    /// The detected format, once known (after the first line of a line-based file,
    /// otherwise after [`finish`](Self::finish)).
    pub fn format(&self) -> Option<TraceFormat> {
        self.reader.format
    }

    /// What was skipped so far, and where.
    pub fn warnings(&self) -> &[String] {
        self.reader.warnings.as_slice()
    }

    /// Takes the next chunk; returns the events it completed.
    ///
    /// # Errors
    /// A fatal [`ImportError`] (a bad gzip stream, the size limit, an unknown format, an
    /// unsupported header); the importer is finished after it.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Event>, ImportError> {
        let mut out = Vec::new();
        let result = self.push_into(chunk, &mut out);
        self.guard(result).map(|()| out)
    }

    /// As [`push`](Self::push), appending the events to `out`: a caller reading many
    /// chunks reuses one list instead of a new one per chunk.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_to(&mut self, chunk: &[u8], out: &mut Vec<Event>) -> Result<(), ImportError> {
        let result = self.push_into(chunk, out);
        self.guard(result)
    }

    /// Ends the input; returns the remaining events.
    ///
    /// # Errors
    /// As [`push`](Self::push), plus [`ImportError::Empty`], [`ImportError::Json`] for a
    /// broken document and [`ImportError::NoEvents`] when every line was bad.
    pub fn finish(&mut self) -> Result<Vec<Event>, ImportError> {
        let mut out = Vec::new();
        let result = self.finish_into(&mut out);
        let result = self.guard(result);
        self.done = true;
        result.map(|()| out)
    }

    fn guard(&mut self, result: Result<(), ImportError>) -> Result<(), ImportError> {
        if result.is_err() {
            self.done = true;
        }
        result
    }

    fn push_into(&mut self, chunk: &[u8], out: &mut Vec<Event>) -> Result<(), ImportError> {
        if self.done {
            return Err(ImportError::Finished);
        }
        if !self.started {
            self.head.extend_from_slice(chunk);
            if self.head.len() < MAGIC.len() {
                return Ok(());
            }
            self.started = true;
            if self.head[..MAGIC.len()] == MAGIC {
                self.gunzip = Some(Gunzip::new(self.config.max_decompressed_bytes));
            }
            let head = std::mem::take(&mut self.head);
            return self.feed(&head, out);
        }
        self.feed(chunk, out)
    }

    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Result<(), ImportError> {
        let Self { gunzip, reader, .. } = self;
        match gunzip {
            None => reader.push(bytes, out),
            Some(g) => {
                let mut failed = None;
                g.push(bytes, &mut |text| {
                    if failed.is_none() {
                        failed = reader.push(text, out).err();
                    }
                })?;
                failed.map_or(Ok(()), Err)
            }
        }
    }

    fn finish_into(&mut self, out: &mut Vec<Event>) -> Result<(), ImportError> {
        if self.done {
            return Err(ImportError::Finished);
        }
        if !self.started {
            // Fewer than two bytes in all: too short to be gzip.
            self.started = true;
            let head = std::mem::take(&mut self.head);
            self.reader.push(&head, out)?;
        }
        if let Some(g) = self.gunzip.take() {
            let mut failed = None;
            let reader = &mut self.reader;
            g.finish(&mut |text| {
                if failed.is_none() {
                    failed = reader.push(text, out).err();
                }
            })?;
            if let Some(err) = failed {
                return Err(err);
            }
        }
        self.reader.finish(out)
    }
}
