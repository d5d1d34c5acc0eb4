//! Batching settings, request framing and their validation.
//!
//! Defaults follow the AgentLens Python transport where it was sound (batch of 10, 5 s
//! flush interval, 5000-event buffer) and the AgentLens backend's limits where the
//! transport ignored them (at most 500 events per `POST /events`).

use std::fmt;

use crate::time::Millis;

/// How a request body is assembled from encoded records.
///
/// A body is `prefix`, the records joined by `separator`, then `suffix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framing {
    /// Bytes before the first record.
    pub prefix: &'static [u8],
    /// Bytes between two records.
    pub separator: &'static [u8],
    /// Bytes after the last record.
    pub suffix: &'static [u8],
}

impl Framing {
    /// The AgentLens backend's `POST /events` body: `{"events":[a,b]}`.
    pub const AGENTLENS: Self = Self {
        prefix: b"{\"events\":[",
        separator: b",",
        suffix: b"]}",
    };

    /// Newline-delimited JSON: one record per line, each line ending in `\n`.
    pub const NDJSON: Self = Self {
        prefix: b"",
        separator: b"\n",
        suffix: b"\n",
    };

    /// Records concatenated as they are (OTLP protobuf `ScopeSpans.spans` fields); the
    /// envelope is added when the request is built.
    pub const CONCAT: Self = Self {
        prefix: b"",
        separator: b"",
        suffix: b"",
    };

    /// Records joined by `,` (OTLP/JSON span objects); the envelope is added when the
    /// request is built.
    pub const COMMA: Self = Self {
        prefix: b"",
        separator: b",",
        suffix: b"",
    };

    /// Bytes a body of one record adds around it.
    pub(crate) const fn overhead(&self) -> usize {
        self.prefix.len() + self.suffix.len()
    }
}

/// Which statuses a destination retries (see [`super::Batcher`] and `classify`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// The AgentLens backend's: every 5xx, 408 and 429 retried, 413 splits the batch.
    #[default]
    Agentlens,
    /// The OTLP specification's: only 429, 502, 503 and 504 retried (`Retry-After` read
    /// on 429 and 503 only), every other status final, 413 included (no split).
    Otlp,
}

/// When to send, retry and drop. See each field for its default.
///
/// `Default` gives the values documented on the fields; `with_*` builders change one.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Send once this many records are buffered. Default 10 (the AgentLens transport).
    pub batch_size: usize,
    /// Send once the oldest buffered record has waited this long. Default 5000 ms.
    pub flush_interval: Millis,
    /// Largest request body, framing included. Default 1 MiB.
    pub max_request_bytes: usize,
    /// Most records in one request. Default 500: the AgentLens backend answers 400
    /// "Batch too large" above that (`MAX_BATCH_SIZE` in `backend/routes/events.js`).
    pub max_request_events: usize,
    /// Retries after the first attempt: a batch is attempted at most `1 + max_retries`
    /// times, then dropped `retries_exhausted`. Default 5 (as OTLP/JS).
    pub max_retries: u32,
    /// Backoff before the first retry, doubled for each further one. Default 1000 ms.
    pub backoff_base: Millis,
    /// Largest computed backoff. Default 30 000 ms.
    pub backoff_cap: Millis,
    /// Largest `Retry-After` honoured; longer ones are clamped. Default 300 000 ms.
    pub max_retry_after: Millis,
    /// Handed to the host with each request. If no response arrives by
    /// `sent_at + request_timeout + 1000`, the batcher treats the request as timed out
    /// itself. Default 10 000 ms (as the Python transport and OTLP).
    pub request_timeout: Millis,
    /// Most events buffered: queued, in flight and held together. Default 5000 (the
    /// Python transport's `_MAX_BUFFER_SIZE`).
    pub max_buffer_events: usize,
    /// Most body bytes buffered, same scope as `max_buffer_events`. Default 16 MiB.
    pub max_buffer_bytes: usize,
    /// Fraction of sessions kept, in `[0, 1]`. Default 1.
    pub sample_rate: f64,
    /// Hold each run's records until its end and keep them only if the run failed.
    /// Default false.
    pub only_on_error: bool,
    /// Most events held for `only_on_error`. Default 2000.
    pub max_held_events: usize,
    /// How bodies are assembled. Default [`Framing::AGENTLENS`].
    pub framing: Framing,
    /// Which outcomes are retried. Default [`Policy::Agentlens`].
    pub policy: Policy,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            batch_size: 10,
            flush_interval: Millis(5000),
            max_request_bytes: 1 << 20,
            max_request_events: 500,
            max_retries: 5,
            backoff_base: Millis(1000),
            backoff_cap: Millis(30_000),
            max_retry_after: Millis(300_000),
            request_timeout: Millis(10_000),
            max_buffer_events: 5000,
            max_buffer_bytes: 16 << 20,
            sample_rate: 1.0,
            only_on_error: false,
            max_held_events: 2000,
            framing: Framing::AGENTLENS,
            policy: Policy::Agentlens,
        }
    }
}

macro_rules! builders {
    ($($(#[$doc:meta])* $name:ident => $field:ident: $ty:ty;)*) => {
        impl Config {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

builders! {
    /// Sets [`Config::batch_size`].
    with_batch_size => batch_size: usize;
    /// Sets [`Config::flush_interval`].
    with_flush_interval => flush_interval: Millis;
    /// Sets [`Config::max_request_bytes`].
    with_max_request_bytes => max_request_bytes: usize;
    /// Sets [`Config::max_request_events`].
    with_max_request_events => max_request_events: usize;
    /// Sets [`Config::max_retries`].
    with_max_retries => max_retries: u32;
    /// Sets [`Config::backoff_base`].
    with_backoff_base => backoff_base: Millis;
    /// Sets [`Config::backoff_cap`].
    with_backoff_cap => backoff_cap: Millis;
    /// Sets [`Config::max_retry_after`].
    with_max_retry_after => max_retry_after: Millis;
    /// Sets [`Config::request_timeout`].
    with_request_timeout => request_timeout: Millis;
    /// Sets [`Config::max_buffer_events`].
    with_max_buffer_events => max_buffer_events: usize;
    /// Sets [`Config::max_buffer_bytes`].
    with_max_buffer_bytes => max_buffer_bytes: usize;
    /// Sets [`Config::sample_rate`].
    with_sample_rate => sample_rate: f64;
    /// Sets [`Config::only_on_error`].
    with_only_on_error => only_on_error: bool;
    /// Sets [`Config::max_held_events`].
    with_max_held_events => max_held_events: usize;
    /// Sets [`Config::framing`].
    with_framing => framing: Framing;
    /// Sets [`Config::policy`].
    with_policy => policy: Policy;
}

impl Config {
    /// Checks every option, naming the first invalid one.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for a zero size or count, a sample rate outside `[0, 1]`
    /// (or NaN), a backoff base above its cap, or a request limit under 64 bytes or too
    /// small for the framing.
    ///
    /// ```
    /// use agentlens::batch::Config;
    /// assert!(Config::default().validate().is_ok());
    /// let err = Config::default().with_batch_size(0).validate().unwrap_err();
    /// assert_eq!(err.option(), "batch_size");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |option, expected| Err(ConfigError::Invalid { option, expected });
        if self.batch_size == 0 {
            return fail("batch_size", "at least 1");
        }
        if self.max_request_events == 0 {
            return fail("max_request_events", "at least 1");
        }
        if self.max_request_bytes < 64 {
            return fail("max_request_bytes", "at least 64");
        }
        if self.framing.overhead() >= self.max_request_bytes {
            return fail(
                "framing",
                "prefix and suffix shorter than max_request_bytes",
            );
        }
        if self.backoff_base > self.backoff_cap {
            return fail("backoff_base", "at most backoff_cap");
        }
        if self.max_buffer_events == 0 {
            return fail("max_buffer_events", "at least 1");
        }
        if self.max_buffer_bytes == 0 {
            return fail("max_buffer_bytes", "at least 1");
        }
        if !(0.0..=1.0).contains(&self.sample_rate) {
            return fail("sample_rate", "a number in [0, 1]");
        }
        if self.max_held_events == 0 {
            return fail("max_held_events", "at least 1");
        }
        Ok(())
    }
}

/// A batching configuration [`Config::validate`] refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// An option is out of range.
    Invalid {
        /// The field's name in [`Config`].
        option: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

impl ConfigError {
    /// The name of the offending [`Config`] field.
    pub fn option(&self) -> &'static str {
        match self {
            Self::Invalid { option, .. } => option,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { option, expected } => {
                write!(f, "invalid batch option {option}: must be {expected}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_documented_values() {
        let c = Config::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.batch_size, 10);
        assert_eq!(c.max_request_events, 500);
        assert_eq!(c.max_request_bytes, 1_048_576);
        assert_eq!(c.framing, Framing::AGENTLENS);
    }

    #[test]
    fn each_invalid_option_is_named() {
        let d = Config::default;
        let cases = [
            (d().with_batch_size(0), "batch_size"),
            (d().with_max_request_events(0), "max_request_events"),
            (d().with_max_request_bytes(63), "max_request_bytes"),
            (
                d().with_backoff_base(Millis(5)).with_backoff_cap(Millis(4)),
                "backoff_base",
            ),
            (d().with_sample_rate(f64::NAN), "sample_rate"),
            (d().with_sample_rate(1.5), "sample_rate"),
            (d().with_sample_rate(-0.1), "sample_rate"),
            (d().with_max_buffer_events(0), "max_buffer_events"),
            (d().with_max_buffer_bytes(0), "max_buffer_bytes"),
            (d().with_max_held_events(0), "max_held_events"),
        ];
        for (config, option) in cases {
            let err = config.validate().unwrap_err();
            assert_eq!(err.option(), option);
            assert!(err.to_string().contains(option));
        }
    }

    #[test]
    fn framing_overhead_counts_prefix_and_suffix() {
        assert_eq!(Framing::AGENTLENS.overhead(), 13);
        assert_eq!(Framing::NDJSON.overhead(), 1);
    }
}
