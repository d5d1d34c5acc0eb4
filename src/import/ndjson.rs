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

/// Whether `line` holds `"agentlens_` (a backend-compat field) or the envelope
/// `_agentlens`: both have a `_` next to `agentlens`, so only the `_`s are looked at.
#[cfg(feature = "direct-decode")]
fn has_compat_mark(line: &[u8]) -> bool {
    const _: () = assert!(compat::ENVELOPE.as_bytes()[0] == b'_');
    let mut from = 0;
    while let Some(i) = find_byte(&line[from..], b'_') {
        let at = from + i;
        if line[..at].ends_with(b"\"agentlens")
            || line[at..].starts_with(compat::ENVELOPE.as_bytes())
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// The index of the first `byte` in `hay`, eight bytes at a time (a byte-by-byte search
/// was a third of the work of reading a large NDJSON trace).
pub(super) fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(byte);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ pattern;
        // The lowest flagged byte is the first zero byte of `word`, i.e. the first match.
        let zeros = word.wrapping_sub(ONES) & !word & HIGHS;
        if zeros != 0 {
            return Some(at + (zeros.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == byte).map(|i| at + i)
}

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
        if !self.reader.past_first_line() || has_compat_mark(line) {
            return None;
        }
        // Read as `str`: the wasm builds decode events from `str` elsewhere (pushed
        // batches), and one reader type instead of two is ~9 KB gzipped less analysis wasm.
        // A line that is not UTF-8 takes the general path.
        let line = std::str::from_utf8(line).ok()?;
        serde_json::from_str::<EventObject>(line).ok().map(|e| e.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_finds_what_a_byte_by_byte_search_finds() {
        let text = b"ab\ncd_\"agentlens_x\n\xff\x80_agentlens\n\n0123456789abcdef\n";
        for from in 0..text.len() {
            for to in from..=text.len() {
                let hay = &text[from..to];
                for byte in [b'\n', b'_', b'a', 0xff, 0x80, b'z'] {
                    let want = hay.iter().position(|&b| b == byte);
                    assert_eq!(find_byte(hay, byte), want, "{hay:?} {byte}");
                }
            }
        }
    }

    #[cfg(feature = "direct-decode")]
    #[test]
    fn compat_marks_are_found_wherever_they_are() {
        let slow = |l: &[u8]| {
            l.windows(11).any(|w| w == b"\"agentlens_")
                || l.windows(compat::ENVELOPE.len())
                    .any(|w| w == compat::ENVELOPE.as_bytes())
        };
        for line in [
            &br#"{"agentlens_type":"decision"}"#[..],
            br#"{"output_data":{"_agentlens":{}}}"#,
            br#"{"x_agentlens":1}"#,
            br#"{"agentlens":1,"a_b":"agentlens"}"#,
            br#"{"session_id":"agentlens_"}"#,
            b"_agentlens",
            b"\"agentlens_",
            b"agentlens_",
            b"_agentlen",
            b"",
        ] {
            assert_eq!(has_compat_mark(line), slow(line), "{line:?}");
        }
    }
}
