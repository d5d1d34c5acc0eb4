//! Bounded gzip: decompression stops with an error at a size limit, so a zip bomb costs
//! at most the limit in memory, never the process.

use std::io::Write;

use flate2::Compression;
use flate2::write::{GzEncoder, MultiGzDecoder};

use super::ImportError;

/// The gzip magic bytes (RFC 1952 §2.3.1).
pub(crate) const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compressed bytes fed to the decoder at a time. Deflate expands at most ~1032:1, so
/// one step produces at most ~8.5 MB before the output is handed on.
const STEP: usize = 8 * 1024;

/// Gzips `bytes` at `level` (0 = store … 9 = smallest; larger values are 9).
///
/// # Examples
/// ```
/// use agentlens::import::{gunzip, gzip};
/// let packed = gzip(b"hello", 6);
/// assert_eq!(gunzip(&packed, 1024).unwrap(), b"hello");
/// ```
pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::new(level.min(9)));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Gunzips `bytes` (one or more concatenated gzip members), producing at most
/// `max_bytes`.
///
/// # Errors
/// [`ImportError::TooLarge`] past `max_bytes`, [`ImportError::Gzip`] for data that is
/// not gzip or is cut short.
pub fn gunzip(bytes: &[u8], max_bytes: u64) -> Result<Vec<u8>, ImportError> {
    let mut out = Vec::new();
    let mut g = Gunzip::new(max_bytes);
    g.push(bytes, &mut |chunk| out.extend_from_slice(chunk))?;
    g.finish(&mut |chunk| out.extend_from_slice(chunk))?;
    Ok(out)
}

/// A `Write` that keeps what it is given and refuses to go past the limit.
struct Bounded {
    buf: Vec<u8>,
    total: u64,
    max: u64,
    over: bool,
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.total = self.total.saturating_add(data.len() as u64);
        if self.total > self.max {
            self.over = true;
            return Err(std::io::Error::other("limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A streaming gunzip: compressed chunks in, decompressed chunks out, bounded in total.
pub(crate) struct Gunzip {
    dec: MultiGzDecoder<Bounded>,
    fed: u64,
}

impl Gunzip {
    pub(crate) fn new(max: u64) -> Self {
        Self {
            dec: MultiGzDecoder::new(Bounded {
                buf: Vec::new(),
                total: 0,
                max,
                over: false,
            }),
            fed: 0,
        }
    }

    fn error(&self) -> ImportError {
        let inner = self.dec.get_ref();
        if inner.over {
            ImportError::TooLarge {
                max_bytes: inner.max,
            }
        } else {
            ImportError::Gzip { offset: self.fed }
        }
    }

    /// Decompresses `chunk`, calling `out` with each piece of output.
    pub(crate) fn push(
        &mut self,
        chunk: &[u8],
        out: &mut dyn FnMut(&[u8]),
    ) -> Result<(), ImportError> {
        for step in chunk.chunks(STEP) {
            // `flush` hands on what the step decompressed; without it the decoder keeps
            // up to 32 KiB back, and events would wait for the next chunk.
            if self.dec.write_all(step).is_err() || self.dec.flush().is_err() {
                return Err(self.error());
            }
            self.fed += step.len() as u64;
            let buf = std::mem::take(&mut self.dec.get_mut().buf);
            if !buf.is_empty() {
                out(&buf);
            }
        }
        Ok(())
    }

    /// Ends the stream; a stream cut short is an error.
    pub(crate) fn finish(mut self, out: &mut dyn FnMut(&[u8])) -> Result<(), ImportError> {
        if self.dec.try_finish().is_err() {
            return Err(self.error());
        }
        let buf = std::mem::take(&mut self.dec.get_mut().buf);
        if !buf.is_empty() {
            out(&buf);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_concatenated_members() {
        let mut two = gzip(b"one\n", 1);
        two.extend(gzip(b"two\n", 9));
        assert_eq!(gunzip(&two, 100).unwrap(), b"one\ntwo\n");
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 10_000_000], 9);
        assert!(bomb.len() < 20_000);
        assert_eq!(
            gunzip(&bomb, 1_000_000).unwrap_err(),
            ImportError::TooLarge {
                max_bytes: 1_000_000
            }
        );
    }

    #[test]
    fn truncated_and_garbage_streams_are_errors() {
        let packed = gzip(&[7u8; 5000], 6);
        assert!(matches!(
            gunzip(&packed[..packed.len() / 2], 1 << 20),
            Err(ImportError::Gzip { .. })
        ));
        assert!(matches!(
            gunzip(b"\x1f\x8bnot really", 1 << 20),
            Err(ImportError::Gzip { .. })
        ));
    }
}
