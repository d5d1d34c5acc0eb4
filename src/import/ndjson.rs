//! AgentLens NDJSON trace lines (see [`crate::encode::ndjson`]): the optional header,
//! then one event per line; bad lines are skipped and counted.

use serde_json::Value;

use super::ImportError;
use super::warn::Warnings;
use crate::encode::agentlens::decode_event;
#[cfg(feature = "direct-decode")]
use crate::encode::agentlens::{EventObject, compat};
use crate::encode::ndjson::{FORMAT, Header, VERSION};
use crate::model::Event;

/// The state carried from line to line.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    seen_content: bool,
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
        if !self.seen_content
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
        let first = !self.seen_content;
        self.seen_content = true;
        if first && value.get("format").is_some_and(Value::is_string) {
            return match serde_json::from_value::<Header>(value) {
                Ok(h) if h.format == FORMAT && h.version <= VERSION => Ok(None),
                Ok(h) if h.format == FORMAT => Err(ImportError::UnsupportedVersion {
                    line,
                    version: Some(h.version),
                }),
                _ => Err(ImportError::UnsupportedVersion {
                    line,
                    version: None,
                }),
            };
        }
        match decode_event(value) {
            Ok(e) => Ok(Some(e)),
            Err(_) => {
                self.bad_line(line, "not an event object", warnings);
                Ok(None)
            }
        }
    }
}
