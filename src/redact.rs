//! Redaction and byte-aware truncation of event payloads.
//!
//! [`Redactor`] replaces sensitive data inside [`Value`]s before anything is queued or
//! encoded: the whole value under a sensitive object key (see [`DEFAULT_KEYS`]), and only
//! the matched text of every pattern (see [`default_patterns`]) inside every other string,
//! including object keys. [`truncate_value`] then shrinks a value to a byte budget measured
//! as compact JSON, keeping it valid JSON.
//!
//! What it does not do: it never reads the environment or a clock, keeps no global state,
//! never panics on input, and never echoes a data value in an error or in `Debug` output.
//!
//! # Examples
//! ```
//! use agentlens::redact::{Config, Redactor, Report};
//! let redactor = Redactor::new(Config::default())?;
//! let mut v = serde_json::json!({
//!     "apiKey": "abc",
//!     "note": "mail bob@example.com, card 4111 1111 1111 1111",
//! });
//! let mut report = Report::default();
//! redactor.redact_value(&mut v, &mut report);
//! assert_eq!(v["apiKey"], "[REDACTED]");
//! assert_eq!(v["note"], "mail [REDACTED], card [REDACTED]");
//! assert_eq!((report.keys_redacted, report.matches_redacted), (1, 2));
//! # Ok::<(), agentlens::redact::RedactError>(())
//! ```

mod detect;
mod event;
mod rules;
mod truncate;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::Map;
pub use serde_json::Value;

pub use event::{MAX_NAME_BYTES, fit_event, sanitize, sanitize_events};
pub use rules::{DEFAULT_KEYS, PatternRule, default_patterns};
pub use truncate::{json_size, truncate_str, truncate_value};

use detect::Detector;
use rules::KeySet;

/// Replaces redacted data (the default [`Config::marker`]).
pub const MARKER: &str = "[REDACTED]";
/// Ends a truncated string. The same suffix as the OpenAI Agents SDK exporter, so
/// truncated text looks the same in both.
pub const TRUNCATED_SUFFIX: &str = "... [truncated]";
/// Stands for a value that refers back to one of its ancestors.
pub const CYCLE: &str = "[Circular]";
/// Stands for `NaN` or an infinity, which JSON cannot hold.
pub const NON_FINITE: &str = "[NonFinite]";
/// Stands for a host value with no JSON form (a function, a symbol, ...).
pub const UNSUPPORTED: &str = "[Unsupported]";
/// Stands for a value nested deeper than the converter's depth limit.
pub const MAX_DEPTH: &str = "[MaxDepth]";
/// Stands for a value whose conversion threw (a throwing getter or `toJSON`).
pub const THREW: &str = "[Threw]";

/// Redaction settings. Build with [`Config::default`] and the `with_*`/`replace_*` methods.
#[derive(Clone, Debug)]
pub struct Config {
    /// Object keys whose values are replaced wholesale (see [`DEFAULT_KEYS`] for matching).
    pub keys: Vec<String>,
    /// Text patterns whose matches are replaced.
    pub patterns: Vec<PatternRule>,
    /// What replaces redacted data.
    pub marker: String,
    /// Byte budget for one field, as compact JSON (used by [`Redactor::redact_and_truncate`]).
    /// The default, 100 000, is the OpenAI traces ingest field limit.
    pub max_field_bytes: usize,
    /// Byte budget for one whole encoded event; enforced by the pipeline, not here.
    pub max_event_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            keys: DEFAULT_KEYS.iter().map(|k| (*k).to_owned()).collect(),
            patterns: default_patterns(),
            marker: MARKER.to_owned(),
            max_field_bytes: 100_000,
            max_event_bytes: 512 * 1024,
        }
    }
}

impl Config {
    /// Adds sensitive keys to the current ones.
    #[must_use]
    pub fn with_keys(mut self, extra: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.keys.extend(extra.into_iter().map(Into::into));
        self
    }

    /// Replaces the sensitive keys (an empty list switches key redaction off).
    #[must_use]
    pub fn replace_keys(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Adds pattern rules after the current ones (earlier rules win at the same position).
    #[must_use]
    pub fn with_patterns(mut self, extra: Vec<PatternRule>) -> Self {
        self.patterns.extend(extra);
        self
    }

    /// Replaces the pattern rules (an empty list switches pattern redaction off).
    #[must_use]
    pub fn replace_patterns(mut self, patterns: Vec<PatternRule>) -> Self {
        self.patterns = patterns;
        self
    }
}

/// Why a [`Config`] was refused by [`Redactor::new`].
///
/// Messages may quote pattern text (patterns are configuration), never data values.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum RedactError {
    /// A pattern rule has no name, does not compile, or can match the empty string.
    InvalidPattern {
        /// The rule's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range.
    InvalidConfig {
        /// The [`Config`] field at fault.
        option: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for RedactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPattern { name, message } => {
                write!(f, "invalid redaction pattern `{name}`: {message}")
            }
            Self::InvalidConfig { option, message } => {
                write!(f, "invalid redaction option `{option}`: {message}")
            }
        }
    }
}

impl std::error::Error for RedactError {}

/// What a redaction or truncation changed, so hosts can count it without seeing the data.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Values replaced because their object key is sensitive.
    pub keys_redacted: u64,
    /// Pattern matches replaced, in strings and in object keys.
    pub matches_redacted: u64,
    /// Pattern matches replaced, per rule name.
    pub by_pattern: BTreeMap<String, u64>,
    /// Calls to [`truncate_value`] that changed their value.
    pub fields_truncated: u64,
    /// Bytes of compact JSON removed by truncation.
    pub bytes_removed: u64,
}

impl Report {
    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Self) {
        self.keys_redacted = self.keys_redacted.saturating_add(other.keys_redacted);
        self.matches_redacted = self.matches_redacted.saturating_add(other.matches_redacted);
        for (name, n) in &other.by_pattern {
            let mine = self.by_pattern.entry(name.clone()).or_insert(0);
            *mine = mine.saturating_add(*n);
        }
        self.fields_truncated = self.fields_truncated.saturating_add(other.fields_truncated);
        self.bytes_removed = self.bytes_removed.saturating_add(other.bytes_removed);
    }

    /// Whether nothing was redacted or truncated.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Applies a validated [`Config`]. Cheap to clone (the compiled regex is shared).
///
/// `Debug` prints counts and rule names only, never regex text or key lists.
#[derive(Clone)]
pub struct Redactor {
    config: Config,
    keys: KeySet,
    detector: Option<Detector>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("keys", &self.keys.len())
            .field("patterns", &self.detector)
            .field("max_field_bytes", &self.config.max_field_bytes)
            .field("max_event_bytes", &self.config.max_event_bytes)
            .finish_non_exhaustive()
    }
}

impl Redactor {
    /// Validates `config` and compiles its patterns into one regex.
    ///
    /// # Errors
    /// - [`RedactError::InvalidPattern`] naming the rule, if a rule has an empty name,
    ///   does not compile, or can match the empty string.
    /// - [`RedactError::InvalidConfig`] if a key is empty once normalised, or a byte
    ///   budget is below 2 (the size of `""`).
    pub fn new(config: Config) -> Result<Self, RedactError> {
        let keys = KeySet::new(config.keys.iter().map(String::as_str)).map_err(|index| {
            RedactError::InvalidConfig {
                option: "keys",
                message: format!("key #{index} is empty once `-`, `_`, `.` and spaces are removed"),
            }
        })?;
        for (option, value) in [
            ("max_field_bytes", config.max_field_bytes),
            ("max_event_bytes", config.max_event_bytes),
        ] {
            if value < 2 {
                return Err(RedactError::InvalidConfig {
                    option,
                    message: format!("{value} is below 2, the size of an empty string"),
                });
            }
        }
        let detector = Detector::new(&config.patterns)?;
        Ok(Self {
            config,
            keys,
            detector,
        })
    }

    /// The configuration this redactor was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the value under object key `key` is replaced wholesale.
    ///
    /// # Examples
    /// ```
    /// let r = agentlens::redact::Redactor::new(Default::default())?;
    /// assert!(r.is_sensitive_key("OpenAI-API-Key"));
    /// assert!(!r.is_sensitive_key("max_tokens"));
    /// # Ok::<(), agentlens::redact::RedactError>(())
    /// ```
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        self.keys.matches(key)
    }

    /// Replaces each pattern match in `s` by the marker; the rest of `s` survives.
    /// Returns `s` borrowed when nothing matched.
    ///
    /// # Examples
    /// ```
    /// use agentlens::redact::{Redactor, Report};
    /// let r = Redactor::new(Default::default())?;
    /// let out = r.redact_str("my password: hunter2 ssn 123-45-6789", &mut Report::default());
    /// assert_eq!(out, "my password: [REDACTED] ssn [REDACTED]");
    /// # Ok::<(), agentlens::redact::RedactError>(())
    /// ```
    #[must_use]
    pub fn redact_str<'a>(&self, s: &'a str, report: &mut Report) -> Cow<'a, str> {
        match &self.detector {
            Some(d) if !s.is_empty() => d.redact(s, &self.config.marker, report),
            _ => Cow::Borrowed(s),
        }
    }

    /// [`redact_str`](Self::redact_str) in place.
    pub fn redact_string(&self, s: &mut String, report: &mut Report) {
        if let Cow::Owned(out) = self.redact_str(s, report) {
            *s = out;
        }
    }

    /// Redacts `v` at any depth.
    ///
    /// The value under a sensitive object key becomes the marker string, whatever its type
    /// (counted in [`Report::keys_redacted`]). Every other string, in objects and arrays
    /// alike, gets pattern redaction, and so do object keys: when a key matches, the map is
    /// rebuilt in the same order, and a redacted key that collides with another gets a
    /// ` (2)`, ` (3)`, ... suffix so that no entry is lost.
    ///
    /// Uses an explicit stack, so deep nesting cannot overflow the call stack.
    pub fn redact_value(&self, v: &mut Value, report: &mut Report) {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => self.redact_string(s, report),
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(map) => {
                    let sensitive: Vec<bool> =
                        map.keys().map(|k| self.is_sensitive_key(k)).collect();
                    self.redact_keys(map, report);
                    for (child, sensitive) in map.values_mut().zip(sensitive) {
                        if sensitive {
                            *child = Value::String(self.config.marker.clone());
                            report.keys_redacted = report.keys_redacted.saturating_add(1);
                        } else {
                            stack.push(child);
                        }
                    }
                }
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
    }

    /// Pattern-redacts the keys of `map`, rebuilding it in order only if one changed.
    fn redact_keys(&self, map: &mut Map<String, Value>, report: &mut Report) {
        let mut key_report = Report::default();
        let new_keys: Vec<Option<String>> = map
            .keys()
            .map(|k| match self.redact_str(k, &mut key_report) {
                Cow::Owned(new) => Some(new),
                Cow::Borrowed(_) => None,
            })
            .collect();
        if key_report.is_empty() {
            return;
        }
        report.merge(&key_report);
        let old = std::mem::take(map);
        let mut rebuilt = Map::with_capacity(old.len());
        for ((key, value), new_key) in old.into_iter().zip(new_keys) {
            let mut key = new_key.unwrap_or(key);
            if rebuilt.contains_key(&key) {
                let base = key.clone();
                let mut n = 2u64;
                while rebuilt.contains_key(&key) {
                    key = format!("{base} ({n})");
                    n += 1;
                }
            }
            rebuilt.insert(key, value);
        }
        *map = rebuilt;
    }

    /// [`redact_value`](Self::redact_value), then [`truncate_value`] to
    /// [`Config::max_field_bytes`]: the whole treatment of one field, in one call.
    pub fn redact_and_truncate(&self, v: &mut Value, report: &mut Report) {
        self.redact_value(v, report);
        truncate_value(v, self.config.max_field_bytes, report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor() -> Redactor {
        Redactor::new(Config::default()).unwrap()
    }

    #[test]
    fn sensitive_keys_are_replaced_whatever_the_value_type() {
        let mut v = json!({"password": {"nested": 1}, "token": null, "keep": [1, "a"]});
        let mut report = Report::default();
        redactor().redact_value(&mut v, &mut report);
        assert_eq!(
            v,
            json!({"password": MARKER, "token": MARKER, "keep": [1, "a"]})
        );
        assert_eq!(report.keys_redacted, 2);
    }

    #[test]
    fn keys_that_match_a_pattern_are_redacted_in_order_without_losing_entries() {
        let mut v = json!({"a@x.io": 1, "mid": 2, "b@y.io": 3, "[REDACTED] (2)": 4});
        let mut report = Report::default();
        redactor().redact_value(&mut v, &mut report);
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["[REDACTED]", "mid", "[REDACTED] (2)", "[REDACTED] (2) (2)"]
        );
        assert_eq!(report.by_pattern.get("email"), Some(&2));
    }

    #[test]
    fn a_custom_marker_is_used_everywhere() {
        let config = Config {
            marker: "***".into(),
            ..Config::default()
        };
        let r = Redactor::new(config).unwrap();
        let mut v = json!({"secret": 1, "s": "ssn 123-45-6789"});
        r.redact_value(&mut v, &mut Report::default());
        assert_eq!(v, json!({"secret": "***", "s": "ssn ***"}));
    }

    #[test]
    fn empty_keys_and_tiny_budgets_are_invalid_config() {
        let err = Redactor::new(Config::default().with_keys(["_"])).unwrap_err();
        assert!(matches!(
            err,
            RedactError::InvalidConfig { option: "keys", .. }
        ));
        let config = Config {
            max_field_bytes: 1,
            ..Config::default()
        };
        let err = Redactor::new(config).unwrap_err();
        assert!(matches!(
            err,
            RedactError::InvalidConfig {
                option: "max_field_bytes",
                ..
            }
        ));
    }

    #[test]
    fn no_patterns_and_no_keys_leave_values_untouched() {
        let config = Config::default()
            .replace_keys(Vec::<String>::new())
            .replace_patterns(vec![]);
        let r = Redactor::new(config).unwrap();
        let mut v = json!({"password": "ssn 123-45-6789"});
        let before = v.clone();
        let mut report = Report::default();
        r.redact_value(&mut v, &mut report);
        assert_eq!(v, before);
        assert!(report.is_empty());
    }

    #[test]
    fn reports_merge_by_adding_counts() {
        let mut a = Report {
            keys_redacted: 1,
            by_pattern: BTreeMap::from([("ssn".to_owned(), 2)]),
            ..Report::default()
        };
        let b = Report {
            matches_redacted: 3,
            by_pattern: BTreeMap::from([("ssn".to_owned(), 1), ("jwt".to_owned(), 1)]),
            bytes_removed: 9,
            ..Report::default()
        };
        a.merge(&b);
        assert_eq!(
            a.by_pattern,
            BTreeMap::from([("jwt".into(), 1), ("ssn".into(), 3)])
        );
        assert_eq!(
            (a.keys_redacted, a.matches_redacted, a.bytes_removed),
            (1, 3, 9)
        );
        assert!(!a.is_empty());
        assert!(Report::default().is_empty());
    }

    #[test]
    fn debug_output_names_rules_but_shows_no_pattern_text() {
        let config = Config::default().with_patterns(vec![PatternRule::new("mine", "hunter2")]);
        let text = format!("{:?}", Redactor::new(config).unwrap());
        assert!(text.contains("mine"));
        assert!(!text.contains("hunter2"));
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let mut v = json!("ssn 123-45-6789");
        for _ in 0..50_000 {
            v = Value::Array(vec![v]);
        }
        redactor().redact_value(&mut v, &mut Report::default());
        assert!(json_size(&v) > 50_000);
        // Dismantle iteratively: serde_json's own Drop is recursive.
        let mut cur = v;
        while let Value::Array(mut items) = cur {
            cur = items.pop().unwrap_or(Value::Null);
        }
        assert_eq!(cur, json!("ssn [REDACTED]"));
    }
}
