//! Host-facing options: the camelCase object a JavaScript `init({...})` passes.
//!
//! Shared by every host so that option names, defaults and error messages are the same
//! everywhere. Unknown options are refused by name, so a typo fails at `init` rather
//! than being silently ignored.

use serde::Deserialize;

use super::{Config, ConfigError};
use crate::batch;
use crate::encode::agentlens::WireConfig;
use crate::redact::{self, PatternRule};
use crate::time::Millis;

/// A user-supplied redaction pattern.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternOption {
    /// A name for counts and errors.
    pub name: String,
    /// The regular expression (Rust `regex` syntax).
    pub regex: String,
    /// Only redact matches whose digits pass the Luhn check (payment cards).
    #[serde(default)]
    pub luhn: bool,
}

/// Every option a host may set; all optional, defaults as documented in [`Config`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Options {
    /// `"agentlens"` (HTTP wire, the default) or `"ndjson"` (trace file lines).
    pub format: Option<String>,
    pub backend_compat: Option<bool>,
    pub batch_size: Option<usize>,
    pub flush_interval_ms: Option<f64>,
    pub max_request_bytes: Option<usize>,
    pub max_request_events: Option<usize>,
    pub max_retries: Option<u32>,
    pub backoff_base_ms: Option<f64>,
    pub backoff_cap_ms: Option<f64>,
    pub max_retry_after_ms: Option<f64>,
    pub request_timeout_ms: Option<f64>,
    pub max_buffer_events: Option<usize>,
    pub max_buffer_bytes: Option<usize>,
    pub sample_rate: Option<f64>,
    pub only_on_error: Option<bool>,
    pub max_held_events: Option<usize>,
    /// Keys to redact in addition to the defaults.
    pub redact_keys: Option<Vec<String>>,
    /// Patterns to redact in addition to the defaults.
    pub redact_patterns: Option<Vec<PatternOption>>,
    /// Use only `redactPatterns`, dropping the default patterns.
    pub replace_default_patterns: Option<bool>,
    /// Use only `redactKeys`, dropping the default keys.
    pub replace_default_keys: Option<bool>,
    pub redaction_marker: Option<String>,
    pub max_field_bytes: Option<usize>,
    pub max_event_bytes: Option<usize>,
}

fn millis(name: &'static str, v: Option<f64>, default: Millis) -> Result<Millis, ConfigError> {
    match v {
        None => Ok(default),
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Millis(ms as u64)),
        Some(_) => Err(ConfigError::Option {
            option: name,
            message: "must be a finite number ≥ 0".into(),
        }),
    }
}

impl Options {
    /// The value every option takes when it is not set, by its host name (`batchSize`,
    /// ...), from [`Config::default`]: what a host shows as the defaults, so no host keeps
    /// a copy. Redaction keys and patterns are the defaults' *additions* (none).
    ///
    /// ```
    /// let d = agentlens::pipeline::Options::defaults();
    /// assert_eq!(d["batchSize"], 10);
    /// assert_eq!(d["flushIntervalMs"], 5000);
    /// ```
    pub fn defaults() -> serde_json::Value {
        let c = Config::default();
        let (b, r) = (&c.batch, &c.redact);
        serde_json::json!({
            "backendCompat": c.wire.backend_compat,
            "batchSize": b.batch_size,
            "flushIntervalMs": b.flush_interval.0,
            "maxRequestBytes": b.max_request_bytes,
            "maxRequestEvents": b.max_request_events,
            "maxRetries": b.max_retries,
            "backoffBaseMs": b.backoff_base.0,
            "backoffCapMs": b.backoff_cap.0,
            "maxRetryAfterMs": b.max_retry_after.0,
            "requestTimeoutMs": b.request_timeout.0,
            "maxBufferEvents": b.max_buffer_events,
            "maxBufferBytes": b.max_buffer_bytes,
            "sampleRate": b.sample_rate,
            "onlyOnError": b.only_on_error,
            "maxHeldEvents": b.max_held_events,
            "redactKeys": [],
            "redactPatterns": [],
            "replaceDefaultPatterns": false,
            "replaceDefaultKeys": false,
            "redactionMarker": r.marker,
            "maxFieldBytes": r.max_field_bytes,
            "maxEventBytes": r.max_event_bytes,
        })
    }

    /// Reads options from JSON text.
    ///
    /// # Errors
    /// [`ConfigError::Option`] naming an unknown option or one of the wrong type.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        serde_json::from_str(text).map_err(|e| {
            // serde's message names the field ("unknown field `batchSiz`, expected ...")
            // and never quotes a value for these types.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or("").to_owned();
            ConfigError::Option {
                option: "options",
                message,
            }
        })
    }

    /// Builds and checks the pipeline configuration.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first invalid option.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut config = match self.format.as_deref() {
            None | Some("agentlens") => Config::default(),
            Some("ndjson") => Config::ndjson(),
            Some(_) => {
                return Err(ConfigError::Option {
                    option: "format",
                    message: "must be \"agentlens\" or \"ndjson\"".into(),
                });
            }
        };
        if let Some(b) = self.backend_compat {
            config.wire = WireConfig { backend_compat: b };
        }
        let d = batch::Config::default();
        let b = &mut config.batch;
        b.batch_size = self.batch_size.unwrap_or(d.batch_size);
        b.flush_interval = millis("flushIntervalMs", self.flush_interval_ms, d.flush_interval)?;
        b.max_request_bytes = self.max_request_bytes.unwrap_or(d.max_request_bytes);
        b.max_request_events = self.max_request_events.unwrap_or(d.max_request_events);
        b.max_retries = self.max_retries.unwrap_or(d.max_retries);
        b.backoff_base = millis("backoffBaseMs", self.backoff_base_ms, d.backoff_base)?;
        b.backoff_cap = millis("backoffCapMs", self.backoff_cap_ms, d.backoff_cap)?;
        b.max_retry_after = millis(
            "maxRetryAfterMs",
            self.max_retry_after_ms,
            d.max_retry_after,
        )?;
        b.request_timeout = millis(
            "requestTimeoutMs",
            self.request_timeout_ms,
            d.request_timeout,
        )?;
        b.max_buffer_events = self.max_buffer_events.unwrap_or(d.max_buffer_events);
        b.max_buffer_bytes = self.max_buffer_bytes.unwrap_or(d.max_buffer_bytes);
        b.sample_rate = self.sample_rate.unwrap_or(d.sample_rate);
        b.only_on_error = self.only_on_error.unwrap_or(d.only_on_error);
        b.max_held_events = self.max_held_events.unwrap_or(d.max_held_events);

        let mut r = redact::Config::default();
        if self.replace_default_keys == Some(true) {
            r.keys.clear();
        }
        if self.replace_default_patterns == Some(true) {
            r.patterns.clear();
        }
        r.keys.extend(self.redact_keys.unwrap_or_default());
        r.patterns.extend(
            self.redact_patterns
                .unwrap_or_default()
                .into_iter()
                .map(|p| PatternRule {
                    name: p.name,
                    regex: p.regex,
                    luhn: p.luhn,
                }),
        );
        if let Some(m) = self.redaction_marker {
            r.marker = m;
        }
        r.max_field_bytes = self.max_field_bytes.unwrap_or(r.max_field_bytes);
        r.max_event_bytes = self.max_event_bytes.unwrap_or(r.max_event_bytes);
        // Below these, nothing useful fits: a field needs room for `""`, an event for its ids.
        for (option, v, min) in [
            ("maxFieldBytes", r.max_field_bytes, 2),
            ("maxEventBytes", r.max_event_bytes, 256),
        ] {
            if v < min {
                return Err(ConfigError::Option {
                    option,
                    message: format!("must be at least {min}"),
                });
            }
        }
        config.redact = r;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_name_every_option_and_read_back_as_the_default_config() {
        let d = Options::defaults();
        let back = Options::from_json(&d.to_string())
            .unwrap()
            .into_config()
            .unwrap();
        let c = Config::default();
        assert_eq!(back.batch, c.batch);
        assert_eq!(back.wire, c.wire);
        assert_eq!(back.redact.max_field_bytes, c.redact.max_field_bytes);
        assert_eq!(back.redact.keys, c.redact.keys);
    }
}
