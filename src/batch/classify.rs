//! What a request's outcome means: delivered, retry, split, or give up.
//!
//! The rules are wider than OTLP's (which retries only 429, 502, 503 and 504): every
//! 5xx is retried, because the AgentLens backend answers 500 for a failed SQLite
//! transaction (nothing committed) and for malformed JSON alike. 408 and 429 are
//! retried too, and no other 4xx is. 413 splits the batch rather than dropping it as
//! Sentry does, since a smaller request usually fits; a batch of one that still gets 413
//! is dropped `too_large`.

use super::{Outcome, Policy};
use crate::time::{Millis, UnixNanos};

/// What to do with a batch after its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// 2xx.
    Delivered,
    /// Network error, timeout, 408, 429 or 5xx; `after` is the server's `Retry-After`.
    Retry { after: Option<Millis> },
    /// 413: split in two and resend.
    Split,
    /// 413 under the OTLP policy: final, dropped `too_large`.
    TooLarge,
    /// Any other status: final.
    Reject,
}

/// Classifies an outcome under `policy`.
pub(crate) fn classify(outcome: Outcome, policy: Policy) -> Verdict {
    if policy == Policy::Otlp {
        return classify_otlp(outcome);
    }
    match outcome {
        Outcome::Timeout | Outcome::Network => Verdict::Retry { after: None },
        Outcome::Status { code, retry_after } => match code {
            200..=299 => Verdict::Delivered,
            408 | 429 | 500..=599 => Verdict::Retry { after: retry_after },
            413 => Verdict::Split,
            _ => Verdict::Reject,
        },
    }
}

/// The OTLP/HTTP rules: 2xx delivered; 429, 502, 503, 504, timeouts and network errors
/// retried, with the server's `Retry-After` on 429 and 503 only; every other status
/// final, 413 as `too_large` (no split: the exporter's batches are the user's limits).
fn classify_otlp(outcome: Outcome) -> Verdict {
    match outcome {
        Outcome::Timeout | Outcome::Network => Verdict::Retry { after: None },
        Outcome::Status { code, retry_after } => match code {
            200..=299 => Verdict::Delivered,
            429 | 503 => Verdict::Retry { after: retry_after },
            502 | 504 => Verdict::Retry { after: None },
            413 => Verdict::TooLarge,
            _ => Verdict::Reject,
        },
    }
}

/// Reads an HTTP `Retry-After` header value as a delay.
///
/// Accepts delta-seconds (`120`) and HTTP dates in all three forms RFC 9110 §5.6.7
/// requires a recipient to read: IMF-fixdate (`Wed, 21 Oct 2026 07:28:00 GMT`), the
/// obsolete RFC 850 form (`Wednesday, 21-Oct-26 07:28:00 GMT`) and asctime
/// (`Wed Oct 21 07:28:00 2026`). A date is measured against `wall_clock_now_ms`
/// (milliseconds since the Unix epoch, the host's `Date.now()`); a date in the past
/// gives zero. Returns `None` for anything else, including a non-finite clock with a
/// date, so the caller falls back to its own backoff.
///
/// # Panics
/// Never.
///
/// ```
/// use agentlens::batch::parse_retry_after;
/// use agentlens::time::Millis;
/// assert_eq!(parse_retry_after("120", 0.0), Some(Millis(120_000)));
/// // 2026-10-21T07:28:00Z is 1_792_567_680_000 ms after the epoch.
/// let now = 1_792_567_670_000.0;
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now), Some(Millis(10_000)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(header: &str, wall_clock_now_ms: f64) -> Option<Millis> {
    let text = header.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Leading zeros and absurd lengths are fine; the value saturates.
        let secs = text.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        return Some(Millis::from_secs(secs));
    }
    let at = http_date_ms(text, wall_clock_now_ms)?;
    if !wall_clock_now_ms.is_finite() {
        return None;
    }
    let delay = (at - wall_clock_now_ms).max(0.0).ceil();
    // f64 to u64 saturates; the max above removed negatives.
    Some(Millis(delay as u64))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// An HTTP date as milliseconds since the epoch. The weekday is checked for spelling,
/// not for agreement with the date (RFC 9110 lets recipients be lenient there).
fn http_date_ms(text: &str, now_ms: f64) -> Option<f64> {
    let (day, rest) = text.split_once(' ')?;
    let fields: Vec<&str> = rest.split(' ').filter(|f| !f.is_empty()).collect();
    let (year, month, mday, clock) = if let Some(day) = day.strip_suffix(',') {
        if DAYS.contains(&day) {
            // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
            let [mday, mon, year, clock, "GMT"] = fields[..] else {
                return None;
            };
            (
                number(year, 4)?,
                month_number(mon)?,
                number(mday, 2)?,
                clock,
            )
        } else if LONG_DAYS.contains(&day) {
            // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT".
            let [date, clock, "GMT"] = fields[..] else {
                return None;
            };
            let mut parts = date.split('-');
            let (mday, mon, yy) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            (
                full_year(number(yy, 2)?, now_ms),
                month_number(mon)?,
                number(mday, 2)?,
                clock,
            )
        } else {
            return None;
        }
    } else if DAYS.contains(&day) {
        // asctime: "Sun Nov  6 08:49:37 1994" (day of month space-padded).
        let [mon, mday, clock, year] = fields[..] else {
            return None;
        };
        let mday = if mday.len() == 1 {
            number(&format!("0{mday}"), 2)?
        } else {
            number(mday, 2)?
        };
        (number(year, 4)?, month_number(mon)?, mday, clock)
    } else {
        return None;
    };
    let mut hms = clock.split(':');
    let (h, m, s) = (
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
    );
    if hms.next().is_some() {
        return None;
    }
    // Reuse the crate's RFC 3339 reader for range checks and the calendar arithmetic.
    let iso = format!("{year:04}-{month:02}-{mday:02}T{h:02}:{m:02}:{s:02}Z");
    UnixNanos::parse_rfc3339(&iso)
        .ok()
        .map(UnixNanos::as_unix_ms)
}

fn number(text: &str, digits: usize) -> Option<u32> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn month_number(name: &str) -> Option<u32> {
    MONTHS.iter().position(|&m| m == name).map(|i| i as u32 + 1)
}

/// RFC 9110: a two-digit year more than 50 years in the future means the past century.
fn full_year(yy: u32, now_ms: f64) -> u32 {
    let now_year = if now_ms.is_finite() {
        1970 + (now_ms / 31_556_952_000.0).floor().clamp(0.0, 8000.0) as u32
    } else {
        1970
    };
    let century = now_year / 100 * 100;
    let candidate = century + yy;
    if candidate > now_year + 50 {
        candidate - 100
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-10-21T07:28:00Z.
    const AT: f64 = 1_792_567_680_000.0;

    fn classify_agentlens(o: Outcome) -> Verdict {
        classify(o, Policy::Agentlens)
    }

    #[test]
    fn classifies_statuses_as_the_rules_say() {
        let s = |code| Outcome::Status {
            code,
            retry_after: None,
        };
        assert_eq!(classify_agentlens(s(200)), Verdict::Delivered);
        assert_eq!(classify_agentlens(s(204)), Verdict::Delivered);
        for code in [408, 429, 500, 502, 503, 504, 599] {
            assert_eq!(
                classify_agentlens(s(code)),
                Verdict::Retry { after: None },
                "{code}"
            );
        }
        for code in [100, 301, 304, 400, 401, 403, 404, 409, 422, 600, 0] {
            assert_eq!(classify_agentlens(s(code)), Verdict::Reject, "{code}");
        }
        assert_eq!(classify_agentlens(s(413)), Verdict::Split);
        assert_eq!(
            classify_agentlens(Outcome::Timeout),
            Verdict::Retry { after: None }
        );
        assert_eq!(
            classify_agentlens(Outcome::Network),
            Verdict::Retry { after: None }
        );
        let ra = Outcome::Status {
            code: 503,
            retry_after: Some(Millis(7)),
        };
        assert_eq!(
            classify_agentlens(ra),
            Verdict::Retry {
                after: Some(Millis(7))
            }
        );
    }

    #[test]
    fn the_otlp_policy_retries_only_what_the_specification_says() {
        let s = |code, after: Option<u64>| {
            let o = Outcome::Status {
                code,
                retry_after: after.map(Millis),
            };
            classify(o, Policy::Otlp)
        };
        assert_eq!(s(200, None), Verdict::Delivered);
        assert_eq!(s(202, Some(5)), Verdict::Delivered);
        for code in [429, 503] {
            assert_eq!(
                s(code, Some(7)),
                Verdict::Retry {
                    after: Some(Millis(7))
                }
            );
            assert_eq!(s(code, None), Verdict::Retry { after: None });
        }
        for code in [502, 504] {
            assert_eq!(s(code, Some(7)), Verdict::Retry { after: None }, "{code}");
        }
        for code in [400, 401, 403, 404, 408, 409, 500, 501, 505, 599, 301, 0] {
            assert_eq!(s(code, Some(7)), Verdict::Reject, "{code}");
        }
        assert_eq!(s(413, None), Verdict::TooLarge);
        for o in [Outcome::Timeout, Outcome::Network] {
            assert_eq!(classify(o, Policy::Otlp), Verdict::Retry { after: None });
        }
    }

    #[test]
    fn retry_after_reads_delta_seconds() {
        assert_eq!(parse_retry_after("0", AT), Some(Millis(0)));
        assert_eq!(parse_retry_after(" 30 ", AT), Some(Millis(30_000)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", AT),
            Some(Millis(u64::MAX))
        );
        assert_eq!(parse_retry_after("-5", AT), None);
        assert_eq!(parse_retry_after("1.5", AT), None);
        assert_eq!(parse_retry_after("", AT), None);
    }

    #[test]
    fn retry_after_reads_an_imf_fixdate_against_the_wall_clock() {
        let h = "Wed, 21 Oct 2026 07:28:00 GMT";
        assert_eq!(parse_retry_after(h, AT - 90_000.0), Some(Millis(90_000)));
        assert_eq!(parse_retry_after(h, AT - 0.5), Some(Millis(1)));
        // A date in the past means "now".
        assert_eq!(parse_retry_after(h, AT + 5000.0), Some(Millis(0)));
        assert_eq!(parse_retry_after(h, f64::NAN), None);
    }

    #[test]
    fn retry_after_reads_the_obsolete_date_forms() {
        let now = AT - 60_000.0;
        let want = Some(Millis(60_000));
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-26 07:28:00 GMT", now),
            want
        );
        assert_eq!(parse_retry_after("Wed Oct 21 07:28:00 2026", now), want);
        let early = UnixNanos::parse_rfc3339("2026-10-06T07:28:00Z")
            .unwrap()
            .as_unix_ms();
        assert_eq!(
            parse_retry_after("Tue Oct  6 07:28:00 2026", early),
            Some(Millis(0))
        );
        // 1994 is in the past: a two-digit "94" is not read as 2094.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(Millis(0))
        );
        assert_eq!(full_year(94, AT), 1994);
        assert_eq!(full_year(30, AT), 2030);
    }

    #[test]
    fn retry_after_refuses_malformed_dates() {
        for bad in [
            "Wed, 21 Oct 2026 07:28:00 UTC",
            "Wed, 21 Oct 2026 07:28 GMT",
            "Wed, 32 Oct 2026 07:28:00 GMT",
            "Wed, 21 Foo 2026 07:28:00 GMT",
            "Xyz, 21 Oct 2026 07:28:00 GMT",
            "Wed, 21 Oct 2026 25:28:00 GMT",
            "Wed, 1 Oct 2026 07:28:00 GMT",
            "Wednesday, 21-Oct-26-1 07:28:00 GMT",
            "Wed Oct 21 07:28:00:00 2026",
            "2026-10-21T07:28:00Z",
            "Wed,",
            "Wed",
        ] {
            assert_eq!(parse_retry_after(bad, AT), None, "{bad}");
        }
    }
}
