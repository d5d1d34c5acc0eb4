//! Host-facing options: the camelCase object a JavaScript `init({...})` passes.
//!
//! The one validator of pipeline options for every host, so option names, kinds,
//! defaults and error messages are the same everywhere. [`OPTIONS`] lists every option
//! with its kind; a host reads it through [`Options::describe`] (names, TypeScript types,
//! defaults) and checks its own declarations against it. Unknown options are refused by
//! name, so a typo fails at `init` rather than being silently ignored, and no message
//! ever quotes a string value (it may be a secret).

use serde_json::{Map, Value};

use super::{Config, ConfigError};
use crate::batch;
use crate::encode::agentlens::WireConfig;
use crate::redact::{self, PatternRule};
use crate::time::Millis;

/// What kind of value an option takes: how it is read, what a bad value is told, and
/// its TypeScript type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `"agentlens"` or `"ndjson"`.
    Format,
    /// `true` or `false`.
    Bool,
    /// An integer ≥ 1.
    Count,
    /// An integer ≥ 0.
    Natural,
    /// Milliseconds: a finite number ≥ 0.
    Millis,
    /// A number in `[0, 1]`.
    Fraction,
    /// A string.
    Text,
    /// An array of strings.
    Texts,
    /// An array of `{ name, regex, luhn? }`.
    Patterns,
}

impl Kind {
    /// The option's type as TypeScript writes it (what a host's declaration must say).
    pub fn ts_type(self) -> &'static str {
        match self {
            Self::Format => "\"agentlens\" | \"ndjson\"",
            Self::Bool => "boolean",
            Self::Count | Self::Natural | Self::Millis | Self::Fraction => "number",
            Self::Text => "string",
            Self::Texts => "string[]",
            Self::Patterns => "{ name: string; regex: string; luhn?: boolean; }[]",
        }
    }

    /// What a value of this kind must be, as the error says it.
    fn must(self) -> &'static str {
        match self {
            Self::Format => "must be \"agentlens\" or \"ndjson\"",
            Self::Bool => "must be a boolean",
            Self::Count => "must be an integer ≥ 1",
            Self::Natural => "must be an integer ≥ 0",
            Self::Millis => "must be a finite number ≥ 0 (milliseconds)",
            Self::Fraction => "must be a number in [0, 1]",
            Self::Text => "must be a string",
            Self::Texts => "must be an array of strings",
            Self::Patterns => "must be an array of { name, regex, luhn? }",
        }
    }
}

/// One option a host may set.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// Its name as the host spells it (`flushIntervalMs`).
    pub name: &'static str,
    /// What it takes.
    pub kind: Kind,
}

const fn spec(name: &'static str, kind: Kind) -> OptionSpec {
    OptionSpec { name, kind }
}

/// Every pipeline option, in the order hosts document them.
pub const OPTIONS: &[OptionSpec] = &[
    spec("format", Kind::Format),
    spec("backendCompat", Kind::Bool),
    spec("batchSize", Kind::Count),
    spec("flushIntervalMs", Kind::Millis),
    spec("maxRequestBytes", Kind::Count),
    spec("maxRequestEvents", Kind::Count),
    spec("maxRetries", Kind::Natural),
    spec("backoffBaseMs", Kind::Millis),
    spec("backoffCapMs", Kind::Millis),
    spec("maxRetryAfterMs", Kind::Millis),
    spec("requestTimeoutMs", Kind::Millis),
    spec("maxBufferEvents", Kind::Count),
    spec("maxBufferBytes", Kind::Count),
    spec("sampleRate", Kind::Fraction),
    spec("onlyOnError", Kind::Bool),
    spec("maxHeldEvents", Kind::Count),
    spec("redactKeys", Kind::Texts),
    spec("redactPatterns", Kind::Patterns),
    spec("replaceDefaultPatterns", Kind::Bool),
    spec("replaceDefaultKeys", Kind::Bool),
    spec("redactionMarker", Kind::Text),
    spec("maxFieldBytes", Kind::Count),
    spec("maxEventBytes", Kind::Count),
];

/// A user-supplied redaction pattern.
#[derive(Clone, Debug)]
pub struct PatternOption {
    /// A name for counts and errors.
    pub name: String,
    /// The regular expression (Rust `regex` syntax).
    pub regex: String,
    /// Only redact matches whose digits pass the Luhn check (payment cards).
    pub luhn: bool,
}

/// Every option a host may set; all optional, defaults as documented in [`Config`].
#[derive(Clone, Debug, Default)]
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

/// A value as an error shows it: numbers and booleans as themselves, never a string's
/// text. Hosts whose JSON cannot hold `NaN` or `Infinity` send them as those strings.
fn got(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => s.clone(),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
    }
}

fn refuse(option: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Value {
        option: option.into(),
        message: message.into(),
        got: None,
    }
}

fn refuse_got(option: impl Into<String>, message: &str, v: &Value) -> ConfigError {
    ConfigError::Value {
        option: option.into(),
        message: message.into(),
        got: Some(got(v)),
    }
}

/// An option's value in `c`, by its host name (`null` for `format`). Redaction keys and
/// patterns are the defaults' *additions* (none).
fn default_of(name: &str, c: &Config) -> Value {
    let (b, r) = (&c.batch, &c.redact);
    match name {
        "backendCompat" => c.wire.backend_compat.into(),
        "batchSize" => b.batch_size.into(),
        "flushIntervalMs" => b.flush_interval.0.into(),
        "maxRequestBytes" => b.max_request_bytes.into(),
        "maxRequestEvents" => b.max_request_events.into(),
        "maxRetries" => b.max_retries.into(),
        "backoffBaseMs" => b.backoff_base.0.into(),
        "backoffCapMs" => b.backoff_cap.0.into(),
        "maxRetryAfterMs" => b.max_retry_after.0.into(),
        "requestTimeoutMs" => b.request_timeout.0.into(),
        "maxBufferEvents" => b.max_buffer_events.into(),
        "maxBufferBytes" => b.max_buffer_bytes.into(),
        "sampleRate" => b.sample_rate.into(),
        "onlyOnError" => b.only_on_error.into(),
        "maxHeldEvents" => b.max_held_events.into(),
        "redactKeys" | "redactPatterns" => Value::Array(Vec::new()),
        "replaceDefaultPatterns" | "replaceDefaultKeys" => false.into(),
        "redactionMarker" => r.marker.clone().into(),
        "maxFieldBytes" => r.max_field_bytes.into(),
        "maxEventBytes" => r.max_event_bytes.into(),
        _ => Value::Null,
    }
}

fn bad(spec: &OptionSpec, v: &Value) -> ConfigError {
    refuse_got(spec.name, spec.kind.must(), v)
}

fn number(spec: &OptionSpec, v: &Value, ok: impl Fn(f64) -> bool) -> Result<f64, ConfigError> {
    v.as_f64().filter(|n| ok(*n)).ok_or_else(|| bad(spec, v))
}

fn integer(spec: &OptionSpec, v: &Value, min: u64) -> Result<u64, ConfigError> {
    v.as_u64().filter(|n| *n >= min).ok_or_else(|| bad(spec, v))
}

fn size(spec: &OptionSpec, v: &Value) -> Result<usize, ConfigError> {
    let min = u64::from(spec.kind == Kind::Count);
    integer(spec, v, min).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

fn millis_of(spec: &OptionSpec, v: &Value) -> Result<f64, ConfigError> {
    number(spec, v, |n| n.is_finite() && n >= 0.0)
}

fn boolean(spec: &OptionSpec, v: &Value) -> Result<bool, ConfigError> {
    v.as_bool().ok_or_else(|| bad(spec, v))
}

fn string(spec: &OptionSpec, v: &Value) -> Result<String, ConfigError> {
    v.as_str().map(str::to_owned).ok_or_else(|| bad(spec, v))
}

fn strings(spec: &OptionSpec, v: &Value) -> Result<Vec<String>, ConfigError> {
    let items = v.as_array().ok_or_else(|| bad(spec, v))?;
    items
        .iter()
        .map(|s| s.as_str().map(str::to_owned).ok_or_else(|| bad(spec, v)))
        .collect()
}

fn patterns(spec: &OptionSpec, v: &Value) -> Result<Vec<PatternOption>, ConfigError> {
    let items = v.as_array().ok_or_else(|| bad(spec, v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, p)| pattern(&format!("{}[{i}]", spec.name), p))
        .collect()
}

fn pattern(at: &str, v: &Value) -> Result<PatternOption, ConfigError> {
    let shape = || {
        refuse(
            at,
            "must be { name: string, regex: string, luhn?: boolean }",
        )
    };
    let map = v.as_object().ok_or_else(shape)?;
    let (Some(Value::String(name)), Some(Value::String(regex))) =
        (map.get("name"), map.get("regex"))
    else {
        return Err(shape());
    };
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "name" | "regex" | "luhn"))
    {
        return Err(refuse(
            format!("{at}.{key}"),
            "is not a pattern field (name, regex, luhn)",
        ));
    }
    let luhn = match map.get("luhn") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(refuse_got(format!("{at}.luhn"), "must be a boolean", other));
        }
    };
    Ok(PatternOption {
        name: name.clone(),
        regex: regex.clone(),
        luhn,
    })
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
    pub fn defaults() -> Value {
        let c = Config::default();
        let map = OPTIONS
            .iter()
            .filter(|s| s.kind != Kind::Format)
            .map(|s| (s.name.to_owned(), default_of(s.name, &c)))
            .collect();
        Value::Object(map)
    }

    /// Every option as `{ name, type, default }`: its host name, its TypeScript type and
    /// its default (`null` for `format`, which a host sets per destination). Hosts check
    /// their option declarations against this.
    pub fn describe() -> Value {
        let c = Config::default();
        let list = OPTIONS
            .iter()
            .map(|s| {
                let mut o = Map::new();
                o.insert("name".into(), s.name.into());
                o.insert("type".into(), s.kind.ts_type().into());
                o.insert("default".into(), default_of(s.name, &c));
                Value::Object(o)
            })
            .collect();
        Value::Array(list)
    }

    /// Reads options from JSON text (an object; `null` values count as unset).
    ///
    /// # Errors
    /// [`ConfigError::Value`] naming an unknown option or one with a value of the wrong
    /// kind or out of range.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let value: Value =
            serde_json::from_str(text).map_err(|_| refuse("options", "must be a JSON object"))?;
        Self::from_value(&value)
    }

    /// Reads options from a JSON object; see [`Options::from_json`].
    ///
    /// # Errors
    /// As [`Options::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        let map: &Map<String, Value> = value
            .as_object()
            .ok_or_else(|| refuse("options", "must be an object"))?;
        let mut o = Self::default();
        for (key, v) in map {
            let Some(spec) = OPTIONS.iter().find(|s| s.name == key) else {
                return Err(refuse(key.as_str(), "is not an AgentLens option"));
            };
            if !v.is_null() {
                o.set(spec, v)?;
            }
        }
        Ok(o)
    }

    fn set(&mut self, s: &OptionSpec, v: &Value) -> Result<(), ConfigError> {
        match s.name {
            "format" => match v.as_str() {
                Some(f @ ("agentlens" | "ndjson")) => self.format = Some(f.into()),
                _ => return Err(bad(s, v)),
            },
            "backendCompat" => self.backend_compat = Some(boolean(s, v)?),
            "batchSize" => self.batch_size = Some(size(s, v)?),
            "flushIntervalMs" => self.flush_interval_ms = Some(millis_of(s, v)?),
            "maxRequestBytes" => self.max_request_bytes = Some(size(s, v)?),
            "maxRequestEvents" => self.max_request_events = Some(size(s, v)?),
            "maxRetries" => {
                let n = integer(s, v, 0)?;
                self.max_retries = Some(u32::try_from(n).unwrap_or(u32::MAX));
            }
            "backoffBaseMs" => self.backoff_base_ms = Some(millis_of(s, v)?),
            "backoffCapMs" => self.backoff_cap_ms = Some(millis_of(s, v)?),
            "maxRetryAfterMs" => self.max_retry_after_ms = Some(millis_of(s, v)?),
            "requestTimeoutMs" => self.request_timeout_ms = Some(millis_of(s, v)?),
            "maxBufferEvents" => self.max_buffer_events = Some(size(s, v)?),
            "maxBufferBytes" => self.max_buffer_bytes = Some(size(s, v)?),
            "sampleRate" => self.sample_rate = Some(number(s, v, |n| (0.0..=1.0).contains(&n))?),
            "onlyOnError" => self.only_on_error = Some(boolean(s, v)?),
            "maxHeldEvents" => self.max_held_events = Some(size(s, v)?),
            "redactKeys" => self.redact_keys = Some(strings(s, v)?),
            "redactPatterns" => self.redact_patterns = Some(patterns(s, v)?),
            "replaceDefaultPatterns" => self.replace_default_patterns = Some(boolean(s, v)?),
            "replaceDefaultKeys" => self.replace_default_keys = Some(boolean(s, v)?),
            "redactionMarker" => self.redaction_marker = Some(string(s, v)?),
            "maxFieldBytes" => self.max_field_bytes = Some(size(s, v)?),
            _ => self.max_event_bytes = Some(size(s, v)?),
        }
        Ok(())
    }

    /// Builds and checks the pipeline configuration.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first invalid option.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut config = match self.format.as_deref() {
            Some("ndjson") => Config::ndjson(),
            _ => Config::default(),
        };
        if let Some(b) = self.backend_compat {
            config.wire = WireConfig { backend_compat: b };
        }
        let ms = |v: Option<f64>, d: Millis| v.map_or(d, |ms| Millis(ms as u64));
        let d = batch::Config::default();
        let b = &mut config.batch;
        b.batch_size = self.batch_size.unwrap_or(d.batch_size);
        b.flush_interval = ms(self.flush_interval_ms, d.flush_interval);
        b.max_request_bytes = self.max_request_bytes.unwrap_or(d.max_request_bytes);
        b.max_request_events = self.max_request_events.unwrap_or(d.max_request_events);
        b.max_retries = self.max_retries.unwrap_or(d.max_retries);
        b.backoff_base = ms(self.backoff_base_ms, d.backoff_base);
        b.backoff_cap = ms(self.backoff_cap_ms, d.backoff_cap);
        b.max_retry_after = ms(self.max_retry_after_ms, d.max_retry_after);
        b.request_timeout = ms(self.request_timeout_ms, d.request_timeout);
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
                return Err(ConfigError::Value {
                    option: option.into(),
                    message: format!("must be at least {min}"),
                    got: Some(v.to_string()),
                });
            }
        }
        config.redact = r;
        Ok(config)
    }
}

#[cfg(test)]
mod tests;
