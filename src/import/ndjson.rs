//! AgentLens NDJSON trace lines: the optional header, then one event per line, read by
//! the trace-file reader of [`crate::encode::ndjson`]; here bad lines are skipped and
//! counted.

use serde_json::Value;

use super::ImportError;
use super::warn::Warnings;
#[cfg(feature = "direct-decode")]
use crate::encode::agentlens::{EventObject, compat};
use crate::encode::ndjson::{LineError, LineReader};
use crate::model::Event;

/// The state carried from line to line.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    reader: LineReader,
    /// Lines that were not JSON or not an event.
    pub(crate) bad: usize,
    /// The first bad line (1-based), 0 when none.
    pub(crate) first_bad: usize,
}

impl Lines {
    /// Records a bad line.
    pub(crate) fn bad_line(&mut self, line: usize, why: &str, warnings: &mut Warnings) {
        self.bad += 1;
        if self.first_bad == 0 {
            self.first_bad = line;
        }
        warnings.push(format!("line {line}: {why}; skipped"));
    }

    /// Reads one line straight into an event, without a `Value` tree (about twice as
    /// fast; feature `direct-decode`). `None` when the line needs the general path of
    /// [`Lines::event`]: the first line (it may be the header), a line with a
    /// backend-compat field to undo, or one that is not an event object.
    #[cfg(feature = "direct-decode")]
    pub(crate) fn direct(&mut self, line: &[u8]) -> Option<Event> {
        if !self.reader.past_first_line()
            || line.windows(11).any(|w| w == b"\"agentlens_")
            || line
                .windows(compat::ENVELOPE.len())
                .any(|w| w == compat::ENVELOPE.as_bytes())
        {
            return None;
        }
        serde_json::from_slice::<EventObject>(line)
            .ok()
            .map(|e| e.0)
    }

    /// Reads one parsed line of an NDJSON trace.
    ///
    /// # Errors
    /// [`ImportError::UnsupportedVersion`] for a header of another format or a newer
    /// version (reading on would guess at a format we do not know).
    pub(crate) fn event(
        &mut self,
        line: usize,
        value: Value,
        warnings: &mut Warnings,
    ) -> Result<Option<Event>, ImportError> {
        match self.reader.read(value) {
            Ok(event) => Ok(event),
            Err(LineError::Unsupported { version }) => {
                Err(ImportError::UnsupportedVersion { line, version })
            }
            Err(LineError::NotAnEvent) => {
                self.bad_line(line, "not an event object", warnings);
                Ok(None)
            }
        }
    }
}
