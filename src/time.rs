//! Time as an input: the core never reads a clock.
//!
//! Two units, never mixed:
//! - [`Millis`]: the host's monotonic clock, used by the batcher for deadlines.
//! - [`UnixNanos`]: wall-clock time in the event model, written as RFC 3339 on the wire.

use std::fmt;
use std::ops::{Add, Sub};

/// A point on the host's monotonic clock, in milliseconds. Only differences mean anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// Milliseconds from whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    /// `self - earlier`, or zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: Self) -> Self {
        Self(self.0.saturating_sub(earlier.0))
    }
}

impl Add for Millis {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Millis {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// Wall-clock time: nanoseconds since the Unix epoch (UTC). Supplied by the host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixNanos(pub i64);

/// Why an RFC 3339 timestamp could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text does not have the `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` shape.
    Syntax {
        /// Byte offset of the first character that does not fit.
        at: usize,
    },
    /// A field is out of range (month 13, hour 25, ...).
    Range,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { at } => write!(f, "not an RFC 3339 timestamp (at byte {at})"),
            Self::Range => f.write_str("RFC 3339 timestamp field out of range"),
        }
    }
}

impl std::error::Error for TimestampError {}

const NANOS_PER_SEC: i64 = 1_000_000_000;

impl UnixNanos {
    /// From milliseconds since the epoch, as JavaScript's `Date.now()` gives them.
    /// Non-finite input gives the epoch.
    pub fn from_unix_ms(ms: f64) -> Self {
        if !ms.is_finite() {
            return Self(0);
        }
        let nanos = (ms * 1e6).round();
        Self(nanos.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
    }

    /// From milliseconds since the epoch, as a client sent them: `None` when `ms` is not
    /// finite or is outside what [`UnixNanos`] holds (1677-09-21 to 2262-04-11), where
    /// [`UnixNanos::from_unix_ms`] would clamp a time nobody meant to the range's edge.
    ///
    /// ```
    /// use agentlens::time::UnixNanos;
    /// assert_eq!(UnixNanos::try_from_unix_ms(1.0), Some(UnixNanos(1_000_000)));
    /// assert_eq!(UnixNanos::try_from_unix_ms(1e20), None);
    /// assert_eq!(UnixNanos::try_from_unix_ms(f64::NAN), None);
    /// ```
    pub fn try_from_unix_ms(ms: f64) -> Option<Self> {
        // i64::MAX as f64 rounds up to 2^63, which is itself out of range: `<` keeps it out.
        let nanos = (ms * 1e6).round();
        (nanos.is_finite() && nanos >= i64::MIN as f64 && nanos < i64::MAX as f64)
            .then_some(Self(nanos as i64))
    }

    /// Milliseconds since the epoch.
    pub fn as_unix_ms(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// Formats as RFC 3339 in UTC with microseconds and a `Z` suffix:
    /// `2026-11-22T02:41:23.314486Z`.
    ///
    /// One format everywhere, where the Python SDK wrote two (`Z` and `+00:00`).
    ///
    /// ```
    /// use agentlens::time::UnixNanos;
    /// assert_eq!(UnixNanos(0).to_rfc3339(), "1970-01-01T00:00:00.000000Z");
    /// ```
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(NANOS_PER_SEC);
        let micros = self.0.rem_euclid(NANOS_PER_SEC) / 1000;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            return format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
                sod / 3600,
                (sod / 60) % 60,
                sod % 60
            );
        }
        // Every timestamp of every event goes through here: write digits directly rather
        // than through `format!` (a tenth of the instructions).
        let mut out = [0u8; 27];
        let mut put = |at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, sod / 3600);
        put(14, 2, (sod / 60) % 60);
        put(17, 2, sod % 60);
        put(20, 6, micros);
        for (i, c) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
            (26, b'Z'),
        ] {
            out[i] = c;
        }
        out.iter().map(|&b| char::from(b)).collect()
    }

    /// The UTC calendar date, `YYYY-MM-DD` (the key daily roll-ups group by).
    ///
    /// ```
    /// use agentlens::time::UnixNanos;
    /// assert_eq!(UnixNanos(0).utc_date(), "1970-01-01");
    /// ```
    pub fn utc_date(self) -> String {
        format_days(self.0.div_euclid(NANOS_PER_SEC).div_euclid(86_400))
    }

    /// Reads RFC 3339 (`Z` or a numeric offset, any number of fraction digits;
    /// `t`/`z` and a space separator are accepted too).
    ///
    /// # Errors
    /// [`TimestampError`] when the text is not a timestamp.
    ///
    /// ```
    /// use agentlens::time::UnixNanos;
    /// let a = UnixNanos::parse_rfc3339("2026-11-22T02:41:23.314377+00:00").unwrap();
    /// let b = UnixNanos::parse_rfc3339("2026-11-22T02:41:23.314377Z").unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimestampError> {
        let b = text.as_bytes();
        let mut p = Cursor { b, at: 0 };
        let year = p.digits(4)?;
        p.expect(b"-")?;
        let month = p.digits(2)?;
        p.expect(b"-")?;
        let day = p.digits(2)?;
        p.expect(b"Tt ")?;
        let hour = p.digits(2)?;
        p.expect(b":")?;
        let minute = p.digits(2)?;
        p.expect(b":")?;
        let second = p.digits(2)?;
        let mut nanos: i64 = 0;
        if p.peek() == Some(b'.') {
            p.at += 1;
            let start = p.at;
            let mut scale = 100_000_000;
            while let Some(c @ b'0'..=b'9') = p.peek() {
                nanos += i64::from(c - b'0') * scale;
                scale /= 10;
                p.at += 1;
            }
            if p.at == start {
                return Err(TimestampError::Syntax { at: p.at });
            }
        }
        let offset_secs = match p.peek() {
            Some(b'Z' | b'z') => {
                p.at += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                p.at += 1;
                let oh = p.digits(2)?;
                p.expect(b":")?;
                let om = p.digits(2)?;
                if oh > 23 || om > 59 {
                    return Err(TimestampError::Range);
                }
                let off = oh * 3600 + om * 60;
                if sign == b'-' { -off } else { off }
            }
            _ => return Err(TimestampError::Syntax { at: p.at }),
        };
        if p.at != b.len() {
            return Err(TimestampError::Syntax { at: p.at });
        }
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(TimestampError::Range);
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
        secs.checked_mul(NANOS_PER_SEC)
            .and_then(|s| s.checked_add(nanos))
            .map(Self)
            .ok_or(TimestampError::Range)
    }
}

impl fmt::Display for UnixNanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl serde::Serialize for UnixNanos {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for UnixNanos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn digits(&mut self, n: usize) -> Result<i64, TimestampError> {
        let mut v = 0i64;
        for _ in 0..n {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + i64::from(c - b'0');
                    self.at += 1;
                }
                _ => return Err(TimestampError::Syntax { at: self.at }),
            }
        }
        Ok(v)
    }

    fn expect(&mut self, any_of: &[u8]) -> Result<(), TimestampError> {
        match self.peek() {
            Some(c) if any_of.contains(&c) => {
                self.at += 1;
                Ok(())
            }
            _ => Err(TimestampError::Syntax { at: self.at }),
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01.
pub(crate) fn format_days(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_known_instant_with_microseconds_and_z() {
        // 2026-11-22T02:41:23.314486Z, as captured from the Python SDK.
        let t = UnixNanos::parse_rfc3339("2026-11-22T02:41:23.314486Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T02:41:23.314486Z");
        // Checked against Python: datetime(2026,11,22,2,41,23,tzinfo=utc).timestamp().
        assert_eq!(t.0 / NANOS_PER_SEC, 1_795_315_283);
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let t = UnixNanos::parse_rfc3339("2026-01-01T01:30:00+01:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-01T00:00:00.000000Z");
        let t = UnixNanos::parse_rfc3339("2025-12-31T23:00:00-01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-01T00:00:00.000000Z");
    }

    #[test]
    fn rejects_bad_shapes_with_a_position() {
        assert_eq!(
            UnixNanos::parse_rfc3339("2026-11-22 02:41"),
            Err(TimestampError::Syntax { at: 16 })
        );
        assert_eq!(
            UnixNanos::parse_rfc3339("2026-02-30T00:00:00Z"),
            Err(TimestampError::Range)
        );
        assert!(UnixNanos::parse_rfc3339("").is_err());
        assert!(UnixNanos::parse_rfc3339("2026-11-22T02:41:23.Z").is_err());
    }

    #[test]
    fn dates_before_the_epoch_round_trip() {
        let t = UnixNanos::parse_rfc3339("1969-07-20T20:17:40.5Z").unwrap();
        assert!(t.0 < 0);
        assert_eq!(t.to_rfc3339(), "1969-07-20T20:17:40.500000Z");
    }

    #[test]
    fn from_unix_ms_survives_non_finite_input() {
        assert_eq!(UnixNanos::from_unix_ms(f64::NAN), UnixNanos(0));
        assert_eq!(UnixNanos::from_unix_ms(1.5).0, 1_500_000);
    }
}
